"""Self-help in figures: each year as published, to the end of its last closed month."""

import datetime
import uuid

from django.test import override_settings
from django.utils import timezone, translation

from figures import closing, public
from figures.suppression import Reason, Shown
from groups.models import Group, MonthlyFigure
from tests.base import Personas


def at(year, month, day, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@override_settings(MONTH_FINAL_AFTER_HOURS=24)
class PublicYearTests(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # 2025: every month 10 confirmed at Sentral A (Oslo) and 6 at Sentral B (Finnmark); in March six groups
        # started at Sentral A, with 33 people at their first meetings.
        for month in range(1, 13):
            MonthlyFigure.objects.create(contact_point=cls.point_a, month=datetime.date(2025, month, 1), confirmed=10)
            MonthlyFigure.objects.create(contact_point=cls.point_b, month=datetime.date(2025, month, 1), confirmed=6)
        march = datetime.date(2025, 3, 1)
        MonthlyFigure.objects.filter(contact_point=cls.point_a, month=march).update(
            groups_started=6, members_at_start=33
        )
        Group.objects.bulk_create(
            Group(
                contact_point=cls.point_a,
                format="in_person",
                time_of_day="evening",
                language="no",
                age_group="30-44",
                first_meeting=at(2025, 3, 10, 18),
                seats=8,
                request_key=uuid.uuid4(),
                status=Group.Status.HANDED_OFF,
                handed_off_at=at(2025, 3, 10, 21),
                members_at_start=members,
                median_days_waited=days,
                counted_in=march,
            )
            for members, days in [(5, 14), (5, 21), (6, 28), (6, 35), (5, 42), (6, 49)]
        )

    def test_there_are_no_years_before_a_month_has_closed(self):
        self.assertEqual(public.years(), [])
        self.assertIsNone(public.year(2025))

    def test_a_year_is_published_only_to_the_end_of_the_last_closed_month(self):
        closing.close_months(now=at(2025, 6, 10))
        self.assertEqual(public.years(), [2025])
        year = public.year(2025)
        self.assertEqual(year.through, datetime.date(2025, 5, 1))
        self.assertFalse(year.complete)
        self.assertEqual(year.country.signed_up, Shown(80))  # five months of 16
        self.assertEqual(year.made_at, at(2025, 6, 10))

    def test_a_whole_year_once_december_has_closed(self):
        closing.close_months(now=at(2026, 2, 5))
        self.assertEqual(public.years(), [2026, 2025])
        year = public.year(2025)
        self.assertTrue(year.complete)
        self.assertEqual(year.through, datetime.date(2025, 12, 1))
        self.assertEqual(year.country.signed_up, Shown(192))
        self.assertIsNone(public.year(2024))

    def test_each_county_by_name_with_its_number_and_the_country_as_00(self):
        closing.close_months(now=at(2025, 6, 10))
        with translation.override("en"):
            year = public.year(2025)
        self.assertEqual([(area.code, area.name) for area in year.counties], [("56", "Finnmark"), ("03", "Oslo")])
        self.assertEqual((year.country.code, year.country.name), ("00", "All of Norway"))
        oslo, finnmark = year.counties[1], year.counties[0]
        self.assertEqual(oslo.signed_up, Shown(50))
        self.assertEqual(finnmark.signed_up, Shown(30))
        # The year is not over, and Finnmark's months show "<5": its sum waits for the year's end.
        self.assertEqual(finnmark.groups_started, Shown(None, Reason.WITHHELD))
        self.assertEqual((oslo.contact_points, finnmark.contact_points, year.country.contact_points), (1, 1, 2))

    def test_median_weeks_only_where_five_or_more_groups_started(self):
        closing.close_months(now=at(2025, 6, 10))
        year = public.year(2025)
        oslo, finnmark = year.counties[1], year.counties[0]
        self.assertEqual(oslo.median_weeks, 4)  # 28 and 35 days: 31.5 days, 4.5 weeks, rounded to even
        self.assertEqual(year.country.median_weeks, 4)
        self.assertIsNone(finnmark.median_weeks)

    def test_people_who_found_a_group_are_hidden_where_groups_started_are(self):
        closing.close_months(now=at(2025, 6, 10))
        year = public.year(2025)
        for area in [*year.counties, year.country]:
            if area.groups_started.hidden:
                self.assertTrue(area.found_a_group.hidden, area.name)
