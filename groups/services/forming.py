"""Forming a group: staff start it, the app invites the longest-waiting people
who fit, fills empty seats, and passes on seats nobody answered."""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from contactpoints.locking import lock_contact_point
from contactpoints.models import ContactPoint, Room
from groups import emails, matching, monthly
from groups.matching import Plan
from groups.models import Format, Group, Invitation, SignUp
from groups.services.messages import tell_about_group
from groups.services.threshold import check_enough_waiting


class GroupError(Exception):
    """A group could not be started or changed; the message is for staff."""


@dataclass(frozen=True, kw_only=True)
class Meeting:
    """When and where a group first meets, how to join it by video, and when the
    contact point meets it again."""

    first_meeting: datetime.datetime
    room: Room | None
    place_details: str
    joining_link: str = ""
    joining_details: str = ""
    follow_up: datetime.datetime | None = None

    FIELDS = ("first_meeting", "room", "place_details", "joining_link", "joining_details", "follow_up")

    def is_that_of(self, group: Group) -> bool:
        return all(getattr(self, name) == getattr(group, name) for name in self.FIELDS)

    def as_fields(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.FIELDS}

    def check(self, *, contact_point_id: int, format: str, now: datetime.datetime) -> None:
        """What a meeting needs wherever it is set: raises GroupError for staff."""
        if self.first_meeting <= now:
            raise GroupError(_("The first meeting must be in the future."))
        if self.room is not None and self.room.contact_point_id != contact_point_id:
            raise GroupError(_("Choose one of your own rooms."))
        if format == Format.VIDEO and not self.joining_link:
            raise GroupError(_("Give the link to the video meeting."))
        if format != Format.VIDEO and (self.joining_link or self.joining_details):
            raise GroupError(_("Only a video group has a link to join."))
        if self.follow_up is not None and self.follow_up <= self.first_meeting:
            raise GroupError(_("The follow-up meeting must be after the first meeting."))


@dataclass(frozen=True, kw_only=True)
class GroupDetails(Meeting):
    plan: Plan
    seats: int
    starter_present: bool


def _candidates(*, contact_point_id: int, plan: Plan, limit: int, exclude_group: Group | None = None) -> list[SignUp]:
    """The longest-waiting sign-ups that fit the plan, locked; rows another
    transaction holds are skipped, so two groups never take the same person."""
    queryset = SignUp.objects.waiting().filter(plan.q(), contact_point_id=contact_point_id)
    if exclude_group is not None:
        queryset = queryset.exclude(passed_on_group=exclude_group)
    return list(queryset.queue_order().select_for_update(skip_locked=True)[:limit])


def _reply_by(group: Group, now: datetime.datetime) -> datetime.datetime:
    return min(now + datetime.timedelta(hours=settings.INVITATION_REPLY_HOURS), group.first_meeting)


def _invite(*, group: Group, signups: list[SignUp], now: datetime.datetime) -> int:
    reply_by = _reply_by(group, now)
    for signup in signups:
        Invitation.objects.create(group=group, signup=signup, reply_by=reply_by, created_at=now)
        SignUp.objects.filter(pk=signup.pk).update(status=SignUp.Status.INVITED)
        tell_about_group(kind=emails.INVITATION, key=f"invitation:{group.pk}", group=group, signup=signup)
    if signups:
        monthly.count(contact_point_id=group.contact_point_id, invited=len(signups))
    return len(signups)


def start_group(
    *, contact_point: ContactPoint, details: GroupDetails, created_by: User | None, request_key: uuid.UUID
) -> Group:
    """Start a group and invite the longest-waiting people who fit it.

    Staff choose how, when and where; the app chooses who, and never says.
    """
    now = timezone.now()
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        existing = Group.objects.filter(request_key=request_key).first()
        if existing is not None:
            if existing.contact_point_id != contact_point.pk:
                raise GroupError(_("This form was already used. Reload the page and try again."))
            return existing  # The same form submitted twice.
        if ContactPoint.objects.filter(pk=contact_point.pk, closed_at__isnull=False).exists():
            raise GroupError(_("This contact point is closed. It cannot start new groups."))
        details.check(contact_point_id=contact_point.pk, format=details.plan.format, now=now)
        if details.plan.format not in matching.formats_offered(contact_point):
            raise GroupError(_("Your contact point does not offer groups that meet this way."))
        if not contact_point.threshold <= details.seats <= 10:
            raise GroupError(_("A group needs between %(low)s and 10 seats.") % {"low": contact_point.threshold})
        signups = _candidates(contact_point_id=contact_point.pk, plan=details.plan, limit=details.seats)
        if len(signups) < contact_point.threshold:
            raise GroupError(
                _("Not enough people are waiting who fit this group. You need %(count)s.")
                % {"count": contact_point.threshold}
            )
        group = Group.objects.create(
            contact_point=contact_point,
            **details.plan.as_query(),
            **details.as_fields(),
            seats=details.seats,
            starter_present=details.starter_present,
            request_key=request_key,
            created_by=created_by,
            created_at=now,
        )
        _invite(group=group, signups=signups, now=now)
        check_enough_waiting(contact_point_id=contact_point.pk)
    return group


