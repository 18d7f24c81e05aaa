"""The mail about sign-ups and groups, registered with the outbox.

Mail to a participant is rendered in the language they used, from their
contact point, when it is sent; a private link in it is made then too, so a
retry still carries a working one. It invites no reply: it says how to reach
the contact point instead. Mail to staff names no person.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone, translation

from groups import calendar, guide, links, matching, selectors
from groups.models import AddressExchange, Group, Invitation, SignUp
from outbox import kinds
from outbox.models import Email
from selvhjelp.mail import build_message


def _signup_message(email: Email, name: str, *, with_link: bool = True) -> EmailMultiAlternatives | None:
    """A message to a participant, rendered in their language, from their contact point."""
    if email.signup_id is None:
        return None
    signup = SignUp.objects.select_related("contact_point").filter(pk=email.signup_id).first()
    if signup is None:
        return None
    contact_point = email.contact_point or signup.contact_point
    group = Group.objects.select_related("room").filter(pk=email.group_id).first() if email.group_id else None
    context: dict[str, object] = {
        "contact_point": contact_point,
        "signup": signup,
        "group": group,
        "broadcast": email.broadcast,
        "confirm_hours": settings.SIGNUP_CONFIRM_HOURS,
        "closed_signups_kept_days": settings.CLOSED_SIGNUPS_KEPT_DAYS,
        "no_reply": True,
    }
    if with_link:
        context["link"] = f"{settings.SITE_URL}{links.url(links.mint(signup=signup))}"
    member = False
    if email.kind in (INVITATION, MEETING_MOVED, ACCEPTED, REMINDER):
        invitation = Invitation.objects.filter(signup=signup, group=group).first()
        if invitation is None:
            return None  # The seat was given up, or the group cancelled, before the message went out.
        member = invitation.status == Invitation.Status.ACCEPTED
        if email.kind in (ACCEPTED, REMINDER) and not member:
            return None  # Said not this time before the message went out.
        if email.kind == REMINDER and group is not None and group.first_meeting <= timezone.now():
            return None  # Too late to remind of it.
        context["invitation"] = invitation
        # Only those who said yes learn how to join a video group.
        context["member"] = member
    if email.kind == GUIDE and group is not None:
        context["guide"] = guide.HOW_A_GROUP_RUNS_ITSELF
        exchange = AddressExchange.objects.filter(signup=signup, group=group).first()
        if exchange is not None:
            token = links.mint_exchange(exchange_id=exchange.pk)
            context["exchange_link"] = f"{settings.SITE_URL}{links.exchange_url(token)}"
            context["exchange_until"] = exchange.expires_at
    if email.kind == CONFIRM:
        # One email confirms every list one form put the person on: it names them all.
        context["lists"] = [
            row.contact_point for row in selectors.made_together(signup).select_related("contact_point")
        ]
    if email.kind == ACCEPTED and signup.left_lists:
        left = selectors.lists_left(signup)
        context["left_lists"], context["left_count"] = ", ".join(left), len(left)
    if email.kind == MOVE_OFFER:
        context["nationwide"] = selectors.move_options(signup)
        if not context["nationwide"]:
            return None  # The place moved, or the nationwide list closed, before the message went out.
    message = build_message(
        name=name,
        context=context,
        to=signup.email,
        locale=signup.locale,
        sender_name=contact_point.name,
        # No Reply-To: a reply would hand the person's private link (or, after
        # hand-off, the group's) to whoever reads the contact point's mail.
        # Each message says how to reach the contact point instead.
    )
    version = _calendar_version(email.kind, member=member)
    if group is not None and version is not None:
        with translation.override(signup.locale):
            message.attach(*calendar.attachment(group=group, version=version))
    return message


def _calendar_version(kind: str, *, member: bool) -> calendar.Version | None:
    """Which calendar file a message about a group carries, if any: the
    invitation's has no way to join a video group, a member's has."""
    if kind == GROUP_CANCELLED:
        return calendar.Version.CANCELLED
    if kind in (ACCEPTED, REMINDER) or (kind == MEETING_MOVED and member):
        return calendar.Version.MEMBER
    if kind in (INVITATION, MEETING_MOVED):
        return calendar.Version.INVITED
    return None


def _enough_waiting(email: Email) -> EmailMultiAlternatives | None:
    user, contact_point = email.user, email.contact_point
    if user is None or contact_point is None or not user.is_active:
        return None
    suggestions = matching.suggestions(contact_point)
    if not suggestions:
        return None  # Someone withdrew or a group started before the message went out.
    return build_message(
        name="enough-waiting",
        context={
            "contact_point": contact_point,
            "suggestions": suggestions,
            "link": f"{settings.SITE_URL}{reverse('staff:dashboard', args=[contact_point.slug])}",
        },
        to=user.email,
        locale=user.language,
    )


def _to_participant(name: str, *, with_link: bool = True) -> kinds.Renderer:
    return lambda email: _signup_message(email, name, with_link=with_link)


CONFIRM = kinds.register("confirm", _to_participant("confirm"))
ALREADY_SIGNED_UP = kinds.register("already", _to_participant("already-signed-up"))
INVITATION = kinds.register("invitation", _to_participant("invitation"))
BACK_ON_LIST = kinds.register("back", _to_participant("back-on-list"))
BROADCAST = kinds.register("broadcast", _to_participant("message"))
GUIDE = kinds.register("guide", _to_participant("guide", with_link=False))
EXPIRY_WARNING = kinds.register("expiry", _to_participant("expiry-warning"))
MOVE_OFFER = kinds.register("move_offer", _to_participant("move-offer"))
SIGNUPS_PAUSED = kinds.register("paused", _to_participant("signups-paused"))
CLOSING = kinds.register("closing", _to_participant("closing"))
ENOUGH_WAITING = kinds.register("enough", _enough_waiting)


def _meeting_moved(email: Email) -> EmailMultiAlternatives | None:
    # Moved again before this went out: only the newest message is sent, with
    # the time and place as they are now.
    if email.signup_id is None or email.group_id is None:
        return None
    newer = Email.objects.filter(
        kind=MEETING_MOVED, signup_id=email.signup_id, group_id=email.group_id, pk__gt=email.pk
    )
    if newer.exists():
        return None
    return _signup_message(email, "meeting-moved")


MEETING_MOVED = kinds.register("moved", _meeting_moved)
GROUP_CANCELLED = kinds.register("cancelled", _to_participant("group-cancelled"))
ACCEPTED = kinds.register("accepted", _to_participant("accepted"))
REMINDER = kinds.register("reminder", _to_participant("reminder"))
