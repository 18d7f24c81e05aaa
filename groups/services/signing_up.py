"""Signing up: the public form takes a sign-up in, a worker records it, the
person confirms it from their inbox, changes their wishes, keeps their place
or withdraws. Nobody but the person can do any of it."""

import datetime
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from contactpoints.locking import lock_contact_point
from contactpoints.models import ContactPoint
from groups import emails, monthly
from groups.models import Group, IncomingSignUp, Invitation, PrivateLink, SignUp
from groups.selectors import MORE_LISTS, made_together, meets_as_asked
from groups.services.forming import refill
from groups.services.locking import lock_signups
from groups.services.threshold import check_enough_waiting
from outbox import services as outbox
from selvhjelp import giving_way
from selvhjelp.crypto import address_hash, normalise_address
from selvhjelp.logging import request_id
from selvhjelp.prepared import PreparedInsert
from selvhjelp.queue import wake_after_commit, woken

logger = logging.getLogger(__name__)

# A person who submits the form again for an address already on the list gets
# at most one reminder in this window, so the form cannot be used to flood an inbox.
RESEND_WINDOW = datetime.timedelta(hours=1)


# A sign-up the form accepted whose task has not recorded it by then (the
# broker was down, say) is recorded by the relay.
RECORD_INCOMING_AFTER = datetime.timedelta(minutes=1)
# The task that records every sign-up waiting to be recorded (named, for the
# task module imports this one), and the cache key that says it is woken.
RECORD_SIGN_UPS = "groups.tasks.record_sign_ups"
RECORDER_WOKEN = "groups:record-sign-ups:woken"
RECORDER_WOKEN_SECONDS = 60
# How many waiting sign-ups are read at a time.
RECORDING_BATCH = 500


@dataclass(frozen=True, kw_only=True)
class Preferences:
    format: str
    time_of_day: str
    # Every language the person can take part in, sorted; never empty.
    languages: tuple[str, ...]
    age_group: str

    def __post_init__(self) -> None:
        if not self.languages:
            raise ValueError("a sign-up needs at least one language")
        object.__setattr__(self, "languages", tuple(sorted(set(self.languages))))


