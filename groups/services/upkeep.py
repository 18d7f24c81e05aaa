"""The scheduled clean-up: sign-ups never confirmed, places about to run out
and run out, and sign-ups left at a contact point that closed."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contactpoints.locking import lock_contact_point
from contactpoints.models import ContactPoint
from groups import emails, monthly
from groups.models import IncomingSignUp, SignUp
from groups.services.locking import lock_signups
from groups.services.threshold import check_enough_waiting
from outbox import services as outbox

logger = logging.getLogger(__name__)


def delete_unconfirmed(*, now: datetime.datetime | None = None) -> int:
    """Sign-ups not confirmed within the confirmation window are deleted, not kept."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.SIGNUP_CONFIRM_HOURS)
    with transaction.atomic():
        unconfirmed = SignUp.objects.filter(status=SignUp.Status.UNCONFIRMED, created_at__lt=cutoff)
        ids = lock_signups(unconfirmed, skip_locked=True)
        SignUp.objects.filter(pk__in=ids).delete()
        # Never recorded in all that time: it could not have been confirmed either.
        stuck, _kinds = IncomingSignUp.objects.filter(received_at__lt=cutoff).delete()
    if stuck:
        logger.warning("%s accepted sign-ups were never recorded and are deleted", stuck)
    return len(ids)


def warn_expiring(*, now: datetime.datetime | None = None) -> int:
    """Email people whose place runs out soon, once, with a way to keep it."""
    now = now or timezone.now()
    soon = now + datetime.timedelta(days=settings.SIGNUP_EXPIRY_WARNING_DAYS)
    warned = 0
    # At a closed contact point the person was told already when their sign-up goes.
    due = SignUp.objects.waiting().filter(expires_at__lte=soon, expiry_warned_at=None, contact_point__closed_at=None)
    for pk, contact_point_id, expires_at in list(due.values_list("pk", "contact_point_id", "expires_at")):
        with transaction.atomic():
            if not SignUp.objects.filter(pk=pk, expiry_warned_at=None).update(expiry_warned_at=now):
                continue
            warned += outbox.queue(
                kind=emails.EXPIRY_WARNING,
                dedupe_key=f"expiry:{pk}:{expires_at:%Y%m%d}",
                signup=SignUp(pk=pk, contact_point_id=contact_point_id),
                contact_point=ContactPoint(pk=contact_point_id),
            )
    return warned


def expire(*, now: datetime.datetime | None = None) -> int:
    """Waiting sign-ups whose time has run out are deleted, and counted."""
    now = now or timezone.now()
    expired = 0
    due = SignUp.objects.waiting().filter(expires_at__lte=now).values_list("contact_point_id", flat=True).distinct()
    for contact_point_id in list(due):
        with transaction.atomic():
            lock_contact_point(contact_point_id)
            ids = lock_signups(SignUp.objects.waiting().filter(contact_point_id=contact_point_id, expires_at__lte=now))
            SignUp.objects.filter(pk__in=ids).delete()
            if ids:
                monthly.count(contact_point_id=contact_point_id, expired=len(ids))
                check_enough_waiting(contact_point_id=contact_point_id)
            expired += len(ids)
    return expired


def delete_after_closing(*, now: datetime.datetime | None = None) -> int:
    """Sign-ups left at a contact point closed more than CLOSED_SIGNUPS_KEPT_DAYS ago are deleted, and counted."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.CLOSED_SIGNUPS_KEPT_DAYS)
    deleted = 0
    closed = SignUp.objects.filter(contact_point__closed_at__lte=before).values_list("contact_point_id", flat=True)
    for contact_point_id in sorted(set(closed)):
        with transaction.atomic():
            lock_contact_point(contact_point_id)
            rows = list(
                SignUp.objects.select_for_update().filter(contact_point_id=contact_point_id).values_list("pk", "status")
            )
            SignUp.objects.filter(pk__in=[pk for pk, _status in rows]).delete()
            waited = sum(1 for _pk, status in rows if status != SignUp.Status.UNCONFIRMED)
            if waited:
                monthly.count(contact_point_id=contact_point_id, expired=waited)
            deleted += len(rows)
    return deleted
