"""Nobody can use the form to find out whether an address is signed up.

A known address and a new one get the same page, the same status, the same
cookies, and cost the request the same work: the form only writes what it was
sent and queues it (``services.receive``); whether the address is known is
found out in the background. The tests prove it three ways: the responses are
equal, the database statements are equal, and over many requests the timings
cannot be told apart.
"""

import random
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

from django.core import mail
from django.db import connection
from django.test import Client, SimpleTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from scipy import stats

from groups import tasks
from groups.models import IncomingSignUp, SignUp
from outbox.models import Email
from tests.base import link_token, signup_data
from tests.database import statements
from tests.groups.test_signing_up import SignUpTestCase

KNOWN = "known.person@example.org"

# The timing check. Each pair is a known and a new address, each sent three
# times, all six back to back in random order; each keeps its fastest time,
# which is the work itself with the least of whatever else the machine did
# (other tests, other processes). The two can be told apart only if a Wilcoxon
# signed-rank test on the paired differences says so with p < 1e-6 AND the
# median difference is more than 5 % of the median request. Two paths that do
# the same work fail both about never; the form as it was before sign-ups were
# recorded in the background (a known address cost a failed insert and a
# lookup, a new one three inserts) failed with p < 1e-14 and a 10 % difference
# on PostgreSQL. ``TimingCheckTests`` shows both on made-up timings.
PAIRS = 150
REPEATS = 3
WARM_UP = 10
SIGNIFICANCE = 1e-6
LARGEST_SHIFT = 0.05


@dataclass(frozen=True)
class Comparison:
    p_value: float
    shift: float  # median paired difference, as a share of the median request
    told_apart: bool

    def __str__(self) -> str:
        return f"p = {self.p_value:.2g}, median difference {100 * self.shift:+.1f} % of a request"


def compare(first: list[float], second: list[float]) -> Comparison:
    """Whether paired timings of two paths can be told apart (see the bounds above)."""
    differences = [a - b for a, b in zip(first, second, strict=True)]
    if not any(differences):
        return Comparison(p_value=1.0, shift=0.0, told_apart=False)
    p_value = float(stats.wilcoxon(differences).pvalue)
    shift = statistics.median(differences) / statistics.median(first + second)
    return Comparison(p_value=p_value, shift=shift, told_apart=p_value < SIGNIFICANCE and abs(shift) > LARGEST_SHIFT)


def paired_timings(
    paths: dict[str, Callable[[int], object]], *, pairs: int = PAIRS, seed: int = 8
) -> dict[str, list[float]]:
    """For each pair, the fastest of ``REPEATS`` runs of each path, run interleaved in random order."""
    order = random.Random(seed)  # noqa: S311 - the order of requests, not a secret
    timings: dict[str, list[float]] = {label: [] for label in paths}
    for n in range(WARM_UP + pairs):
        runs = [label for label in paths for _ in range(REPEATS)]
        order.shuffle(runs)
        fastest = dict.fromkeys(paths, float("inf"))
        for run, label in enumerate(runs):
            started = time.perf_counter()
            paths[label](n * len(runs) + run)
            fastest[label] = min(fastest[label], time.perf_counter() - started)
        if n >= WARM_UP:  # the first few warm up caches and connections
            for label in paths:
                timings[label].append(fastest[label])
    return timings


