"""An order form sent twice at the same moment makes one order, and its key sent
for another contact point at that moment is refused, not a server error. Real
concurrency needs PostgreSQL; SQLite serialises writes and cannot show it."""

import threading
import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import TransactionTestCase

from contactpoints.models import ContactPoint, County, Municipality
from materials import services
from materials.models import Material, Order
from tests.base import in_threads


@pytest.mark.postgres
class SentAtOnceTests(TransactionTestCase):
    def setUp(self):
        county = County.objects.create(number="03", name="Oslo")
        municipality = Municipality.objects.create(number="0301", name="Oslo", county=county)
        self.point_a, self.point_b = (
            ContactPoint.objects.create(slug=slug, name=slug, kind="frivilligsentral", municipality=municipality)
            for slug in ("sentral-a", "sentral-b")
        )
        self.staff = get_user_model().objects.create_user("staff@work.example", "a-long-password-1")
        self.material = Material.objects.create(title="Selvhjelp – en innføring", languages=["nb"])
        self.key = uuid.uuid4()

    def place(self, contact_point):
        return services.place_order(
            contact_point=contact_point,
            recipient=services.Recipient(
                organisation=contact_point.name,
                contact_person="Kari Koordinator",
                email="post@sentral.example",
                postal_address="Gata 1",
                postcode="0555",
                place="Oslo",
                notes="",
            ),
            lines=[services.Line(material=self.material, language="nb", quantity=5)],
            by=self.staff,
            request_key=self.key,
        )

    def first_and_second_at_once(self, second_point):
        """The first sending has written its order but not yet committed when the
        second, which cannot see it yet, writes its own."""
        written, release = threading.Event(), threading.Event()

        def first():
            with transaction.atomic():
                order = self.place(self.point_a)
                written.set()
                release.wait(30)
            return order

        def second():
            written.wait(30)
            return self.place(second_point)

        def commit_the_first_once_the_second_waits_for_it():
            written.wait(30)
            deadline = time.monotonic() + 30
            with connection.cursor() as cursor:
                while time.monotonic() < deadline:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                    if cursor.fetchone()[0]:
                        break
                    time.sleep(0.01)
            release.set()

        first_result, second_result, _ = in_threads(first, second, commit_the_first_once_the_second_waits_for_it)
        self.assertIsInstance(first_result, Order)
        return first_result, second_result

    def test_the_same_form_sent_twice_at_once_makes_one_order(self):
        first, second = self.first_and_second_at_once(self.point_a)
        self.assertEqual(second, first)
        self.assertEqual(Order.objects.count(), 1)
        self.assertEqual(Order.objects.get().lines.count(), 1)

    def test_the_same_form_sent_for_two_contact_points_at_once_refuses_the_second(self):
        first, second = self.first_and_second_at_once(self.point_b)
        self.assertIsInstance(second, services.OrderError)
        self.assertEqual(list(Order.objects.values_list("contact_point", flat=True)), [self.point_a.pk])
        self.assertEqual(first.contact_point, self.point_a)
