"""Changing a forming group: staff move its first meeting to another time or
place, or cancel it. Everyone invited is told once; staff never learn who."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactpoints.locking import lock_contact_point
from contactpoints.models import Room
from groups import emails
from groups.models import Group, Invitation, SignUp
from groups.services.forming import GroupError, back_on_list
from groups.services.threshold import check_enough_waiting
from outbox import services as outbox

# Someone who has not answered yet needs time to read about a new time and
# decide: a first meeting is not moved closer than this while anyone has not.
NOTICE_HOURS = 24


@dataclass(frozen=True, kw_only=True)
class Meeting:
    """When and where a group first meets."""

    first_meeting: datetime.datetime
    room: Room | None
    place_details: str

    def is_that_of(self, group: Group) -> bool:
        room_id = self.room.pk if self.room is not None else None
        return (self.first_meeting, room_id, self.place_details) == (
            group.first_meeting,
            group.room_id,
            group.place_details,
        )


def _lock_forming(group: Group) -> Group:
    """The group, locked after its contact point, if it still forms; otherwise a refusal."""
    lock_contact_point(group.contact_point_id)
    group = Group.objects.select_for_update().select_related("contact_point").get(pk=group.pk)
    if group.status == Group.Status.CANCELLED:
        raise GroupError(_("This group has been cancelled."))
    if not group.is_forming:
        raise GroupError(_("This group has already been handed over to its members. It can no longer be changed."))
    return group


def move_meeting(*, group: Group, meeting: Meeting, seen_changes: int) -> bool:
    """Move the first meeting to another time or place, and tell everyone invited.

    ``seen_changes`` is the group's ``changes`` when staff opened the form: a
    form made before someone else's move is refused rather than undoing it.
    Returns False if the group already meets then and there (the same form
    sent twice): nothing changes and nobody is told again.
    """
    now = timezone.now()
    with transaction.atomic():
        group = _lock_forming(group)
        if meeting.is_that_of(group):
            return False
        if group.changes != seen_changes:
            raise GroupError(
                _("Someone changed this group while you filled in the form. Check the time and place, and try again.")
            )
        if group.first_meeting <= now:
            raise GroupError(_("The first meeting has already begun. If it did not take place, cancel the group."))
        if meeting.first_meeting <= now:
            raise GroupError(_("The first meeting must be in the future."))
        if meeting.room is not None and meeting.room.contact_point_id != group.contact_point_id:
            raise GroupError(_("Choose one of your own rooms."))
        pending = group.invitations.filter(status=Invitation.Status.PENDING)
        soon = now + datetime.timedelta(hours=NOTICE_HOURS)
        if meeting.first_meeting != group.first_meeting and meeting.first_meeting < soon and pending.exists():
            raise GroupError(
                _(
                    "Some of those invited have not answered yet. Give them time: "
                    "choose a first meeting at least %(hours)s hours from now."
                )
                % {"hours": NOTICE_HOURS}
            )
        changes = group.changes + 1
        Group.objects.filter(pk=group.pk).update(
            first_meeting=meeting.first_meeting,
            room=meeting.room,
            place_details=meeting.place_details,
            changes=changes,
        )
        # An answer is never due after the meeting it is for.
        pending.filter(reply_by__gt=meeting.first_meeting).update(reply_by=meeting.first_meeting)
        for invitation in group.invitations.select_related("signup").order_by("pk"):
            outbox.queue(
                kind=emails.MEETING_MOVED,
                dedupe_key=f"moved:{group.pk}:{changes}:{invitation.signup_id}",
                signup=invitation.signup,
                group=group,
                contact_point=group.contact_point,
            )
    return True


def cancel(*, group: Group) -> bool:
    """Call off a forming group. Everyone invited, whether they said yes or not
    yet, is told and goes back on the list keeping their place in the queue.

    Returns False if the group was cancelled already (the same button pressed twice).
    """
    with transaction.atomic():
        try:
            group = _lock_forming(group)
        except GroupError:
            if Group.objects.filter(pk=group.pk, status=Group.Status.CANCELLED).exists():
                return False
            raise
        for invitation in group.invitations.select_related("signup", "group__contact_point").order_by("pk"):
            # Not "passed on": the person did not turn this group down, it is gone.
            back_on_list(invitation=invitation, passed_on=False, tell=False)
            outbox.queue(
                kind=emails.GROUP_CANCELLED,
                dedupe_key=f"cancelled:{group.pk}:{invitation.signup_id}",
                signup=invitation.signup,
                group=group,
                contact_point=group.contact_point,
            )
        # Those who said "not this time" to it may be offered the next group like anyone else.
        SignUp.objects.filter(passed_on_group=group).update(passed_on_group=None)
        Group.objects.filter(pk=group.pk).update(status=Group.Status.CANCELLED)
        check_enough_waiting(contact_point_id=group.contact_point_id)
    return True
