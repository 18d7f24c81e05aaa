"""Counts for the offices' pages, never people: several counted in one query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contactpoints.models import ContactPoint, Municipality, NoticeRequest, Office
from figures import selectors
from selvhjelp.crypto import address_hash
from tests.base import Personas


class CountsTests(Personas):
    def test_several_counts_are_made_in_one_query(self):
        with CaptureQueriesContext(connection) as queries:
            found = selectors.counts(
                ContactPoint.objects.all(),
                ContactPoint.objects.filter(name="Sentral A").values("pk"),
                Municipality.objects.values("county").distinct(),
                ContactPoint.objects.filter(pk__in=[]),  # Django sends no SQL for it: nothing can match
            )
        self.assertEqual(found, [2, 1, 2, 0])
        self.assertEqual(len(queries.captured_queries), 1)

    def test_an_office_without_counties_counts_nothing_in_them(self):
        address = "asks@example.org"
        NoticeRequest.objects.create(
            municipality=self.oslo,
            email=address,
            email_hash=address_hash(address),
            locale="nb",
            confirmed_at=timezone.now(),
        )
        empty = Office.objects.create(slug="tom", name="Tom")
        geo = selectors.geography()
        with CaptureQueriesContext(connection) as queries:
            counted = selectors.office_counts(geo, empty)
        self.assertEqual(len(queries.captured_queries), 1)
        self.assertEqual(str(counted.municipalities_asked), "<5")
        self.assertEqual((counted.pending_applications, counted.open_orders), (0, 0))
        east = selectors.office_counts(geo, self.district_east)
        self.assertEqual(east.municipalities_asked, selectors.suppress({"asked": 1}, {})["asked"])
