"""A person's answer to an invitation: yes, not this time, or remove me."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from contactpoints.locking import lock_contact_point
from groups import emails, monthly
from groups.models import Group, Invitation, SignUp
from groups.services.forming import back_on_list, refill
from groups.services.messages import tell_about_group
from groups.services.signing_up import withdraw
from groups.services.threshold import check_enough_waiting


class Answer:
    YES = "yes"
    NOT_THIS_TIME = "not_this_time"
    REMOVE_ME = "remove_me"


def answer(*, signup: SignUp, reply: str) -> bool:
    """A member's answer to their invitation. Returns False if it no longer applies."""
    now = timezone.now()
    with transaction.atomic():
        # Saying yes also removes the person's places on other lists: every contact point
        # they are on is locked, always in the same order, so that two changes never deadlock.
        places = _places(signup) if reply == Answer.YES else {}
        for contact_point_id in sorted({signup.contact_point_id, *places.values()}):
            lock_contact_point(contact_point_id)
        invitation = Invitation.objects.select_for_update().select_related("group").filter(signup_id=signup.pk).first()
        if invitation is None or not invitation.group.is_forming or invitation.group.first_meeting <= now:
            return False
        group = invitation.group
        if reply == Answer.YES:
            if invitation.status == Invitation.Status.ACCEPTED:
                return True
            Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.ACCEPTED, answered_at=now)
            left = _leave_other_lists(signup=signup, places=places)
            SignUp.objects.filter(pk=signup.pk).update(status=SignUp.Status.ACCEPTED, left_lists=left)
            monthly.count(contact_point_id=group.contact_point_id, accepted=1)
            # The final details, with how to join a video group, go to those who said yes only.
            tell_about_group(kind=emails.ACCEPTED, key=f"accepted:{group.pk}", group=group, signup=signup)
            return True
        if reply == Answer.NOT_THIS_TIME:
            back_on_list(invitation=invitation, passed_on=True, tell=False)
            Group.objects.filter(pk=group.pk).update(declined=F("declined") + 1)
            monthly.count(contact_point_id=group.contact_point_id, declined=1)
            refill(group=group)
            check_enough_waiting(contact_point_id=group.contact_point_id)
            return True
        if reply == Answer.REMOVE_ME:
            withdraw(signup=signup)
            return True
    raise ValueError(f"unknown answer {reply!r}")


def _places(signup: SignUp) -> dict[int, int]:
    """The person's places on other lists (the same address): sign-up id to contact point id."""
    others = SignUp.objects.filter(email_hash=signup.email_hash).exclude(pk=signup.pk)
    return dict(others.values_list("pk", "contact_point_id"))


def _leave_other_lists(*, signup: SignUp, places: dict[int, int]) -> list[int]:
    """Someone who said yes to a group is removed from every other list, in the same
    transaction; a seat they were offered there goes to the next person waiting, as after
    "not this time". Returns the contact points whose lists they left (confirmed places only)."""
    left = []
    for other in SignUp.objects.filter(pk__in=_places(signup)).order_by("pk"):
        if other.contact_point_id not in places.values():
            lock_contact_point(other.contact_point_id)  # signed up there since we looked: locked now
        if other.status != SignUp.Status.UNCONFIRMED:
            left.append(other.contact_point_id)
        withdraw(signup=other)
    return sorted(set(left))
