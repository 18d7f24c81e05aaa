"""A month's figures are frozen once it is final: the offices' tables and the public year to
date are made once, from the data of that moment, and never change afterwards."""

import datetime
import pickle
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from unittest import mock

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import ContactPoint, County, Municipality
from figures import closing, kept, selectors, tasks
from figures.models import ClosedMonth
from figures.suppression import Reason, Shown
from groups.models import MonthlyFigure
from tests.base import Personas, in_threads, waiting_person
from tests.figures.test_views import minutes_later
from tests.signin import sign_in

MARCH = datetime.date(2025, 3, 1)


def at(year, month, day, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def months_back(count):
    return selectors.recent_months(count + 1)[count]


@override_settings(MONTH_FINAL_AFTER_HOURS=24)
class ClosingTests(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Sign-ups confirmed every month of 2025: 10 at Sentral A (Oslo), 6 at Sentral B (Finnmark); in March
        # 12 and 7, and six groups started at Sentral A.
        for month in range(1, 13):
            MonthlyFigure.objects.create(contact_point=cls.point_a, month=datetime.date(2025, month, 1), confirmed=10)
            MonthlyFigure.objects.create(contact_point=cls.point_b, month=datetime.date(2025, month, 1), confirmed=6)
        MonthlyFigure.objects.filter(contact_point=cls.point_a, month=MARCH).update(
            confirmed=12, groups_started=6, members_at_start=30
        )
        MonthlyFigure.objects.filter(contact_point=cls.point_b, month=MARCH).update(confirmed=7)

    def tables(self, month=MARCH):
        return ClosedMonth.objects.get(month=month).tables

    def test_every_final_month_is_closed_once_from_january_of_the_first_year(self):
        self.assertEqual(closing.close_months(now=at(2025, 6, 10)), 5)
        self.assertEqual(
            list(ClosedMonth.objects.values_list("month", flat=True)),
            [datetime.date(2025, month, 1) for month in range(1, 6)],
        )
        self.assertEqual(closing.close_months(now=at(2025, 6, 10)), 0)

    def test_a_month_is_closed_only_once_it_is_final(self):
        self.assertEqual(closing.close_months(now=at(2025, 6, 1, 20)), 4)  # May ended 20 hours ago
        self.assertFalse(ClosedMonth.objects.filter(month=datetime.date(2025, 5, 1)).exists())
        self.assertFalse(closing.close_month(month=datetime.date(2025, 5, 1), now=at(2025, 6, 1, 20)))
        self.assertEqual(closing.close_months(now=at(2025, 6, 2, 1)), 1)

    def test_no_month_is_closed_before_anything_is_counted(self):
        MonthlyFigure.objects.all().delete()
        self.assertEqual(closing.close_months(now=at(2025, 6, 10)), 0)

    def test_a_closed_month_keeps_every_cell_the_offices_tables_showed(self):
        geo = selectors.geography()
        shown = selectors.month_counts(geo, MARCH).figures
        closing.close_months(now=at(2025, 4, 10))
        frozen = closing.figures_of(MARCH, self.tables())
        self.assertEqual(frozen.shown, shown.shown)
        self.assertEqual(frozen.ways, shown.ways)
        self.assertEqual(frozen.medians, shown.medians)
        self.assertEqual(frozen.shown["confirmed"][selectors.COUNTRY], Shown(19))
        self.assertEqual(frozen.shown["confirmed"][("point", self.point_a.pk)], Shown(12))
        self.assertEqual(frozen.shown["groups_started"][("point", self.point_b.pk)], Shown(None, Reason.SMALL))

    def test_a_closed_month_keeps_what_the_year_to_date_is_decided_from(self):
        closing.close_months(now=at(2025, 4, 10))
        counts = closing.month_counts_of(self.tables()["union"]["confirmed"])
        oslo, finnmark = ("county", self.oslo_county.pk), ("county", self.finnmark.pk)
        east, north = ("district", self.district_east.pk), ("district", self.district_north.pk)
        self.assertEqual(counts.counts, {oslo: 12, finnmark: 7, east: 12, north: 7, selectors.COUNTRY: 19})
        self.assertEqual(counts.shown[oslo], Shown(12))
        self.assertEqual(counts.below, {oslo: (12, 12), finnmark: (7, 7)})
        self.assertEqual(counts.district_of, {oslo: east, finnmark: north})
        self.assertEqual(counts.total, selectors.COUNTRY)
        started = closing.month_counts_of(self.tables()["union"]["groups_started"])
        self.assertEqual(started.counts[finnmark], 0)
        self.assertEqual(started.below[finnmark], (0, 4))  # "<5" says 0 to 4
        self.assertEqual(started.parts[("in_person", east)][0], 0)  # no group row says how they met
        self.assertIn(("video", north), started.public)  # no contact point there offers video

    def test_a_closed_month_never_changes_when_a_contact_point_opens_later(self):
        closing.close_months(now=at(2025, 4, 10))
        before = closing.office_figures(MARCH, now=at(2025, 4, 10)).office_month()
        ContactPoint.objects.create(slug="ny", name="Ny", kind="other", municipality=self.kautokeino)
        MonthlyFigure.objects.filter(contact_point=self.point_b, month=MARCH).update(confirmed=9)

        with minutes_later():
            after = closing.office_figures(MARCH, now=at(2025, 4, 10)).office_month()
        self.assertEqual(after.figures.shown["confirmed"], before.figures.shown["confirmed"])
        self.assertEqual(after.geography.points, before.geography.points)
        self.assertNotIn("Ny", [name for name, _m, _s in after.geography.points.values()])
        # Waiting now is counted live over today's geography, where the new contact point is.
        self.assertIn(("point", ContactPoint.objects.get(slug="ny").pk), after.waiting)

    def test_a_year_to_date_is_published_only_to_the_end_of_the_last_closed_month(self):
        closing.close_months(now=at(2025, 5, 20))
        public = self.tables(datetime.date(2025, 4, 1))["public"]
        self.assertEqual(public["country:"]["confirmed"], [67, "shown"])  # 42 in Oslo, 25 in Finnmark
        self.assertEqual(public[f"county:{self.oslo_county.pk}"]["confirmed"], [42, "shown"])
        self.assertFalse(ClosedMonth.objects.filter(month=datetime.date(2025, 5, 1)).exists())
        closing.close_months(now=at(2025, 6, 5))
        self.assertEqual(self.tables(datetime.date(2025, 5, 1))["public"]["country:"]["confirmed"], [83, "shown"])

    def test_a_new_year_starts_from_nothing(self):
        closing.close_months(now=at(2026, 2, 5))
        public = self.tables(datetime.date(2026, 1, 1))["public"]
        self.assertEqual(public["country:"]["confirmed"], [None, "small"])
        self.assertEqual(self.tables(datetime.date(2025, 12, 1))["public"]["country:"]["confirmed"], [195, "shown"])

    def test_the_year_to_date_counts_contact_points_in_the_directory(self):
        ContactPoint.objects.create(slug="stengt", name="Stengt", kind="other", municipality=self.oslo, is_active=False)
        closing.close_months(now=at(2025, 4, 10))
        public = self.tables()["public"]
        self.assertEqual(public["country:"]["contact_points"], 2)
        self.assertEqual(public[f"county:{self.oslo_county.pk}"]["contact_points"], 1)

    def test_the_hourly_task_closes_what_is_final(self):
        self.assertGreater(tasks.close_months(), 0)
        self.assertTrue(ClosedMonth.objects.filter(month=MARCH).exists())
        self.assertEqual(tasks.close_months(), 0)


class OfficePagesTests(Personas):
    def setUp(self):
        super().setUp()
        self.month = months_back(2)  # final whatever the day
        MonthlyFigure.objects.create(contact_point=self.point_a, month=self.month, signed_up=40)
        self.client = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(self.client, self.district_east_user)

    def page(self):
        url = reverse("figures:office", args=[self.district_east.slug])
        return self.client.get(url, {"month": self.month.strftime("%Y-%m")}, headers={"Accept-Language": "en"})

    def cells(self, response, name):
        row = next(row for row in response.context["tables"].points if row.name == name)
        return [str(cell) for cell in row.cells]

    def test_a_final_month_is_closed_when_an_office_first_looks_at_it(self):
        self.assertEqual(self.cells(self.page(), "Sentral A")[1], "40")
        self.assertTrue(ClosedMonth.objects.filter(month=self.month).exists())
        MonthlyFigure.objects.filter(contact_point=self.point_a).update(signed_up=99)
        self.assertEqual(self.cells(self.page(), "Sentral A")[1], "40")
        csv = self.client.get(
            reverse("figures:csv", args=[self.district_east.slug, "contact-points"]),
            {"month": self.month.strftime("%Y-%m")},
        )
        self.assertIn(",40,", csv.content.decode("utf-8-sig").replace(";", ","))

    def test_waiting_now_is_counted_live_in_a_closed_month(self):
        self.page()
        for n in range(6):
            waiting_person(self.point_a, f"w{n}@example.org")
        self.assertEqual(self.cells(self.page(), "Sentral A")[0], "<5")  # counted at most once a minute
        with minutes_later():
            self.assertEqual(self.cells(self.page(), "Sentral A")[0], "6")

    def test_a_contact_point_gone_since_closing_says_nothing_of_who_waits(self):
        gone = ContactPoint.objects.create(slug="borte", name="Borte", kind="other", municipality=self.oslo)
        self.page()
        gone.delete()
        with minutes_later():
            response = self.page()
        self.assertEqual(self.cells(response, "Borte")[0], "–")
        row = next(row for row in response.context["tables"].points if row.name == "Borte")
        self.assertEqual(row.cells[0], Shown(None, Reason.WITHHELD))

    def test_the_trend_shows_closed_months_as_they_closed(self):
        MonthlyFigure.objects.filter(contact_point=self.point_a).update(groups_started=7)
        self.page()
        MonthlyFigure.objects.filter(contact_point=self.point_a).update(groups_started=2)
        trend = {point.month: str(point.groups_started) for point in self.page().context["trend"]}
        self.assertEqual(trend[self.month], "7")


@override_settings(MONTH_FINAL_AFTER_HOURS=24)
class TwoWorkersTests(TransactionTestCase):
    def setUp(self):
        county = County.objects.create(number="03", name="Oslo")
        municipality = Municipality.objects.create(number="0301", name="Oslo", county=county)
        point = ContactPoint.objects.create(slug="a", name="A", kind="other", municipality=municipality)
        MonthlyFigure.objects.create(contact_point=point, month=MARCH, confirmed=8)

    def test_two_workers_closing_at_once_close_each_month_once(self):
        now = at(2025, 9, 10)
        results = in_threads(lambda: closing.close_months(now=now), lambda: closing.close_months(now=now))
        self.assertEqual([type(result) for result in results], [int, int])
        self.assertEqual(sum(results), 8)  # January to August, each by one worker
        self.assertEqual(ClosedMonth.objects.count(), 8)


class NewWorkerTests(Personas):
    """A new worker reads in what the offices' pages ask first (``closing.warm_up``), and what is kept of the
    live count is small and quick to read back."""

    def setUp(self):
        super().setUp()
        for month in selectors.recent_months(14)[1:]:
            MonthlyFigure.objects.create(contact_point=self.point_a, month=month, confirmed=9, groups_started=1)
        closing.close_months()
        self.client = Client()
        sign_in(self.client, self.district_east_user)
        self.url = reverse("figures:office", args=[self.district_east.slug])

    def as_a_new_process(self):
        with closing._memo_lock:
            closing._memo.clear()
        kept.forget()

    def test_a_new_worker_reads_in_what_the_first_page_needs(self):
        self.client.get(self.url, headers={"Accept-Language": "en"})  # counted live, kept in the cache
        self.as_a_new_process()
        with CaptureQueriesContext(connection) as warming:
            closing.warm_up()
        self.assertFalse([query for query in warming.captured_queries if '"groups_' in query["sql"]])  # counts nothing

        # A page never rendered before (in another language) reads no closed month and counts nothing.
        with CaptureQueriesContext(connection) as first:
            response = self.client.get(self.url, headers={"Accept-Language": "nb"})
        self.assertContains(response, "Venter nå")
        self.assertFalse([query for query in first.captured_queries if "figures_closedmonth" in query["sql"]])
        self.assertFalse([query for query in first.captured_queries if '"groups_' in query["sql"]])

    def test_without_a_live_count_in_the_cache_a_new_worker_counts_nothing(self):
        self.as_a_new_process()
        cache.clear()
        with CaptureQueriesContext(connection) as warming:
            closing.warm_up()
        self.assertEqual(warming.captured_queries, [])
        self.assertEqual(self.client.get(self.url).status_code, 200)  # the first page counts, as before

    def test_which_months_are_closed_is_kept_and_forgotten_when_one_closes(self):
        month = selectors.recent_months(16)[15]
        self.client.get(self.url)
        with CaptureQueriesContext(connection) as kept_index:
            closing.office_figures(selectors.recent_months(1)[0])
        self.assertFalse([query for query in kept_index.captured_queries if "figures_closedmonth" in query["sql"]])
        MonthlyFigure.objects.create(contact_point=self.point_a, month=month, confirmed=9)
        ClosedMonth.objects.filter(month__year=month.year).delete()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(closing.close_month(month=month))
        self.assertIsNone(cache.get(closing.CLOSED))
        shown = closing.office_figures(month)
        self.assertIn(month, shown.closed)
        self.assertEqual(shown.closed[month][0], ClosedMonth.objects.get(month=month).pk)

    def test_equal_cells_of_the_live_count_are_one_object(self):
        counted = closing.count_live()
        cells = [
            *counted.waiting.values(),
            *counted.nothing_started.values(),
            *(
                cell
                for figures in counted.open_months.values()
                for shown in figures.shown.values()
                for cell in shown.values()
            ),
        ]
        self.assertGreater(len(cells), len(set(cells)))
        self.assertEqual(len({id(cell) for cell in cells}), len(set(cells)))
        restored = pickle.loads(pickle.dumps(counted))  # noqa: S301 - as the cache keeps it
        self.assertEqual(restored, counted)
        self.assertEqual(closing.digest(replace(restored, version="")), counted.version)

    def test_a_digest_is_of_the_content_whatever_its_order(self):
        one = {("point", 2): Shown(7), ("point", 1): Shown(None, Reason.SMALL), "when": MARCH}
        other = dict(reversed(list(one.items())))
        self.assertEqual(closing.digest(one), closing.digest(other))
        self.assertNotEqual(closing.digest(one), closing.digest({**one, ("point", 2): Shown(8)}))
        self.assertNotEqual(closing.digest(one), closing.digest({**one, ("point", 2): Shown(7, Reason.COMPLEMENT)}))


class CountedAheadTests(Personas):
    """The worker counts what the offices' pages show live every half minute (``closing.recount_live``), so a
    page never waits for the count."""

    def setUp(self):
        super().setUp()
        self.client = Client()
        sign_in(self.client, self.district_east_user)
        self.url = reverse("figures:office", args=[self.district_east.slug])

    def test_after_the_recount_a_page_counts_nothing_and_shows_who_waits_now(self):
        cache.clear()
        before = closing.recount_live()
        waiting_person(self.point_a, "someone@example.org")
        after = closing.recount_live()
        self.assertNotEqual(before, after, "a new waiting person makes a new count")
        with mock.patch.object(closing, "count_live", wraps=closing.count_live) as counting:
            self.assertEqual(self.client.get(self.url).status_code, 200)
        counting.assert_not_called()
        self.assertEqual(closing.live().version, after)

    def test_while_the_worker_counts_a_page_whose_count_ran_out_shows_the_last_one_and_counts_nothing(self):
        cache.clear()
        last = closing.recount_live()
        waiting_person(self.point_a, "someone@example.org")
        key = closing._live_key(timezone.now())
        seen = []

        def a_page_meanwhile(**kwargs):
            cache.delete(key)  # the last count's minute is over while the worker counts
            with mock.patch.object(closing, "count_live", side_effect=AssertionError("a page counted")):
                closing._memo.clear()
                seen.append(closing.live().version)
            return counted(**kwargs)

        counted = closing.count_live
        with mock.patch.object(closing, "count_live", side_effect=a_page_meanwhile):
            new = closing.recount_live()
        self.assertEqual(seen, [last])
        self.assertNotEqual(new, last)
        self.assertEqual(closing.live().version, new)

    def test_threads_asking_at_once_for_a_new_count_read_it_once(self):
        cache.clear()
        version = closing.recount_live()
        closing._memo.clear()  # as a process that has not read this count yet
        reads, started = [], threading.Barrier(6)
        backend = type(caches["default"])  # each thread has its own
        read = backend.get

        def slowly(self, key, *args, **kwargs):
            if key.endswith(f"@{version}"):
                reads.append(key)
                time.sleep(0.2)  # long enough that every thread asks while it is being read
            return read(self, key, *args, **kwargs)

        def a_page(_n):
            started.wait()
            return closing.live().version

        with mock.patch.object(backend, "get", slowly), ThreadPoolExecutor(max_workers=6) as pool:
            versions = list(pool.map(a_page, range(6)))
        self.assertEqual(versions, [version] * 6)
        self.assertEqual(len(reads), 1)

    def test_the_beat_runs_it_within_the_minute_a_count_is_kept(self):
        entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "figures.tasks.recount_live")
        self.assertLessEqual(entry["schedule"], closing.LIVE_SECONDS / 2)
        self.assertEqual(tasks.recount_live(), closing.live().version)
