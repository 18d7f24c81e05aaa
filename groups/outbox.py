"""The outbox: deciding to send an email, and sending it exactly once."""

import datetime
import logging
from collections.abc import Callable

from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from contactpoints.models import ContactPoint
from groups import links
from groups.models import Email, SignUp
from selvhjelp.mail import build_message

logger = logging.getLogger(__name__)

# How long a claim on a message is honoured before another sender may take it.
CLAIM_LEASE = datetime.timedelta(minutes=10)
# Messages older than this that are still unsent are picked up by the relay.
RELAY_AFTER = datetime.timedelta(minutes=2)
MAX_ATTEMPTS = 8

PERMANENT_ERRORS: tuple[type[Exception], ...] = (AnymailRecipientsRefused, AnymailInvalidAddress)


def queue(*, kind: str, dedupe_key: str, signup: SignUp | None = None, contact_point: ContactPoint) -> bool:
    """Write an outbox row in the current transaction; send it after commit.

    Returns False when a message with the same key exists already.
    """
    try:
        with transaction.atomic():
            email = Email.objects.create(
                kind=kind, dedupe_key=dedupe_key[:100], signup=signup, contact_point=contact_point
            )
    except IntegrityError:
        return False
    transaction.on_commit(lambda: enqueue(email.pk), robust=True)
    return True


def enqueue(email_id: int) -> None:
    """Hand a message to the task queue. If the broker is down, the relay sends it later."""
    from groups.tasks import send_email

    try:
        send_email.delay(email_id)
    except Exception:
        logger.warning("Could not enqueue email %s; the outbox relay will send it", email_id, exc_info=True)


def _claim(email_id: int, now: datetime.datetime) -> bool:
    stale = now - CLAIM_LEASE
    return bool(
        Email.objects.filter(pk=email_id, sent_at=None, failed_at=None)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=stale))
        .update(claimed_at=now)
    )


def deliver(email_id: int) -> None:
    """Send one outbox message if nobody else has. Raises on transient failure."""
    now = timezone.now()
    if not _claim(email_id, now):
        return
    email = Email.objects.select_related("signup", "contact_point").filter(pk=email_id).first()
    if email is None:
        return
    try:
        message = render(email)
        if message is not None:
            message.send()
    except PERMANENT_ERRORS as exc:
        Email.objects.filter(pk=email_id).update(failed_at=timezone.now(), error=type(exc).__name__)
        logger.warning("Email %s was refused permanently (%s)", email_id, type(exc).__name__)
        return
    except Exception as exc:
        attempts = email.attempts + 1
        update: dict[str, object] = {"claimed_at": None, "attempts": F("attempts") + 1, "error": type(exc).__name__}
        if attempts >= MAX_ATTEMPTS:
            update["failed_at"] = timezone.now()
        Email.objects.filter(pk=email_id).update(**update)
        raise
    Email.objects.filter(pk=email_id).update(sent_at=timezone.now(), error="")


def due_for_relay(now: datetime.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Email.objects.filter(sent_at=None, failed_at=None, created_at__lt=now - RELAY_AFTER)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def _signup_message(email: Email, name: str) -> EmailMultiAlternatives | None:
    signup = email.signup
    if signup is None:
        return None
    contact_point = email.contact_point or signup.contact_point
    token = links.mint(signup=signup)
    return build_message(
        name=name,
        context={
            "contact_point": contact_point,
            "signup": signup,
            "link": f"{settings.SITE_URL}{links.url(token)}",
            "confirm_hours": settings.SIGNUP_CONFIRM_HOURS,
        },
        to=signup.email,
        locale=signup.locale,
        sender_name=contact_point.name,
        reply_to=contact_point.public_email,
    )


RENDERERS: dict[str, Callable[[Email], EmailMultiAlternatives | None]] = {
    Email.Kind.CONFIRM: lambda email: _signup_message(email, "confirm"),
    Email.Kind.ALREADY_SIGNED_UP: lambda email: _signup_message(email, "already-signed-up"),
}


def render(email: Email) -> EmailMultiAlternatives | None:
    return RENDERERS[email.kind](email)
