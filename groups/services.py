"""Workflows: a person's sign-up, the threshold notice, starting a group,
invitations, hand-off, and the scheduled clean-up. Each is one transaction
that takes the contact point's lock first, so two changes at one contact
point never interleave and never deadlock."""

import datetime
import logging
import statistics
import uuid
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contactpoints.models import ContactPoint, Room
from groups import figures, matching, outbox
from groups.matching import Plan
from groups.models import ANY, Broadcast, Email, Group, IncomingSignUp, Invitation, NoticeHold, SignUp
from groups.selectors import MOVE_FORMATS, list_is_short, move_targets, nationwide_lists
from selvhjelp.crypto import address_hash, normalise_address

logger = logging.getLogger(__name__)

# A person who submits the form again for an address already on the list gets
# at most one reminder in this window, so the form cannot be used to flood an inbox.
RESEND_WINDOW = datetime.timedelta(hours=1)
# A sign-up the form accepted whose task has not recorded it by then (the
# broker was down, say) is recorded by the relay.
RECORD_INCOMING_AFTER = datetime.timedelta(minutes=1)


@dataclass(frozen=True, kw_only=True)
class Preferences:
    format: str
    time_of_day: str
    language: str
    age_group: str


def _window_key(moment: datetime.datetime) -> int:
    return int(moment.timestamp() // RESEND_WINDOW.total_seconds())


def receive(
    *,
    contact_point: ContactPoint,
    email: str,
    nickname: str,
    preferences: Preferences,
    locale: str,
) -> None:
    """The public form's part of a sign-up: keep what the person sent, and
    record it in the background (``record_incoming``).

    This does the same for every address: one row written, one task queued
    after commit. Whether the address is already signed up here is found out
    only in the background, so neither the page, nor its timing, nor its work
    in the database can tell anyone.
    """
    with transaction.atomic():
        incoming = IncomingSignUp.objects.create(
            contact_point=contact_point,
            email=normalise_address(email),
            nickname=nickname,
            **asdict(preferences),
            locale=locale,
        )
        transaction.on_commit(lambda: _record_later(incoming.pk), robust=True)


def _record_later(incoming_id: int) -> None:
    from groups.tasks import record_sign_up

    try:
        record_sign_up.delay(incoming_id)
    except Exception:
        logger.warning("Could not queue sign-up %s; the relay will record it", incoming_id, exc_info=True)


def record_incoming(*, incoming_id: int) -> bool:
    """Record a sign-up the form accepted, once: a new sign-up and its
    confirmation email, or, for an address already here, a reminder."""
    with transaction.atomic():
        # Only this row is locked (of=self): another sign-up being recorded at
        # the same contact point holds the contact point's row, and must not
        # make this one skip.
        incoming = (
            IncomingSignUp.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("contact_point")
            .filter(pk=incoming_id)
            .first()
        )
        if incoming is None:
            return False  # Recorded already, or being recorded right now.
        if incoming.contact_point.is_closed:
            incoming.delete()  # Sent in the seconds before the contact point closed: nothing is kept.
            return True
        sign_up(
            contact_point=incoming.contact_point,
            email=incoming.email,
            nickname=incoming.nickname,
            preferences=Preferences(
                format=incoming.format,
                time_of_day=incoming.time_of_day,
                language=incoming.language,
                age_group=incoming.age_group,
            ),
            locale=incoming.locale,
        )
        incoming.delete()
    return True


def incoming_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Accepted sign-ups that no task has recorded in good time."""
    before = (now or timezone.now()) - RECORD_INCOMING_AFTER
    return list(
        IncomingSignUp.objects.filter(received_at__lt=before).order_by("received_at").values_list("pk", flat=True)[:500]
    )


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
    its owner gets an email instead. The form never calls this itself (see
    ``receive``): the two paths do different work.
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
                **asdict(preferences),
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
        lock_contact_point(signup.contact_point_id)
        updated = SignUp.objects.filter(pk=signup.pk, status=SignUp.Status.UNCONFIRMED).update(
            status=SignUp.Status.WAITING,
            confirmed_at=now,
            waiting_since=now,
            expires_at=now + datetime.timedelta(days=settings.SIGNUP_EXPIRY_DAYS),
        )
        if not updated:
            return False
        figures.count(contact_point_id=signup.contact_point_id, confirmed=1)
        check_enough_waiting(contact_point_id=signup.contact_point_id)
    signup.refresh_from_db()
    return True


def change_preferences(*, signup: SignUp, nickname: str, preferences: Preferences) -> None:
    with transaction.atomic():
        lock_contact_point(signup.contact_point_id)
        SignUp.objects.filter(pk=signup.pk).update(nickname=nickname, **asdict(preferences))
        check_enough_waiting(contact_point_id=signup.contact_point_id)
    signup.refresh_from_db()


def withdraw(*, signup: SignUp, reason: str = "withdrawn") -> None:
    """Delete the sign-up at once, with its links, its invitation and unsent mail."""
    with transaction.atomic():
        lock_contact_point(signup.contact_point_id)
        # Lock the row too: a group being started at this moment either
        # took this person already (we wait, then delete their invitation
        # too) or will skip them.
        if not _lock(SignUp.objects.filter(pk=signup.pk)):
            return
        invitation = Invitation.objects.filter(signup_id=signup.pk).select_related("group").first()
        SignUp.objects.filter(pk=signup.pk).delete()
        if signup.status != SignUp.Status.UNCONFIRMED or reason != "withdrawn":
            figures.count(contact_point_id=signup.contact_point_id, **{reason: 1})
        if invitation is not None and invitation.group.is_forming:
            Group.objects.filter(pk=invitation.group_id).update(declined=F("declined") + 1)
            figures.count(contact_point_id=signup.contact_point_id, declined=1)
            refill(group=invitation.group)
        check_enough_waiting(contact_point_id=signup.contact_point_id)


def renew(*, signup: SignUp) -> bool:
    """Keep me on the list: the person's place is kept for another full period."""
    now = timezone.now()
    with transaction.atomic():
        lock_contact_point(signup.contact_point_id)
        renewed = SignUp.objects.filter(pk=signup.pk, status=SignUp.Status.WAITING).update(
            expires_at=now + datetime.timedelta(days=settings.SIGNUP_EXPIRY_DAYS), expiry_warned_at=None
        )
    signup.refresh_from_db()
    return bool(renewed)


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
                kind=Email.Kind.EXPIRY_WARNING,
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
            ids = _lock(SignUp.objects.waiting().filter(contact_point_id=contact_point_id, expires_at__lte=now))
            SignUp.objects.filter(pk__in=ids).delete()
            if ids:
                figures.count(contact_point_id=contact_point_id, expired=len(ids))
                check_enough_waiting(contact_point_id=contact_point_id)
            expired += len(ids)
    return expired


def remove_undeliverable(*, provider_message_id: str) -> bool:
    """Mail to this person bounced or was reported as spam: they cannot be
    reached, so their sign-up is removed and counted, and never mailed again."""
    email = Email.objects.filter(provider_message_id=provider_message_id).exclude(provider_message_id="").first()
    if email is None or email.signup_id is None:
        return False
    signup = SignUp.objects.filter(pk=email.signup_id).first()
    if signup is None:
        return False
    with transaction.atomic():
        withdraw(signup=signup, reason="undeliverable")
    return True


def delete_unconfirmed(*, now: datetime.datetime | None = None) -> int:
    """Sign-ups not confirmed within the confirmation window are deleted, not kept."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.SIGNUP_CONFIRM_HOURS)
    with transaction.atomic():
        ids = _lock(SignUp.objects.filter(status=SignUp.Status.UNCONFIRMED, created_at__lt=cutoff), skip_locked=True)
        SignUp.objects.filter(pk__in=ids).delete()
        # Never recorded in all that time: it could not have been confirmed either.
        stuck, _kinds = IncomingSignUp.objects.filter(received_at__lt=cutoff).delete()
    if stuck:
        logger.warning("%s accepted sign-ups were never recorded and are deleted", stuck)
    return len(ids)


def lock_contact_point(contact_point_id: int) -> None:
    """Every change to who waits or who is invited at a contact point takes
    this lock first. One lock order everywhere means no deadlocks, and two
    changes at one contact point never interleave."""
    ContactPoint.objects.select_for_update().filter(pk=contact_point_id).values_list("pk", flat=True).first()


def _lock(signups: "QuerySet[SignUp]", *, skip_locked: bool = False) -> list[int]:
    """Lock sign-up rows before deleting them, so that no mail or invitation
    can be added to them between collecting what cascades and the delete."""
    return list(signups.select_for_update(skip_locked=skip_locked).values_list("pk", flat=True))


# --- The contact point's own settings ----------------------------------------


def update_contact_point(*, contact_point: ContactPoint, fields: list[str]) -> None:
    """Save staff's edits to their public page; a new threshold may mean enough are waiting.

    Only the edited fields are written, so that nothing the app changed in
    the meantime (such as the threshold notice) is overwritten.
    """
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        contact_point.details_confirmed_at = timezone.now()
        contact_point.save(update_fields=[*fields, "details_confirmed_at"])
        check_enough_waiting(contact_point_id=contact_point.pk)


# --- Enough names -----------------------------------------------------------


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
        outbox.queue_for_staff(
            kind=Email.Kind.ENOUGH_WAITING, contact_point=point, key=f"enough:{point.pk}:{now.isoformat()}"
        )
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


def release_notices(*, contact_point: ContactPoint, released_by: object) -> bool:
    """Staff have looked at a burst of sign-ups: notices go out as usual again,
    and at once if enough are waiting. Returns True if that sent a notice now."""
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        NoticeHold.objects.filter(contact_point=contact_point, released_at=None).update(
            released_at=timezone.now(), released_by=released_by
        )
        return check_enough_waiting(contact_point_id=contact_point.pk)


# --- Starting a group -------------------------------------------------------


class GroupError(Exception):
    """A group could not be started or changed; the message is for staff."""


@dataclass(frozen=True, kw_only=True)
class GroupDetails:
    plan: Plan
    first_meeting: datetime.datetime
    room: Room | None
    place_details: str
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
        outbox.queue(
            kind=Email.Kind.INVITATION,
            dedupe_key=f"invitation:{group.pk}:{signup.pk}",
            signup=signup,
            group=group,
            contact_point=group.contact_point,
        )
    if signups:
        figures.count(contact_point_id=group.contact_point_id, invited=len(signups))
    return len(signups)


def start_group(
    *, contact_point: ContactPoint, details: GroupDetails, created_by: object, request_key: uuid.UUID
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
        if details.first_meeting <= now:
            raise GroupError(_("The first meeting must be in the future."))
        if details.room is not None and details.room.contact_point_id != contact_point.pk:
            raise GroupError(_("Choose one of your own rooms."))
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
            first_meeting=details.first_meeting,
            room=details.room,
            place_details=details.place_details,
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


# --- Answers ----------------------------------------------------------------


class Answer:
    YES = "yes"
    NOT_THIS_TIME = "not_this_time"
    REMOVE_ME = "remove_me"


def _back_on_list(*, invitation: Invitation, passed_on: bool, tell: bool) -> None:
    """The seat is given up; the person keeps their place on the list (and, if ``tell``, hears so)."""
    invitation.delete()
    SignUp.objects.filter(pk=invitation.signup_id).update(
        status=SignUp.Status.WAITING, passed_on_group=invitation.group if passed_on else None
    )
    if tell:
        outbox.queue(
            kind=Email.Kind.BACK_ON_LIST,
            dedupe_key=f"back:{invitation.group_id}:{invitation.signup_id}",
            signup=invitation.signup,
            group=invitation.group,
            contact_point=invitation.group.contact_point,
        )


def answer(*, signup: SignUp, reply: str, share_email: bool = False) -> bool:
    """A member's answer to their invitation. Returns False if it no longer applies."""
    now = timezone.now()
    with transaction.atomic():
        lock_contact_point(signup.contact_point_id)
        invitation = Invitation.objects.select_for_update().select_related("group").filter(signup_id=signup.pk).first()
        if invitation is None or not invitation.group.is_forming or invitation.group.first_meeting <= now:
            return False
        group = invitation.group
        if reply == Answer.YES:
            if invitation.status == Invitation.Status.ACCEPTED:
                Invitation.objects.filter(pk=invitation.pk).update(share_email=share_email)
                return True
            Invitation.objects.filter(pk=invitation.pk).update(
                status=Invitation.Status.ACCEPTED, answered_at=now, share_email=share_email
            )
            SignUp.objects.filter(pk=signup.pk).update(status=SignUp.Status.ACCEPTED)
            figures.count(contact_point_id=group.contact_point_id, accepted=1)
            return True
        if reply == Answer.NOT_THIS_TIME:
            _back_on_list(invitation=invitation, passed_on=True, tell=False)
            Group.objects.filter(pk=group.pk).update(declined=F("declined") + 1)
            figures.count(contact_point_id=group.contact_point_id, declined=1)
            refill(group=group)
            check_enough_waiting(contact_point_id=group.contact_point_id)
            return True
        if reply == Answer.REMOVE_ME:
            withdraw(signup=signup)
            return True
    raise ValueError(f"unknown answer {reply!r}")


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
            _back_on_list(invitation=invitation, passed_on=True, tell=True)
            Group.objects.filter(pk=group.pk).update(expired=F("expired") + 1)
            refill(group=group)
            check_enough_waiting(contact_point_id=group.contact_point_id)
            expired += 1
    return expired


# --- Hand-off ---------------------------------------------------------------


def hand_off(*, group: Group, now: datetime.datetime | None = None) -> bool:
    """The group has met: it now belongs to its members.

    Members who said yes get the getting-started guide (and, where they
    agreed, each other's addresses); people who never answered go back to
    the list. Once every guide is sent, ``finish_hand_off`` deletes the
    members' records.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock_contact_point(group.contact_point_id)
        group = Group.objects.select_for_update().select_related("contact_point").get(pk=group.pk)
        if not group.is_forming or group.first_meeting > now:
            return False  # Only a group that has met can be handed off.
        for invitation in group.invitations.filter(status=Invitation.Status.PENDING).select_related("signup"):
            _back_on_list(invitation=invitation, passed_on=False, tell=True)
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
            figures.count(
                contact_point_id=group.contact_point_id,
                when=start,
                groups_started=1,
                members_at_start=len(members),
                days_waited=sum(days),
            )
        for member in members:
            outbox.queue(
                kind=Email.Kind.GUIDE,
                dedupe_key=f"guide:{group.pk}:{member.signup_id}",
                signup=member.signup,
                group=group,
                contact_point=group.contact_point,
            )
        SignUp.objects.filter(passed_on_group=group).update(passed_on_group=None)
        check_enough_waiting(contact_point_id=group.contact_point_id)
        transaction.on_commit(lambda: _finish_later(group.pk), robust=True)
    return True


def _finish_later(group_id: int) -> None:
    from groups.tasks import finish_hand_off

    finish_hand_off.delay(group_id)


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
        if Email.objects.filter(group=group, kind=Email.Kind.GUIDE, sent_at=None, failed_at=None).exists():
            return False  # Not yet: a guide is still to be sent.
        members = _lock(SignUp.objects.filter(invitation__group=group))
        SignUp.objects.filter(pk__in=members).delete()
        Group.objects.filter(pk=group.pk).update(status=Group.Status.HANDED_OFF)
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


# --- Moving a place ------------------------------------------------------------


class MoveError(Exception):
    """A place could not be moved; the message is for the person."""

    def __init__(self, message: str, *, already_there: bool = False) -> None:
        super().__init__(message)
        self.already_there = already_there


def move_place(*, signup: SignUp, to: ContactPoint) -> SignUp:
    """The person moves their own place on the list to another contact point.

    The one way a place moves, whether the person's contact point closed or
    they took up the offer of a nationwide list; only the person's own button
    calls it: nothing is ever moved for them. The same sign-up changes contact
    point and keeps the date it started waiting; both contact points' monthly
    figures count the move, and each checks again whether enough are waiting.
    """
    now = timezone.now()
    with transaction.atomic():
        source_id = SignUp.objects.filter(pk=signup.pk).values_list("contact_point_id", flat=True).first()
        if source_id is None:
            raise MoveError(_("Your sign-up no longer exists."))
        if source_id == to.pk:
            raise MoveError(_("Your place is already there."))
        # Both contact points, always in the same order, so that two moves never deadlock.
        for contact_point_id in sorted((source_id, to.pk)):
            lock_contact_point(contact_point_id)
        target = ContactPoint.objects.taking_signups().filter(pk=to.pk).first()
        if target is None:
            raise MoveError(_("%(name)s is not taking new sign-ups right now.") % {"name": to.name})
        row = (
            SignUp.objects.select_for_update()
            .filter(pk=signup.pk, contact_point_id=source_id, status=SignUp.Status.WAITING)
            .first()
        )
        if row is None:
            raise MoveError(_("Only a place on the waiting list can be moved."))
        already_there = _("You are already on the list at %(name)s.") % {"name": target.name}
        if SignUp.objects.filter(contact_point=target, email_hash=row.email_hash).exists():
            raise MoveError(already_there, already_there=True)
        changes: dict[str, object] = {
            "contact_point": target,
            "passed_on_group": None,
            # Choosing to move says "I still want a group": the place is kept for a full period.
            "expires_at": now + datetime.timedelta(days=settings.SIGNUP_EXPIRY_DAYS),
            "expiry_warned_at": None,
        }
        if row.format != ANY and row.format not in matching.formats_offered(target):
            # The person chose this contact point knowing how its groups meet.
            changes["format"] = ANY
        try:
            with transaction.atomic():
                SignUp.objects.filter(pk=row.pk).update(**changes)
        except IntegrityError:
            raise MoveError(already_there, already_there=True) from None  # signed up there a moment ago
        figures.count(contact_point_id=source_id, moved_out=1)
        figures.count(contact_point_id=target.pk, moved_in=1)
        check_enough_waiting(contact_point_id=source_id)
        check_enough_waiting(contact_point_id=target.pk)
    signup.refresh_from_db()
    return signup


# --- Messages to those waiting -------------------------------------------------


def send_message(*, contact_point: ContactPoint, body: str, created_by: object) -> int:
    """Email everyone waiting at a contact point. Staff learn only how many."""
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        broadcast = Broadcast.objects.create(contact_point=contact_point, body=body, created_by=created_by)
        signups = list(SignUp.objects.waiting().filter(contact_point=contact_point).only("pk"))
        for signup in signups:
            outbox.queue(
                kind=Email.Kind.BROADCAST,
                dedupe_key=f"broadcast:{broadcast.pk}:{signup.pk}",
                signup=signup,
                broadcast=broadcast,
                contact_point=contact_point,
            )
        Broadcast.objects.filter(pk=broadcast.pk).update(recipients=len(signups))
    return len(signups)


# --- When a local list stays short ---------------------------------------------
#
# Most local lists stay below the threshold for a long time. A person who has
# waited long at such a place, and who accepts telephone groups, is offered
# once to move their place to a nationwide list. Only the person can move it,
# with the button on their own page: the same sign-up changes contact point,
# keeping the date it started waiting.


def offer_moves(*, now: datetime.datetime | None = None) -> int:
    """Offer, once, a nationwide list to people who have waited long at a short local list."""
    now = now or timezone.now()
    if not nationwide_lists().exists():
        return 0
    cutoff = now - datetime.timedelta(days=settings.MOVE_OFFER_AFTER_DAYS)
    due = (
        SignUp.objects.waiting()
        .filter(
            move_offered_at=None,
            waiting_since__lte=cutoff,
            format__in=MOVE_FORMATS,
            contact_point__nationwide=False,
            # People at a closed contact point were offered every way on already.
            contact_point__closed_at=None,
        )
        .select_related("contact_point")
        .order_by("contact_point_id", "waiting_since", "pk")
    )
    offered = 0
    short: dict[int, bool] = {}
    for signup in list(due):
        point = signup.contact_point
        if point.pk not in short:
            short[point.pk] = list_is_short(point)
        if not short[point.pk] or not move_targets(signup=signup):
            continue
        with transaction.atomic():
            if not SignUp.objects.filter(pk=signup.pk, move_offered_at=None, status=SignUp.Status.WAITING).update(
                move_offered_at=now
            ):
                continue
            offered += outbox.queue(
                kind=Email.Kind.MOVE_OFFER,
                dedupe_key=f"move_offer:{signup.pk}",
                signup=signup,
                contact_point=point,
            )
    return offered


class MoveResult:
    MOVED = "moved"
    ALREADY_THERE = "already_there"
    NOT_POSSIBLE = "not_possible"


def move_to_nationwide(*, signup: SignUp, to: ContactPoint) -> str:
    """The person takes up the offer of a nationwide list: the offer is checked, and ``move_place`` moves them."""
    current = SignUp.objects.select_related("contact_point").filter(pk=signup.pk, move_offered_at__isnull=False).first()
    if current is None or current.contact_point_id != signup.contact_point_id:
        return MoveResult.NOT_POSSIBLE
    if SignUp.objects.filter(contact_point=to, email_hash=current.email_hash).exists():
        return MoveResult.ALREADY_THERE
    if to not in move_targets(signup=current):
        return MoveResult.NOT_POSSIBLE
    try:
        move_place(signup=signup, to=to)
    except MoveError as error:
        return MoveResult.ALREADY_THERE if error.already_there else MoveResult.NOT_POSSIBLE
    return MoveResult.MOVED
