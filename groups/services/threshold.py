"""Enough names: telling staff once when enough people wait for one group,
holding that notice while sign-ups come unusually fast, and staff's edits
that may change what "enough" is."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from contactpoints.emails import queue_for_staff
from contactpoints.locking import lock_contact_point
from contactpoints.models import ContactPoint, Language
from groups import emails, matching
from groups.models import NoticeHold

logger = logging.getLogger(__name__)


def update_contact_point(
    *, contact_point: ContactPoint, fields: list[str], languages: Iterable[str] | None = None
) -> None:
    """Save staff's edits to their public page, and the languages they start groups in;
    a new threshold, or a new language, may mean enough are waiting.

    Only the edited fields are written, so that nothing the app changed in
    the meantime (such as the threshold notice) is overwritten.
    """
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        contact_point.details_confirmed_at = timezone.now()
        contact_point.save(update_fields=[*fields, "details_confirmed_at"])
        if languages is not None:
            contact_point.languages.set(Language.objects.filter(code__in=languages))
        check_enough_waiting(contact_point_id=contact_point.pk)


def check_enough_waiting(*, contact_point_id: int) -> bool:
    """Tell staff once when the people waiting for one group plan reach the threshold.

    Called in the transaction of every change to the waiting list. The contact
    point's row is locked so that two confirmations at once send one notice.
    """
    point = ContactPoint.objects.select_for_update().get(pk=contact_point_id)
    enough = matching.best_count(point) >= point.threshold
    if enough and point.enough_notified_at is None:
        if NoticeHold.objects.filter(contact_point_id=point.pk, released_at=None).exists():
            return False  # Sign-ups came unusually fast: staff look first (release_notices).
        now = timezone.now()
        ContactPoint.objects.filter(pk=point.pk).update(enough_notified_at=now)
        queue_for_staff(kind=emails.ENOUGH_WAITING, contact_point=point, key=f"enough:{point.pk}:{now.isoformat()}")
        return True
    if not enough and point.enough_notified_at is not None:
        ContactPoint.objects.filter(pk=point.pk).update(enough_notified_at=None)
    return False


def hold_notices(*, contact_point: ContactPoint, turned_away: bool) -> bool:
    """Sign-ups at this contact point come unusually fast: hold its automatic
    "enough are waiting" notice until its staff have looked. Returns True if
    this started a hold."""
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        hold = NoticeHold.objects.filter(contact_point=contact_point, released_at=None).first()
        if hold is not None:
            if turned_away and not hold.turned_away:
                NoticeHold.objects.filter(pk=hold.pk).update(turned_away=True)
            return False
        NoticeHold.objects.create(contact_point=contact_point, turned_away=turned_away)
    logger.warning("Sign-ups at contact point %s came unusually fast; its notices are held", contact_point.pk)
    return True


def release_notices(*, contact_point: ContactPoint, released_by: User | None) -> bool:
    """Staff have looked at a burst of sign-ups: notices go out as usual again,
    and at once if enough are waiting. Returns True if that sent a notice now."""
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        NoticeHold.objects.filter(contact_point=contact_point, released_at=None).update(
            released_at=timezone.now(), released_by=released_by
        )
        return check_enough_waiting(contact_point_id=contact_point.pk)
