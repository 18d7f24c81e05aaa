"""The public form keeps out floods and programs, and never a person: generous
rate limits per client address and per contact point, a honeypot and a time
trap, each answered with a plain message that keeps what the person typed."""

import logging
import re
import time
from unittest import mock

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client, SimpleTestCase, override_settings
from django.urls import reverse

from contactpoints.models import ContactPoint
from groups.forms import started_stamp
from groups.models import IncomingSignUp, SignUp
from tests.base import signup_data
from tests.groups.test_signing_up import SignUpTestCase

TURNED_AWAY = "We could not take your sign-up just now"
TOO_QUICK = "That was very quick."
OPEN_TOO_LONG = "This page was open for a long time"


def person_at(address: str, **headers: str) -> Client:
    """A browser whose requests reach the app from ``address`` (and read English, as the texts above are)."""
    return Client(REMOTE_ADDR=address, **{"HTTP_ACCEPT_LANGUAGE": "en", **headers})


class Clock:
    """``time.time()`` that a test moves on. It starts ten minutes into an hour,
    so that the limits' hourly windows never turn over in the middle of a test
    unless the test moves the clock on."""

    def __init__(self) -> None:
        self.now = time.time() // 3600 * 3600 + 600

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class PublicFormTestCase(SignUpTestCase):
    def setUp(self):
        super().setUp()
        self.client = Client(HTTP_ACCEPT_LANGUAGE="en")
        self.clock = Clock()
        self.enterContext(mock.patch("time.time", self.clock))

    def sign_up_from(self, client: Client, point=None, **data):
        point = point or self.point_a
        with self.captureOnCommitCallbacks(execute=True):
            return client.post(reverse("signup", args=[point.slug]), signup_data(**data))

    def taken(self) -> int:
        """Sign-ups the form took: recorded, or still on their way to be."""
        return SignUp.objects.count() + IncomingSignUp.objects.count()


@override_settings(SIGNUP_LIMIT_PER_CLIENT=3, SIGNUP_LIMIT_PER_CONTACT_POINT=100, SIGNUP_BURST_PER_CONTACT_POINT=0)
class LimitPerAddressTests(PublicFormTestCase):
    def test_one_address_may_send_several_sign_ups_but_not_without_end(self):
        person = person_at("203.0.113.7")
        for n in range(3):
            self.assertEqual(self.sign_up_from(person, email=f"p{n}@example.org").status_code, 302)
        response = self.sign_up_from(person, email="p3@example.org", nickname="Kari")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, TURNED_AWAY, status_code=429)
        self.assertEqual(self.taken(), 3)
        self.assertEqual(len(mail.outbox), 3)

    def test_the_turned_away_page_is_plain_and_keeps_what_was_typed(self):
        person = person_at("203.0.113.7")
        for n in range(3):
            self.sign_up_from(person, email=f"p{n}@example.org")
        response = self.sign_up_from(person, email="kari@example.org", nickname="Kari", time_of_day="evening")
        self.assertContains(response, 'id="turned-away"', status_code=429)
        self.assertContains(response, "Please wait a while", status_code=429)
        self.assertContains(response, "post@sentral-a.example", status_code=429)  # another way in
        self.assertContains(response, 'value="kari@example.org"', status_code=429)
        self.assertContains(response, 'value="Kari"', status_code=429)
        self.assertRegex(response.content.decode(), r'value="evening"[^>]*checked')
        self.assertNotContains(response, 'id="error-summary"', status_code=429)
        self.assertTrue(re.search(r"<title>Not sent:", response.content.decode()))

    def test_people_at_other_addresses_are_not_held_back(self):
        for n in range(4):
            self.sign_up_from(person_at("203.0.113.7"), email=f"p{n}@example.org")
        response = self.sign_up_from(person_at("198.51.100.20"), email="someone.else@example.org")
        self.assertEqual(response.status_code, 302)

    def test_a_forged_x_forwarded_for_cannot_dodge_the_limit(self):
        for proxies, remote, forwarded in (
            (0, "203.0.113.7", "192.0.2.{n}"),  # no proxy: the header is not read at all
            (1, "10.0.0.2", "192.0.2.{n}, 203.0.113.7"),  # the proxy appended the real address last
        ):
            cache.clear()
            with self.subTest(proxies=proxies), override_settings(TRUSTED_PROXY_COUNT=proxies):
                answers = [
                    self.sign_up_from(
                        person_at(remote, HTTP_X_FORWARDED_FOR=forwarded.format(n=n)),
                        email=f"p{n}-{proxies}@example.org",
                    ).status_code
                    for n in range(5)
                ]
                self.assertEqual(answers, [302, 302, 302, 429, 429])

    def test_behind_a_proxy_each_client_is_counted_on_its_own(self):
        with override_settings(TRUSTED_PROXY_COUNT=1):
            answers = [
                self.sign_up_from(
                    person_at("10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"), email=f"p{n}@example.org"
                ).status_code
                for n in range(6)
            ]
        self.assertEqual(answers, [302] * 6)

    def test_one_ipv6_subscriber_cannot_dodge_it_by_changing_address_within_its_network(self):
        answers = [
            self.sign_up_from(person_at(f"2001:db8:1:2::{n:x}"), email=f"p{n}@example.org").status_code
            for n in range(1, 5)
        ]
        self.assertEqual(answers, [302, 302, 302, 429])
        self.assertEqual(self.sign_up_from(person_at("2001:db8:1:3::1"), email="x@example.org").status_code, 302)

    def test_after_the_window_the_address_may_sign_up_again_and_waiting_does_not_prolong_it(self):
        person = person_at("203.0.113.7")
        for n in range(3):
            self.sign_up_from(person, email=f"p{n}@example.org")
        for n in range(10):  # trying again and again is not counted
            self.clock.advance(60)
            self.assertEqual(self.sign_up_from(person, email=f"again{n}@example.org").status_code, 429)
        self.clock.advance(2 * 3600)
        self.assertEqual(self.sign_up_from(person, email="later@example.org").status_code, 302)

    def test_no_client_address_is_kept_in_the_cache_or_written_to_the_log(self):
        person = person_at("203.0.113.7")
        with self.assertLogs(level=logging.DEBUG) as logs:
            logging.getLogger("probe").debug("start")
            for n in range(4):
                self.sign_up_from(person, email=f"p{n}@example.org")
        keys = " ".join(str(key) for key in cache._cache)  # type: ignore[attr-defined]
        self.assertIn("signup-client", keys)
        self.assertNotIn("203.0.113", keys)
        self.assertNotIn("203.0.113", "\n".join(logs.output))
        self.assertIn("turned a sign-up away", "\n".join(logs.output))


