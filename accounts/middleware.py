"""Limits on a signed-in session.

A session counts as signed in only when it has passed both factors: one that
has not (for instance from a login path that asks for a password only) is
ended. A session also ends after ``SESSION_IDLE_MINUTES`` without a request
and ``SESSION_MAX_HOURS`` after sign-in. Ending it flushes it on the server,
so a copied cookie is worth nothing afterwards.

Nothing a signed-in session is sent is kept by a browser's cache or a proxy
(``NoStoreWhenSignedInMiddleware``).
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import middleware as otp_middleware

# A sign-in between its steps: whose code to ask for next (accounts/views.py).
PENDING = "sign_in_pending"
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


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django-otp's: ``request.user.is_verified()`` says whether the session passed the second step.
    The code app it passed with was read with the account (``accounts.backends.AccountBackend``), so
    this asks for it again only for a device read otherwise (recovery codes)."""

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = None
            if persistent_id:
                persistent_id = self._normalize_persistent_id(persistent_id)
                code_apps = getattr(user, "code_apps", {})
                if persistent_id in code_apps:
                    device = code_apps[persistent_id]
                else:
                    device = self._device_from_persistent_id(persistent_id)
            user.otp_device = self._finalize_device(request, user, device)
        return user


def _signing_in_or_signed_in(request: HttpRequest) -> bool:
    return request.user.is_authenticated or PENDING in request.session


class NoStoreWhenSignedInMiddleware:
    """Every response to a signed-in request, or to one between the two steps of
    signing in, says ``Cache-Control: no-store, private`` (and no-cache, max-age=0):
    staff and office pages, CSV files, the admin, the sign-in steps, redirects
    and errors alike. A request that signs in or out is asked about before and after.

    Put after ``OTPMiddleware``, so that ``request.user`` is known.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        before = _signing_in_or_signed_in(request)
        response = self.get_response(request)
        if before or _signing_in_or_signed_in(request):
            add_never_cache_headers(response)
        return response
