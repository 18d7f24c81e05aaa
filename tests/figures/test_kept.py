"""A rendered part of an office's page or a CSV file is made once for its key, kept in the cache for
every process, and by each process for itself."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

from django.core.cache import cache
from django.test import SimpleTestCase

from figures import kept


class KeptTests(SimpleTestCase):
    def setUp(self):
        kept.forget()
        cache.clear()
        self.addCleanup(kept.forget)
        self.made = 0

    def make(self, text="made"):
        def made():
            self.made += 1
            return text

        return made

    def test_a_part_is_made_once_and_kept_by_the_process_and_the_cache(self):
        self.assertEqual(kept.kept("office-figures:a", self.make(), len), "made")
        with mock.patch.object(kept.cache, "get") as asked:
            self.assertEqual(kept.kept("office-figures:a", self.make(), len), "made")
        asked.assert_not_called()  # this process's own copy
        kept.forget()  # as another process, or this one after it forgot
        self.assertEqual(kept.kept("office-figures:a", self.make("other"), len), "made")
        self.assertEqual(self.made, 1)
        self.assertEqual(cache.get("figures:kept:office-figures:a"), "made")

    def test_each_key_is_its_own(self):
        self.assertEqual(kept.kept("office-figures:a", self.make("a"), len), "a")
        self.assertEqual(kept.kept("office-figures:b", self.make("b"), len), "b")
        self.assertEqual(kept.kept("office-places:a", self.make("c"), len), "c")
        self.assertEqual(self.made, 3)

    def test_a_process_keeps_at_most_its_share_the_oldest_forgotten_first(self):
        with mock.patch.object(kept._process, "max_bytes", 10):
            kept.kept("a", self.make("aaaa"), len)
            kept.kept("b", self.make("bbbb"), len)
            kept.kept("a", self.make(), len)  # used again: the newest now
            kept.kept("c", self.make("cccc"), len)
            kept.kept("d", self.make("d" * 20), len)  # larger than the share: in the cache only
            cache.clear()
            self.assertEqual(kept.kept("a", self.make("new a"), len), "aaaa")
            self.assertEqual(kept.kept("c", self.make("new c"), len), "cccc")
            self.assertEqual(kept.kept("b", self.make("new b"), len), "new b")
            self.assertEqual(kept.kept("d", self.make("new d"), len), "new d")

    def test_threads_asking_at_once_for_new_figures_wait_for_one_to_render_them(self):
        started = threading.Barrier(6)

        def slow():
            self.made += 1
            time.sleep(0.2)  # long enough that every thread asks while it is being made
            return "the national office's tables"

        def ask(_n):
            started.wait()
            return kept.kept("office-figures:new-version", slow, len)

        with ThreadPoolExecutor(max_workers=6) as pool:
            answers = list(pool.map(ask, range(6)))
        self.assertEqual(answers, ["the national office's tables"] * 6)
        self.assertEqual(self.made, 1)
