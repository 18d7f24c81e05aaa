"""A cache for the public pages everyone is shown alike: the home page, the directory, a contact point's page.

``@public_page_cache`` keeps a page in this process's memory for ``PUBLIC_PAGE_CACHE_SECONDS``
(default 60) and answers the same address, in the same language, from there. It keeps and
serves a page only when nothing in it can belong to one visitor:

- only GET and HEAD, and only for a request that carries no cookie but the language cookie
  and is not signed in: with no session there is no message, no form token and no account
  to show, so every such visitor is shown the same page for the same address and language;
- the key is the address with its query, the language active after the locale middleware,
  and the generation (below), so a page in English is never served to someone reading bokmål;
- a page is kept only if it is a plain 200 that sets no cookie, says no ``private``,
  ``no-store`` or ``no-cache``, varies on nothing but ``Accept-Language`` and ``Cookie``, and
  while making it nothing was put in the session, no message was added and no form token was used.

Fresh at once: whatever a public page shows that staff or the app change (a contact point's
details, pausing, closing, publishing, its rooms and languages, the geography, the offices)
calls ``bump()``, from the model receivers (``contactpoints/receivers.py``) and from the
workflows that write with ``.update()``. ``bump`` raises the *generation*, one number in the
shared cache (Redis in production), so every process stops using what it kept before. Each process
hears of a new one at once (``GenerationWatcher``): a hit costs no round trip. Counts that change
with sign-ups do not bump it: they are at most ``PUBLIC_PAGE_CACHE_SECONDS`` old.

``per_generation`` keeps other things the public pages read (the directory's index) the same way.

What is kept holds nothing about a person: these pages show contact points, places and counts
that are already suppressed. A search's text is in its own address only, so only the same
address finds it again, and it is gone within a minute. If the shared cache cannot be read,
nothing is kept and every page is made afresh.
"""

import contextlib
import contextvars
import functools
import hashlib
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, TypeGuard, TypeVar, cast

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import request_finished, request_started, setting_changed
from django.db import connection, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-pages:generation"
# Where ``bump`` announces a new generation; how often a watcher reads it again all the same, and waits
# before it tries again after losing Redis.
GENERATION_CHANNEL = "public-pages:generation"
WATCH_REREAD_SECONDS = 10.0
WATCH_RETRY_SECONDS = 1.0
# What one process keeps at most, pages and parts of pages together.
MAX_BYTES = 32 * 1024 * 1024
# How long a thread waits for another making the same page before it makes it too.
MAKING_WAIT_SECONDS = 5.0
# Headers a kept page may vary on: the language, and cookies (no cookie but the language one is cached).
VARY_ALLOWED = frozenset({"accept-language", "cookie"})
# Cache-Control words that say a response must not be kept for others.
NOT_FOR_OTHERS = ("private", "no-store", "no-cache")
_COMMAS = re.compile(r"\s*,\s*")

T = TypeVar("T")
View = Callable[..., HttpResponseBase]

# The generation this request read, so that a page and the indexes it reads agree, at one read.
_request_generation: contextvars.ContextVar[int | None] = contextvars.ContextVar("public_page_generation", default=None)


def seconds() -> int:
    return int(settings.PUBLIC_PAGE_CACHE_SECONDS)


def keeping() -> bool:
    """Whether this process keeps anything (``PUBLIC_PAGE_CACHE_SECONDS`` above 0)."""
    return seconds() > 0


# --- The generation ------------------------------------------------------------------------------


def generation() -> int | None:
    """The current generation, or None when the shared cache cannot be read (then nothing is kept):
    as this process's watcher last heard it (``GenerationWatcher``), else read from the cache."""
    heard = watcher.current()
    if heard is not None:
        return heard
    try:
        return _read_generation()
    except Exception:  # noqa: BLE001 - a cache that does not answer must not take the public pages down
        logger.warning("The public pages' generation could not be read; pages are made afresh", exc_info=True)
        return None


