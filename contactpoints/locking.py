"""The one lock every change at a contact point takes first."""

from contactpoints.models import ContactPoint


def lock_contact_point(contact_point_id: int) -> None:
    """Every change to who waits or who is invited at a contact point takes
    this lock first. One lock order everywhere means no deadlocks, and two
    changes at one contact point never interleave.

    It is PostgreSQL's lock for a change that leaves the row's key alone (``FOR NO KEY UPDATE``): the
    changes wait for each other, but a new row that only refers to the contact point (a sign-up the
    form takes in there) does not wait for them."""
    ContactPoint.objects.select_for_update(no_key=True).filter(pk=contact_point_id).values_list("pk", flat=True).first()
