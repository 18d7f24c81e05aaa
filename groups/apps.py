from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Sign-ups and groups")

    def ready(self) -> None:
        from anymail.signals import tracking

        from groups.receivers import mail_tracking

        tracking.connect(mail_tracking, dispatch_uid="groups.mail_tracking")
