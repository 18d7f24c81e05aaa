"""The anonymous monthly counts: a month is final some hours after it ends, and what is
recorded later counts in the month that is still open."""

import datetime
from unittest import mock

from django.test import override_settings
from django.utils import timezone

from figures import selectors
from groups import monthly
from groups.models import Group, MonthlyFigure
from groups.services import answering, hand_off
from tests.base import Personas, start_group, waiting_person

PLAN = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}


def at(year, month, day, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@override_settings(MONTH_FINAL_AFTER_HOURS=24)
class MonthlyCountTests(Personas):
    def figures(self):
        return dict(MonthlyFigure.objects.values_list("month", "confirmed"))

    def test_a_count_lands_in_the_month_it_happened(self):
        with mock.patch("django.utils.timezone.now", return_value=at(2026, 3, 14)):
            month = monthly.count(contact_point_id=self.point_a.pk, confirmed=1)
        self.assertEqual(month, datetime.date(2026, 3, 1))
        self.assertEqual(self.figures(), {datetime.date(2026, 3, 1): 1})

    def test_something_from_a_month_just_ended_still_counts_there_until_the_month_is_final(self):
        with mock.patch("django.utils.timezone.now", return_value=at(2026, 4, 1, 20)):
            month = monthly.count(contact_point_id=self.point_a.pk, when=at(2026, 3, 31, 18), confirmed=1)
        self.assertEqual(month, datetime.date(2026, 3, 1))

    def test_something_from_a_final_month_counts_in_the_open_month(self):
        with mock.patch("django.utils.timezone.now", return_value=at(2026, 4, 2, 1)):
            month = monthly.count(contact_point_id=self.point_a.pk, when=at(2026, 3, 31, 18), confirmed=1)
        self.assertEqual(month, datetime.date(2026, 4, 1))
        self.assertEqual(self.figures(), {datetime.date(2026, 4, 1): 1})

    def test_a_month_is_final_the_configured_hours_after_it_ends(self):
        self.assertFalse(monthly.is_final(datetime.date(2026, 3, 1), at(2026, 4, 1, 23)))
        self.assertTrue(monthly.is_final(datetime.date(2026, 3, 1), at(2026, 4, 2, 0)))
        with override_settings(MONTH_FINAL_AFTER_HOURS=48):
            self.assertFalse(monthly.is_final(datetime.date(2026, 3, 1), at(2026, 4, 2, 0)))


class HandOffMonthTests(Personas):
    def met_group(self):
        with self.captureOnCommitCallbacks(execute=True):
            people = [waiting_person(self.point_a, f"p{n}@example.org", **PLAN) for n in range(5)]
            group = start_group(
                self.point_a, by=self.staff_a, seats=5, first_meeting=timezone.now() + datetime.timedelta(hours=1)
            )
        for person in people:
            answering.answer(signup=person, reply="yes")
        return group

    def test_a_group_handed_off_in_time_counts_in_the_month_of_its_first_meeting(self):
        group = self.met_group()
        hand_off.hand_off(group=group, now=group.first_meeting + datetime.timedelta(hours=3))
        group.refresh_from_db()
        month = timezone.localtime(group.first_meeting).date().replace(day=1)
        self.assertEqual(group.counted_in, month)
        self.assertEqual(MonthlyFigure.objects.get(month=month).groups_started, 1)
        self.assertEqual(selectors.groups_by_way(month), {self.point_a.pk: {"in_person": 1}})

    def test_a_group_handed_off_after_its_month_closed_counts_in_the_open_month(self):
        group = self.met_group()
        met_in = timezone.localtime(group.first_meeting).date().replace(day=1)
        later = group.first_meeting + datetime.timedelta(days=45)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertTrue(hand_off.hand_off(group=group, now=later))
        group.refresh_from_db()
        open_month = timezone.localtime(later).date().replace(day=1)
        self.assertEqual(group.counted_in, open_month)
        started = MonthlyFigure.objects.filter(groups_started__gt=0).values_list("month", "groups_started")
        self.assertEqual(dict(started), {open_month: 1})
        # How it met and how long its members waited count in the same month as the group itself.
        self.assertEqual(selectors.groups_by_way(met_in), {})
        self.assertEqual(selectors.groups_by_way(open_month), {self.point_a.pk: {"in_person": 1}})
        self.assertEqual(selectors._group_medians([open_month])[open_month], {("point", self.point_a.pk): [0]})

    def test_a_group_nobody_came_to_counts_in_no_month(self):
        with self.captureOnCommitCallbacks(execute=True):
            for n in range(5):
                waiting_person(self.point_a, f"p{n}@example.org", **PLAN)
            group = start_group(
                self.point_a, by=self.staff_a, seats=5, first_meeting=timezone.now() + datetime.timedelta(hours=1)
            )
        hand_off.hand_off(group=group, now=group.first_meeting + datetime.timedelta(hours=3))
        group.refresh_from_db()
        self.assertEqual(group.status, Group.Status.HANDED_OFF)
        self.assertIsNone(group.counted_in)
