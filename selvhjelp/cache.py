"""Django's Redis cache, with one Redis client per cache instead of one per call.

Django's ``RedisCacheClient.get_client`` makes a new ``redis.Redis`` object for
every cache operation, and each one builds its table of response callbacks:
about as much work as the round trip itself. A ``redis.Redis`` is safe to share
between threads (it takes a connection from its pool for each command), so the
one made first for a server is kept and used for every call after it.
"""

from typing import Any

import redis
from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        # Django's own pool for this server, kept for the life of the process (not in django-stubs).
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache``, with ``RedisCacheClient`` above."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
