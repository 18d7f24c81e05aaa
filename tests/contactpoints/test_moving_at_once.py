"""Moves at the same moment: the same button pressed twice moves a place once, and two
people moving in opposite directions never deadlock. Needs PostgreSQL's row locks."""

import pytest
from django.db.models import Sum
from django.test import TransactionTestCase
from django.utils import timezone

from contactpoints.models import ContactPoint, County, Municipality
from groups import services
from groups.models import MonthlyFigure, SignUp
from selvhjelp.crypto import address_hash
from tests.groups.test_concurrency import in_threads


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
            lambda: services.move_place(signup=SignUp.objects.get(pk=person.pk), to=self.b),
            lambda: services.move_place(signup=SignUp.objects.get(pk=person.pk), to=self.b),
        )

        self.assertEqual(sum(isinstance(r, SignUp) for r in results), 1, results)
        self.assertEqual(SignUp.objects.get(pk=person.pk).contact_point_id, self.b.pk)
        totals = MonthlyFigure.objects.aggregate(out=Sum("moved_out"), into=Sum("moved_in"))
        self.assertEqual(totals, {"out": 1, "into": 1})

    def test_two_people_moving_opposite_ways_both_arrive(self):
        one = self.waiting(self.a, "one@example.org")
        two = self.waiting(self.b, "two@example.org")

        results = in_threads(
            lambda: services.move_place(signup=one, to=self.b),
            lambda: services.move_place(signup=two, to=self.a),
        )

        self.assertTrue(all(isinstance(r, SignUp) for r in results), results)
        self.assertEqual(SignUp.objects.get(pk=one.pk).contact_point_id, self.b.pk)
        self.assertEqual(SignUp.objects.get(pk=two.pk).contact_point_id, self.a.pk)
