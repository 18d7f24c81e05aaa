"""Workflows for a person's sign-up. Each one is a single transaction."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from contactpoints.models import ContactPoint
from groups import figures, outbox
from groups.models import Email, SignUp
from selvhjelp.crypto import address_hash, normalise_address

# A person who submits the form again for an address already on the list gets
# at most one reminder in this window, so the form cannot be used to flood an inbox.
RESEND_WINDOW = datetime.timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class Preferences:
    format: str
    time_of_day: str
    language: str
    age_group: str


def _window_key(moment: datetime.datetime) -> int:
    return int(moment.timestamp() // RESEND_WINDOW.total_seconds())


def sign_up(
    *,
    contact_point: ContactPoint,
    email: str,
    nickname: str,
    preferences: Preferences,
    locale: str,
) -> None:
    """Record a person's own sign-up and ask them to confirm it.

    An address already signed up at this contact point makes no second row;
    its owner gets an email instead, and the caller cannot tell the difference.
    """
    now = timezone.now()
    digest = address_hash(email)
    try:
        with transaction.atomic():
            signup = SignUp.objects.create(
                contact_point=contact_point,
                email=normalise_address(email),
                email_hash=digest,
                nickname=nickname,
                format=preferences.format,
                time_of_day=preferences.time_of_day,
                language=preferences.language,
                age_group=preferences.age_group,
                locale=locale,
                created_at=now,
            )
            figures.count(contact_point_id=contact_point.pk, signed_up=1)
            outbox.queue(
                kind=Email.Kind.CONFIRM,
                dedupe_key=f"confirm:{signup.pk}:{_window_key(now)}",
                signup=signup,
                contact_point=contact_point,
            )
            return
    except IntegrityError:
        pass
    with transaction.atomic():
        existing = SignUp.objects.filter(contact_point=contact_point, email_hash=digest).first()
        if existing is None:
            # Deleted between our insert and this lookup; nothing to remind.
            return
        kind = Email.Kind.ALREADY_SIGNED_UP if existing.is_waiting else Email.Kind.CONFIRM
        outbox.queue(
            kind=kind,
            dedupe_key=f"{kind}:{existing.pk}:{_window_key(now)}",
            signup=existing,
            contact_point=contact_point,
        )


def confirm(*, signup: SignUp) -> bool:
    """Confirm a sign-up from the person's own inbox. Returns False if it was confirmed already."""
    now = timezone.now()
    with transaction.atomic():
        updated = SignUp.objects.filter(pk=signup.pk, status=SignUp.Status.UNCONFIRMED).update(
            status=SignUp.Status.WAITING,
            confirmed_at=now,
            waiting_since=now,
            expires_at=now + datetime.timedelta(days=settings.SIGNUP_EXPIRY_DAYS),
        )
        if not updated:
            return False
        figures.count(contact_point_id=signup.contact_point_id, confirmed=1)
    signup.refresh_from_db()
    return True


def change_preferences(*, signup: SignUp, nickname: str, preferences: Preferences) -> None:
    SignUp.objects.filter(pk=signup.pk).update(
        nickname=nickname,
        format=preferences.format,
        time_of_day=preferences.time_of_day,
        language=preferences.language,
        age_group=preferences.age_group,
    )
    signup.refresh_from_db()


def withdraw(*, signup: SignUp) -> None:
    """Delete the sign-up at once, with its links and unsent mail."""
    with transaction.atomic():
        deleted, _ = SignUp.objects.filter(pk=signup.pk).delete()
        if deleted and signup.is_waiting:
            figures.count(contact_point_id=signup.contact_point_id, withdrawn=1)


def delete_unconfirmed(*, now: datetime.datetime | None = None) -> int:
    """Sign-ups not confirmed within the confirmation window are deleted, not kept."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.SIGNUP_CONFIRM_HOURS)
    deleted, per_model = SignUp.objects.filter(status=SignUp.Status.UNCONFIRMED, created_at__lt=cutoff).delete()
    return per_model.get(SignUp._meta.label, 0)
