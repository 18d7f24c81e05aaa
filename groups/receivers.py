"""Reports from the mail provider, received through anymail's tracking webhook."""

import logging

from anymail.signals import AnymailTrackingEvent

from groups import services

logger = logging.getLogger(__name__)

# A hard bounce, a spam complaint or a refusal: the person cannot be reached.
UNREACHABLE = {"bounced", "complained", "rejected", "failed"}


def mail_tracking(sender: object, event: AnymailTrackingEvent, esp_name: str, **kwargs: object) -> None:
    if event.event_type not in UNREACHABLE or not event.message_id:
        return
    if services.remove_undeliverable(provider_message_id=str(event.message_id)):
        logger.info("A sign-up was removed after a %s report from %s", event.event_type, esp_name)
