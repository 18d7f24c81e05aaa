"""The outbox: deciding to send an email, and sending it exactly once."""

import datetime
import logging
import random
import smtplib
from collections.abc import Callable

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import Application, ApplicationQuestion, ContactPoint, responsible_offices
from groups import guide, links, matching, selectors
from groups.models import Broadcast, Email, Group, Invitation, SignUp
from selvhjelp.mail import build_message

logger = logging.getLogger(__name__)

# How long a claim on a message is honoured before another sender may take it.
CLAIM_LEASE = datetime.timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)
# Messages older than this that are still unsent are picked up by the relay.
RELAY_AFTER = datetime.timedelta(minutes=2)
# With the backoff below, about a day of trying before a message is given up.
MAX_ATTEMPTS = 30


def backoff(attempts: int) -> datetime.timedelta:
    """Exponential backoff with jitter, capped at an hour."""
    seconds = min(3600, 30 * 2 ** min(attempts, 10)) + random.randint(0, 30)  # noqa: S311 - jitter, not security
    return datetime.timedelta(seconds=seconds)


PERMANENT_ERRORS: tuple[type[Exception], ...] = (AnymailRecipientsRefused, AnymailInvalidAddress)


def is_transient(exc: BaseException) -> bool:
    """Worth retrying soon: the provider or the network had a bad moment."""
    if isinstance(exc, AnymailAPIError):
        return exc.status_code is None or exc.status_code >= 500 or exc.status_code == 429
    return isinstance(exc, (ConnectionError, TimeoutError, smtplib.SMTPException, OSError))


def queue(
    *,
    kind: str,
    dedupe_key: str,
    contact_point: ContactPoint | None,
    signup: SignUp | None = None,
    user: object = None,
    group: Group | None = None,
    broadcast: Broadcast | None = None,
    application: Application | None = None,
    question: ApplicationQuestion | None = None,
) -> bool:
    """Write an outbox row in the current transaction; send it after commit.

    Returns False when a message with the same key exists already.
    """
    try:
        with transaction.atomic():
            email = Email.objects.create(
                kind=kind,
                dedupe_key=dedupe_key[:100],
                contact_point=contact_point,
                signup=signup,
                user=user,
                group=group,
                broadcast=broadcast,
                application=application,
                question=question,
            )
    except IntegrityError:
        return False
    transaction.on_commit(lambda: enqueue(email.pk), robust=True)
    return True


def queue_for_staff(*, kind: str, contact_point: ContactPoint, key: str) -> None:
    """One message to each active staff member of the contact point; ``key`` is made unique per member."""
    for user in contact_point.staff.filter(is_active=True):
        queue(kind=kind, dedupe_key=f"{key}:{user.pk}", contact_point=contact_point, user=user)


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


def deliver(email_id: int) -> Email | None:
    """Send one outbox message if nobody else has; return it if this call sent it.

    Raises on a transient failure, so that the caller retries.
    """
    now = timezone.now()
    if not _claim(email_id, now):
        return None
    email = (
        Email.objects.select_related(
            "signup",
            "contact_point",
            "user",
            "group__room",
            "broadcast",
            "application__decided_by",
            "question__asked_by",
        )
        .filter(pk=email_id)
        .first()
    )
    if email is None:
        return None
    try:
        message = render(email)
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
    Email.objects.filter(pk=email_id).update(sent_at=timezone.now(), error="", provider_message_id=provider_id)
    return email


