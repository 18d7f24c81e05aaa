"""One-time links that let a person set their own password.

The token is bound to the account's current password hash and last sign-in,
so it stops working the moment it is used; it also expires after
``SET_PASSWORD_LINK_HOURS``. An invitation and "forgot my password" use the
same link.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User


class SetPasswordTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "selvhjelp.accounts.set-password"


set_password_token = SetPasswordTokenGenerator()


def set_password_path(user: "User") -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("set_password", args=[uid, set_password_token.make_token(user)])
