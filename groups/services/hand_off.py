"""Hand-off: once a group has met it belongs to its members, and every record
of them is deleted after their getting-started guide is sent."""

import datetime
import statistics

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contactpoints.locking import lock_contact_point
from groups import emails, monthly
from groups.models import ERASED_WITH_THE_MEMBERS, AddressExchange, Group, Invitation, SignUp
from groups.services.forming import back_on_list
from groups.services.locking import lock_signups
from groups.services.messages import tell_about_group
from groups.services.threshold import check_enough_waiting
from outbox.models import Email


def hand_off(*, group: Group, now: datetime.datetime | None = None) -> bool:
    """The group has met: it now belongs to its members.

    Members who said yes get the getting-started guide, with a link where
    those who were there may share their addresses with each other for a few
    days (``address_exchange``); people who never answered go back to the
    list. Once every guide is sent, ``finish_hand_off`` deletes the members'
    records.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock_contact_point(group.contact_point_id)
        group = Group.objects.select_for_update().select_related("contact_point").get(pk=group.pk)
        if not group.is_forming or group.first_meeting > now:
            return False  # Only a group that has met can be handed off.
        for invitation in group.invitations.filter(status=Invitation.Status.PENDING).select_related("signup"):
            back_on_list(invitation=invitation, passed_on=False, tell=True)
        members = list(group.invitations.filter(status=Invitation.Status.ACCEPTED).select_related("signup"))
        start = min(group.first_meeting, now)
        days = [max(0, (start - m.signup.waiting_since).days) for m in members if m.signup.waiting_since]
        Group.objects.filter(pk=group.pk).update(
            status=Group.Status.HANDING_OFF,
            handed_off_at=now,
            members_at_start=len(members),
            median_days_waited=round(statistics.median(days)) if days else None,
        )
        if members:
            # A group whose month is final already counts in the open month.
            counted_in = monthly.count(
                contact_point_id=group.contact_point_id,
                when=start,
                groups_started=1,
                members_at_start=len(members),
                days_waited=sum(days),
            )
            Group.objects.filter(pk=group.pk).update(counted_in=counted_in)
        exchange_until = max(group.first_meeting, now) + datetime.timedelta(days=settings.ADDRESS_EXCHANGE_DAYS)
        for member in members:
            # The address leaves the sign-up only for the exchange the guide links to,
            # and is deleted with it within days (``address_exchange``).
            AddressExchange.objects.create(
                group=group,
                signup=member.signup,
                email=member.signup.email,
                nickname=member.signup.nickname,
                expires_at=exchange_until,
            )
            tell_about_group(kind=emails.GUIDE, key=f"guide:{group.pk}", group=group, signup=member.signup)
        SignUp.objects.filter(passed_on_group=group).update(passed_on_group=None)
        check_enough_waiting(contact_point_id=group.contact_point_id)
        # With nobody to send a guide to, it is finished now; otherwise the
        # last guide sent finishes it (``groups.receivers.mail_sent``).
        finish_hand_off(group_id=group.pk)
    return True


def finish_hand_off(*, group_id: int) -> bool:
    """Delete every record of a handed-off group's members once their mail is sent."""
    with transaction.atomic():
        contact_point_id = Group.objects.filter(pk=group_id).values_list("contact_point_id", flat=True).first()
        if contact_point_id is None:
            return False
        lock_contact_point(contact_point_id)
        group = Group.objects.select_for_update().filter(pk=group_id, status=Group.Status.HANDING_OFF).first()
        if group is None:
            return False
        if Email.objects.filter(group=group, kind=emails.GUIDE, sent_at=None, failed_at=None).exists():
            return False  # Not yet: a guide is still to be sent.
        members = lock_signups(SignUp.objects.filter(invitation__group=group))
        SignUp.objects.filter(pk__in=members).delete()
        Group.objects.filter(pk=group.pk).update(status=Group.Status.HANDED_OFF, **ERASED_WITH_THE_MEMBERS)
    return True


def hand_off_due(*, now: datetime.datetime | None = None) -> int:
    """Hand off groups whose first meeting has taken place, and finish those under way."""
    now = now or timezone.now()
    count = 0
    met_before = now - datetime.timedelta(hours=settings.HAND_OFF_AFTER_HOURS)
    for group in Group.objects.filter(status=Group.Status.FORMING, first_meeting__lte=met_before):
        count += hand_off(group=group, now=now)
    for group_id in Group.objects.filter(status=Group.Status.HANDING_OFF).values_list("pk", flat=True):
        finish_hand_off(group_id=group_id)
    return count
