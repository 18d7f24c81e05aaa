"""The settings as production sees them (DEBUG=0), read from a fresh process."""

import functools
import json
import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings

# What an operator sets, at the least (README). A real-looking key, so that
# `check --deploy` judges the settings and not the test's key.
REQUIRED = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "example.org",
    "EMAIL_BACKEND": "anymail.backends.mailjet.EmailBackend",
    # Rate limits shared by every web process (nothing connects to it here),
    # and counted per client behind the one proxy in front.
    "CACHE_URL": "redis://127.0.0.1:6379/5",
    "TRUSTED_PROXY_COUNT": "1",
    # Background work outside the requests (nothing connects to it here either).
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/5",
}

SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
]
OTHER_SETTINGS = ["DEBUG", "LOG_FORMAT", "STORAGES"]


def production_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything that tunes production, plus the required values."""
    tuned = ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "ALLOWED_HOSTS", "STATIC_ROOT")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SECURE_", "LOG_", "DJANGO_")) and name.removesuffix("_FILE") not in tuned
    }
    return {**env, **REQUIRED, **extra}


def manage(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


_PRINT_SETTINGS = """
import json, sys
from django.conf import settings
json.dump({name: getattr(settings, name) for name in sys.argv[1:]}, sys.stdout, default=str)
"""


def settings_in_production(*names: str, **env: str) -> dict[str, object]:
    """The settings ``names`` as a fresh production process reads them, with ``env`` on top of the required values."""
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", _PRINT_SETTINGS, *names],
        cwd=settings.BASE_DIR,
        env=production_env(DJANGO_SETTINGS_MODULE="selvhjelp.settings", **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@functools.cache
def production_settings() -> dict[str, object]:
    return settings_in_production(*SECURITY_SETTINGS, *OTHER_SETTINGS)


def production_security_overrides() -> dict[str, object]:
    """The production values of the security settings, for ``override_settings``."""
    values = {name: production_settings()[name] for name in SECURITY_SETTINGS}
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])  # type: ignore[arg-type]
    # The test client speaks plain HTTP unless asked: no redirect to https here;
    # the redirect itself is checked on its own.
    values["SECURE_SSL_REDIRECT"] = False
    return values
