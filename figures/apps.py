from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "figures"
    verbose_name = _("Figures for Selvhjelp Norge's offices")

    def warm_up(self) -> None:
        """What a new web worker reads in before its first request (``selvhjelp/gunicorn_conf.py``)."""
        from figures import views  # the pages' code, once Django is set up

        views.warm_up()
