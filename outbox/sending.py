"""Sending a message from the outbox exactly once: ``deliver`` claims the row,
renders it through its kind's registered renderer and sends it; a transient
failure is retried with backoff; ``due_for_relay`` finds what no task sent in
time."""

import datetime
import logging
import random
import smtplib

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.db import OperationalError, connection
from django.db.models import F, Q
from django.utils import timezone

from outbox import kinds
from outbox.models import Email

logger = logging.getLogger(__name__)

# How long a claim on a message is honoured before another sender may take it: a sender that died
# mid-send leaves its claim, and the relay sends the message again once the lease has run out.
CLAIM_LEASE = datetime.timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)
# A send still going after this long is stopped (the task's time limit), so that no live sender
# holds a claim past its lease: what outlasts the lease is sent again, and must be dead.
SEND_TIME_LIMIT = CLAIM_LEASE.total_seconds() / 2
# Messages older than this that are still unsent are picked up by the relay.
RELAY_AFTER = datetime.timedelta(minutes=2)
# With the backoff below, about a day of trying before a message is given up.
MAX_ATTEMPTS = 30


def backoff(attempts: int) -> datetime.timedelta:
    """Exponential backoff with jitter, capped at an hour."""
    seconds = min(3600, 30 * 2 ** min(attempts, 10)) + random.randint(0, 30)  # noqa: S311 - jitter, not security
    return datetime.timedelta(seconds=seconds)


# The address itself is refused: trying again changes nothing.
PERMANENT_ERRORS: tuple[type[Exception], ...] = (
    AnymailRecipientsRefused,
    AnymailInvalidAddress,
    smtplib.SMTPRecipientsRefused,
)


class SendingFailed(Exception):
    """A send that failed, named by the kind of its exception only: ``SendingFailed("SMTPRecipientsRefused")``.

    A mail exception's text names recipients (``SMTPRecipientsRefused`` holds
    a dict keyed by address; a provider's error echoes its request), and
    Celery logs the exception a task retries with, ``repr()`` and all, and
    keeps it. So a task retries with this, never with the mail exception.
    """


def is_transient(exc: BaseException) -> bool:
    """Worth retrying soon: the provider or the network had a bad moment."""
    if isinstance(exc, AnymailAPIError):
        return exc.status_code is None or exc.status_code >= 500 or exc.status_code == 429
    return isinstance(exc, (ConnectionError, TimeoutError, smtplib.SMTPException, OSError))


def _claim(email_id: int, now: datetime.datetime) -> bool:
    stale = now - CLAIM_LEASE
    return bool(
        Email.objects.filter(pk=email_id, sent_at=None, failed_at=None)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=stale))
        .update(claimed_at=now)
    )


def deliver(email_id: int) -> Email | None:
    """Send one outbox message if nobody else has; return it if this call sent it.

    Raises on a transient failure, so that the caller retries.
    """
    now = timezone.now()
    if not _claim(email_id, now):
        return None
    email = Email.objects.filter(pk=email_id).first()
    if email is None:
        return None
    try:
        message = kinds.render(email)
        if message is not None:
            message.send()
    except PERMANENT_ERRORS as exc:
        Email.objects.filter(pk=email_id).update(failed_at=timezone.now(), error=type(exc).__name__)
        logger.warning("Email %s was refused permanently (%s)", email_id, type(exc).__name__)
        return email
    except Exception as exc:
        attempts = email.attempts + 1
        update: dict[str, object] = {
            "claimed_at": None,
            "attempts": F("attempts") + 1,
            "error": type(exc).__name__,
            "next_attempt_at": timezone.now() + backoff(attempts),
        }
        if attempts >= MAX_ATTEMPTS:
            update["failed_at"] = timezone.now()
        Email.objects.filter(pk=email_id).update(**update)
        raise
    # Anymail backends report the provider's id, which its bounce reports name.
    message_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
    provider_id = "" if message_id is None else str(message_id)[:200]
    _mark_sent(email_id, provider_id)
    return email


def _mark_sent(email_id: int, provider_id: str) -> None:
    """The provider has taken the message: say so, on a new connection if PostgreSQL dropped this one
    meanwhile. Else the claim would run out and the relay send it a second time."""
    sent = Email.objects.filter(pk=email_id)
    try:
        sent.update(sent_at=timezone.now(), error="", provider_message_id=provider_id)
    except OperationalError:
        if connection.in_atomic_block:
            raise
        logger.warning("Marking email %s sent lost its database connection; marking it on a new one", email_id)
        connection.close()
        sent.update(sent_at=timezone.now(), error="", provider_message_id=provider_id)


def queued_before(email_ids: list[int], moment: datetime.datetime) -> list[int]:
    """Of these messages (``due_for_relay``'s), those whose tasks were queued before ``moment``."""
    return list(
        Email.objects.filter(pk__in=email_ids, created_at__lt=moment)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


def relayed(email_ids: list[int]) -> None:
    """These messages' copies were queued behind a long queue: no other copy before RELAY_AFTER has passed."""
    if email_ids:
        Email.objects.filter(pk__in=email_ids, sent_at=None).update(next_attempt_at=timezone.now() + RELAY_AFTER)


def due_for_relay(now: datetime.datetime | None = None, *, lost_before: datetime.datetime | None = None) -> list[int]:
    """Unsent messages no task has sent in RELAY_AFTER, oldest first; and, at once, those queued before
    ``lost_before`` (when the broker last started: a Redis without persistence lost their tasks)."""
    now = now or timezone.now()
    due = Q(created_at__lt=now - RELAY_AFTER)
    if lost_before is not None:
        due |= Q(created_at__lt=lost_before)
    return list(
        Email.objects.filter(due, sent_at=None, failed_at=None)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .filter(Q(next_attempt_at=None) | Q(next_attempt_at__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
