"""Reports from the mail provider, received through anymail's tracking webhook."""

import logging

from anymail.signals import AnymailTrackingEvent

from groups import services
from groups.models import Email

logger = logging.getLogger(__name__)

# A hard bounce, a spam complaint or a refusal: the person cannot be reached.
UNREACHABLE = {"bounced", "complained", "rejected", "failed"}
MESSAGE_ID_LENGTH = Email._meta.get_field("provider_message_id").max_length


def mail_tracking(sender: object, event: AnymailTrackingEvent, esp_name: str, **kwargs: object) -> None:
    if event.event_type not in UNREACHABLE:
        return
    message_id = event.message_id
    if isinstance(message_id, int) and not isinstance(message_id, bool):
        message_id = str(message_id)  # Mailjet's ids are numbers
    # No message we sent has an id like anything else (and PostgreSQL refuses a NUL in any text).
    if not isinstance(message_id, str) or not message_id or "\x00" in message_id or len(message_id) > MESSAGE_ID_LENGTH:
        return
    if services.remove_undeliverable(provider_message_id=message_id):
        logger.info("A sign-up was removed after a %s report from %s", event.event_type, esp_name)
