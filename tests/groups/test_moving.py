"""Moving a place. When a local list stays short, a person who has waited long,
and who would meet by telephone, is offered once to move their place to a
nationwide list, and only they can move it, keeping the date they signed up.
Whatever the reason, a place moves whole and is counted at both places, and
the same button pressed twice at the same moment moves it once."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models import Sum
from django.test import Client, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import ContactPoint, County, Municipality
from groups import emails as group_mail
from groups import tasks
from groups.models import Invitation, MonthlyFigure, PrivateLink, SignUp
from groups.services import moving, pausing_and_closing, signing_up
from outbox import tasks as outbox_tasks
from outbox.models import Email
from selvhjelp.crypto import address_hash
from tests.base import InEnglish, Personas, in_threads, link_token, start_group, waiting_person, wishes
from tests.groups.test_signing_up import leave
from tests.test_translations import BYSTANDER_WORDS

TELEPHONE_PLAN = {"format": "telephone", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
LONG_AGO = settings.MOVE_OFFER_AFTER_DAYS + 1


class MovingTestCase(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.nationwide = ContactPoint.objects.create(
            slug="selvhjelp-pa-telefon",
            name="Selvhjelp på telefon",
            kind=ContactPoint.Kind.VOLUNTARY_ORGANISATION,
            municipality=cls.oslo,
            nationwide=True,
            offers_in_person=False,
            offers_telephone=True,
            description="Grupper på telefon for hele landet.",
        )
        cls.staff_n = get_user_model().objects.create_user("telefon@work.example", "a-long-password-6")
        cls.nationwide.staff.add(cls.staff_n)

    def run_on_commit(self):
        return self.captureOnCommitCallbacks(execute=True)

    def long_waiting(self, email="kari@example.org", *, point=None, days_ago=LONG_AGO, **preferences):
        preferences = {**TELEPHONE_PLAN, **preferences}
        with self.run_on_commit():
            signup = waiting_person(point or self.point_b, email, days_ago=days_ago, **preferences)
        mail.outbox.clear()
        return signup

    def offer(self):
        with self.run_on_commit():
            return tasks.offer_moves()

    def page_of(self, signup) -> str:
        """The private page the offer's link opens."""
        message = next(m for m in mail.outbox if m.to == [signup.email])
        return reverse("signup_page", args=[link_token(message)])


