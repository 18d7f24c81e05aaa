"""The day-before reminder: members who said yes hear once, about a day before
the first meeting, when and where it is (and, for a video group, how to join)."""

import datetime

from django.db import transaction
from django.utils import timezone

from groups import emails
from groups.models import Group, Invitation
from groups.services.messages import tell_about_group

# How long before the first meeting the reminder goes. Someone who said yes,
# or heard of a move, later than this has the details fresh and gets none.
REMIND_HOURS_BEFORE = 24


def remind_due(*, now: datetime.datetime | None = None) -> int:
    """Queue the reminder for every member whose first meeting is within a day.

    Once per member and meeting: the outbox's key holds the group's number of
    changes, so a meeting moved to another day is reminded of again, and a
    second run (or a second worker) queues nothing.
    """
    now = now or timezone.now()
    ahead = datetime.timedelta(hours=REMIND_HOURS_BEFORE)
    due = (
        Invitation.objects.filter(
            status=Invitation.Status.ACCEPTED,
            group__status=Group.Status.FORMING,
            group__first_meeting__gt=now,
            group__first_meeting__lte=now + ahead,
        )
        .select_related("group__contact_point", "signup")
        .order_by("pk")
    )
    queued = 0
    for invitation in due:
        group = invitation.group
        heard_last = max(filter(None, (invitation.answered_at, group.changed_at)), default=None)
        if heard_last is not None and heard_last > group.first_meeting - ahead:
            continue
        with transaction.atomic():
            queued += tell_about_group(
                kind=emails.REMINDER, key=f"reminder:{group.pk}:{group.changes}", group=group, signup=invitation.signup
            )
    return queued
