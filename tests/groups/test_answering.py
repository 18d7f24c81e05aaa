"""Saying yes to a group on one list takes the person off every other list they
are on, in the same transaction, and the email that confirms the yes says so. A
seat they were offered elsewhere goes to the next person waiting there."""

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import TestCase, TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import ContactPoint, County, Municipality
from groups import links
from groups.matching import Plan
from groups.models import Group, Invitation, MonthlyFigure, SignUp
from groups.services import answering, forming
from selvhjelp.crypto import address_hash
from tests.base import in_threads

ANY_WISH = {"format": "any", "time_of_day": "any", "age_group": "any"}
KARI = "kari@example.org"


class TwoLists:
    """Kari waits at Sentral A (in person) and on a nationwide video list, with
    others waiting at each; staff at both can start a group."""

    def make_world(self) -> None:
        county = County.objects.create(number="03", name="Oslo")
        oslo = Municipality.objects.create(number="0301", name="Oslo", county=county)
        self.local = ContactPoint.objects.create(
            slug="sentral-a", name="Sentral A", kind="frivilligsentral", municipality=oslo, threshold=4
        )
        self.video = ContactPoint.objects.create(
            slug="video",
            name="Videogruppene",
            kind="frivilligsentral",
            municipality=oslo,
            nationwide=True,
            offers_in_person=False,
            offers_video=True,
            threshold=4,
        )
        self.staff = get_user_model().objects.create_user("staff@work.example", "a-long-password-1")
        self.kari_local = self.waiting(self.local, KARI, days=40)
        self.kari_video = self.waiting(self.video, KARI, days=40)
        for n in range(5):
            self.waiting(self.local, f"local{n}@example.org", days=30 - n)
            self.waiting(self.video, f"video{n}@example.org", days=30 - n)

    def waiting(self, point: ContactPoint, address: str, *, days: int) -> SignUp:
        now = timezone.now()
        return SignUp.objects.create(
            contact_point=point,
            email=address,
            email_hash=address_hash(address),
            status=SignUp.Status.WAITING,
            waiting_since=now - datetime.timedelta(days=days),
            confirmed_at=now,
            expires_at=now + datetime.timedelta(days=100),
            locale="en",
            languages=["en", "no", "se"],
            **ANY_WISH,
        )

    def start(self, point: ContactPoint, *, seats: int = 4) -> Group:
        video = point.nationwide
        return forming.start_group(
            contact_point=point,
            details=forming.GroupDetails(
                plan=Plan(
                    **{**ANY_WISH, "format": "video" if video else "in_person", "time_of_day": "evening"}, language="no"
                ),
                first_meeting=timezone.now() + datetime.timedelta(days=3),
                room=None,
                place_details="" if video else "Kafeen",
                joining_link="https://meet.example/abc" if video else "",
                seats=seats,
                starter_present=False,
            ),
            created_by=self.staff,
            request_key=uuid.uuid4(),
        )

    def kari_at(self) -> dict[str, str]:
        rows = SignUp.objects.filter(email_hash=address_hash(KARI)).select_related("contact_point")
        return {row.contact_point.slug: row.status for row in rows}


class YesAtOneListTests(TwoLists, TestCase):
    def setUp(self) -> None:
        self.make_world()

    def yes(self, signup: SignUp) -> bool:
        with self.captureOnCommitCallbacks(execute=True):
            return answering.answer(signup=SignUp.objects.get(pk=signup.pk), reply=answering.Answer.YES)

    def test_yes_at_one_list_removes_the_place_on_the_other_and_counts_it_there(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.start(self.local)
        mail.outbox.clear()
        self.assertTrue(self.yes(self.kari_local))
        self.assertEqual(self.kari_at(), {"sentral-a": "accepted"})
        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.video).withdrawn, 1)
        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.local).accepted, 1)
        (accepted,) = [m for m in mail.outbox if m.to == [KARI]]
        self.assertIn("Saying yes took you off the waiting list at Videogruppene.", accepted.body)

    def test_an_invitation_on_the_other_list_goes_to_the_next_person_there(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.start(self.local)
            video_group = self.start(self.video)
        self.assertEqual(SignUp.objects.get(pk=self.kari_video.pk).status, SignUp.Status.INVITED)
        self.assertTrue(self.yes(self.kari_local))
        self.assertEqual(self.kari_at(), {"sentral-a": "accepted"})
        # Her seat in the video group went back, and the next person waiting there has it.
        self.assertEqual(Invitation.objects.filter(group=video_group).count(), 4)
        self.assertTrue(
            Invitation.objects.filter(group=video_group, signup__email_hash=address_hash("video3@example.org")).exists()
        )
        self.assertEqual(Group.objects.get(pk=video_group.pk).declined, 1)

    def test_not_this_time_keeps_every_list(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.start(self.local)
            answering.answer(signup=SignUp.objects.get(pk=self.kari_local.pk), reply=answering.Answer.NOT_THIS_TIME)
        self.assertEqual(self.kari_at(), {"sentral-a": "waiting", "video": "waiting"})

    def test_staff_learn_nothing_of_it_but_counts(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.start(self.local)
        mail.outbox.clear()
        self.yes(self.kari_local)
        self.assertFalse([m for m in mail.outbox if m.to != [KARI]])


@pytest.mark.postgres
class YesAtOnceTests(TwoLists, TransactionTestCase):
    """Real threads on PostgreSQL: two answers, or an answer and a group's start, at once."""

    def setUp(self) -> None:
        self.make_world()

    def yes(self, signup: SignUp):  # type: ignore[no-untyped-def]
        return lambda: answering.answer(signup=SignUp.objects.get(pk=signup.pk), reply=answering.Answer.YES)

    def assert_one_way(self) -> None:
        """Kari is in exactly one place, and holds no seat anywhere else."""
        places = self.kari_at()
        self.assertEqual(len(places), 1, places)
        self.assertEqual(list(places.values()), ["accepted"])
        self.assertEqual(Invitation.objects.filter(signup__email_hash=address_hash(KARI)).count(), 1)

    def test_yes_at_two_lists_at_once_ends_at_one_of_them(self):
        self.start(self.local)
        self.start(self.video)
        results = in_threads(self.yes(self.kari_local), self.yes(self.kari_video))
        self.assertEqual(sorted(results), [False, True], results)
        self.assert_one_way()

    def test_yes_at_one_list_while_a_group_starts_at_the_other_ends_one_way(self):
        self.start(self.local)
        results = in_threads(self.yes(self.kari_local), lambda: self.start(self.video))
        self.assertIs(results[0], True, results)
        self.assertIsInstance(results[1], Group, results)
        self.assert_one_way()
        # The video group has its four seats, none of them Kari's.
        video_group = Group.objects.get(contact_point=self.video)
        self.assertEqual(Invitation.objects.filter(group=video_group).count(), 4)


class YesOnThePrivatePageTests(TwoLists, TestCase):
    def setUp(self) -> None:
        self.make_world()

    def test_the_page_after_yes_says_which_lists_the_person_left(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.start(self.local)
        token = links.mint(signup=self.kari_local)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("signup_page", args=[token]),
                {"action": "answer", "reply": "yes"},
                follow=True,
                HTTP_ACCEPT_LANGUAGE="en",
            )
        self.assertContains(response, "Saying yes took you off the waiting list at Videogruppene.")