class OfferTests(MovingTestCase):
    def test_a_long_waiting_person_who_would_meet_by_telephone_is_offered_once(self):
        signup = self.long_waiting()

        self.assertEqual(self.offer(), 1)
        self.assertEqual(self.offer(), 0)
        self.assertEqual(self.offer(), 0)

        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["kari@example.org"])
        self.assertIn("Sentral B", message.from_email)  # the sender is their own contact point
        self.assertIn("Selvhjelp på telefon", message.body)
        self.assertIn("/p/", message.body)
        self.assertIsNotNone(SignUp.objects.get(pk=signup.pk).move_offered_at)

    def test_either_way_of_meeting_counts_as_accepting_telephone(self):
        self.long_waiting(format="any")
        self.assertEqual(self.offer(), 1)

    def test_nobody_is_offered_before_the_set_time(self):
        self.long_waiting(days_ago=settings.MOVE_OFFER_AFTER_DAYS - 1)
        self.assertEqual(self.offer(), 0)
        self.assertEqual(mail.outbox, [])

    @override_settings(MOVE_OFFER_AFTER_DAYS=30)
    def test_the_time_is_a_setting(self):
        self.long_waiting(days_ago=31)
        self.assertEqual(self.offer(), 1)

    def test_people_who_want_to_meet_in_person_are_not_offered(self):
        self.long_waiting(format="in_person")
        self.assertEqual(self.offer(), 0)

    def test_nobody_is_offered_where_enough_are_waiting_for_a_group(self):
        for n in range(self.point_b.threshold):
            self.long_waiting(f"p{n}@example.org")
        self.assertEqual(self.offer(), 0)

    def test_nothing_is_offered_when_no_nationwide_list_runs_telephone_groups(self):
        self.long_waiting()
        ContactPoint.objects.filter(pk=self.nationwide.pk).update(is_active=False)
        self.assertEqual(self.offer(), 0)
        ContactPoint.objects.filter(pk=self.nationwide.pk).update(is_active=True, offers_telephone=False)
        self.assertEqual(self.offer(), 0)

    def test_people_already_on_a_nationwide_list_are_not_offered(self):
        self.long_waiting(point=self.nationwide)
        self.long_waiting("also.here@example.org")
        self.long_waiting("also.here@example.org", point=self.nationwide)
        self.assertEqual(self.offer(), 0)

    def test_unconfirmed_and_invited_people_are_not_offered(self):
        signup = self.long_waiting()
        for status in (SignUp.Status.UNCONFIRMED, SignUp.Status.INVITED):
            SignUp.objects.filter(pk=signup.pk).update(status=status)
            self.assertEqual(self.offer(), 0)

    def test_the_offer_says_nothing_to_a_bystander_in_any_language(self):
        for n, (locale, _name) in enumerate(settings.LANGUAGES):
            signup = self.long_waiting(f"p{n}@example.org")
            SignUp.objects.filter(pk=signup.pk).update(locale=locale)
        self.offer()
        self.assertEqual(len(mail.outbox), len(settings.LANGUAGES))
        for message in mail.outbox:
            with self.subTest(subject=message.subject):
                self.assertIsNone(BYSTANDER_WORDS.search(message.subject))
                self.assertNotRegex(message.subject.lower(), "group|gruppe")
                # The way out is in every email (DESIGN §4.7).
                self.assertIn("/p/", message.body)

    def test_an_offer_that_no_longer_applies_is_not_sent(self):
        signup = self.long_waiting()
        with self.captureOnCommitCallbacks(execute=False):
            tasks.offer_moves()  # decided, but the mail has not gone out yet
        ContactPoint.objects.filter(pk=self.nationwide.pk).update(is_active=False)
        with self.run_on_commit():
            for email in Email.objects.filter(signup=signup, sent_at=None):
                outbox_tasks.send_email(email.pk)
        self.assertEqual(mail.outbox, [])