def _window_key(moment: datetime.datetime) -> int:
    return int(moment.timestamp() // RESEND_WINDOW.total_seconds())


# What the form writes for every sign-up it accepts, with SQL made once per process.
_INCOMING = PreparedInsert(IncomingSignUp)


def receive(
    *,
    contact_point: ContactPoint,
    email: str,
    nickname: str,
    preferences: Preferences,
    locale: str,
    also_at: Sequence[int] = (),
) -> None:
    """The public form's part of a sign-up: keep what the person sent, and
    record it in the background (``record_incoming``). ``also_at``: the ids of
    at most two more contact points whose lists the person chose too.

    This does the same for every address: one row written, and the recorder
    woken unless it is woken already (``record_waiting``), which depends on
    other sign-ups only. Whether the address is already signed up here is
    found out only in the background, so neither the page, nor its timing, nor
    its work in the database can tell anyone. In a burst, one task records
    many sign-ups, rather than one task being queued for each.
    """
    _INCOMING.insert(
        contact_point=contact_point,
        email=normalise_address(email),
        nickname=nickname,
        **asdict(preferences),
        locale=locale,
        also_at=list(also_at)[:MORE_LISTS],
        request_id=request_id.get() or "",
    )
    wake_after_commit(RECORD_SIGN_UPS, flag=RECORDER_WOKEN, seconds=RECORDER_WOKEN_SECONDS)


def record_waiting(*, older_than: datetime.timedelta | None = None) -> int:
    """Record the sign-ups the form accepted, oldest first: all of them (the
    woken recorder), or those no task recorded in time (``older_than``, the
    relay). One that fails is logged and left for the relay; the rest go on.
    Returns how many were recorded here."""
    if older_than is None:
        woken(RECORDER_WOKEN)  # Before looking: a sign-up sent from now on wakes the recorder again.
    waiting = IncomingSignUp.objects.order_by("pk")
    if older_than is not None:
        waiting = waiting.filter(received_at__lt=timezone.now() - older_than)
    recorded, after = 0, 0
    while batch := list(waiting.filter(pk__gt=after).values_list("pk", flat=True)[:RECORDING_BATCH]):
        for incoming_id in batch:
            giving_way.give_way()  # In a burst, the web answers the next sign-ups first.
            try:
                recorded += record_incoming(incoming_id=incoming_id)
            except Exception as exc:
                logger.warning("Recording sign-up %s failed (%s); trying again later", incoming_id, type(exc).__name__)
        after = batch[-1]
    return recorded


def record_incoming(*, incoming_id: int) -> bool:
    """Record a sign-up the form accepted, once: a new sign-up and its
    confirmation email, or, for an address already here, a reminder.

    What the worker logs while recording it, and the email task queued when it
    commits, carry the id of the request that sent it: one recorder records
    many sign-ups, and each can still be followed from its request to its email."""
    token = None
    try:
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
            token = request_id.set(incoming.request_id or request_id.get())
            sign_up(
                contact_point=incoming.contact_point,
                email=incoming.email,
                nickname=incoming.nickname,
                preferences=Preferences(
                    format=incoming.format,
                    time_of_day=incoming.time_of_day,
                    languages=tuple(incoming.languages),
                    age_group=incoming.age_group,
                ),
                locale=incoming.locale,
                also_at=incoming.also_at,
            )
            incoming.delete()
        return True
    finally:
        if token is not None:
            request_id.reset(token)


def sign_up(
    *,
    contact_point: ContactPoint,
    email: str,
    nickname: str,
    preferences: Preferences,
    locale: str,
    also_at: Sequence[int] = (),
) -> None:
    """Record a person's own sign-up, on the lists of ``contact_point`` and of
    the contact points ``also_at``, and ask them to confirm it, in one email.

    An address already signed up at one of these contact points makes no
    second row there. If it is already on every one of them, its owner gets
    an email instead. The form never calls this itself (see ``receive``): the
    two paths do different work.
    """
    now = timezone.now()
    digest = address_hash(email)
    made = []
    points = [contact_point, *_more_lists(contact_point=contact_point, also_at=also_at, way=preferences.format)]
    with transaction.atomic():
        # Each contact point's lock first, as every change there takes it (confirming, withdrawing): the
        # rows made here refer to the contact point, which PostgreSQL checks when they commit, so a
        # recorder that counted the month's figures first would wait for a confirmation that waits for it.
        for point_id in sorted(point.pk for point in points):
            lock_contact_point(point_id)
        for point in points:
            try:
                with transaction.atomic():
                    signup = SignUp.objects.create(
                        contact_point=point,
                        email=normalise_address(email),
                        email_hash=digest,
                        nickname=nickname,
                        **asdict(preferences),
                        locale=locale,
                        # The same moment on every list from one form: one confirmation confirms them together.
                        created_at=now,
                    )
                    monthly.count(contact_point_id=point.pk, signed_up=1)
            except IntegrityError:
                continue  # On this list already: nobody is told, as on the form's own list.
            made.append(signup)
        if made:
            first = made[0]
            outbox.queue(
                kind=emails.CONFIRM,
                dedupe_key=f"confirm:{first.pk}:{_window_key(now)}",
                signup=first,
                contact_point=first.contact_point,
            )
            return
    with transaction.atomic():
        existing = SignUp.objects.filter(contact_point=contact_point, email_hash=digest).first()
        if existing is None:
            # Deleted between our insert and this lookup; nothing to remind.
            return
        kind = emails.ALREADY_SIGNED_UP if existing.is_waiting else emails.CONFIRM
        outbox.queue(
            kind=kind,
            dedupe_key=f"{kind}:{existing.pk}:{_window_key(now)}",
            signup=existing,
            contact_point=contact_point,
        )


def _more_lists(*, contact_point: ContactPoint, also_at: Sequence[int], way: str) -> list[ContactPoint]:
    """The other lists chosen on the form, checked again as they are recorded: still taking
    sign-ups and meeting the way the person asked; anything else is left out."""
    ids = [pk for pk in dict.fromkeys(also_at) if pk != contact_point.pk][:MORE_LISTS]
    points = ContactPoint.objects.taking_signups().in_bulk(ids)
    return [points[pk] for pk in ids if pk in points and meets_as_asked(points[pk], way)]


def confirm(*, signup: SignUp) -> bool:
    """Confirm a sign-up from the person's own inbox, with every list the same form put
    them on. Returns False if it was confirmed already."""
    now = timezone.now()
    with transaction.atomic():
        together = dict(made_together(signup).values_list("pk", "contact_point_id"))
        together[signup.pk] = signup.contact_point_id
        # Every contact point, always in the same order, so that two changes never deadlock.
        for contact_point_id in sorted(set(together.values())):
            lock_contact_point(contact_point_id)
        confirmed = False
        for pk, contact_point_id in together.items():
            updated = SignUp.objects.filter(pk=pk, status=SignUp.Status.UNCONFIRMED).update(
                status=SignUp.Status.WAITING,
                confirmed_at=now,
                waiting_since=now,
                expires_at=now + datetime.timedelta(days=settings.SIGNUP_EXPIRY_DAYS),
            )
            if not updated:
                continue
            confirmed = confirmed or pk == signup.pk
            monthly.count(contact_point_id=contact_point_id, confirmed=1)
            check_enough_waiting(contact_point_id=contact_point_id)
    signup.refresh_from_db()
    return confirmed


def change_preferences(*, signup: SignUp, nickname: str, preferences: Preferences) -> None:
    with transaction.atomic():
        lock_contact_point(signup.contact_point_id)
        SignUp.objects.filter(pk=signup.pk).update(nickname=nickname, **asdict(preferences))
        check_enough_waiting(contact_point_id=signup.contact_point_id)
    signup.refresh_from_db()


def withdraw(*, signup: SignUp, undeliverable: bool = False) -> None:
    """Delete the sign-up at once, with its links, its invitation and unsent mail.

    ``undeliverable``: not the person's choice, but mail to them bounced; counted as such."""
    with transaction.atomic():
        lock_contact_point(signup.contact_point_id)
        # Lock the row too: a group being started at this moment either
        # took this person already (we wait, then delete their invitation
        # too) or will skip them.
        if not lock_signups(SignUp.objects.filter(pk=signup.pk)):
            return
        invitation = Invitation.objects.filter(signup_id=signup.pk).select_related("group").first()
        _pass_on_links(signup)
        SignUp.objects.filter(pk=signup.pk).delete()
        if undeliverable:
            monthly.count(contact_point_id=signup.contact_point_id, undeliverable=1)
        elif signup.status != SignUp.Status.UNCONFIRMED:
            monthly.count(contact_point_id=signup.contact_point_id, withdrawn=1)
        if invitation is not None and invitation.group.is_forming:
            Group.objects.filter(pk=invitation.group_id).update(declined=F("declined") + 1)
            monthly.count(contact_point_id=signup.contact_point_id, declined=1)
            refill(group=invitation.group)
        check_enough_waiting(contact_point_id=signup.contact_point_id)


def _pass_on_links(signup: SignUp) -> None:
    """The person's link keeps opening their other places, if they have any: it passes to one of them."""
    heir = (
        SignUp.objects.filter(email_hash=signup.email_hash)
        .exclude(pk=signup.pk)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if heir is not None:
        PrivateLink.objects.filter(signup_id=signup.pk).update(signup_id=heir)


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


def remove_undeliverable(*, signup_id: int) -> bool:
    """Mail to this person bounced or was reported as spam: they cannot be
    reached, so their sign-up is removed and counted, and never mailed again;
    so are their places on other lists, each counted at its own contact point."""
    signup = SignUp.objects.filter(pk=signup_id).first()
    if signup is None:
        return False
    places = SignUp.objects.filter(email_hash=signup.email_hash).order_by("contact_point_id", "pk")
    with transaction.atomic():
        # In the order of their contact points, the order every lock is taken in.
        for place in places:
            withdraw(signup=place, undeliverable=True)
    return True
