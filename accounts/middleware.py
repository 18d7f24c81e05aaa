"""Limits on a signed-in session.

A session counts as signed in only when it has passed both factors: one that
has not (for instance from a login path that asks for a password only) is
ended. A session also ends after ``SESSION_IDLE_MINUTES`` without a request
and ``SESSION_MAX_HOURS`` after sign-in. Ending it flushes it on the server,
so a copied cookie is worth nothing afterwards.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION = 60


def start(request: HttpRequest) -> None:
    """Mark the moment a session passed both factors."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            reason = self._reason_to_end(request)
            if reason is not None:
                logout(request)
                if reason:
                    messages.info(request, reason)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    def _reason_to_end(self, request: HttpRequest) -> str | None:
        """``None`` to keep the session; otherwise the message to show (may be empty)."""
        if not request.user.is_verified():  # type: ignore[union-attr]
            return ""
        now = int(time.time())
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT, 0)
        seen_at = session.get(SEEN_AT, 0)
        if now - signed_in_at > settings.SESSION_MAX_HOURS * 3600:
            return _("You were signed out because you had been signed in for %(hours)s hours.") % {
                "hours": settings.SESSION_MAX_HOURS
            }
        if now - seen_at > settings.SESSION_IDLE_MINUTES * 60:
            return _("You were signed out after %(minutes)s minutes without activity.") % {
                "minutes": settings.SESSION_IDLE_MINUTES
            }
        if now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return None
