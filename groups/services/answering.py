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
        lock_contact_point(signup.contact_point_id)
        invitation = Invitation.objects.select_for_update().select_related("group").filter(signup_id=signup.pk).first()
        if invitation is None or not invitation.group.is_forming or invitation.group.first_meeting <= now:
            return False
        group = invitation.group
        if reply == Answer.YES:
            if invitation.status == Invitation.Status.ACCEPTED:
                return True
            Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.ACCEPTED, answered_at=now)
            SignUp.objects.filter(pk=signup.pk).update(status=SignUp.Status.ACCEPTED)
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
