"""Enough waiting: staff are told once each time enough people wait for one
group, in the language they last signed in with.

Sign-ups that come unusually fast at one contact point hold its automatic
"enough are waiting" notice until its staff have looked, and staff release it
with one button. Someone who makes up sign-ups cannot get a group started by
themselves and learn where and when it meets."""

import datetime

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from groups import emails as group_mail
from groups.models import NoticeHold, SignUp
from groups.services import signing_up
from outbox.models import Email
from tests.base import Personas, link_token, waiting_person
from tests.groups.test_limits import PublicFormTestCase, person_at
from tests.signin import current_code, ensure_device, sign_in, sign_in_through_the_pages

PLAN = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
HELD = "Sign-ups came unusually fast"


class EnoughWaitingNoticeTests(Personas):
    def run_on_commit(self):
        return self.captureOnCommitCallbacks(execute=True)

    def test_the_threshold_notice_comes_once_per_crossing(self):
        with self.run_on_commit():
            people = [waiting_person(self.point_a, f"r{n}@example.org", **PLAN) for n in range(5)]
            waiting_person(self.point_a, "r5@example.org", **PLAN)
        self.assertEqual(len([m for m in mail.outbox if m.to == ["staff-a@work.example"]]), 1)
        with self.run_on_commit():
            signing_up.withdraw(signup=people[0])
            signing_up.withdraw(signup=people[1])
            waiting_person(self.point_a, "r6@example.org", **PLAN)
        self.assertEqual(len([m for m in mail.outbox if m.to == ["staff-a@work.example"]]), 2)

    def test_the_enough_waiting_notice_comes_in_the_language_staff_last_signed_in_with(self):
        code = current_code(ensure_device(self.staff_a))
        sign_in_through_the_pages(Client(HTTP_ACCEPT_LANGUAGE="en"), "staff-a@work.example", "a-long-password-1", code)
        self.staff_a.refresh_from_db()
        self.assertEqual(self.staff_a.language, "en")
        mail.outbox.clear()
        with self.run_on_commit():
            for n in range(5):
                waiting_person(self.point_a, f"person{n}-sentral-a@example.org", days_ago=5 - n, **PLAN)
        notice = next(m for m in mail.outbox if m.to == ["staff-a@work.example"])
        self.assertTrue(notice.subject.startswith("Enough people are waiting"), notice.subject)

    def test_the_notice_says_in_one_sentence_how_many_can_start_and_suggests_at_most_three_groups(self):
        self.staff_a.language = "en"
        self.staff_a.save(update_fields=["language"])
        with self.run_on_commit():
            for n in range(6):  # every wish "either is fine"
                waiting_person(self.point_a, f"any{n}@example.org", days_ago=6 - n)
        notice = next(m for m in mail.outbox if m.to == ["staff-a@work.example"])
        self.assertIn("At Sentral A, 6 people can start a group now.", notice.body)
        self.assertIn("Our suggestion:", notice.body)
        suggestions = [line for line in notice.body.splitlines() if line.startswith("- ")]
        self.assertEqual(
            suggestions,
            ["- Meeting in person · Daytime · Norwegian · Mixed ages (6 fit)"],
            "rendered as it is sent",
        )


