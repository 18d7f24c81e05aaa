from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactPointsConfig(AppConfig):
    name = "contactpoints"
    verbose_name = _("Contact points")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from contactpoints import (
            emails,  # noqa: F401 - registers the kinds of mail about contact points
            receivers,
        )
        from contactpoints.models import ContactPoint, County, Language, Municipality, Office, Room
        from outbox import signals

        signals.sent.connect(receivers.mail_sent, dispatch_uid="contactpoints.mail_sent")
        signals.undeliverable.connect(receivers.mail_undeliverable, dispatch_uid="contactpoints.mail_undeliverable")

        # What the public pages show: a change makes them afresh at once (selvhjelp/pagecache.py).
        for model in (ContactPoint, Room, Municipality, County, Office, Language):
            uid = f"contactpoints.public_pages.{model.__name__}"
            post_save.connect(receivers.public_pages_changed, sender=model, dispatch_uid=f"{uid}.saved")
            post_delete.connect(receivers.public_pages_changed, sender=model, dispatch_uid=f"{uid}.deleted")
        for through in (ContactPoint.languages.through, Office.counties.through):
            uid = f"contactpoints.public_pages.{through.__name__}"
            m2m_changed.connect(receivers.public_pages_relation_changed, sender=through, dispatch_uid=uid)
