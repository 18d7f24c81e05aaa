"""The rendered parts of the offices' pages and their CSV files, kept under what they show.

A key names the office, the version of the figures, the language and the day
(``figures.views``), never the user, so that what is kept under a key never
changes: each process keeps its own copy of the parts it served last, and every
process finds the others' in the cache, where they are kept for an hour.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar, cast

from django.core.cache import cache

from figures import closing

T = TypeVar("T")
KEEP_SECONDS = closing.KEEP_SECONDS
# What one process keeps of them at most: the national office's page is the largest, some 300 kB.
PROCESS_BYTES = 8 * 1024 * 1024

_parts: OrderedDict[str, tuple[object, int]] = OrderedDict()
_lock = threading.Lock()
_held = 0


def kept(key: str, make: Callable[[], T], size: Callable[[T], int]) -> T:
    """What is kept under ``key``: this process's copy, else the cache's, else made now and kept in both."""
    name = f"figures:kept:{key}"
    with _lock:
        if name in _parts:
            _parts.move_to_end(name)
            return cast(T, _parts[name][0])
    value = cache.get(name)
    if value is None:
        value = make()
        cache.set(name, value, KEEP_SECONDS)
    _remember(name, value, size(value))
    return cast(T, value)


def _remember(name: str, value: object, size: int) -> None:
    global _held
    if size > PROCESS_BYTES:
        return
    with _lock:
        if name in _parts:
            return
        _parts[name] = (value, size)
        _held += size
        while _held > PROCESS_BYTES:
            _name, (_value, forgotten) = _parts.popitem(last=False)
            _held -= forgotten


def forget() -> None:
    """Forget this process's copies (the cache keeps its own)."""
    global _held
    with _lock:
        _parts.clear()
        _held = 0