def _read_generation() -> int | None:
    """The generation in the shared cache. One that is missing (a fresh cache, or one that dropped it)
    starts at the clock in nanoseconds: always above any number used before, so nothing kept before can
    match it."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return None if value is None else int(value)


class GenerationWatcher:
    """The generation as this process last heard it, so that a request need not ask Redis for it.

    Where the shared cache is Redis, one thread per process subscribes to the channel on which ``bump``
    announces each new generation, then reads the generation, and from then on takes each one announced
    as it comes (the highest heard: a generation only ever goes up). While it is subscribed,
    ``generation()`` answers from memory. Before that, and as soon as the subscription is lost (Redis
    restarted, the connection dropped), every request reads the cache as before, until the thread has
    subscribed and read again. It also reads the generation again every ``WATCH_REREAD_SECONDS``."""

    def __init__(self) -> None:
        self.value: int | None = None
        self.listening = False
        self._started_in = 0  # the process the thread runs in: a forked child starts its own
        self._turn = 0  # raised to stop the thread (the settings changed)
        self._lock = threading.Lock()

    def current(self) -> int | None:
        """The generation heard, or None when not listening: then read it from the cache."""
        if self._started_in != os.getpid():
            self._start()
            return None
        return self.value if self.listening else None

    def stop(self) -> None:
        with self._lock:
            self._turn += 1
            self._started_in = 0
            self.listening = False

    def _start(self) -> None:
        with self._lock:
            if self._started_in == os.getpid():
                return
            self._started_in, self.listening, self.value = os.getpid(), False, None
            backend = caches["default"]
            if not isinstance(backend, RedisCache):
                return  # another cache (the tests'): every request reads it
            turn = self._turn
            threading.Thread(target=self._watch, args=(backend, turn), name="generation-watcher", daemon=True).start()

    def _watch(self, backend: RedisCache, turn: int) -> None:
        channel = backend.make_and_validate_key(GENERATION_CHANNEL)
        said = False  # that it cannot listen: said once, not on every try while Redis is away
        while turn == self._turn:
            try:
                self._listen(backend, channel, turn)
            except Exception as exc:  # noqa: BLE001 - Redis went away: requests read it, and this tries again
                if self.listening or not said:
                    logger.warning(
                        "Not listening for new generations of the public pages (%s); each request asks Redis",
                        type(exc).__name__,
                    )
                said = True
            finally:
                self.listening = False
            time.sleep(WATCH_RETRY_SECONDS)

    def _listen(self, backend: RedisCache, channel: str, turn: int) -> None:
        pubsub = backend._cache.get_client(write=False).pubsub()
        try:
            pubsub.subscribe(channel)
            while not _is(pubsub.get_message(timeout=WATCH_RETRY_SECONDS), "subscribe"):
                if turn != self._turn:
                    return
            self._heard(_read_generation(), reread=True)
            reread_at = time.monotonic() + WATCH_REREAD_SECONDS
            while turn == self._turn:
                message = pubsub.get_message(timeout=WATCH_RETRY_SECONDS)
                if _is(message, "message"):
                    self._heard(int(message["data"]))
                if time.monotonic() >= reread_at:
                    self._heard(_read_generation(), reread=True)
                    reread_at = time.monotonic() + WATCH_REREAD_SECONDS
        finally:
            pubsub.close()

    def _heard(self, value: int | None, *, reread: bool = False) -> None:
        if value is None:
            self.listening = False
            return
        self.value = value if self.value is None else max(self.value, value)
        if reread:
            self.listening = True


def _is(message: dict[str, Any] | None, kind: str) -> TypeGuard[dict[str, Any]]:
    return message is not None and message["type"] == kind


watcher = GenerationWatcher()


@receiver(setting_changed, dispatch_uid="selvhjelp.pagecache.watcher")
def _watch_again_on_new_caches(setting: str = "", **kwargs: object) -> None:
    if setting == "CACHES":
        watcher.stop()


def current_generation() -> int | None:
    """The generation this request read (``public_page_cache``), else the one read once in this request
    (``_read_in_request``), else the current one."""
    fixed = _request_generation.get()
    if fixed is not None:
        return fixed
    memo = _read_in_request.get()
    if memo is None:
        return generation()
    if not memo:
        memo.append(generation())
    return memo[0]


# The generation as first read in this request: every part a page reads agrees, at one read. It is
# forgotten when the request ends, and when the request raises the generation itself. Outside a
# request (a worker, a command) it is read each time.
_read_in_request: contextvars.ContextVar[list[int | None] | None] = contextvars.ContextVar(
    "public_page_generation_read", default=None
)


@receiver(request_started, dispatch_uid="selvhjelp.pagecache.request_started")
def _request_starts(**kwargs: object) -> None:
    _read_in_request.set([])


@receiver(request_finished, dispatch_uid="selvhjelp.pagecache.request_finished")
def _request_ends(**kwargs: object) -> None:
    _read_in_request.set(None)


@contextlib.contextmanager
def reading(current: int | None) -> Iterator[None]:
    """Within, everything kept per generation is read at ``current``: a page and the indexes it reads agree."""
    token = _request_generation.set(current)
    try:
        yield
    finally:
        _request_generation.reset(token)


def bump() -> None:
    """Something a public page shows has changed: nothing kept before is used again.

    Raised now, and again once the transaction commits, so that a page made in between from the
    data before the change is not kept under the new generation."""
    _raise_generation()
    if connection.in_atomic_block:
        transaction.on_commit(_raise_generation)


def _raise_generation() -> None:
    memo = _read_in_request.get()
    if memo is not None:
        memo.clear()  # this request reads the new generation from now on
    try:
        try:
            raised = cache.incr(GENERATION_KEY)
        except ValueError:  # missing: a new generation above every earlier one
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
            raised = cache.get(GENERATION_KEY)
        backend = caches["default"]
        if isinstance(backend, RedisCache) and raised is not None:
            # Every process's watcher hears it at once (GenerationWatcher).
            channel = backend.make_and_validate_key(GENERATION_CHANNEL)
            backend._cache.get_client(write=True).publish(channel, int(raised))
    except Exception:  # noqa: BLE001 - the change is saved; pages then run out by themselves
        logger.warning("The public pages' generation could not be raised", exc_info=True)


# --- This process's memory -----------------------------------------------------------------------


class Makers:
    """One maker at a time per key: while one thread of this process makes what is kept under a key, the
    others asking for it wait (``MAKING_WAIT_SECONDS`` at most) and then find it kept. When something
    runs out under load, it is made once, not once per thread, each slowed by the others."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    @contextlib.contextmanager
    def one(self, key: Hashable) -> Iterator[None]:
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        mine = making.acquire(timeout=MAKING_WAIT_SECONDS)
        try:
            yield
        finally:
            if mine:
                making.release()
            with self._lock:
                if self._making.get(key) is making and not making.locked():
                    del self._making[key]