class VideoOfferTests(InEnglish, MovingTestCase):
    """Lists for the whole country may meet by video too: a person is offered the lists that meet the way
    they asked for, and the offer says that way."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.video = ContactPoint.objects.create(
            slug="selvhjelp-pa-video",
            name="Selvhjelp på video",
            kind=ContactPoint.Kind.VOLUNTARY_ORGANISATION,
            municipality=cls.oslo,
            nationwide=True,
            offers_in_person=False,
            offers_video=True,
        )

    def offered(self, way: str):
        signup = self.long_waiting(f"{way}@example.org", format=way, locale="en")
        self.assertEqual(self.offer(), 1)
        [message] = mail.outbox
        return message, Client(HTTP_ACCEPT_LANGUAGE="en").get(self.page_of(signup))

    def test_someone_who_wants_video_is_offered_video_lists(self):
        message, page = self.offered("video")

        self.assertEqual(message.subject, "Would meeting by video suit you?")
        self.assertIn("You told us that a group meeting by video would suit you.", message.body)
        self.assertIn("- Selvhjelp på video", message.body)
        self.assertNotIn("Selvhjelp på telefon", message.body)
        self.assertContains(page, "A group by video, sooner?")
        self.assertContains(page, "These contact points run groups by video for the whole country.")
        self.assertContains(page, f'value="{self.video.slug}"')
        self.assertNotContains(page, f'value="{self.nationwide.slug}"')

    def test_someone_who_wants_telephone_hears_only_of_telephone(self):
        message, page = self.offered("telephone")

        self.assertEqual(message.subject, "Would meeting by telephone suit you?")
        self.assertIn("You told us that a group meeting by telephone would suit you.", message.body)
        self.assertNotIn("Selvhjelp på video", message.body)
        self.assertContains(page, "A group by telephone, sooner?")

    def test_someone_for_whom_any_way_will_do_hears_of_telephone_and_video(self):
        message, page = self.offered("any")

        self.assertEqual(message.subject, "Would meeting by telephone or video suit you?")
        self.assertIn("You told us that a group meeting by telephone or video would suit you.", message.body)
        self.assertIn("- Selvhjelp på telefon", message.body)
        self.assertIn("- Selvhjelp på video", message.body)
        html = message.alternatives[0][0]
        self.assertIn("You told us that a group meeting by telephone or video would suit you.", html)
        self.assertContains(page, "A group by telephone or video, sooner?")

    def test_someone_who_wants_video_is_not_offered_where_no_list_meets_by_video(self):
        ContactPoint.objects.filter(pk=self.video.pk).update(is_active=False)
        self.long_waiting(format="video")

        self.assertEqual(self.offer(), 0)

    def test_a_short_local_list_suggests_the_lists_by_telephone_or_video(self):
        response = self.client.get(reverse("contact_point", args=[self.point_b.slug]), HTTP_ACCEPT_LANGUAGE="en")

        self.assertContains(response, "Groups by telephone or video, for the whole country")
        self.assertContains(response, "If a group that meets by telephone or video suits you")
        self.assertContains(response, "say that meeting by telephone or video suits you")
        self.assertContains(response, f'href="{self.video.get_absolute_url()}"')


class MoveTests(MovingTestCase):
    def offered(self, email="kari@example.org", **kwargs):
        # Kari uses the site in English, so her private page speaks English, as these tests read it.
        signup = self.long_waiting(email, **{"locale": "en", **kwargs})
        self.offer()
        return signup, self.page_of(signup)

    def test_opening_the_link_changes_nothing(self):
        signup, page = self.offered()

        response = Client(HTTP_ACCEPT_LANGUAGE="en").get(page)

        self.assertContains(response, 'name="action" value="move"')
        self.assertContains(response, "Selvhjelp på telefon")
        self.assertEqual(SignUp.objects.get(pk=signup.pk).contact_point, self.point_b)

    def test_the_button_moves_the_same_place_and_keeps_the_date_it_started_waiting(self):
        signup, page = self.offered()
        rows_before = SignUp.objects.count()

        with self.run_on_commit():
            response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
                page, {"action": "move", "to": self.nationwide.slug}, follow=True
            )

        moved = SignUp.objects.get(pk=signup.pk)
        self.assertEqual(moved.contact_point, self.nationwide)
        self.assertEqual(moved.waiting_since, signup.waiting_since)
        self.assertEqual(moved.confirmed_at, signup.confirmed_at)
        self.assertEqual(moved.status, SignUp.Status.WAITING)
        self.assertEqual(SignUp.objects.count(), rows_before)  # nothing created for them
        self.assertGreater(moved.expires_at, timezone.now() + datetime.timedelta(days=settings.SIGNUP_EXPIRY_DAYS - 1))
        # The same private link still opens it, now at the nationwide list, with no offer left.
        self.assertContains(response, "You are on the waiting list at Selvhjelp på telefon.")
        self.assertNotContains(response, 'value="move"')

    def test_the_move_is_counted_at_both_places(self):
        _signup, page = self.offered()
        Client(HTTP_ACCEPT_LANGUAGE="en").post(page, {"action": "move", "to": self.nationwide.slug})

        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.point_b).moved_out, 1)
        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.nationwide).moved_in, 1)
        # The sign-up and its confirmation stay counted where they happened, once.
        self.assertFalse(MonthlyFigure.objects.filter(contact_point=self.nationwide, confirmed__gt=0).exists())

    def test_a_person_who_moved_keeps_their_place_in_the_queue(self):
        here = [self.long_waiting(f"here{n}@example.org", point=self.nationwide, days_ago=20 + n) for n in range(5)]
        signup, page = self.offered(days_ago=200)
        with self.run_on_commit():
            Client(HTTP_ACCEPT_LANGUAGE="en").post(page, {"action": "move", "to": self.nationwide.slug})

        # Six fit one telephone group of five seats: the one who waited longest, though they came last, is in it.
        group = start_group(self.nationwide, by=self.staff_n, seats=5, **TELEPHONE_PLAN)
        invited = set(Invitation.objects.filter(group=group).values_list("signup_id", flat=True))
        self.assertIn(signup.pk, invited)
        self.assertNotIn(here[0].pk, invited)  # the one who waited least here
        self.assertEqual(len(invited), 5)

    def test_moving_there_can_make_enough_wait_at_the_nationwide_list(self):
        for n in range(self.nationwide.threshold - 1):
            self.long_waiting(f"here{n}@example.org", point=self.nationwide, days_ago=10)
        self.assertEqual(mail.outbox, [])
        _signup, page = self.offered()
        mail.outbox.clear()

        with self.run_on_commit():
            Client(HTTP_ACCEPT_LANGUAGE="en").post(page, {"action": "move", "to": self.nationwide.slug})

        notices = [m for m in mail.outbox if m.to == ["telefon@work.example"]]
        self.assertEqual(len(notices), 1)
        self.assertIsNotNone(ContactPoint.objects.get(pk=self.nationwide.pk).enough_notified_at)

    def test_leaving_the_local_list_can_end_its_enough_notice(self):
        signup, page = self.offered()
        others = [self.long_waiting(f"p{n}@example.org", days_ago=5) for n in range(self.point_b.threshold - 1)]
        self.assertIsNotNone(ContactPoint.objects.get(pk=self.point_b.pk).enough_notified_at)

        Client(HTTP_ACCEPT_LANGUAGE="en").post(page, {"action": "move", "to": self.nationwide.slug})

        self.assertEqual(SignUp.objects.get(pk=signup.pk).contact_point, self.nationwide)
        self.assertEqual(len(others), self.point_b.threshold - 1)
        self.assertIsNone(ContactPoint.objects.get(pk=self.point_b.pk).enough_notified_at)

    def test_a_place_is_moved_only_after_an_offer(self):
        signup = self.long_waiting()
        token = link_token(self._fresh_link_mail(signup))

        Client(HTTP_ACCEPT_LANGUAGE="en").post(
            reverse("signup_page", args=[token]), {"action": "move", "to": self.nationwide.slug}
        )

        self.assertEqual(SignUp.objects.get(pk=signup.pk).contact_point, self.point_b)

    def test_a_place_moves_only_to_a_nationwide_list(self):
        signup, page = self.offered()

        for slug in (self.point_a.slug, "does-not-exist", ""):
            response = Client(HTTP_ACCEPT_LANGUAGE="en").post(page, {"action": "move", "to": slug}, follow=True)
            self.assertContains(response, "could not be moved")

        self.assertEqual(SignUp.objects.get(pk=signup.pk).contact_point, self.point_b)

    def test_a_person_already_on_the_nationwide_list_is_told_so(self):
        signup, page = self.offered()
        self.long_waiting("kari@example.org", point=self.nationwide)

        response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
            page, {"action": "move", "to": self.nationwide.slug}, follow=True
        )

        self.assertContains(response, "You are already on the list at Selvhjelp på telefon.")
        self.assertEqual(SignUp.objects.get(pk=signup.pk).contact_point, self.point_b)

    def test_pressing_the_button_twice_moves_once(self):
        signup, page = self.offered()
        Client(HTTP_ACCEPT_LANGUAGE="en").post(page, {"action": "move", "to": self.nationwide.slug})
        Client(HTTP_ACCEPT_LANGUAGE="en").post(page, {"action": "move", "to": self.nationwide.slug})

        self.assertEqual(SignUp.objects.get(pk=signup.pk).contact_point, self.nationwide)
        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.nationwide).moved_in, 1)

    def test_an_invited_person_cannot_move_until_they_are_back_on_the_list(self):
        signup, page = self.offered()
        SignUp.objects.filter(pk=signup.pk).update(status=SignUp.Status.INVITED)

        self.assertEqual(moving.move_to_nationwide(signup=signup, to=self.nationwide), moving.MoveResult.NOT_POSSIBLE)
        self.assertEqual(SignUp.objects.get(pk=signup.pk).contact_point, self.point_b)

    def test_the_private_link_keeps_working_after_the_move(self):
        signup, page = self.offered()
        links_before = set(PrivateLink.objects.filter(signup=signup).values_list("pk", flat=True))
        Client(HTTP_ACCEPT_LANGUAGE="en").post(page, {"action": "move", "to": self.nationwide.slug})

        self.assertEqual(set(PrivateLink.objects.filter(signup=signup).values_list("pk", flat=True)), links_before)
        leave(Client(HTTP_ACCEPT_LANGUAGE="en"), page)
        self.assertFalse(SignUp.objects.filter(pk=signup.pk).exists())
        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.nationwide).withdrawn, 1)

    def _fresh_link_mail(self, signup):
        """A private link of the person's own, without an offer (as a reminder mail would carry)."""
        with self.run_on_commit():
            signing_up.sign_up(
                contact_point=self.point_b,
                email="kari@example.org",
                nickname="",
                preferences=wishes(**TELEPHONE_PLAN),
                locale="nb",
            )
        return next(m for m in mail.outbox if m.to == ["kari@example.org"])


