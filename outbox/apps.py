from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Outgoing mail")

    def ready(self) -> None:
        from anymail.signals import tracking

        from outbox.webhooks import mail_tracking

        tracking.connect(mail_tracking, dispatch_uid="outbox.mail_tracking")
