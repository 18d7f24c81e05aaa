"""Messages to everyone waiting at a contact point (staff's own, and the
app's when the contact point pauses or closes), and to one person about a group."""

from django.db import transaction
from django.db.models import Model

from accounts.models import User
from contactpoints.locking import lock_contact_point
from contactpoints.models import ContactPoint
from groups import emails
from groups.models import Broadcast, Group, SignUp
from outbox import services as outbox


def send_message(*, contact_point: ContactPoint, body: str, created_by: User | None) -> int:
    """Email everyone waiting at a contact point. Staff learn only how many."""
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        broadcast = Broadcast.objects.create(contact_point=contact_point, body=body, created_by=created_by)
        told = tell_everyone_waiting(
            contact_point=contact_point, kind=emails.BROADCAST, key=f"broadcast:{broadcast.pk}", broadcast=broadcast
        )
        Broadcast.objects.filter(pk=broadcast.pk).update(recipients=told)
    return told


def tell_everyone_waiting(*, contact_point: ContactPoint, kind: str, key: str, **about: Model | None) -> int:
    """Queue one message of ``kind`` to each person waiting at the contact point, in the
    caller's transaction (which holds the contact point's lock); ``key`` is made unique
    per person. Returns how many are told; who they are stays in the outbox."""
    signups = list(SignUp.objects.waiting().filter(contact_point=contact_point).only("pk", "contact_point_id"))
    for signup in signups:
        outbox.queue(kind=kind, dedupe_key=f"{key}:{signup.pk}", signup=signup, contact_point=contact_point, **about)
    return len(signups)


def tell_about_group(*, kind: str, key: str, group: Group, signup: SignUp) -> bool:
    """Queue one message of ``kind`` about ``group`` to one person invited to it,
    in the caller's transaction; ``key`` names the occasion and is made unique per
    person. Returns False if that person was told of it already."""
    return outbox.queue(
        kind=kind, dedupe_key=f"{key}:{signup.pk}", signup=signup, group=group, contact_point=group.contact_point
    )
