from django.apps import AppConfig


class SelvhjelpConfig(AppConfig):
    name = "selvhjelp"

    def ready(self) -> None:
        from selvhjelp import checks  # noqa: F401 - registers the deployment checks