@override_settings(SIGNUP_LIMIT_PER_CLIENT=100, SIGNUP_LIMIT_PER_CONTACT_POINT=3, SIGNUP_BURST_PER_CONTACT_POINT=0)
class LimitPerContactPointTests(PublicFormTestCase):
    def test_the_limit_per_contact_point_turns_sign_ups_away_there_and_nowhere_else(self):
        answers = [
            self.sign_up_from(person_at(f"198.51.100.{n}"), email=f"p{n}@example.org").status_code for n in range(5)
        ]
        self.assertEqual(answers, [302, 302, 302, 429, 429])
        response = self.sign_up_from(person_at("198.51.100.9"), self.point_b, email="p9@example.org")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(SignUp.objects.filter(contact_point=self.point_a).count(), 3)

    def test_a_burst_of_programs_caught_by_the_honeypot_turns_no_person_away(self):
        for n in range(10):
            self.sign_up_from(person_at(f"192.0.2.{n}"), email=f"bot{n}@example.org", comment="x")
        self.assertEqual(self.sign_up_from(person_at("198.51.100.1")).status_code, 302)

    def test_another_list_chosen_on_the_form_counts_at_its_own_contact_point(self):
        nearby = ContactPoint.objects.create(
            slug="sentral-c", name="Sentral C", kind=ContactPoint.Kind.FRIVILLIGSENTRAL, municipality=self.oslo
        )
        answers = [
            self.sign_up_from(person_at(f"198.51.100.{n}"), email=f"p{n}@example.org", also_nearby=nearby.pk)
            for n in range(3)
        ]
        self.assertEqual([answer.status_code for answer in answers], [302, 302, 302])
        # Three came to Sentral C's list through Sentral A's form: its own form is at its limit now.
        self.assertEqual(self.sign_up_from(person_at("198.51.100.8"), nearby, email="q@example.org").status_code, 429)
        self.assertEqual(SignUp.objects.filter(contact_point=nearby).count(), 3)


class DefaultsTests(SimpleTestCase):
    def test_by_default_the_limits_are_generous_and_a_burst_is_noticed_before_anyone_is_turned_away(self):
        from selvhjelp import settings as defaults

        self.assertGreaterEqual(defaults.SIGNUP_LIMIT_PER_CLIENT, 20)
        self.assertGreaterEqual(defaults.SIGNUP_LIMIT_PER_CONTACT_POINT, 50)
        self.assertLess(defaults.SIGNUP_BURST_PER_CONTACT_POINT, defaults.SIGNUP_LIMIT_PER_CONTACT_POINT)
        self.assertEqual(defaults.SIGNUP_LIMIT_WINDOW_SECONDS, 3600)


