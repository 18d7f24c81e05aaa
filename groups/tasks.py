"""Background work. Tasks take ids only, never an address, and are idempotent."""

import logging

from celery import shared_task

from groups import outbox, services
from groups.models import Email

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=8, acks_late=True)
def send_email(self, email_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        email = outbox.deliver(email_id)
    except Exception as exc:
        # Only a transient failure is retried here, with backoff; anything
        # else (and a broker-less setup) is left to the relay, which tries
        # again later until the attempts run out.
        if outbox.is_transient(exc) and not self.request.is_eager and self.request.retries < self.max_retries:
            # Short retries here; longer waits are the relay's, which keeps the
            # countdown below the broker's visibility timeout.
            countdown = min(outbox.backoff(self.request.retries).total_seconds(), 600)
            raise self.retry(exc=exc, countdown=countdown) from None
        logger.warning("Sending email %s failed (%s); the relay will try again", email_id, type(exc).__name__)
        return
    if email is not None and email.kind == Email.Kind.GUIDE and email.group_id:
        finish_hand_off.delay(email.group_id)


@shared_task
def record_sign_up(incoming_id: int) -> bool:
    return services.record_incoming(incoming_id=incoming_id)


@shared_task
def relay_outbox() -> int:
    """Record sign-ups and send messages whose task never ran, for example
    because the broker was down. Returns how many messages were relayed."""
    for incoming_id in services.incoming_due():
        try:
            services.record_incoming(incoming_id=incoming_id)
        except Exception as exc:
            logger.warning("Recording sign-up %s failed (%s); trying again later", incoming_id, type(exc).__name__)
    due = outbox.due_for_relay()
    for email_id in due:
        outbox.enqueue(email_id)
    return len(due)


@shared_task
def delete_unconfirmed() -> int:
    return services.delete_unconfirmed()


@shared_task
def warn_expiring() -> int:
    return services.warn_expiring()


@shared_task
def expire_signups() -> int:
    return services.expire()


@shared_task
def expire_invitations() -> int:
    return services.expire_invitations()


@shared_task
def hand_off_due() -> int:
    return services.hand_off_due()


@shared_task
def finish_hand_off(group_id: int) -> bool:
    return services.finish_hand_off(group_id=group_id)


@shared_task
def offer_moves() -> int:
    return services.offer_moves()
