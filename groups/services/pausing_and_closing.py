"""Pausing new sign-ups and closing a contact point, and what that means for the
people waiting there: they are told, keep their place, and only they can
move it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactpoints.locking import lock_contact_point
from contactpoints.models import ContactPoint
from contactpoints.services import ContactPointError
from groups import emails
from groups.models import Group, SignUp
from groups.services.messages import tell_everyone_waiting
from groups.services.threshold import check_enough_waiting
from selvhjelp import pagecache


def pause_signups(*, contact_point: ContactPoint, message: str) -> int:
    """Stop taking new sign-ups for a while. The people waiting keep their place and are told so.

    Returns how many were told; changing the message of a pause tells nobody again.
    """
    now = timezone.now()
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        point = ContactPoint.objects.get(pk=contact_point.pk)
        if point.is_closed:
            raise ContactPointError(_("This contact point is closed."))
        if point.signups_paused:
            ContactPoint.objects.filter(pk=point.pk).update(pause_message=message)
            pagecache.bump()
            contact_point.refresh_from_db()
            return 0
        ContactPoint.objects.filter(pk=point.pk).update(signups_paused_at=now, pause_message=message)
        pagecache.bump()
        told = tell_everyone_waiting(
            contact_point=point, kind=emails.SIGNUPS_PAUSED, key=f"paused:{point.pk}:{int(now.timestamp())}"
        )
    contact_point.refresh_from_db()
    return told


def resume_signups(*, contact_point: ContactPoint) -> None:
    ContactPoint.objects.filter(pk=contact_point.pk).update(signups_paused_at=None, pause_message="")
    pagecache.bump()
    contact_point.refresh_from_db()


def close(*, contact_point: ContactPoint) -> int:
    """Close a contact point for good: it leaves the directory, and each person
    waiting there is emailed the nearest other places and the nationwide option.

    Nothing is moved for them. Unconfirmed sign-ups are deleted at once; the
    rest are deleted after CLOSED_SIGNUPS_KEPT_DAYS unless the person moves.
    Returns how many people were told.
    """
    now = timezone.now()
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        point = ContactPoint.objects.get(pk=contact_point.pk)
        if point.is_closed:
            return 0
        if Group.objects.filter(contact_point=point, status=Group.Status.FORMING).exists():
            raise ContactPointError(
                _("A group is still being formed here. Close the contact point once it has had its first meeting.")
            )
        ContactPoint.objects.filter(pk=point.pk).update(closed_at=now, is_active=False)
        pagecache.bump()
        unconfirmed = list(
            SignUp.objects.filter(contact_point=point, status=SignUp.Status.UNCONFIRMED)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        SignUp.objects.filter(pk__in=unconfirmed).delete()
        told = tell_everyone_waiting(contact_point=point, kind=emails.CLOSING, key=f"closing:{point.pk}")
        check_enough_waiting(contact_point_id=point.pk)
    contact_point.refresh_from_db()
    return told
