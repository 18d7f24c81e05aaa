"""District and national offices see figures, never people."""

import datetime
import io
import uuid

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import ContactPoint, County, Municipality, Office
from figures import selectors
from groups.models import Group, MonthlyFigure, SignUp
from selvhjelp.crypto import address_hash
from tests.base import Personas
from tests.signin import sign_in


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


class MembersAtStartTests(OfficeTestCase):
    def test_members_at_start_are_hidden_where_the_number_of_groups_is(self):
        # One group of six: "6 members" would say a group started, and how big it was.
        MonthlyFigure.objects.filter(contact_point=self.point_a).update(groups_started=1, members_at_start=6)
        MonthlyFigure.objects.filter(contact_point=self.point_b).update(groups_started=1, members_at_start=7)
        figures = selectors.month_figures(selectors.geography(), self.month)
        point = ("point", self.point_a.pk)
        self.assertEqual(str(figures.shown["groups_started"][point]), "<5")
        self.assertTrue(figures.shown["members_at_start"][point].hidden)
        # Anywhere: in every county and the country's total (13 members in 2 groups), too.
        for node, groups in figures.shown["groups_started"].items():
            if groups.hidden:
                self.assertTrue(figures.shown["members_at_start"][node].hidden, node)

    def test_members_at_start_are_shown_where_the_number_of_groups_is(self):
        MonthlyFigure.objects.filter(contact_point=self.point_a).update(groups_started=5, members_at_start=31)
        figures = selectors.month_figures(selectors.geography(), self.month)
        self.assertEqual(str(figures.shown["members_at_start"][("point", self.point_a.pk)]), "31")


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
        self.add_contact_points(5)
        with self.assertNumQueries(17) as small:  # the 17th counts applications waiting for a decision
            client.get(url)
        self.add_contact_points(40)
        with self.assertNumQueries(len(small.captured_queries)):
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
        for size in (10, 40):
            call_command(
                "generate_large_dataset", contact_points=size, years=1, waiting=size * 20, stdout=io.StringIO()
            )
            self.assertEqual(SignUp.objects.waiting().count(), size * 20)
            sizes = []
            for who, url in urls:
                with CaptureQueriesContext(connection) as context:
                    response = who.get(url)
                self.assertEqual(response.status_code, 200, url)
                sizes.append(len(context.captured_queries))
            counts.append(sizes)
        self.assertEqual(counts[0], counts[1])
