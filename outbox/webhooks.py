"""Reports from the mail provider, through anymail's tracking webhooks.

A hard bounce, a spam complaint or a refusal means the recipient cannot be
reached. The outbox finds the message the report is about and tells the app
that sent it (``signals.undeliverable``); what follows is that app's business.
"""

import logging
from collections.abc import Callable

from anymail.exceptions import AnymailError, AnymailWebhookValidationFailure
from anymail.signals import AnymailTrackingEvent
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from outbox import signals
from outbox.models import Email

logger = logging.getLogger(__name__)

UNREACHABLE = {"bounced", "complained", "rejected", "failed"}
MESSAGE_ID_LENGTH: int = Email._meta.get_field("provider_message_id").max_length or 200


def mail_tracking(sender: object, event: AnymailTrackingEvent, esp_name: str, **kwargs: object) -> None:
    if event.event_type not in UNREACHABLE:
        return
    message_id = event.message_id
    if isinstance(message_id, int) and not isinstance(message_id, bool):
        message_id = str(message_id)  # Mailjet's ids are numbers
    # No message we sent has an id like anything else (and PostgreSQL refuses a NUL in any text).
    if not isinstance(message_id, str) or not message_id or "\x00" in message_id or len(message_id) > MESSAGE_ID_LENGTH:
        return
    email = Email.objects.filter(provider_message_id=message_id).first()
    if email is None:
        return
    for _receiver, removed in signals.undeliverable.send(sender=Email, email=email):
        if removed:
            logger.info("A recipient was removed after a %s report from %s", event.event_type, esp_name)


def webhook(view_class: type) -> Callable[..., HttpResponse]:
    """A mail provider's tracking webhook, open only when a shared secret is configured.

    A report the provider's parser cannot read is answered 400, not 500: a 500
    tells the provider to send the same unreadable report again.
    """

    class Readable(view_class):
        def parse_events(self, request: HttpRequest) -> list[object]:
            try:
                return list(super().parse_events(request))
            except (ValueError, LookupError, TypeError, AttributeError, AnymailError) as error:
                raise AnymailWebhookValidationFailure("The report could not be read") from error

    Readable.__name__ = Readable.__qualname__ = view_class.__name__
    view = Readable.as_view()

    @csrf_exempt
    def secured(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            raise Http404
        return view(request, *args, **kwargs)

    return secured