@override_settings(
    SIGNUP_LIMIT_PER_CLIENT=100,
    SIGNUP_LIMIT_PER_CONTACT_POINT=8,
    SIGNUP_BURST_PER_CONTACT_POINT=3,
)
class NoticeHoldTests(PublicFormTestCase):
    def burst(self, count: int, point=None, *, first: int = 0) -> list[int]:
        """``count`` people at different addresses sign up in quick succession; their answers."""
        return [
            self.sign_up_from(person_at(f"198.51.100.{n}"), point, email=f"person{n}@example.org").status_code
            for n in range(first, first + count)
        ]

    def confirm_all(self) -> None:
        for message in list(mail.outbox):
            if message.subject == mail.outbox[0].subject:
                self.confirm(link_token(message))

    def notices(self) -> int:
        return Email.objects.filter(kind=group_mail.ENOUGH_WAITING).count()

    def dashboard(self, user=None):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(client, user or self.staff_a)
        return client, client.get(reverse("staff:dashboard", args=[self.point_a.slug]))

    def test_a_burst_at_one_contact_point_holds_the_notice_for_staff(self):
        self.assertEqual(self.burst(5), [302] * 5)
        self.confirm_all()
        self.assertEqual(SignUp.objects.filter(status=SignUp.Status.WAITING).count(), 5)
        self.assertEqual(self.notices(), 0, "enough are waiting, but the notice is held")
        hold = NoticeHold.objects.get()
        self.assertEqual((hold.contact_point, hold.turned_away, hold.released_at), (self.point_a, False, None))

        _client, page = self.dashboard()
        self.assertContains(page, HELD)
        self.assertContains(page, "Release the notice")
        self.assertTrue(page.context["overview"].ready, "staff still see that enough are waiting")

    def test_staff_release_the_notice_with_one_button_and_then_hear_that_enough_are_waiting(self):
        self.burst(5)
        self.confirm_all()
        client, _page = self.dashboard()
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("staff:release_notices", args=[self.point_a.slug]))
        self.assertRedirects(
            response, reverse("staff:dashboard", args=[self.point_a.slug]), fetch_redirect_response=False
        )
        self.assertEqual(self.notices(), 1)
        self.assertEqual([m.to for m in mail.outbox if m.to == [self.staff_a.email]], [[self.staff_a.email]])
        hold = NoticeHold.objects.get()
        self.assertIsNotNone(hold.released_at)
        self.assertEqual(hold.released_by, self.staff_a)
        page = client.get(reverse("staff:dashboard", args=[self.point_a.slug]))
        self.assertContains(page, "the email is on its way")
        self.assertNotContains(page, HELD)

    def test_released_before_enough_are_waiting_the_notice_comes_when_they_are(self):
        self.burst(4)
        client, _page = self.dashboard()
        client.post(reverse("staff:release_notices", args=[self.point_a.slug]))
        self.assertEqual(self.notices(), 0)
        self.confirm_all()
        self.assertEqual(self.notices(), 0)
        with override_settings(SIGNUP_BURST_PER_CONTACT_POINT=0):
            self.burst(1, first=10)
        self.confirm(link_token(mail.outbox[-1]))
        self.assertEqual(self.notices(), 1)

    def test_only_staff_of_that_contact_point_can_release_it(self):
        self.burst(5)
        self.confirm_all()
        url = reverse("staff:release_notices", args=[self.point_a.slug])
        outsiders = {"staff at another contact point": self.staff_b, "a district office": self.district_east_user}
        for who, user in outsiders.items():
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            sign_in(client, user)
            self.assertEqual(client.post(url).status_code, 404, who)
        anonymous = Client().post(url)
        self.assertEqual(anonymous.status_code, 302)
        self.assertIn(reverse("login"), anonymous["Location"])
        _other, page = self.dashboard(self.staff_b)
        self.assertEqual(page.status_code, 404)
        self.assertIsNone(NoticeHold.objects.get().released_at)
        self.assertEqual(self.notices(), 0)

    def test_a_get_releases_nothing(self):
        self.burst(5)
        client, _page = self.dashboard()
        self.assertEqual(client.get(reverse("staff:release_notices", args=[self.point_a.slug])).status_code, 405)
        self.assertIsNone(NoticeHold.objects.get().released_at)

    def test_the_limit_per_contact_point_holds_the_notice_too_and_says_people_were_turned_away(self):
        with override_settings(SIGNUP_BURST_PER_CONTACT_POINT=0):
            self.assertEqual(self.burst(10), [302] * 8 + [429] * 2)
        hold = NoticeHold.objects.get()
        self.assertTrue(hold.turned_away)
        _client, page = self.dashboard()
        self.assertContains(page, "the form also asked new people to try again later")

    def test_sign_ups_at_an_ordinary_pace_hold_nothing(self):
        for n in range(5):
            self.sign_up_from(person_at(f"198.51.100.{n}"), email=f"person{n}@example.org")
            self.clock.advance(45 * 60)
        self.confirm_all()
        self.assertFalse(NoticeHold.objects.exists())
        self.assertEqual(self.notices(), 1)
        _client, page = self.dashboard()
        self.assertNotContains(page, HELD)

    def test_a_burst_at_another_contact_point_holds_nothing_here(self):
        self.burst(5, self.point_b)
        self.burst(3, first=20)
        self.assertEqual(list(NoticeHold.objects.values_list("contact_point__slug", flat=True)), ["sentral-b"])

    def test_programs_caught_by_the_honeypot_hold_nothing(self):
        for n in range(6):
            self.sign_up_from(person_at(f"192.0.2.{n}"), email=f"bot{n}@example.org", comment="x")
        self.assertFalse(NoticeHold.objects.exists())

    def test_the_banner_names_no_person(self):
        self.sign_up_from(person_at("198.51.100.1"), email="kari.nordmann@example.org", nickname="Kari Nordmann")
        self.burst(4, first=2)
        self.confirm_all()
        _client, page = self.dashboard()
        body = page.content.decode()
        self.assertIn(HELD, body)
        for secret in ("kari", "Kari Nordmann", "@example.org", "198.51.100"):
            self.assertNotIn(secret, body)

    def test_a_new_burst_after_staff_released_the_last_one_holds_the_notice_again(self):
        self.burst(4)
        client, _page = self.dashboard()
        client.post(reverse("staff:release_notices", args=[self.point_a.slug]))
        self.burst(2, first=10)
        self.assertFalse(NoticeHold.objects.filter(released_at=None).exists(), "the same burst, already seen")
        self.clock.advance(3 * 3600)
        self.burst(4, first=20)
        self.assertEqual(NoticeHold.objects.filter(released_at=None).count(), 1)
        self.assertEqual(NoticeHold.objects.count(), 2)

    def test_the_hold_is_kept_when_the_limit_trips_during_it(self):
        self.burst(4)
        with override_settings(SIGNUP_LIMIT_PER_CONTACT_POINT=5):
            self.burst(3, first=10)
        self.assertTrue(NoticeHold.objects.get().turned_away)

    def test_a_hold_is_noted_in_the_log_by_contact_point_only(self):
        with self.assertLogs("groups.services") as logs:
            self.burst(4)
        self.assertIn(f"contact point {self.point_a.pk}", "\n".join(logs.output))
        self.assertNotIn("@", "\n".join(logs.output))


class NoticeHoldBannerTests(PublicFormTestCase):
    def test_the_banner_says_when_the_sign_ups_came(self):
        held_at = datetime.datetime(2026, 3, 4, 14, 5, tzinfo=datetime.UTC)
        NoticeHold.objects.create(contact_point=self.point_a, held_at=held_at)
        client = Client()
        sign_in(client, self.staff_a)
        page = client.get(reverse("staff:dashboard", args=[self.point_a.slug]))
        self.assertContains(page, "4. mars 2026 15:05")  # Oslo time