class MovePlaceTests(InEnglish, Personas):
    """The move itself, whichever button asked for it."""

    def waiting(self, point, count, **preferences):
        with self.captureOnCommitCallbacks(execute=True):
            people = [
                waiting_person(point, f"p{n}-{point.slug}@example.org", days_ago=100 - n, **preferences)
                for n in range(count)
            ]
        mail.outbox.clear()
        return people

    def test_the_move_keeps_the_row_and_the_waiting_time_and_counts_it_at_both_places(self):
        [person] = self.waiting(self.point_a, 1)

        moving.move_place(signup=person, to=self.point_b)

        moved = SignUp.objects.get(pk=person.pk)
        self.assertEqual((moved.contact_point, moved.waiting_since), (self.point_b, person.waiting_since))
        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.point_a).moved_out, 1)
        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.point_b).moved_in, 1)

    def test_the_move_can_make_enough_people_wait_at_the_new_place(self):
        self.waiting(self.point_b, 4)
        [person] = self.waiting(self.point_a, 1)
        with self.captureOnCommitCallbacks(execute=True):
            moving.move_place(signup=person, to=self.point_b)
        self.assertEqual([m.to for m in mail.outbox], [["staff-b@work.example"]])
        self.point_b.refresh_from_db()
        self.assertIsNotNone(self.point_b.enough_notified_at)

    def test_the_move_can_leave_too_few_behind(self):
        people = self.waiting(self.point_a, 5)
        self.point_a.refresh_from_db()
        self.assertIsNotNone(self.point_a.enough_notified_at)
        moving.move_place(signup=people[0], to=self.point_b)
        self.point_a.refresh_from_db()
        self.assertIsNone(self.point_a.enough_notified_at)

    def test_it_will_not_move_a_place_to_a_paused_or_closed_place_or_one_already_held(self):
        [person] = self.waiting(self.point_a, 1)
        waiting_person(self.point_b, person.email)
        with self.assertRaisesMessage(moving.MoveError, "You are already on the list at Sentral B."):
            moving.move_place(signup=person, to=self.point_b)
        pausing_and_closing.pause_signups(contact_point=self.point_b, message="")
        with self.assertRaisesMessage(moving.MoveError, "Sentral B is not taking new sign-ups right now."):
            moving.move_place(signup=person, to=self.point_b)
        person.refresh_from_db()
        self.assertEqual(person.contact_point, self.point_a)
        self.assertFalse(MonthlyFigure.objects.filter(moved_in__gt=0).exists())

    def test_only_a_place_on_the_waiting_list_can_be_moved(self):
        people = self.waiting(self.point_a, 5, format="in_person", time_of_day="evening", language="no")
        start_group(self.point_a, by=self.staff_a)
        invited = SignUp.objects.get(pk=people[0].pk)
        self.assertEqual(invited.status, SignUp.Status.INVITED)
        with self.assertRaisesMessage(moving.MoveError, "Only a place on the waiting list can be moved."):
            moving.move_place(signup=invited, to=self.point_b)
        self.assertFalse(Email.objects.filter(kind=group_mail.CLOSING).exists())


