"""Work accounts are made by invitation: the person chooses their own password
through a one-time link, then sets up their second factor. Nobody else ever
chooses a password for them."""

import uuid

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import emails
from accounts.models import PasswordRequest, User
from outbox import services as outbox
from selvhjelp.crypto import normalise_address


@transaction.atomic
def invite(*, email: str, invited_by: User | None) -> User:
    """Make (or find) the account for ``email`` and send a one-time set-password
    link. The caller adds the account where it belongs, in the same transaction.

    An account that has a password already gets no link: it signs in as before.
    """
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        user = User.objects.create_user(email.strip())  # no password: it cannot sign in until one is chosen
    if not user.has_usable_password():
        send_set_password_link(user, kind=emails.STAFF_INVITATION)
    return user


def send_set_password_link(user: User, *, kind: str) -> None:
    """Queue the email; the link in it is made when it is sent, so a retry still carries a working one."""
    outbox.queue(kind=kind, dedupe_key=f"{kind}:{user.pk}:{uuid.uuid4().hex}", user=user)


@transaction.atomic
def ask_for_new_password(*, address: str) -> None:
    """A new password asked for on the "forgot password" page: the same work for every address, known or not.

    What was typed is kept, encrypted, and a set-password mail is queued for
    it: one row each, and one task after commit. Whether the address has an
    account is found out only when a worker writes the mail, which comes to
    nothing for an address without one (``accounts.emails``). So neither the
    page, nor its timing, nor its work in the database can tell anyone.
    """
    key = f"{emails.SET_PASSWORD}:asked:{uuid.uuid4().hex}"
    PasswordRequest.objects.create(outbox_key=key, address=normalise_address(address))
    outbox.queue(kind=emails.SET_PASSWORD, dedupe_key=key)


def start_over(user: User) -> None:
    """An administrator's reset: the password and the second factor are removed,
    and the person gets a new link to choose a password and set up a new factor."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        user.set_unusable_password()
        user.save(update_fields=["password"])
        send_set_password_link(user, kind=emails.STAFF_INVITATION)
