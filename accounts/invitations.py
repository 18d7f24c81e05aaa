"""Work accounts are made by invitation: the person chooses their own password
through a one-time link, then sets up their second factor. Nobody else ever
chooses a password for them."""

import uuid

from django.db import transaction

from accounts.models import User
from contactpoints.models import ContactPoint, Office
from groups import outbox
from groups.models import Email


@transaction.atomic
def invite(
    *,
    email: str,
    invited_by: User | None,
    contact_point: ContactPoint | None = None,
    office: Office | None = None,
) -> User:
    """Make (or find) the account for ``email``, add it to the contact point's
    staff or the office's members, and send a one-time set-password link.

    An account that has a password already is only added: it signs in as before.
    """
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        user = User.objects.create_user(email.strip())  # no password: it cannot sign in until one is chosen
    if contact_point is not None:
        contact_point.staff.add(user)
    if office is not None:
        office.members.add(user)
    if not user.has_usable_password():
        send_set_password_link(user, kind=Email.Kind.STAFF_INVITATION, contact_point=contact_point)
    return user


def send_set_password_link(user: User, *, kind: str, contact_point: ContactPoint | None = None) -> None:
    """Queue the email; the link in it is made when it is sent, so a retry still carries a working one."""
    outbox.queue(kind=kind, dedupe_key=f"{kind}:{user.pk}:{uuid.uuid4().hex}", contact_point=contact_point, user=user)


def start_over(user: User) -> None:
    """An administrator's reset: the password and the second factor are removed,
    and the person gets a new link to choose a password and set up a new factor."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        user.set_unusable_password()
        user.save(update_fields=["password"])
        send_set_password_link(user, kind=Email.Kind.STAFF_INVITATION)
