"""Signing in as a work account in tests: a password and a code app, like everyone.

``sign_in`` gives a Django test client a session that has passed both factors
(the two steps themselves are tested in tests/accounts). ``current_code`` is a
code the account's app would show and that the server will still take: one
code is taken once, so two sign-ins within 30 seconds need the next one.
"""

import base64
import time

from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.codeapp import ensure_device
from accounts.middleware import PENDING, SEEN_AT, SIGNED_IN_AT
from accounts.models import CodeApp


def current_code(device: TOTPDevice) -> str:
    """``device`` is a code app, as the account's own (``ensure_device``) or as django-otp's row of it."""
    device = CodeApp.objects.get(pk=device.pk)  # as it is now, and its key, decrypted
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    for offset in range(device.tolerance + 1):
        totp.drift = device.drift + offset
        if totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}"
    raise AssertionError(
        "every code within the tolerance has been used; wait for the next 30 seconds"
    )  # pragma: no cover


def sign_in(client: Client, user) -> None:
    device = ensure_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = session[SEEN_AT] = int(time.time())
    session.save()


def code_for_secret(secret: str) -> str:
    """The code a code app shows now for a base32 key (as seed_demo prints it)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def sign_in_through_the_pages(client: Client, email: str, password: str, code: str) -> HttpResponse:
    """Both steps over HTTP, as a person does them; returns the last response."""
    client.post(reverse("login"), {"username": email, "password": password})
    return client.post(reverse("sign_in_code"), {"code": code})


def between_the_steps(client: Client, user) -> None:
    """A session that has passed the password step for ``user`` and waits for the code (or a new code app)."""
    session = client.session
    # Far enough ahead that the code step does not expire during a long test.
    session[PENDING] = {
        "user": user.pk,
        "backend": settings.AUTHENTICATION_BACKENDS[-1],
        "at": int(time.time()) + 3600,
        "next": "",
    }
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