def due_for_relay(now: datetime.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Email.objects.filter(sent_at=None, failed_at=None, created_at__lt=now - RELAY_AFTER)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .filter(Q(next_attempt_at=None) | Q(next_attempt_at__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def _signup_message(email: Email, name: str, *, with_link: bool = True) -> EmailMultiAlternatives | None:
    """A message to a participant, rendered in their language, from their contact point."""
    signup = email.signup
    if signup is None:
        return None
    contact_point = email.contact_point or signup.contact_point
    context: dict[str, object] = {
        "contact_point": contact_point,
        "signup": signup,
        "group": email.group,
        "broadcast": email.broadcast,
        "confirm_hours": settings.SIGNUP_CONFIRM_HOURS,
        "closed_signups_kept_days": settings.CLOSED_SIGNUPS_KEPT_DAYS,
    }
    if with_link:
        context["link"] = f"{settings.SITE_URL}{links.url(links.mint(signup=signup))}"
    if email.kind == Email.Kind.INVITATION:
        invitation = Invitation.objects.filter(signup=signup).first()
        if invitation is None:
            return None  # The seat was given up before the message went out.
        context["invitation"] = invitation
    if email.kind == Email.Kind.GUIDE and email.group is not None:
        context["shared"] = _shared_addresses(email.group, signup)
        context["guide"] = guide.HOW_A_GROUP_RUNS_ITSELF
    if email.kind == Email.Kind.MOVE_OFFER:
        context["nationwide"] = selectors.move_options(signup)
        if not context["nationwide"]:
            return None  # The place moved, or the nationwide list closed, before the message went out.
    return build_message(
        name=name,
        context=context,
        to=signup.email,
        locale=signup.locale,
        sender_name=contact_point.name,
        reply_to=contact_point.public_email,
    )


def _shared_addresses(group: Group, signup: SignUp) -> list[tuple[str, str]]:
    """Members who agreed to share their address, shown only to others who agreed too."""
    members = list(
        Invitation.objects.filter(group=group, status=Invitation.Status.ACCEPTED, share_email=True).select_related(
            "signup"
        )
    )
    if not any(member.signup_id == signup.pk for member in members):
        return []
    return [(m.signup.nickname, m.signup.email) for m in members if m.signup_id != signup.pk]


def _staff_message(email: Email, name: str) -> EmailMultiAlternatives | None:
    user = email.user
    contact_point = email.contact_point
    if user is None or contact_point is None or not user.is_active:  # type: ignore[attr-defined]
        return None
    counts = matching.plan_counts(contact_point)
    ready = sorted((plan for plan, n in counts.items() if n >= contact_point.threshold), key=lambda p: -counts[p])
    return build_message(
        name=name,
        context={
            "contact_point": contact_point,
            "plans": ready[:5],
            "link": f"{settings.SITE_URL}{reverse('staff:dashboard', args=[contact_point.slug])}",
        },
        to=user.email,  # type: ignore[attr-defined]
        locale=user.language,  # type: ignore[attr-defined]
    )


def _work_message(email: Email, name: str) -> EmailMultiAlternatives | None:
    """A message to a work account (contact-point staff or an office) about a contact point or an application."""
    user = email.user
    if user is None or not user.is_active:  # type: ignore[attr-defined]
        return None
    contact_point, application = email.contact_point, email.application
    if email.kind == Email.Kind.DETAILS_CHECK and contact_point is not None:
        path = reverse("staff:confirm_details", args=[contact_point.slug])
    elif email.kind == Email.Kind.NEW_APPLICATION and application is not None:
        office = user.offices.filter(pk__in=_responsible(application)).first()  # type: ignore[attr-defined]
        if office is None:
            return None  # No longer a member of the office that handles it.
        path = reverse("figures:application", args=[office.slug, application.pk])
    elif email.kind == Email.Kind.DETAILS_OVERDUE and contact_point is not None:
        office = user.offices.filter(counties=contact_point.municipality.county_id).first()  # type: ignore[attr-defined]
        path = reverse("figures:office", args=[office.slug]) if office else reverse("figures:home")
    else:
        return None
    return build_message(
        name=name,
        context={
            "contact_point": contact_point,
            "application": application,
            "link": f"{settings.SITE_URL}{path}",
            "grace_days": settings.DETAILS_CHECK_GRACE_DAYS,
        },
        to=user.email,  # type: ignore[attr-defined]
        locale=user.language,  # type: ignore[attr-defined]
    )


def _account_message(email: Email, name: str) -> EmailMultiAlternatives | None:
    """A one-time set-password link for a work account, made when the message is sent."""
    from accounts.tokens import set_password_path

    user = email.user
    if user is None or not user.is_active:  # type: ignore[attr-defined]
        return None
    places = [point.name for point in user.contact_points.all()] + [o.name for o in user.offices.all()]  # type: ignore[attr-defined]
    return build_message(
        name=name,
        context={
            "places": places,
            "link": f"{settings.SITE_URL}{set_password_path(user)}",
            "hours": settings.SET_PASSWORD_LINK_HOURS,
        },
        to=user.email,  # type: ignore[attr-defined]
        locale=user.language,  # type: ignore[attr-defined]
    )


def _responsible(application: Application) -> list[int]:
    return list(responsible_offices(application.municipality).values_list("pk", flat=True))


def _applicant_message(email: Email, name: str) -> EmailMultiAlternatives | None:
    """A message to an organisation that applied, at the address it gave; replies go to the office."""
    application = email.application
    if application is None:
        return None
    question = email.question
    # Replies go to the person at the office who asked or decided.
    replier = question.asked_by if question is not None else application.decided_by
    office = question.office if question is not None else None
    if office is None:
        office = responsible_offices(application.municipality).first()
    return build_message(
        name=name,
        context={"application": application, "question": question, "office": office},
        to=application.public_email,
        locale=application.locale,
        sender_name=office.name if office else "",
        reply_to=replier.email if replier is not None else "",  # type: ignore[attr-defined]
    )


RENDERERS: dict[str, Callable[[Email], EmailMultiAlternatives | None]] = {
    Email.Kind.CONFIRM: lambda email: _signup_message(email, "confirm"),
    Email.Kind.ALREADY_SIGNED_UP: lambda email: _signup_message(email, "already-signed-up"),
    Email.Kind.INVITATION: lambda email: _signup_message(email, "invitation"),
    Email.Kind.BACK_ON_LIST: lambda email: _signup_message(email, "back-on-list"),
    Email.Kind.BROADCAST: lambda email: _signup_message(email, "message"),
    Email.Kind.GUIDE: lambda email: _signup_message(email, "guide", with_link=False),
    Email.Kind.EXPIRY_WARNING: lambda email: _signup_message(email, "expiry-warning"),
    Email.Kind.MOVE_OFFER: lambda email: _signup_message(email, "move-offer"),
    Email.Kind.ENOUGH_WAITING: lambda email: _staff_message(email, "enough-waiting"),
    Email.Kind.SIGNUPS_PAUSED: lambda email: _signup_message(email, "signups-paused"),
    Email.Kind.CLOSING: lambda email: _signup_message(email, "closing"),
    Email.Kind.DETAILS_CHECK: lambda email: _work_message(email, "details-check"),
    Email.Kind.DETAILS_OVERDUE: lambda email: _work_message(email, "details-overdue"),
    Email.Kind.NEW_APPLICATION: lambda email: _work_message(email, "application-new"),
    Email.Kind.APPLICATION_QUESTION: lambda email: _applicant_message(email, "application-question"),
    Email.Kind.APPLICATION_APPROVED: lambda email: _applicant_message(email, "application-approved"),
    Email.Kind.APPLICATION_DECLINED: lambda email: _applicant_message(email, "application-declined"),
    Email.Kind.STAFF_INVITATION: lambda email: _account_message(email, "staff-invitation"),
    Email.Kind.SET_PASSWORD: lambda email: _account_message(email, "set-password"),
}


def render(email: Email) -> EmailMultiAlternatives | None:
    return RENDERERS[email.kind](email)
