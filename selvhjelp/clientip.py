"""The address a request came from, as far as it can be trusted.

A client can write anything into ``X-Forwarded-For``. Each proxy in front of
the app appends the address it received the request from, so only the last
``TRUSTED_PROXY_COUNT`` entries were written by proxies we run; the entry just
before them is the client. With no trusted proxy the header is ignored and
the socket's address is used. Limits keyed by this address (login throttling,
the public form's rate limits) cannot be dodged by forging the header.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return _valid(remote)
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    # The proxy next to the app is REMOTE_ADDR; the others appended to the header.
    appended = hops[-(proxies - 1) :] if proxies > 1 else []
    before = hops[: len(hops) - len(appended)]
    if not before:
        return _valid(remote)
    return _valid(before[-1])


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "unknown"


def address_for_lockouts(request: HttpRequest) -> str | None:
    """The client address for counting failed sign-ins, or None when there is none to count by
    (a sign-in without a request, such as a test's ``force_login``): the lockout table keeps
    addresses in an IP column, which on PostgreSQL refuses the word "unknown"."""
    address = client_ip(request)
    return None if address == "unknown" else address
