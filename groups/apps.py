from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Sign-ups and groups")

    def ready(self) -> None:
        from groups import (
            emails,  # noqa: F401 - registers the kinds of mail about sign-ups and groups
            receivers,
        )
        from outbox import signals

        signals.sent.connect(receivers.mail_sent, dispatch_uid="groups.mail_sent")
        signals.undeliverable.connect(receivers.mail_undeliverable, dispatch_uid="groups.mail_undeliverable")
