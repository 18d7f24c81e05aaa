"""CACHE_URL names the cache the rate limits count in: Redis in production,
this process's memory on a laptop."""

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from selvhjelp.env import cache_from_url


class CacheUrlTests(SimpleTestCase):
    def test_unset_the_cache_is_this_process_own(self):
        for url in ("", "locmem://"):
            self.assertEqual(cache_from_url(url)["BACKEND"], "django.core.cache.backends.locmem.LocMemCache")

    def test_a_redis_url_is_used_with_short_timeouts(self):
        for url in ("redis://127.0.0.1:6379/1", "rediss://:secret@cache.internal:6380/0", "unix:///run/redis.sock"):
            cache = cache_from_url(url)
            self.assertEqual(cache["BACKEND"], "selvhjelp.cache.RedisCache")
            self.assertEqual(cache["LOCATION"], url)
            self.assertLessEqual(cache["OPTIONS"]["socket_timeout"], 2)  # type: ignore[index]

    def test_anything_else_is_refused_without_echoing_the_url(self):
        with self.assertRaises(ImproperlyConfigured) as refused:
            cache_from_url("memcached://user:secret@cache.internal:11211")
        self.assertIn("memcached://", str(refused.exception))
        self.assertNotIn("secret", str(refused.exception))
