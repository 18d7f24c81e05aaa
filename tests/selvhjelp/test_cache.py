"""The Redis cache keeps one Redis client and round-trips what Django's own does."""

from django.core.cache import caches
from django.test import SimpleTestCase, override_settings

from selvhjelp.env import cache_from_url

TEST_REDIS = "redis://127.0.0.1:6379/14"


@override_settings(CACHES={"default": cache_from_url(TEST_REDIS)})
class RedisCacheTests(SimpleTestCase):
    def setUp(self):
        caches["default"].clear()

    def test_every_call_uses_the_same_client(self):
        backend = caches["default"]
        first = backend._cache.get_client(write=True)
        self.assertIs(backend._cache.get_client(), first)
        self.assertIs(backend._cache.get_client("any key", write=True), first)

    def test_what_is_put_comes_back_and_numbers_count(self):
        backend = caches["default"]
        backend.set("a-page", {"kept": ["for", "a", "minute"]}, timeout=60)
        self.assertEqual(backend.get("a-page"), {"kept": ["for", "a", "minute"]})
        self.assertTrue(backend.add("a-count", 1, timeout=60))
        self.assertEqual(backend.incr("a-count"), 2)
        self.assertEqual(backend.get_many(["a-count", "missing"]), {"a-count": 2})
