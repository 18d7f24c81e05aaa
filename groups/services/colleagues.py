"""Who can leave a contact point's staff: never the last one while people wait."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from contactpoints.locking import lock_contact_point
from contactpoints.models import ContactPoint
from contactpoints.services import ContactPointError
from groups.models import SignUp


def remove_colleague(*, contact_point: ContactPoint, user: User) -> None:
    """Take someone off the contact point's staff. Their account goes too, unless it belongs elsewhere.

    The last staff member cannot leave while people are waiting: someone must
    be there to start their group.
    """
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        if not contact_point.staff.filter(pk=user.pk).exists():
            return
        someone_else = contact_point.staff.exclude(pk=user.pk).filter(is_active=True).exists()
        # Everyone on the list or in a forming group here (not those who never confirmed).
        someone_waits = SignUp.objects.filter(contact_point=contact_point).exclude(status=SignUp.Status.UNCONFIRMED)
        if not someone_else and someone_waits.exists():
            raise ContactPointError(
                _(
                    "You are the only staff member here, and people are waiting. "
                    "Invite a colleague first, or close the contact point."
                )
            )
        contact_point.staff.remove(user)
        belongs_elsewhere = user.is_staff or user.is_superuser or user.contact_points.exists() or user.offices.exists()
        if not belongs_elsewhere:
            user.delete()