class PublicPageTests(MovingTestCase):
    def page(self, point):
        return self.client.get(reverse("contact_point", args=[point.slug]), HTTP_ACCEPT_LANGUAGE="en")

    def test_a_short_local_list_suggests_the_nationwide_telephone_list(self):
        response = self.page(self.point_b)
        self.assertContains(response, "Groups by telephone, for the whole country")
        self.assertContains(response, f'href="{self.nationwide.get_absolute_url()}"')

    def test_the_suggestion_goes_once_enough_are_waiting(self):
        for n in range(self.point_b.threshold):
            self.long_waiting(f"p{n}@example.org", days_ago=1)
        self.assertNotContains(self.page(self.point_b), "Groups by telephone, for the whole country")

    def test_a_nationwide_list_does_not_suggest_itself(self):
        self.assertNotContains(self.page(self.nationwide), "Groups by telephone, for the whole country")

    def test_no_suggestion_without_a_nationwide_telephone_list(self):
        ContactPoint.objects.filter(pk=self.nationwide.pk).update(is_active=False)
        self.assertNotContains(self.page(self.point_b), "Groups by telephone, for the whole country")


class ScheduleTests(MovingTestCase):
    def test_beat_offers_the_move_regularly(self):
        tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
        self.assertIn("groups.tasks.offer_moves", tasks_scheduled)
        self.assertEqual(tasks.offer_moves.name, "groups.tasks.offer_moves")