class NoEnumerationTests(SignUpTestCase):
    def setUp(self):
        self.sign_up(email=KNOWN)
        self.confirm(link_token(mail.outbox[0]))
        self.assertTrue(SignUp.objects.get().is_waiting)
        mail.outbox.clear()
        self.url = reverse("signup", args=[self.point_a.slug])

    def post(self, address: str):
        """One person's browser: the page, then the form sent back."""
        client = Client()
        client.get(self.url)
        return client.post(self.url, signup_data(email=address))

    def test_a_known_and_a_new_address_get_the_same_page_status_and_cookies(self):
        with self.captureOnCommitCallbacks(execute=True):
            known, new = self.post(KNOWN), self.post("new.person@example.org")
        self.assertEqual(known.status_code, 302)
        self.assertEqual(known.status_code, new.status_code)
        self.assertEqual(known["Location"], new["Location"])
        varying = {"X-Request-ID"}
        self.assertEqual(
            {k: v for k, v in known.headers.items() if k not in varying},
            {k: v for k, v in new.headers.items() if k not in varying},
        )
        self.assertEqual(
            {name: dict(cookie.items()) for name, cookie in known.cookies.items()},
            {name: dict(cookie.items()) for name, cookie in new.cookies.items()},
        )
        self.assertEqual(known.content, new.content)
        follow_known = Client().get(known["Location"])
        follow_new = Client().get(new["Location"])
        self.assertEqual(follow_known.status_code, 200)
        self.assertEqual(follow_known.status_code, follow_new.status_code)
        self.assertEqual(
            re.sub(r'value="[^"]+"', "", follow_known.content.decode()),
            re.sub(r'value="[^"]+"', "", follow_new.content.decode()),
        )

    def test_a_known_and_a_new_address_cost_the_request_the_same_database_work(self):
        self.post("warm.up@example.org")
        runs = {}
        for label, address in (("known", KNOWN), ("new", "new.person@example.org")):
            client = Client()
            client.get(self.url)
            with CaptureQueriesContext(connection) as queries, self.captureOnCommitCallbacks() as queued:
                client.post(self.url, signup_data(email=address))
            runs[label] = (statements(queries.captured_queries), len(queued))
        self.assertEqual(runs["known"], runs["new"])
        self.assertTrue(any(sql.startswith("INSERT") for sql in runs["new"][0]))

    def test_the_request_writes_the_same_for_both_and_only_the_background_tells_them_apart(self):
        emails, signups = Email.objects.count(), SignUp.objects.count()
        with self.captureOnCommitCallbacks() as queued:
            self.post(KNOWN)
            self.post("new.person@example.org")
        self.assertEqual(IncomingSignUp.objects.count(), 2, "one row each, and nothing else")
        self.assertEqual((Email.objects.count(), SignUp.objects.count()), (emails, signups))
        with mock.patch.object(tasks.record_sign_ups, "delay") as broker:
            for callback in queued:
                callback()
        broker.assert_called_once_with()  # one recorder woken for both, and told nothing about either

        with self.captureOnCommitCallbacks(execute=True):
            tasks.record_sign_ups()
        self.assertFalse(IncomingSignUp.objects.exists())
        self.assertEqual(SignUp.objects.count(), 2)
        subjects = {message.to[0]: message.subject for message in mail.outbox}
        self.assertEqual(set(subjects), {KNOWN, "new.person@example.org"})
        self.assertNotEqual(subjects[KNOWN], subjects["new.person@example.org"], "only their owners see which")

    @override_settings(
        # Counted, as always, but never reached: every request does the whole work.
        SIGNUP_LIMIT_PER_CLIENT=10**9,
        SIGNUP_LIMIT_PER_CONTACT_POINT=10**9,
        SIGNUP_BURST_PER_CONTACT_POINT=10**9,
    )
    def test_a_known_and_a_new_address_take_the_same_time(self):
        clients = {"known": Client(), "new": Client()}
        for client in clients.values():
            client.get(self.url)

        def send(label: str, address: str) -> None:
            response = clients[label].post(self.url, signup_data(email=address))
            self.assertEqual(response.status_code, 302)

        with self.captureOnCommitCallbacks():  # the task is queued after the response, as with a broker
            timings = paired_timings(
                {
                    "known": lambda n: send("known", KNOWN),
                    "new": lambda n: send("new", f"new.person{n:05}@example.org"),
                }
            )
        comparison = compare(timings["known"], timings["new"])
        self.assertFalse(comparison.told_apart, f"a known address can be told from a new one by time: {comparison}")


class TimingCheckTests(SimpleTestCase):
    """The timing check itself, on made-up timings, so that it is known to find
    a difference and known not to cry wolf, whatever the machine is doing."""

    def timings(self, seed: int, extra_work: float = 0.0) -> dict[str, list[float]]:
        rng = random.Random(seed)  # noqa: S311 - made-up numbers

        def request(work: float) -> Callable[[int], float]:
            def run(_n: int) -> float:
                took = 0.004 * work * rng.lognormvariate(0, 0.1)
                if rng.random() < 0.2:  # now and then something else gets the processor first
                    took += rng.expovariate(1 / 0.004)
                return took

            return run

        made_up = {"first": request(1 + extra_work), "second": request(1.0)}
        with mock.patch.object(time, "perf_counter", side_effect=self.clock(made_up)):
            return paired_timings(made_up)

    @staticmethod
    def clock(paths: dict[str, Callable[[int], float]]):  # type: ignore[no-untyped-def]
        """A perf_counter under which each call of a path seems to take what it returns."""
        now = [0.0]

        def tick() -> float:
            return now[0]

        for label, path in list(paths.items()):

            def timed(n: int, path=path) -> None:
                now[0] += path(n)

            paths[label] = timed  # type: ignore[assignment]
        return tick

    def test_two_paths_that_do_the_same_work_are_not_told_apart(self):
        told_apart = [seed for seed in range(40) if compare(*self.timings(seed).values()).told_apart]
        self.assertEqual(told_apart, [])

    def test_a_path_that_does_a_tenth_more_work_is_told_apart(self):
        for seed in range(20):
            comparison = compare(*self.timings(seed, extra_work=0.10).values())
            self.assertTrue(comparison.told_apart, f"seed {seed}: {comparison}")

    def test_a_tiny_steady_difference_is_not_reported(self):
        comparison = compare(*self.timings(1, extra_work=0.01).values())
        self.assertFalse(comparison.told_apart, comparison)
