"""The one lock every change at a contact point takes first."""

from contactpoints.models import ContactPoint


def lock_contact_point(contact_point_id: int) -> None:
    """Every change to who waits or who is invited at a contact point takes
    this lock first. One lock order everywhere means no deadlocks, and two
    changes at one contact point never interleave."""
    ContactPoint.objects.select_for_update().filter(pk=contact_point_id).values_list("pk", flat=True).first()
