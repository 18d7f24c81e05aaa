"""Background work. Tasks take ids only, never an address, and are idempotent."""

import random

from celery import shared_task

from groups import outbox, services


def backoff(retries: int) -> int:
    """Exponential backoff with jitter, capped at an hour."""
    return min(3600, 30 * 2**retries) + random.randint(0, 30)  # noqa: S311 - jitter, not security


@shared_task(bind=True, max_retries=outbox.MAX_ATTEMPTS, acks_late=True)
def send_email(self, email_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        outbox.deliver(email_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries or self.request.is_eager:
            # Eager (no broker): the relay tries again later.
            return
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from None


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
