"""The outbox's background work: send one message, and relay what no task sent.

Tasks take ids only, never an address, and are idempotent.
"""

import logging

from celery import shared_task

from outbox import sending, signals
from outbox.models import Email
from selvhjelp.queue import enqueue

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=8, acks_late=True)
def send_email(self, email_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        email = sending.deliver(email_id)
    except Exception as exc:
        # Only a transient failure is retried here, with backoff; anything
        # else (and a broker-less setup) is left to the relay, which tries
        # again later until the attempts run out.
        if sending.is_transient(exc) and not self.request.is_eager and self.request.retries < self.max_retries:
            # Short retries here; longer waits are the relay's, which keeps the
            # countdown below the broker's visibility timeout.
            countdown = min(sending.backoff(self.request.retries).total_seconds(), 600)
            raise self.retry(exc=exc, countdown=countdown) from None
        logger.warning("Sending email %s failed (%s); the relay will try again", email_id, type(exc).__name__)
        return
    if email is not None:
        signals.sent.send(sender=Email, email=email)


@shared_task
def relay_outbox() -> int:
    """Send messages whose task never ran, for example because the broker was
    down. Returns how many were handed to a worker again."""
    due = sending.due_for_relay()
    for email_id in due:
        enqueue(send_email, email_id)
    return len(due)
