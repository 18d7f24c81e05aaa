"""The request a signed-in page gets: its user is a work account, never anonymous."""

from django.http import HttpRequest

from accounts.models import User


class SignedInRequest(HttpRequest):
    """For views behind sign-in (``login_required``, ``members_only``): ``request.user`` is a ``User``."""

    user: User
