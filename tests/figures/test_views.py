"""District and national offices see figures, never people."""

import contextlib
import datetime
import io
import time
import uuid
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import ContactPoint, County, Municipality, NoticeRequest, Office
from figures import closing, selectors
from figures.models import ClosedMonth
from figures.suppression import Reason
from groups.models import Group, MonthlyFigure, SignUp
from groups.services import answering, hand_off
from selvhjelp.crypto import address_hash
from tests.base import Personas, start_group, waiting_person
from tests.signin import sign_in


@contextlib.contextmanager
def minutes_later(minutes: int = 1):
    """What the pages show ``minutes`` later: what is counted live is kept for a minute in the cache."""
    later = time.time() + minutes * closing.LIVE_SECONDS + 1
    with mock.patch("django.core.cache.backends.locmem.time") as clock:
        clock.time.return_value = later
        yield


class OfficeTestCase(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.national = Office.objects.create(slug="nasjonalt", name="Selvhjelp Norge", is_national=True)
        cls.national_user = cls.district_east_user.__class__.objects.create_user("nat@office.example", "pw-123456789")
        cls.national.members.add(cls.national_user)
        cls.district_north_user = cls.district_east_user.__class__.objects.create_user(
            "north@office.example", "pw-123456789"
        )
        cls.district_north.members.add(cls.district_north_user)
        cls.month = timezone.localdate().replace(day=1)
        MonthlyFigure.objects.create(contact_point=cls.point_a, month=cls.month, signed_up=12, confirmed=3)
        MonthlyFigure.objects.create(contact_point=cls.point_b, month=cls.month, signed_up=7, confirmed=6)

    def client_for(self, user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(client, user)
        return client

    def page(self, user, office, **params):
        return self.client_for(user).get(reverse("figures:office", args=[office.slug]), params)


class WhoSeesWhatTests(OfficeTestCase):
    def test_a_district_user_sees_their_own_counties_only(self):
        response = self.page(self.district_east_user, self.district_east)
        self.assertContains(response, "Oslo")
        self.assertContains(response, "Sentral A")
        self.assertNotContains(response, "Finnmark")
        self.assertNotContains(response, "Sentral B")

    def test_the_national_office_sees_every_county(self):
        response = self.page(self.national_user, self.national)
        for name in ("Oslo", "Finnmark", "Sentral A", "Sentral B", "All of Norway"):
            self.assertContains(response, name)

    def test_a_county_without_contact_points_does_not_break_the_page(self):
        akershus = County.objects.create(number="32", name="Akershus")
        self.district_east.counties.add(akershus)
        for user, office in ((self.district_east_user, self.district_east), (self.national_user, self.national)):
            response = self.page(user, office)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "Sentral A")
            self.assertNotIn("Akershus", [row.name for row in response.context["tables"].counties])
        csv = self.client_for(self.district_east_user).get(reverse("figures:csv", args=["ost", "counties"]))
        self.assertEqual(csv.status_code, 200)

    def test_it_checks_ownership(self):
        url = reverse("figures:office", args=[self.district_north.slug])
        self.assertEqual(self.client_for(self.district_east_user).get(url).status_code, 404)
        self.assertEqual(self.client_for(self.staff_a).get(url).status_code, 404)
        self.assertEqual(
            self.client_for(self.district_east_user).get(url.replace("nord", "nasjonalt")).status_code, 404
        )
        anonymous = Client().get(url)
        self.assertEqual(anonymous.status_code, 302)
        csv_url = reverse("figures:csv", args=[self.district_north.slug, "counties"])
        self.assertEqual(self.client_for(self.district_east_user).get(csv_url).status_code, 404)

    def test_no_page_names_a_person(self):
        SignUp.objects.create(
            contact_point=self.point_a,
            email="kari@example.org",
            email_hash=address_hash("kari@example.org"),
            nickname="Kari",
            status=SignUp.Status.WAITING,
            waiting_since=timezone.now(),
        )
        for user, office in ((self.district_east_user, self.district_east), (self.national_user, self.national)):
            body = self.page(user, office).content.decode()
            self.assertNotIn("kari@example.org", body)
            self.assertNotIn("Kari", body)


class SmallCountTests(OfficeTestCase):
    def test_small_counts_show_as_less_than_5_on_the_page_and_in_the_csv(self):
        response = self.page(self.district_east_user, self.district_east)
        row = next(r for r in response.context["tables"].points if r.name == "Sentral A")
        labels = [str(label) for (label,) in [(label,) for _, label in selectors.COLUMNS]]
        cells = dict(zip(labels, (str(cell) for cell in row.cells), strict=True))
        self.assertEqual(cells["Signed up"], "12")
        self.assertEqual(cells["Confirmed"], "<5")
        self.assertEqual(cells["Waiting now"], "<5")  # zero too
        csv = self.client_for(self.district_east_user).get(
            reverse("figures:csv", args=[self.district_east.slug, "contact-points"])
        )
        text = csv.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        line = next(line for line in text.splitlines() if "Sentral A" in line)
        self.assertIn(";12;<5;", line)

    def test_a_total_that_would_give_a_small_count_away_is_hidden(self):
        # Oslo county holds only Sentral A: its confirmed count (3) is hidden, so the county's is too.
        response = self.page(self.national_user, self.national)
        county = next(r for r in response.context["tables"].counties if r.name == "Oslo")
        self.assertEqual(str(county.cells[2]), "<5")
        total = response.context["tables"].total
        self.assertEqual(str(total.cells[1]), "19")  # 12 + 7: nothing hidden below
        self.assertIn(str(total.cells[2]), ("–", "<5"))  # 3 + 6 would give the 3 away

    def test_figures_are_per_calendar_month_only(self):
        last_month = (self.month - datetime.timedelta(days=1)).replace(day=1)
        MonthlyFigure.objects.create(contact_point=self.point_a, month=last_month, signed_up=40)
        response = self.page(self.district_east_user, self.district_east, month=last_month.strftime("%Y-%m"))
        row = next(r for r in response.context["tables"].points if r.name == "Sentral A")
        self.assertEqual(str(row.cells[1]), "40")
        for bad in ("2020-13", "yesterday", "2026-01-01..2026-02-01", "x" * 5000):
            response = self.page(self.district_east_user, self.district_east, month=bad)
            self.assertEqual(response.status_code, 200, bad)
            self.assertEqual(response.context["month"], self.month)


class CsvTests(OfficeTestCase):
    def test_csv_opens_in_norwegian_excel_and_neutralises_formulas(self):
        ContactPoint.objects.filter(pk=self.point_a.pk).update(name='=HYPERLINK("http://evil.example")')
        response = self.client_for(self.district_east_user).get(
            reverse("figures:csv", args=[self.district_east.slug, "contact-points"])
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        self.assertIn(";", text.splitlines()[0])
        self.assertIn("'=HYPERLINK", text)
        self.assertNotIn(";=HYPERLINK", text)

    def test_every_table_has_a_csv_and_unknown_tables_are_404(self):
        client = self.client_for(self.national_user)
        for table in ("counties", "municipalities", "contact-points", "trend"):
            response = client.get(reverse("figures:csv", args=[self.national.slug, table]))
            self.assertEqual(response.status_code, 200, table)
        self.assertEqual(client.get(reverse("figures:csv", args=[self.national.slug, "people"])).status_code, 404)


class ChartTests(OfficeTestCase):
    def test_charts_are_svg_with_a_title_a_description_and_no_script(self):
        response = self.page(self.national_user, self.national)
        body = response.content.decode()
        self.assertEqual(body.count("<svg"), 3)
        self.assertEqual(body.count("<title id="), 3)
        self.assertEqual(body.count("<desc id="), 3)
        self.assertNotIn("<script", body)


class AttentionTests(OfficeTestCase):
    def wait_at(self, point, address):
        SignUp.objects.create(
            contact_point=point,
            email=address,
            email_hash=address_hash(address),
            status=SignUp.Status.WAITING,
            waiting_since=timezone.now(),
        )

    def needs_help(self):
        attention = self.page(self.national_user, self.national).context["attention"]
        return [(name, str(waiting)) for name, waiting in attention.needs_help]

    def test_it_lists_contact_points_without_a_recent_group_and_stale_details(self):
        self.wait_at(self.point_a, "w@example.org")
        ContactPoint.objects.filter(pk=self.point_a.pk).update(details_confirmed_at=timezone.now())
        ContactPoint.objects.filter(pk=self.point_b.pk).update(
            details_confirmed_at=timezone.now() - datetime.timedelta(days=400)
        )
        attention = self.page(self.national_user, self.national).context["attention"]
        self.assertEqual([name for name, _waiting in attention.needs_help], ["Sentral A", "Sentral B"])
        self.assertEqual(attention.stale, ["Sentral B"])

    def test_the_list_tells_nobody_waiting_and_one_waiting_apart_nowhere(self):
        nobody = self.needs_help()
        self.wait_at(self.point_a, "one@example.org")
        with minutes_later():
            one = self.needs_help()
        self.assertEqual(one, nobody)
        self.assertEqual(one, [("Sentral A", "<5"), ("Sentral B", "<5")])
        self.assertNotContains(self.page(self.national_user, self.national), "Sentral A: 1")

    def test_a_contact_point_that_started_a_group_lately_is_not_listed(self):
        Group.objects.create(
            contact_point=self.point_a,
            format="in_person",
            time_of_day="evening",
            language="no",
            age_group="30-44",
            first_meeting=timezone.now() - datetime.timedelta(days=10),
            seats=5,
            request_key=uuid.uuid4(),
        )
        self.assertEqual([name for name, _waiting in self.needs_help()], ["Sentral B"])


class MunicipalitiesAskedTests(OfficeTestCase):
    """An office sees in how many of its municipalities people asked to hear when a contact point opens,
    as a count of places with 0 to 4 shown as "<5"; never who, and never an address."""

    def ask_in(self, county: County, places: int, *, confirmed: bool = True) -> None:
        for n in range(places):
            municipality = Municipality.objects.create(
                number=f"{county.number}{50 + n:02}", name=f"K{county.pk}-{n}", county=county
            )
            address = f"asks-{county.pk}-{n}@example.org"
            NoticeRequest.objects.create(
                municipality=municipality,
                email=address,
                email_hash=address_hash(address),
                locale="nb",
                confirmed_at=timezone.now() if confirmed else None,
            )

    def shown(self, user, office) -> str:
        return str(self.page(user, office).context["municipalities_asked"])

    def test_fewer_than_five_municipalities_show_as_below_five(self):
        self.assertEqual(self.shown(self.district_east_user, self.district_east), "<5")
        self.ask_in(self.oslo_county, 4)
        self.assertEqual(self.shown(self.district_east_user, self.district_east), "<5")

    def test_an_office_counts_the_municipalities_of_its_counties_where_people_confirmed(self):
        self.ask_in(self.oslo_county, 5)
        self.ask_in(self.finnmark, 6)
        municipality = Municipality.objects.filter(county=self.oslo_county).exclude(pk=self.oslo.pk).first()
        NoticeRequest.objects.create(
            municipality=municipality,
            email="second@example.org",
            email_hash=address_hash("second@example.org"),
            locale="nb",
            confirmed_at=timezone.now(),
        )  # a second person in the same municipality: still one place
        self.assertEqual(self.shown(self.district_east_user, self.district_east), "5")
        self.assertEqual(self.shown(self.district_north_user, self.district_north), "6")
        self.assertEqual(self.shown(self.national_user, self.national), "11")
        page = self.page(self.district_east_user, self.district_east)
        self.assertContains(page, "where people have asked to hear when one opens: 5")
        self.assertNotContains(page, "@example.org")

    def test_a_request_nobody_confirmed_is_not_counted(self):
        self.ask_in(self.oslo_county, 5, confirmed=False)
        self.assertEqual(self.shown(self.district_east_user, self.district_east), "<5")


class MembersAtStartTests(OfficeTestCase):
    def test_members_at_start_are_hidden_where_the_number_of_groups_is(self):
        # One group of six: "6 members" would say a group started, and how big it was.
        MonthlyFigure.objects.filter(contact_point=self.point_a).update(groups_started=1, members_at_start=6)
        MonthlyFigure.objects.filter(contact_point=self.point_b).update(groups_started=1, members_at_start=7)
        figures = selectors.month_counts(selectors.geography(), self.month).figures
        point = ("point", self.point_a.pk)
        self.assertEqual(str(figures.shown["groups_started"][point]), "<5")
        self.assertTrue(figures.shown["members_at_start"][point].hidden)
        # Anywhere: in every county and the country's total (13 members in 2 groups), too.
        for node, groups in figures.shown["groups_started"].items():
            if groups.hidden:
                self.assertTrue(figures.shown["members_at_start"][node].hidden, node)

    def test_members_at_start_are_shown_where_the_number_of_groups_is(self):
        MonthlyFigure.objects.filter(contact_point=self.point_a).update(groups_started=5, members_at_start=31)
        figures = selectors.month_counts(selectors.geography(), self.month).figures
        self.assertEqual(str(figures.shown["members_at_start"][("point", self.point_a.pk)]), "31")


def started(point, way, count, *, month, status=Group.Status.HANDED_OFF, members=5, counted=True):
    """``count`` groups that met ``way`` and started at ``point`` in ``month``, as the hand-off leaves them
    (``groups.services.hand_off``); ``counted``: in the monthly figures too, as the hand-off counts them."""
    first_meeting = timezone.make_aware(datetime.datetime.combine(month.replace(day=3), datetime.time(18)))
    handed_off = status in (Group.Status.HANDING_OFF, Group.Status.HANDED_OFF)
    Group.objects.bulk_create(
        Group(
            contact_point=point,
            format=way,
            time_of_day="evening",
            language="no",
            age_group="30-44",
            first_meeting=first_meeting,
            seats=8,
            request_key=uuid.uuid4(),
            status=status,
            handed_off_at=first_meeting + datetime.timedelta(hours=3) if handed_off else None,
            members_at_start=members if handed_off else None,
            counted_in=month if handed_off and members else None,
        )
        for _ in range(count)
    )
    if counted:
        figure, _new = MonthlyFigure.objects.get_or_create(contact_point=point, month=month)
        MonthlyFigure.objects.filter(pk=figure.pk).update(groups_started=F("groups_started") + count)


class WaysOfMeetingTests(OfficeTestCase):
    """How the groups that started in the month met, and how many contact points offer each way."""

    def setUp(self):
        super().setUp()
        ContactPoint.objects.filter(pk=self.point_a.pk).update(offers_video=True)  # in person or by video

    def ways(self, user, office, **params):
        tables = self.page(user, office, **params).context["tables"]
        rows = [*tables.ways, tables.ways_total]
        return [(way.name, str(way.groups_started), way.contact_points) for way in rows]

    def test_an_office_sees_groups_started_by_video(self):
        started(self.point_a, "in_person", 7, month=self.month)
        started(self.point_a, "video", 5, month=self.month)

        self.assertEqual(
            self.ways(self.district_east_user, self.district_east),
            [("In person", "7", 1), ("By telephone", "<5", 0), ("By video", "5", 1), ("Øst", "12", 1)],
        )
        page = self.page(self.district_east_user, self.district_east)
        self.assertContains(page, f"How groups started in {self.month:%B %Y} meet")
        self.assertContains(page, '<th scope="row">By video</th><td class="number">5</td>', html=False)

    def test_a_lone_video_group_is_not_recoverable_from_the_total(self):
        # Seven groups: six met in person, one by video. Nobody in Øst offers telephone groups (the
        # directory says so), so "6 in person" beside "7 started" would say that one met by video.
        started(self.point_a, "in_person", 6, month=self.month)
        started(self.point_a, "video", 1, month=self.month)

        ways = self.ways(self.district_east_user, self.district_east)
        self.assertEqual(
            ways, [("In person", "–", 1), ("By telephone", "<5", 0), ("By video", "<5", 1), ("Øst", "7", 1)]
        )
        # What is left to know: in person at least 5, video 0 to 4, together 7: video is 0, 1 or 2.
        counties = self.page(self.district_east_user, self.district_east).context["tables"].counties
        self.assertEqual([str(row.cells[7]) for row in counties], ["7"])  # the groups started, shown as ever

    def test_five_groups_that_all_met_one_way_say_nothing_of_the_other_ways(self):
        # Any mark would tell: "5" or "–" (at least 5) in person leaves 0 for telephone and video.
        ContactPoint.objects.filter(pk=self.point_a.pk).update(offers_telephone=True)
        started(self.point_a, "in_person", 5, month=self.month)

        tables = self.page(self.district_east_user, self.district_east).context["tables"]
        self.assertEqual([str(way.groups_started) for way in tables.ways], ["–", "–", "–"])
        # Withheld: not "at least 5", as "–" says of a total, but anything at all.
        self.assertEqual({way.groups_started.reason for way in tables.ways}, {Reason.WITHHELD})
        self.assertEqual(str(tables.ways_total.groups_started), "5")

    def test_only_groups_that_started_in_the_month_count(self):
        started(self.point_a, "in_person", 6, month=self.month)
        started(self.point_a, "video", 5, month=self.month)
        # Called off, still forming, handed over with nobody there, or started the month before: none counts.
        started(self.point_a, "video", 3, month=self.month, status=Group.Status.CANCELLED, counted=False)
        started(self.point_a, "video", 2, month=self.month, status=Group.Status.FORMING, counted=False)
        started(self.point_a, "video", 1, month=self.month, members=0, counted=False)
        last_month = (self.month - datetime.timedelta(days=1)).replace(day=1)
        started(self.point_a, "video", 4, month=last_month)

        self.assertEqual(selectors.groups_by_way(self.month), {self.point_a.pk: {"in_person": 6, "video": 5}})
        self.assertEqual(
            self.ways(self.district_east_user, self.district_east),
            [("In person", "6", 1), ("By telephone", "<5", 0), ("By video", "5", 1), ("Øst", "11", 1)],
        )

    def test_a_group_counts_by_its_way_exactly_when_it_counts_as_started(self):
        # Through the workflows: five people wait for a telephone group at Sentral B, it meets, and is
        # handed over (its guides not yet sent).
        plan = {"format": "telephone", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
        with self.captureOnCommitCallbacks(execute=True):
            people = [waiting_person(self.point_b, f"t{n}@example.org", **plan) for n in range(5)]
            group = start_group(
                self.point_b,
                by=self.staff_b,
                seats=5,
                first_meeting=timezone.now() + datetime.timedelta(hours=1),
                **plan,
            )
        for person in people:
            answering.answer(signup=person, reply="yes")
        month = timezone.localtime(group.first_meeting).date().replace(day=1)
        self.assertEqual(selectors.groups_by_way(month), {})
        self.assertTrue(hand_off.hand_off(group=group, now=group.first_meeting + datetime.timedelta(hours=1)))

        self.assertEqual(selectors.groups_by_way(month), {self.point_b.pk: {"telephone": 1}})
        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.point_b, month=month).groups_started, 1)

    def test_contact_points_are_counted_by_the_ways_they_offer_in_the_directory(self):
        closed = ContactPoint.objects.create(
            slug="stengt",
            name="Stengt",
            kind="other",
            municipality=self.oslo,
            offers_video=True,
            closed_at=timezone.now(),
        )
        ContactPoint.objects.create(
            slug="ikke-publisert", name="Ikke publisert", kind="other", municipality=self.oslo, is_active=False
        )
        self.assertTrue(closed.offers_video)

        national = self.ways(self.national_user, self.national)
        self.assertEqual(
            [(name, points) for name, _groups, points in national],
            [("In person", 2), ("By telephone", 1), ("By video", 1), ("All of Norway", 2)],
        )
        east = self.ways(self.district_east_user, self.district_east)
        self.assertEqual([points for _name, _groups, points in east], [1, 0, 1, 1])

    def test_the_split_is_made_once_for_the_whole_country(self):
        # Øst: 6 in person and 1 by video; Nord: 9 in person. The country's own split is the sum, and is
        # suppressed with the districts': it shows nothing that, with theirs, gives a small count away.
        started(self.point_a, "in_person", 6, month=self.month)
        started(self.point_a, "video", 1, month=self.month)
        started(self.point_b, "in_person", 9, month=self.month)
        figures = selectors.month_counts(selectors.geography(), self.month).figures
        country = [str(figures.ways[way][selectors.COUNTRY]) for way, *_ in selectors.WAYS]
        east = [str(figures.ways[way][("district", self.district_east.pk)]) for way, *_ in selectors.WAYS]

        self.assertEqual(east, ["–", "<5", "<5"])
        self.assertEqual(country[1:], ["<5", "<5"])
        self.assertNotEqual(country[0], "15")  # 15 in person of 16 would leave the one by video
        self.assertEqual(str(figures.shown["groups_started"][selectors.COUNTRY]), "16")


class ScaleTests(OfficeTestCase):
    def add_contact_points(self, count):
        county = County.objects.create(number=f"9{count % 10}", name=f"Fylke {count}")
        municipality = Municipality.objects.create(number=f"9{count % 10}01", name=f"Kommune {count}", county=county)
        self.district_east.counties.add(county)
        for n in range(count):
            point = ContactPoint.objects.create(
                slug=f"ekstra-{count}-{n}", name=f"Ekstra {n}", kind="other", municipality=municipality
            )
            MonthlyFigure.objects.create(contact_point=point, month=self.month, signed_up=n)

    def test_the_office_page_uses_the_same_number_of_queries_whatever_the_size(self):
        client = self.client_for(self.national_user)
        url = reverse("figures:office", args=[self.national.slug])
        client.get(url)
        # Kept from the request before: the session, the user with their code app and the office; then, in one
        # query, municipalities where people asked for a contact point, applications waiting for a decision
        # and material orders to send. Which months are closed is kept with what is counted live.
        with self.assertNumQueries(4):
            client.get(url)
        self.add_contact_points(5)
        # A minute later, everything counted live is counted again, and the tables rendered again.
        with minutes_later(1), CaptureQueriesContext(connection) as small:
            client.get(url)
        self.add_contact_points(40)
        with minutes_later(2), self.assertNumQueries(len(small.captured_queries)):
            client.get(url)


class LargeDataSetTests(OfficeTestCase):
    def test_the_pages_render_from_the_generated_data_set_with_a_constant_number_of_queries(self):
        client = self.client_for(self.national_user)
        district = self.client_for(self.district_east_user)
        urls = [
            (client, reverse("figures:office", args=[self.national.slug])),
            (district, reverse("figures:office", args=[self.district_east.slug])),
            (client, reverse("figures:csv", args=[self.national.slug, "contact-points"])),
        ]
        counts = []
        for minutes, size in enumerate((10, 40), start=1):
            call_command(
                "generate_large_dataset", contact_points=size, years=1, waiting=size * 20, stdout=io.StringIO()
            )
            self.assertEqual(SignUp.objects.waiting().count(), size * 20)
            sizes = []
            with minutes_later(minutes):  # the first request counts the live figures again
                for who, url in urls:
                    with CaptureQueriesContext(connection) as context:
                        response = who.get(url)
                    self.assertEqual(response.status_code, 200, url)
                    sizes.append(len(context.captured_queries))
            counts.append(sizes)
        self.assertEqual(counts[0], counts[1])


class KeptFiguresTests(OfficeTestCase):
    """What is counted live is counted at most once a minute for everyone; a closed month is read as it
    closed; rendered tables are kept per office, month, language and version of the figures."""

    def signed_up(self, response, name="Sentral A"):
        row = next(row for row in response.context["tables"].points if row.name == name)
        return str(row.cells[1])

    def csv_signed_up(self, user, office, **params):
        csv = self.client_for(user).get(reverse("figures:csv", args=[office.slug, "contact-points"]), params)
        line = next(line for line in csv.content.decode("utf-8-sig").splitlines() if "Sentral A" in line)
        return line.split(";")[3]

    def test_the_open_month_is_counted_at_most_once_a_minute(self):
        self.assertEqual(self.signed_up(self.page(self.district_east_user, self.district_east)), "12")
        MonthlyFigure.objects.filter(contact_point=self.point_a, month=self.month).update(signed_up=40)

        # Within the minute: the page and its CSV show the same count as before, counting nothing anew.
        client = self.client_for(self.district_east_user)
        with CaptureQueriesContext(connection) as kept:
            client.get(reverse("figures:office", args=[self.district_east.slug]))
        self.assertFalse([query for query in kept.captured_queries if "groups_monthlyfigure" in query["sql"]])
        self.assertEqual(self.signed_up(self.page(self.district_east_user, self.district_east)), "12")
        self.assertEqual(self.csv_signed_up(self.district_east_user, self.district_east), "12")
        with minutes_later():
            self.assertEqual(self.signed_up(self.page(self.district_east_user, self.district_east)), "40")
            self.assertEqual(self.csv_signed_up(self.district_east_user, self.district_east), "40")

    def test_a_newly_closed_month_shows_at_once(self):
        last_month = (self.month - datetime.timedelta(days=1)).replace(day=1)
        MonthlyFigure.objects.create(contact_point=self.point_a, month=last_month, signed_up=40)
        shown = {"month": f"{last_month:%Y-%m}"}
        with override_settings(MONTH_FINAL_AFTER_HOURS=24 * 400):  # last month still counts
            self.assertEqual(self.signed_up(self.page(self.district_east_user, self.district_east, **shown)), "40")
        MonthlyFigure.objects.filter(contact_point=self.point_a, month=last_month).update(signed_up=45)

        # Final now: closed from the figures of this moment, and shown so at once, on the page and in the CSV,
        # although what is counted live was counted less than a minute ago.
        page = self.page(self.district_east_user, self.district_east, **shown)
        self.assertTrue(ClosedMonth.objects.filter(month=last_month).exists())
        self.assertEqual(self.signed_up(page), "45")
        self.assertEqual(self.csv_signed_up(self.district_east_user, self.district_east, **shown), "45")
        MonthlyFigure.objects.filter(contact_point=self.point_a, month=last_month).update(signed_up=99)
        with minutes_later():
            self.assertEqual(self.signed_up(self.page(self.district_east_user, self.district_east, **shown)), "45")

    def test_an_office_page_costs_the_same_with_ten_years_of_history(self):
        url = reverse("figures:office", args=[self.national.slug])
        client = self.client_for(self.national_user)

        def costs(minutes):
            client.get(url)  # closes what is final, and keeps what it can
            with CaptureQueriesContext(connection) as kept:
                client.get(url)
            with minutes_later(minutes), CaptureQueriesContext(connection) as counted_again:
                client.get(url)
            return len(kept.captured_queries), len(counted_again.captured_queries)

        one_month = costs(1)
        MonthlyFigure.objects.bulk_create(
            MonthlyFigure(contact_point=point, month=month, signed_up=9, confirmed=7, groups_started=1)
            for point in (self.point_a, self.point_b)
            for month in selectors.recent_months(121)[1:]
        )
        closing.close_months()
        self.assertGreaterEqual(ClosedMonth.objects.count(), 120)
        self.assertEqual(costs(2), one_month)
        self.assertEqual(one_month[0], 4)

    def test_kept_tables_are_never_another_offices_or_another_languages(self):
        east = self.page(self.district_east_user, self.district_east)
        north = self.page(self.district_north_user, self.district_north)
        self.assertContains(east, "Sentral A")
        self.assertNotContains(east, "Sentral B")
        self.assertContains(north, "Sentral B")
        self.assertNotContains(north, "Sentral A")
        self.assertContains(north, f'href="/kontor/{self.district_north.slug}/counties.csv')
        self.assertNotContains(north, f"/kontor/{self.district_east.slug}/")

        bokmal = self.client_for(self.district_east_user).get(
            reverse("figures:office", args=[self.district_east.slug]), headers={"Accept-Language": "nb"}
        )
        self.assertContains(bokmal, "Venter nå")
        self.assertNotContains(bokmal, "Waiting now")
        self.assertContains(self.page(self.district_east_user, self.district_east), "Waiting now")
