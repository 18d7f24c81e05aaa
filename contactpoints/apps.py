from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactPointsConfig(AppConfig):
    name = "contactpoints"
    verbose_name = _("Contact points")

    def ready(self) -> None:
        from contactpoints import emails  # noqa: F401 - registers the kinds of mail about contact points