class HoneypotTests(PublicFormTestCase):
    def test_a_form_with_the_hidden_field_filled_in_is_answered_as_if_taken_and_dropped(self):
        response = self.sign_up_from(self.client, comment="Buy cheap watches")
        self.assertRedirects(response, reverse("signup_sent", args=[self.point_a.slug]))
        self.assertEqual(self.taken(), 0)
        self.assertEqual(mail.outbox, [])

    def test_the_hidden_field_is_out_of_sight_out_of_the_tab_order_and_hidden_from_screen_readers(self):
        page = self.client.get(reverse("signup", args=[self.point_a.slug])).content.decode()
        trap = re.search(r'<div class="form-trap" aria-hidden="true">(.*?)</div>', page, re.S)
        self.assertIsNotNone(trap)
        self.assertIn('<label for="id_comment">', trap.group(1))
        self.assertRegex(trap.group(1), r'<input type="text" name="comment" id="id_comment" value="" tabindex="-1"')
        self.assertIn('autocomplete="off"', trap.group(1))
        css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text(encoding="utf-8")
        self.assertRegex(css, r"\.form-trap \{[^}]*left: -10000px")

    def test_what_a_program_typed_into_it_is_never_shown_back(self):
        response = self.client.post(
            reverse("signup", args=[self.point_a.slug]), signup_data(email="bad", comment="spam")
        )
        self.assertContains(response, 'id="error-summary"')
        self.assertNotContains(response, "spam")


@override_settings(SIGNUP_FORM_MIN_SECONDS=3, SIGNUP_FORM_MAX_HOURS=12)
class TimeTrapTests(PublicFormTestCase):
    def page_stamp(self, response) -> str:
        return re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)

    def test_a_form_sent_back_within_seconds_is_asked_for_once_more_with_what_was_typed(self):
        page = self.client.get(reverse("signup", args=[self.point_a.slug]))
        stamp = self.page_stamp(page)
        self.clock.advance(1)
        response = self.sign_up_from(self.client, started=stamp, nickname="Kari")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, TOO_QUICK)
        self.assertContains(response, 'id="error-summary"')
        self.assertContains(response, 'value="Kari"')
        self.assertEqual(self.page_stamp(response), stamp, "the same stamp, so the person is not too quick again")
        self.assertEqual(self.taken(), 0)
        self.clock.advance(4)  # reading the message and pressing the button again
        again = self.sign_up_from(self.client, started=self.page_stamp(response), nickname="Kari")
        self.assertEqual(again.status_code, 302)
        self.assertEqual(SignUp.objects.get().nickname, "Kari")

    def test_a_form_open_for_very_long_is_asked_for_once_more_with_a_fresh_stamp(self):
        stale = started_stamp(time.time() - 13 * 3600)
        response = self.sign_up_from(self.client, started=stale, email="kari@example.org")
        self.assertContains(response, OPEN_TOO_LONG)
        self.assertContains(response, 'value="kari@example.org"')
        self.assertNotEqual(self.page_stamp(response), stale)
        self.assertEqual(self.taken(), 0)

    def test_a_missing_or_forged_stamp_is_asked_for_once_more(self):
        forged = started_stamp(time.time() - 60)[:-2] + "xx"
        for stamp in ("", "1700000000", forged, "x" * 5000):
            with self.subTest(stamp=stamp[:20]):
                response = self.sign_up_from(self.client, started=stamp)
                self.assertContains(response, OPEN_TOO_LONG)
        self.assertEqual(self.taken(), 0)

    def test_a_person_correcting_a_mistake_is_not_also_told_they_were_quick(self):
        response = self.sign_up_from(self.client, started=started_stamp(), email="not-an-address")
        self.assertContains(response, 'id="id_email_error"')
        self.assertNotContains(response, TOO_QUICK)

    def test_the_stamp_is_signed_for_this_form_only(self):
        from django.core import signing

        other = signing.Signer(salt="something.else").sign(str(int(time.time() - 60)))
        self.assertContains(self.sign_up_from(self.client, started=other), OPEN_TOO_LONG)


class CacheDownTests(PublicFormTestCase):
    @override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
    )
    def test_when_the_cache_does_not_answer_the_form_still_takes_sign_ups(self):
        with self.assertLogs("selvhjelp.ratelimit", level=logging.WARNING) as logs:
            response = self.sign_up_from(person_at("203.0.113.7"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(SignUp.objects.count(), 1)
        self.assertIn("the cache did not answer", "\n".join(logs.output))
