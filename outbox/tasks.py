"""The outbox's background work: send one message, and relay what no task sent.

Tasks take ids only, never an address, and are idempotent.
"""

import logging

from celery import shared_task

from outbox import sending, signals
from outbox.models import Email
from selvhjelp.queue import broker_state, enqueue

logger = logging.getLogger(__name__)


# Stopped well within the claim's lease: first softly (the claim is released and the send tried
# again later), then by force (the claim runs out, and the relay sends it).
@shared_task(
    bind=True,
    max_retries=8,
    acks_late=True,
    soft_time_limit=0.8 * sending.SEND_TIME_LIMIT,
    time_limit=sending.SEND_TIME_LIMIT,
)
def send_email(self, email_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        email = sending.deliver(email_id)
    except Exception as exc:
        # A mail exception's text can name the recipients: keep its kind only,
        # and leave the except block, so that nothing raised below is chained
        # to it (Celery logs and keeps what a retry carries, traceback and all).
        failure, transient = type(exc).__name__, sending.is_transient(exc)
    else:
        if email is not None:
            signals.sent.send(sender=Email, email=email)
        return
    # Only a transient failure is retried here, with backoff; anything
    # else (and a broker-less setup) is left to the relay, which tries
    # again later until the attempts run out.
    if transient and not self.request.is_eager and self.request.retries < self.max_retries:
        # Short retries here; longer waits are the relay's, which keeps the
        # countdown below the broker's visibility timeout.
        countdown = min(sending.backoff(self.request.retries).total_seconds(), 600)
        raise self.retry(exc=sending.SendingFailed(failure), countdown=countdown)
    logger.warning("Sending email %s failed (%s); the relay will try again", email_id, failure)


@shared_task
def relay_outbox() -> int:
    """Send messages whose task never ran, for example because the broker was
    down. Returns how many were handed to a worker again."""
    broker = broker_state()
    due = sending.due_for_relay(lost_before=broker.started if broker is not None else None)
    if due and broker is not None and broker.waiting >= len(due):
        # The workers are behind, not short of work: in a burst, a message's own task may wait in the
        # queue longer than RELAY_AFTER, and a copy would only lengthen the queue, minute after minute.
        # A copy joins the queue at its end anyway, so what was really lost goes out as soon once the
        # queue is shorter than what is due. Except what the broker lost when it restarted: that is
        # relayed now, once (a copy is not made again while it waits its turn).
        lost = sending.queued_before(due, broker.started) if broker.started is not None else []
        logger.info(
            "%s messages are due, and %s tasks wait in the queue: %s lost when the broker restarted relayed now,"
            " the rest later",
            len(due),
            broker.waiting,
            len(lost),
        )
        due = lost
        sending.relayed(due)
    for email_id in due:
        enqueue(send_email, email_id)
    return len(due)