@pytest.mark.postgres
class MovingAtOnceTests(TransactionTestCase):
    def setUp(self):
        county = County.objects.create(number="03", name="Oslo")
        oslo = Municipality.objects.create(number="0301", name="Oslo", county=county)
        self.a = ContactPoint.objects.create(slug="a", name="A", kind="other", municipality=oslo)
        self.b = ContactPoint.objects.create(slug="b", name="B", kind="other", municipality=oslo)

    def waiting(self, point, address):
        return SignUp.objects.create(
            contact_point=point,
            email=address,
            email_hash=address_hash(address),
            status=SignUp.Status.WAITING,
            waiting_since=timezone.now(),
        )

    def test_the_same_place_pressed_twice_moves_once(self):
        person = self.waiting(self.a, "p@example.org")

        results = in_threads(
            lambda: moving.move_place(signup=SignUp.objects.get(pk=person.pk), to=self.b),
            lambda: moving.move_place(signup=SignUp.objects.get(pk=person.pk), to=self.b),
        )

        self.assertEqual(sum(isinstance(r, SignUp) for r in results), 1, results)
        self.assertEqual(SignUp.objects.get(pk=person.pk).contact_point_id, self.b.pk)
        totals = MonthlyFigure.objects.aggregate(out=Sum("moved_out"), into=Sum("moved_in"))
        self.assertEqual(totals, {"out": 1, "into": 1})

    def test_two_people_moving_opposite_ways_both_arrive(self):
        one = self.waiting(self.a, "one@example.org")
        two = self.waiting(self.b, "two@example.org")

        results = in_threads(
            lambda: moving.move_place(signup=one, to=self.b),
            lambda: moving.move_place(signup=two, to=self.a),
        )

        self.assertTrue(all(isinstance(r, SignUp) for r in results), results)
        self.assertEqual(SignUp.objects.get(pk=one.pk).contact_point_id, self.b.pk)
        self.assertEqual(SignUp.objects.get(pk=two.pk).contact_point_id, self.a.pk)
