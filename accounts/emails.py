"""The mail about work accounts, registered with the outbox: an invitation
to choose a password, and a new password asked for. The one-time link in it
is made when the message is sent, so a retry still carries a working one.

A new password asked for on the "forgot password" page is queued for the
address typed, not for an account (``invitations.ask_for_new_password``):
the account, if there is one, is looked up here, in the worker, and an
address without one gets nothing.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from accounts.models import PasswordRequest, User
from accounts.tokens import set_password_path
from outbox import kinds
from outbox.models import Email
from selvhjelp.mail import build_message


def account_asked_for(email: Email) -> User | None:
    """The active account whose address was typed into "forgot password", if any."""
    asked = PasswordRequest.objects.filter(outbox_key=email.dedupe_key).first()
    if asked is None:
        return None
    return User.objects.filter(email__iexact=asked.address, is_active=True).first()


def _account_message(user: User | None, name: str) -> EmailMultiAlternatives | None:
    if user is None or not user.is_active:
        return None
    # The places the account belongs to, by the names people know them by.
    places = [point.name for point in user.contact_points.all()] + [office.name for office in user.offices.all()]
    return build_message(
        name=name,
        context={
            "places": places,
            "link": f"{settings.SITE_URL}{set_password_path(user)}",
            "hours": settings.SET_PASSWORD_LINK_HOURS,
        },
        to=user.email,
        locale=user.language,
    )


STAFF_INVITATION = kinds.register("staff-invite", lambda email: _account_message(email.user, "staff-invitation"))
# For an account (``send_set_password_link``), or for an address typed into "forgot password".
SET_PASSWORD = kinds.register(
    "set-password", lambda email: _account_message(email.user or account_asked_for(email), "set-password")
)