def refill(*, group: Group) -> int:
    """Offer empty seats to the next people waiting who fit. Returns how many were invited."""
    now = timezone.now()
    with transaction.atomic():
        lock_contact_point(group.contact_point_id)
        group = Group.objects.select_for_update().select_related("contact_point").get(pk=group.pk)
        if not group.is_forming or group.first_meeting <= now:
            return 0
        free = group.seats - group.invitations.count()
        if free <= 0:
            return 0
        plan = Plan(
            format=group.format, time_of_day=group.time_of_day, language=group.language, age_group=group.age_group
        )
        signups = _candidates(contact_point_id=group.contact_point_id, plan=plan, limit=free, exclude_group=group)
        invited = _invite(group=group, signups=signups, now=now)
        if invited:
            check_enough_waiting(contact_point_id=group.contact_point_id)
        return invited


def change_seats(*, group: Group, seats: int) -> None:
    with transaction.atomic():
        lock_contact_point(group.contact_point_id)
        group = Group.objects.select_for_update().get(pk=group.pk)
        if not group.is_forming:
            raise GroupError(_("This group is no longer being formed. Its seats cannot be changed."))
        accepted = group.invitations.filter(status=Invitation.Status.ACCEPTED).count()
        if seats < accepted:
            raise GroupError(
                ngettext(
                    "%(count)s person has already said yes. The group needs at least that many seats.",
                    "%(count)s people have already said yes. The group needs at least that many seats.",
                    accepted,
                )
                % {"count": accepted}
            )
        if not 4 <= seats <= 10:
            raise GroupError(_("A group needs between 4 and 10 seats."))
        Group.objects.filter(pk=group.pk).update(seats=seats)


def back_on_list(*, invitation: Invitation, passed_on: bool, tell: bool) -> None:
    """The seat is given up; the person keeps their place on the list (and, if ``tell``, hears so)."""
    invitation.delete()
    SignUp.objects.filter(pk=invitation.signup_id).update(
        status=SignUp.Status.WAITING, passed_on_group=invitation.group if passed_on else None
    )
    # A place that ran out while the person was invited is not taken without the usual warning.
    warned_in_time = timezone.now() + datetime.timedelta(days=settings.SIGNUP_EXPIRY_WARNING_DAYS + 1)
    SignUp.objects.filter(pk=invitation.signup_id, expires_at__lt=warned_in_time).update(
        expires_at=warned_in_time, expiry_warned_at=None
    )
    if tell:
        group = invitation.group
        tell_about_group(kind=emails.BACK_ON_LIST, key=f"back:{group.pk}", group=group, signup=invitation.signup)


def expire_invitations(*, now: datetime.datetime | None = None) -> int:
    """Seats not answered in time pass to the next person waiting."""
    now = now or timezone.now()
    expired = 0
    due = Invitation.objects.filter(status=Invitation.Status.PENDING, reply_by__lte=now).values_list(
        "pk", "group__contact_point_id"
    )
    for pk, contact_point_id in list(due):
        with transaction.atomic():
            lock_contact_point(contact_point_id)
            invitation = (
                Invitation.objects.select_for_update()
                .select_related("group__contact_point", "signup")
                .filter(pk=pk, status=Invitation.Status.PENDING, reply_by__lte=now)
                .first()
            )
            if invitation is None:
                continue
            group = invitation.group
            back_on_list(invitation=invitation, passed_on=True, tell=True)
            Group.objects.filter(pk=group.pk).update(expired=F("expired") + 1)
            refill(group=group)
            check_enough_waiting(contact_point_id=group.contact_point_id)
            expired += 1
    return expired
