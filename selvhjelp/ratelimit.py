"""Counting requests in shared state, for limits that hold across web processes.

Counts live in Django's cache: Redis in production (``CACHE_URL``), shared by
every web process. A count covers a sliding window, estimated from two fixed
ones: the current window's count plus the previous window's, weighted by how
much of it still falls inside the sliding window. That smooths the edge where
a fixed window would let twice the limit through. The part of the previous
window is rounded up, so that no limit is briefly lower as a window turns.

No key holds a client's address: ``client_key`` is a keyed hash of it. When
the cache does not answer, nothing is counted and every limit lets the request
through: the form must keep working for people, and the warning is logged.
"""

import contextlib
import functools
import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from redis import Redis
from redis.commands.core import Script

from selvhjelp.clientip import client_ip

logger = logging.getLogger(__name__)

# One IPv6 subscriber (a phone, a home) is given a whole /64 and can use any
# address in it, so an IPv6 client is counted by its /64.
IPV6_SUBSCRIBER_PREFIX = 64


def client_key(request: HttpRequest) -> str:
    """The client's address, as a keyed hash: the same client gives the same
    key, and nobody who reads the cache can tell which address it was."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        network = address  # "unknown": all such clients share one count
    else:
        if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
            parsed = parsed.ipv4_mapped
        if isinstance(parsed, ipaddress.IPv6Address):
            network = str(ipaddress.ip_network(f"{parsed}/{IPV6_SUBSCRIBER_PREFIX}", strict=False))
        else:
            network = str(parsed)
    return salted_hmac("selvhjelp.ratelimit.client", network, algorithm="sha256").hexdigest()[:32]


@dataclass(frozen=True)
class Counter:
    """Requests of one kind (``scope``) from one source (``key``) in a sliding window of ``seconds``."""

    scope: str
    key: str
    seconds: int

    def _keys(self, now: float) -> tuple[str, str]:
        window = int(now // self.seconds)
        return (f"rate:{self.scope}:{self.key}:{window}", f"rate:{self.scope}:{self.key}:{window - 1}")

    def _estimate(self, now: float, current: int, previous: int) -> int:
        still_inside = 1 - (now % self.seconds) / self.seconds
        # Rounded up: just after a window turns, the previous one still counts in full.
        return current + math.ceil(previous * still_inside)


def peek(*counters: Counter) -> list[int] | None:
    """How many each counter holds now, in one round trip; None when the cache does not answer."""
    now = time.time()
    keys = [counter._keys(now) for counter in counters]
    try:
        found = cache.get_many([key for pair in keys for key in pair])
    except Exception as exc:
        logger.warning("Rate limits are not counted: the cache did not answer (%s)", type(exc).__name__)
        return None
    return _estimates(counters, keys, found, now)


def _estimates(
    counters: tuple[Counter, ...], keys: list[tuple[str, str]], found: dict[str, Any], now: float
) -> list[int]:
    """Each counter's sliding-window count, from its two windows' values as read."""
    return [
        counter._estimate(now, int(found.get(current, 0)), int(found.get(previous, 0)))
        for counter, (current, previous) in zip(counters, keys, strict=True)
    ]


@dataclass(frozen=True)
class Taken:
    """What ``take`` found: how many each counter held just before this request (in its order), and
    the moment it counted at, so that the same windows can be given back."""

    counts: list[int]
    now: float


def take(*counters: Counter) -> Taken | None:
    """Count one more request on each counter and say how many each held just before it: in one round
    trip where the cache is Redis. A request then turned away is given back (``give_back``), so that
    it is not counted. None when the cache does not answer: nothing is counted."""
    now = time.time()
    keys = [counter._keys(now) for counter in counters]
    try:
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            found = _take_in_redis(backend, keys, counters)
        else:
            found = backend.get_many([key for pair in keys for key in pair])
            for counter, (current, _previous) in zip(counters, keys, strict=True):
                # Two windows' time: the next window reads this one as its previous.
                if not backend.add(current, 1, timeout=2 * counter.seconds):
                    try:
                        backend.incr(current)
                    except ValueError:
                        backend.add(current, 1, timeout=2 * counter.seconds)  # expired between add and incr
    except Exception as exc:
        logger.warning("A request was not counted: the cache did not answer (%s)", type(exc).__name__)
        return None
    return Taken(counts=_estimates(counters, keys, found, now), now=now)


# Each counter's previous window read, and its current window made with its time to live if missing, then
# raised: one script, so it is one command to send and one answer to read, and a key never lives without an
# end. KEYS are each counter's previous and current window, in turn; ARGV each counter's time to live.
# Django's Redis cache keeps whole numbers as they are, so a count reads as a number here and in ``peek``.
_TAKE_SCRIPT = """
local answers = {}
for index = 1, #ARGV do
  local previous, current = KEYS[2 * index - 1], KEYS[2 * index]
  answers[2 * index - 1] = tonumber(redis.call('GET', previous)) or 0
  redis.call('SET', current, 0, 'EX', ARGV[index], 'NX')
  answers[2 * index] = redis.call('INCR', current)
end
return answers
"""


@functools.cache
def _take_script(client: Redis) -> Script:
    """The script, sent by its digest; Redis is given the script itself once, or again after a restart."""
    return client.register_script(_TAKE_SCRIPT)


def _take_in_redis(backend: RedisCache, keys: list[tuple[str, str]], counters: tuple[Counter, ...]) -> dict[str, int]:
    """``take`` where the cache is Redis: every counter in one round trip (``_TAKE_SCRIPT``). What the
    current windows held before is what each raise returned, less this request."""
    client = backend._cache.get_client(write=True)  # Django's own Redis client for this cache
    names = [backend.make_and_validate_key(key) for current, previous in keys for key in (previous, current)]
    answers = _take_script(client)(keys=names, args=[2 * counter.seconds for counter in counters], client=client)
    found = {}
    for index, (current, previous) in enumerate(keys):
        before, raised = answers[2 * index : 2 * index + 2]
        found[previous] = int(before)
        found[current] = int(raised) - 1
    return found


def give_back(taken: Taken, *counters: Counter) -> None:
    """Take back the request ``take`` counted on these counters: it was turned away."""
    try:
        backend = caches["default"]
        for counter in counters:
            with contextlib.suppress(ValueError):  # gone already: nothing to give back
                backend.decr(counter._keys(taken.now)[0])
    except Exception as exc:
        logger.warning("A request turned away was still counted: the cache did not answer (%s)", type(exc).__name__)


def once_per_window(counter: Counter, what: str) -> bool:
    """True the first time it is asked about ``what`` for this counter within
    its window: something to do once, not on every request over a limit."""
    try:
        return bool(cache.add(f"rate:{counter.scope}:{counter.key}:{what}", 1, timeout=counter.seconds))
    except Exception as exc:
        logger.warning("The cache did not answer (%s)", type(exc).__name__)
        return False


def admit(request: HttpRequest, *, scope: str, limit: int, seconds: int) -> bool:
    """Count one request of ``scope`` from this client; False once ``limit`` are counted in the window.

    A request turned away is not counted. ``limit`` 0 means no limit.
    """
    if limit <= 0:
        return True
    counter = Counter(scope, client_key(request), seconds)
    taken = take(counter)
    if taken is None:
        return True  # the cache does not answer: let the person through
    if taken.counts[0] >= limit:
        give_back(taken, counter)
        logger.warning("A %s was turned away: many came from one client address", scope)
        return False
    return True
