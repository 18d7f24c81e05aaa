"""The rendered parts of the offices' pages and their CSV files, kept under what they show.

A key names the office, the version of the figures, the language and the day
(``figures.views``), never the user, so that what is kept under a key never
changes: each process keeps its own copy of the parts it served last, and every
process finds the others' in the cache, where they are kept for an hour. When
the figures change, one thread of a process makes the new parts while the
others asking for them wait.
"""

from collections.abc import Callable
from typing import TypeVar, cast

from django.core.cache import cache

from figures import closing
from selvhjelp.pagecache import LocalStore

T = TypeVar("T")
KEEP_SECONDS = closing.KEEP_SECONDS
# What one process keeps of them at most: the national office's page is the largest, some 300 kB.
PROCESS_BYTES = 8 * 1024 * 1024

_process = LocalStore(PROCESS_BYTES)


def kept(key: str, make: Callable[[], T], size: Callable[[T], int]) -> T:
    """What is kept under ``key``: this process's copy, else the cache's, else made now and kept in both."""
    name = f"figures:kept:{key}"
    held = _process.get((name,))
    if held is not None:
        return cast(T, held)
    # New figures are rendered by one thread of the process; the others wait for it, not render too.
    with _process.one_maker((name,)):
        held = _process.get((name,))
        if held is not None:
            return cast(T, held)
        value = cache.get(name)
        if value is None:
            value = make()
            cache.set(name, value, KEEP_SECONDS)
        _process.put((name,), value, size=size(value), timeout=KEEP_SECONDS)
    return cast(T, value)


def forget() -> None:
    """Forget this process's copies (the cache keeps its own)."""
    _process.clear()
