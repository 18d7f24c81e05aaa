"""Two staff pressing "start" at once, or a withdrawal in the middle, never put
one person in two groups or send one invitation twice. Real concurrency needs
PostgreSQL's row locks; SQLite serialises writes and cannot show it."""

import datetime
import uuid
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.test import TransactionTestCase
from django.utils import timezone

from contactpoints.models import ContactPoint, County, Municipality
from groups import emails as group_mail
from groups.matching import Plan
from groups.models import Invitation, SignUp
from groups.services import forming, signing_up
from outbox.models import Email
from selvhjelp.crypto import address_hash
from tests.base import in_threads

PLAN = Plan(format="in_person", time_of_day="evening", language="no", age_group="30-44")


@pytest.mark.postgres
class ConcurrentStartTests(TransactionTestCase):
    def setUp(self):
        county = County.objects.create(number="03", name="Oslo")
        municipality = Municipality.objects.create(number="0301", name="Oslo", county=county)
        self.point = ContactPoint.objects.create(
            slug="sentral", name="Sentral", kind="frivilligsentral", municipality=municipality, threshold=4, seats=8
        )
        self.staff = get_user_model().objects.create_user("staff@work.example", "a-long-password-1")
        now = timezone.now()
        for n in range(12):
            SignUp.objects.create(
                contact_point=self.point,
                email=f"p{n}@example.org",
                email_hash=address_hash(f"p{n}@example.org"),
                status=SignUp.Status.WAITING,
                waiting_since=now - datetime.timedelta(days=30 - n),
                confirmed_at=now,
                **{"format": "any", "time_of_day": "any", "languages": ["en", "no", "se"], "age_group": "any"},
            )

    def start(self):
        return forming.start_group(
            contact_point=self.point,
            details=forming.GroupDetails(
                plan=PLAN,
                first_meeting=timezone.now() + datetime.timedelta(days=3),
                room=None,
                place_details="Kafeen",
                seats=8,
                starter_present=False,
            ),
            created_by=self.staff,
            request_key=uuid.uuid4(),
        )

    def assert_nobody_twice(self):
        per_person = Counter(Invitation.objects.values_list("signup_id", flat=True))
        self.assertTrue(all(n == 1 for n in per_person.values()), per_person)
        invitations = Counter(Email.objects.filter(kind=group_mail.INVITATION).values_list("signup_id", flat=True))
        self.assertTrue(all(n == 1 for n in invitations.values()), invitations)
        self.assertEqual(SignUp.objects.filter(status=SignUp.Status.INVITED).count(), Invitation.objects.count())

    def test_two_staff_pressing_start_at_once_never_share_a_person(self):
        for _ in range(3):
            results = in_threads(self.start, self.start)
            started = [r for r in results if not isinstance(r, Exception)]
            self.assertGreaterEqual(len(started), 1, results)
            for failure in (r for r in results if isinstance(r, Exception)):
                self.assertIsInstance(failure, forming.GroupError)
            self.assert_nobody_twice()
            # The first group takes the 8 longest-waiting; the second finds only 4 left.
            Invitation.objects.all().delete()
            SignUp.objects.update(status=SignUp.Status.WAITING)
            Email.objects.all().delete()

    def test_a_withdrawal_while_a_group_starts_leaves_nobody_half_invited(self):
        oldest = SignUp.objects.order_by("waiting_since").first()
        results = in_threads(self.start, lambda: signing_up.withdraw(signup=oldest))
        self.assertFalse(any(isinstance(r, Exception) for r in results), results)
        self.assertFalse(SignUp.objects.filter(pk=oldest.pk).exists())
        self.assert_nobody_twice()
        self.assertFalse(Invitation.objects.filter(signup_id=oldest.pk).exists())
        # Whichever came first, the group is full: a withdrawn seat is refilled.
        self.assertEqual(Invitation.objects.count(), 8)
