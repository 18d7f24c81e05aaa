"""The mail about work accounts, registered with the outbox: an invitation
to choose a password, and a new password asked for. The one-time link in it
is made when the message is sent, so a retry still carries a working one."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from accounts.tokens import set_password_path
from outbox import kinds
from outbox.models import Email
from selvhjelp.mail import build_message


def _account_message(email: Email, name: str) -> EmailMultiAlternatives | None:
    user = email.user
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


STAFF_INVITATION = kinds.register("staff-invite", lambda email: _account_message(email, "staff-invitation"))
SET_PASSWORD = kinds.register("set-password", lambda email: _account_message(email, "set-password"))
