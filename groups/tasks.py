"""Background work. Tasks take ids only, never an address, and are idempotent."""

import logging
import random

from celery import shared_task

from groups import outbox, services
from groups.models import Email

logger = logging.getLogger(__name__)


def backoff(retries: int) -> int:
    """Exponential backoff with jitter, capped at an hour."""
    return min(3600, 30 * 2**retries) + random.randint(0, 30)  # noqa: S311 - jitter, not security


@shared_task(bind=True, max_retries=outbox.MAX_ATTEMPTS, acks_late=True)
def send_email(self, email_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        email = outbox.deliver(email_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries or self.request.is_eager:
            # Without a broker there is no retry queue: the relay tries again later.
            logger.warning("Sending email %s failed (%s); it will be retried", email_id, type(exc).__name__)
            return
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from None
    if email is not None and email.kind == Email.Kind.GUIDE and email.group_id:
        finish_hand_off.delay(email.group_id)


@shared_task
def relay_outbox() -> int:
    """Send messages whose task never ran, for example because the broker was down."""
    due = outbox.due_for_relay()
    for email_id in due:
        outbox.enqueue(email_id)
    return len(due)


@shared_task
def delete_unconfirmed() -> int:
    return services.delete_unconfirmed()


@shared_task
def expire_invitations() -> int:
    return services.expire_invitations()


@shared_task
def hand_off_due() -> int:
    return services.hand_off_due()


@shared_task
def finish_hand_off(group_id: int) -> bool:
    return services.finish_hand_off(group_id=group_id)
