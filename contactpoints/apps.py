from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactPointsConfig(AppConfig):
    name = "contactpoints"
    verbose_name = _("Contact points")

    def ready(self) -> None:
        from contactpoints import (
            emails,  # noqa: F401 - registers the kinds of mail about contact points
            receivers,
        )
        from outbox import signals

        signals.sent.connect(receivers.mail_sent, dispatch_uid="contactpoints.mail_sent")
        signals.undeliverable.connect(receivers.mail_undeliverable, dispatch_uid="contactpoints.mail_undeliverable")
