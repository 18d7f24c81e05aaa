"""Changing a forming group: staff move its first meeting to another time or
place, or cancel it. Everyone invited is told once; staff never learn who."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactpoints.locking import lock_contact_point
from groups import emails
from groups.models import ERASED_WITH_THE_MEMBERS, Group, Invitation, SignUp
from groups.services.forming import GroupError, Meeting, back_on_list
from groups.services.messages import tell_about_group
from groups.services.threshold import check_enough_waiting

# Someone who has not answered yet needs time to read about a new time and
# decide: a first meeting is not moved closer than this while anyone has not.
NOTICE_HOURS = 24


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
        meeting.check(contact_point_id=group.contact_point_id, format=group.format, now=now)
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
            **meeting.as_fields(),
            changes=changes,
            changed_at=now,
        )
        # An answer is never due after the meeting it is for.
        pending.filter(reply_by__gt=meeting.first_meeting).update(reply_by=meeting.first_meeting)
        for invitation in group.invitations.select_related("signup").order_by("pk"):
            tell_about_group(
                kind=emails.MEETING_MOVED, key=f"moved:{group.pk}:{changes}", group=group, signup=invitation.signup
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
            tell_about_group(
                kind=emails.GROUP_CANCELLED, key=f"cancelled:{group.pk}", group=group, signup=invitation.signup
            )
        # Those who said "not this time" to it may be offered the next group like anyone else.
        SignUp.objects.filter(passed_on_group=group).update(passed_on_group=None)
        # How to join was for the members; with none left, it goes.
        Group.objects.filter(pk=group.pk).update(status=Group.Status.CANCELLED, **ERASED_WITH_THE_MEMBERS)
        check_enough_waiting(contact_point_id=group.contact_point_id)
    return True
