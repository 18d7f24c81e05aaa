"""Moving a place: only the person, with their own button, moves their place to
another list (their contact point closed, or a nationwide list was offered),
keeping the time they have waited.

Most local lists stay below the threshold for a long time. A person who has
waited long at such a place, and who accepts telephone or video groups, is
offered once to move their place to a nationwide list that meets that way."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactpoints.locking import lock_contact_point
from contactpoints.models import ContactPoint
from groups import emails, matching, monthly
from groups.models import ANY, SignUp
from groups.selectors import MOVE_FORMATS, list_is_short, move_targets, nationwide_lists
from groups.services.threshold import check_enough_waiting
from outbox import services as outbox


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
        monthly.count(contact_point_id=source_id, moved_out=1)
        monthly.count(contact_point_id=target.pk, moved_in=1)
        check_enough_waiting(contact_point_id=source_id)
        check_enough_waiting(contact_point_id=target.pk)
    signup.refresh_from_db()
    return signup


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
                kind=emails.MOVE_OFFER,
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
