"""Counting for rate limits: in the shared cache, over a sliding window, keyed
by a keyed hash of the client's address and never the address itself."""

from unittest import mock

from django.core.cache import cache
from django.test import RequestFactory, SimpleTestCase, override_settings

from selvhjelp import ratelimit


def key_for(address: str) -> str:
    return ratelimit.client_key(RequestFactory().get("/", REMOTE_ADDR=address))


class ClientKeyTests(SimpleTestCase):
    def test_the_same_address_gives_the_same_key_and_the_key_is_not_the_address(self):
        self.assertEqual(key_for("203.0.113.7"), key_for("203.0.113.7"))
        self.assertNotEqual(key_for("203.0.113.7"), key_for("203.0.113.8"))
        self.assertNotIn("203", key_for("203.0.113.7"))

    def test_the_key_depends_on_a_secret_so_that_nobody_can_try_every_address(self):
        before = key_for("203.0.113.7")
        with override_settings(SECRET_KEY="another-secret-key-of-the-right-length-for-django-0123456789"):
            self.assertNotEqual(key_for("203.0.113.7"), before)

    def test_an_ipv6_client_is_counted_by_its_network_and_an_ipv4_mapped_address_as_ipv4(self):
        self.assertEqual(key_for("2001:db8:1:2::1"), key_for("2001:db8:1:2:ffff::9"))
        self.assertNotEqual(key_for("2001:db8:1:2::1"), key_for("2001:db8:1:3::1"))
        self.assertEqual(key_for("::ffff:203.0.113.7"), key_for("203.0.113.7"))


class SlidingWindowTests(SimpleTestCase):
    def setUp(self):
        cache.clear()
        self.counter = ratelimit.Counter("test", "k", 3600)

    def counts_at(self, moment: float) -> int | None:
        with mock.patch("time.time", return_value=moment):
            [counted] = ratelimit.peek(self.counter) or [None]
        return counted

    def count_at(self, moment: float, times: int = 1) -> None:
        with mock.patch("time.time", return_value=moment):
            for _ in range(times):
                ratelimit.take(self.counter)

    def test_the_previous_window_counts_for_the_part_still_inside(self):
        start = 3600 * 1_000_000
        self.count_at(start + 100, times=10)
        self.assertEqual(self.counts_at(start + 200), 10)
        self.assertEqual(self.counts_at(start + 3600 + 900), 8)  # a quarter of it has slid out: 7.5, rounded up
        self.count_at(start + 3600 + 900, times=2)
        self.assertEqual(self.counts_at(start + 3600 + 900), 10)
        self.assertEqual(
            self.counts_at(start + 3600 + 1), 12, "just after the window turned, the last one counts in full"
        )
        self.assertEqual(self.counts_at(start + 3 * 3600), 0)

    def test_taking_counts_the_request_and_says_what_was_counted_before_it(self):
        start = 3600 * 1_000_000
        other = ratelimit.Counter("test", "other", 3600)
        with mock.patch("time.time", return_value=start + 100):
            first = ratelimit.take(self.counter, other)
            second = ratelimit.take(self.counter)
        self.assertEqual((first.counts, second.counts), ([0, 0], [1]))
        self.assertEqual(self.counts_at(start + 200), 2)

    def test_a_request_turned_away_and_given_back_is_not_counted(self):
        start = 3600 * 1_000_000
        self.count_at(start + 100, times=3)
        with mock.patch("time.time", return_value=start + 200):
            taken = ratelimit.take(self.counter)
        self.assertEqual(taken.counts, [3])
        with mock.patch("time.time", return_value=start + 3600 + 5):  # given back after its window turned
            ratelimit.give_back(taken, self.counter)
        self.assertEqual(self.counts_at(start + 300), 3)

    def test_once_per_window_is_once(self):
        self.assertTrue(ratelimit.once_per_window(self.counter, "held"))
        self.assertFalse(ratelimit.once_per_window(self.counter, "held"))
        self.assertTrue(ratelimit.once_per_window(self.counter, "something-else"))


# A Redis database of the tests' own (the real-worker tests use 15).
TEST_REDIS = "redis://127.0.0.1:6379/14"


@override_settings(CACHES={"default": {"BACKEND": "selvhjelp.cache.RedisCache", "LOCATION": TEST_REDIS}})
class SlidingWindowInRedisTests(SlidingWindowTests):
    """The same counting where production counts: in Redis, every counter of a request in one round trip."""

    def test_a_count_in_redis_ends_with_its_second_window(self):
        from django.core.cache import caches

        ratelimit.take(self.counter, ratelimit.Counter("test", "other", 60))
        client = caches["default"]._cache.get_client(write=True)
        keys = sorted(client.keys("*rate:test:*"))
        self.assertEqual(len(keys), 2)
        for key in keys:
            self.assertEqual(int(client.get(key)), 1)
            self.assertGreater(client.ttl(key), 0, "a counter that never ends would hold a client back for good")
        self.assertLessEqual(max(client.ttl(key) for key in keys), 2 * 3600)

    def test_every_counter_of_a_request_is_counted_in_one_command(self):
        from django.core.cache import caches

        pool = caches["default"]._cache.get_client(write=True).connection_pool
        connection = pool.get_connection()
        packer = type(connection._command_packer)  # what writes each command sent to Redis
        pool.release(connection)
        ratelimit.take(self.counter)  # Redis is given the script, once
        counters = (self.counter, ratelimit.Counter("test", "other", 60), ratelimit.Counter("test", "x", 60))
        with mock.patch.object(packer, "pack", autospec=True, side_effect=packer.pack) as sent:
            taken = ratelimit.take(*counters)
        self.assertEqual(sent.call_count, 1)
        self.assertEqual(taken.counts, [1, 0, 0])

    def test_counting_goes_on_after_redis_forgot_its_scripts(self):
        from django.core.cache import caches

        ratelimit.take(self.counter)
        caches["default"]._cache.get_client(write=True).script_flush()  # as after a restart
        self.assertEqual(ratelimit.take(self.counter).counts, [1])
        self.assertEqual(ratelimit.peek(self.counter), [2])
