"""Small typed helpers that read configuration from the environment.

Every setting comes from the environment (12-factor). A value may also be read
from a file named by ``NAME_FILE`` so that secrets can come from a mounted file.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name, "1" if default else "0").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env_str(name, str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# A request must not hang on a cache that does not answer: the rate limits
# then let the request through (selvhjelp/ratelimit.py).
CACHE_SOCKET_TIMEOUT_SECONDS = 1


def cache_from_url(url: str) -> dict[str, object]:
    """Django's CACHES entry for ``CACHE_URL``: Redis (``redis://``, ``rediss://``,
    ``unix://``), or, unset or ``locmem://``, this process's own memory."""
    scheme = urlsplit(url).scheme
    if not url or scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "selvhjelp"}
    if scheme in ("redis", "rediss", "unix"):
        return {
            "BACKEND": "selvhjelp.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "selvhjelp",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_SOCKET_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_SOCKET_TIMEOUT_SECONDS,
            },
        }
    raise ImproperlyConfigured(f"CACHE_URL must start with redis://, rediss://, unix:// or locmem://, not {scheme}://")