class LocalStore:
    """What this process keeps: at most ``max_bytes``, the least recently used going first, each for a time."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[object, ...], tuple[float, int, object]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._makers = Makers()

    def get(self, key: tuple[object, ...]) -> object | None:
        with self._lock:
            held = self._items.get(key)
            if held is None:
                return None
            expires, size, value = held
            if expires <= time.monotonic():
                del self._items[key]
                self._bytes -= size
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key: tuple[object, ...], value: object, *, size: int, timeout: float) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (time.monotonic() + timeout, size, value)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, (_expires, dropped, _value) = self._items.popitem(last=False)
                self._bytes -= dropped

    def one_maker(self, key: tuple[object, ...]) -> contextlib.AbstractContextManager[None]:
        """``Makers.one``: what runs out under load is made once, while the other threads wait for it."""
        return self._makers.one(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[tuple[object, ...]]:
        with self._lock:
            return list(self._items)


store = LocalStore(MAX_BYTES)


def clear() -> None:
    """Forget everything this process kept (the tests start each test so)."""
    store.clear()


def per_generation(name: str, build: Callable[[], T], *, size: int = 1 << 20) -> T:
    """``build()``, made once per generation in this process and kept at most ``PUBLIC_PAGE_CACHE_SECONDS``:
    for what the public pages read that only a bump changes (the directory's index)."""
    current = current_generation()
    if current is None or seconds() <= 0:
        return build()
    key = ("built", name, current)
    held = store.get(key)
    if held is None:
        with store.one_maker(key):
            held = store.get(key)
            if held is None:
                held = build()
                store.put(key, held, size=size, timeout=seconds())
    return cast(T, held)


# How long what ``made_once`` makes is kept: it changes only with the code or the settings.
MADE_ONCE_SECONDS = 24 * 3600


def made_once(key: tuple[object, ...], make: Callable[[], str]) -> str:
    """A piece of a page that is the same for everyone whatever the data (the site's header and footer,
    a form shown unfilled), made once per process under ``key`` and the language. ``key`` names all else
    it depends on; nothing about a person, a contact point or the figures may go into it."""
    full_key = ("made-once", translation.get_language(), *key)
    held = store.get(full_key)
    if not isinstance(held, str):
        held = make()
        store.put(full_key, held, size=len(held) * 2 + 200, timeout=MADE_ONCE_SECONDS)
    return held


@receiver(setting_changed, dispatch_uid="selvhjelp.pagecache.setting_changed")
def _forget_on_new_settings(**kwargs: object) -> None:
    """What was made under other settings (the tests change them) is made again."""
    store.clear()


def kept_by_content(name: str, content: object, make: Callable[[], T], *, size: Callable[[T], int]) -> T:
    """``make()``, kept in this process under a digest of everything it is made from (``content``, whose
    ``repr`` must show all of it): the same content gives what was made before, any change a new digest,
    so it is never stale. For what staff pages work out from counts, never for anything about a person."""
    if seconds() <= 0:
        return make()
    key = (name, hashlib.sha256(repr(content).encode()).hexdigest())
    held = store.get(key)
    if held is not None:
        return cast(T, held)
    value = make()
    store.put(key, value, size=size(value), timeout=seconds())
    return value


# What a kept piece of a page holds where its forms' token goes (``{% csrf_token %}`` writes it as it is:
# letters, digits and dashes are not escaped). Each request puts in its own (``with_form_token``): a token
# is a session's, and one session's token in another's page would let a third site post as the first.
FORM_TOKEN_STAND_IN = "form-token-stand-in-" + os.urandom(8).hex()


def form_token_of(context: Any) -> str | None:
    """The form token a template context would write (``django.template.context_processors.csrf``),
    or None where it writes none: a piece rendered there is made afresh, never kept."""
    token = context.get("csrf_token")
    written = "" if token is None else str(token)
    return None if written in ("", "NOTPROVIDED") else written


def with_form_token(kept: str, token: str) -> str:
    """A kept piece of a page, made with ``FORM_TOKEN_STAND_IN``, with this request's form token."""
    return kept.replace(FORM_TOKEN_STAND_IN, token)


def kept_staff_page(
    request: HttpRequest, name: str, template: str, content: str, facts: dict[str, object]
) -> HttpResponse:
    """A whole staff page, kept by content (``kept_by_content``) under ``name`` with the language, time
    zone and address it is written for (the language links lead back to it). Its content, ``content``,
    is rendered from ``facts`` alone (counts, dates, a group's details, never a person); ``template`` is
    the page around it, the site's header and footer, which reads ``facts`` and ``content``. It is made
    with a stand-in for the form token, and each request puts in its own (the sign-out form's and any
    other's). A session with a message to show is shown it on a page made afresh, never kept.

    It is the same for every colleague who may open the page: what is around the content names only
    the contact point, the language and the address, and the caller has checked access already."""

    def page(token: str) -> str:
        made = mark_safe(render_to_string(content, {**facts, "csrf_token": token}))  # noqa: S308  # nosec B308 B703 - a template's output
        return render_to_string(template, {**facts, "content": made, "csrf_token": token}, request)

    token = str(get_token(request))
    if len(get_messages(request)):
        return HttpResponse(page(token))
    said = (translation.get_language(), timezone.get_current_timezone_name(), request.get_full_path(), facts)
    kept = kept_by_content(name, said, lambda: page(FORM_TOKEN_STAND_IN), size=lambda html: len(html) * 2 + 200)
    return HttpResponse(with_form_token(kept, token))


def fragment(key: tuple[object, ...], render: Callable[[], str]) -> str:
    """A piece of a page (``render()``), kept like ``per_generation`` under ``key`` and the language."""
    current = current_generation()
    if current is None or seconds() <= 0:
        return render()
    full_key = ("fragment", current, translation.get_language(), *key)
    held = store.get(full_key)
    if not isinstance(held, str):
        with store.one_maker(full_key):
            held = store.get(full_key)
            if not isinstance(held, str):
                held = render()
                store.put(full_key, held, size=len(held) * 2 + 200, timeout=seconds())
    return held


# --- Pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeptPage:
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for header, value in self.headers:
            response[header] = value
        return response


def page_key(request: HttpRequest) -> tuple[str, ...] | None:
    """What a page is kept under, or None when this request must be answered afresh."""
    if request.method not in ("GET", "HEAD") or seconds() <= 0:
        return None
    if any(name != settings.LANGUAGE_COOKIE_NAME for name in request.COOKIES):
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    return (request.scheme or "", request.get_host(), request.get_full_path(), translation.get_language() or "")


def may_keep(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether ``response`` is the same for every visitor who asks for the same address in the same language."""
    if response.status_code != 200 or response.streaming or not isinstance(response, HttpResponse):
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in NOT_FOR_OTHERS):
        return False
    vary = {header.strip().lower() for header in _COMMAS.split(response.get("Vary", "")) if header.strip()}
    if not vary <= VARY_ALLOWED:
        return False
    # What would set a cookie after the view: a form token used, a session written, a message added.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.modified or not session.is_empty()):
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and getattr(messages, "added_new", False))


def public_page_cache(view: View) -> View:
    """Keep the page ``view`` answers for everyone who asks for it alike (see the module's docstring)."""

    @functools.wraps(view)
    def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = page_key(request)
        current = current_generation() if key is not None else None
        if key is None or current is None:
            return view(request, *args, **kwargs)
        full_key = ("page", current, *key)
        kept = store.get(full_key)
        if isinstance(kept, KeptPage):
            return kept.response()
        with store.one_maker(full_key):
            kept = store.get(full_key)
            if isinstance(kept, KeptPage):
                return kept.response()
            with reading(current):
                response = view(request, *args, **kwargs)
            if may_keep(request, response):
                assert isinstance(response, HttpResponse)  # noqa: S101 - may_keep checked it
                page = KeptPage(response.status_code, tuple(response.items()), response.content)
                store.put(full_key, page, size=len(page.content) + 500, timeout=seconds())
        return response

    return cached_view
