"""Offices are called by their own names. The bodies that support contact points
differ by region, so no page says "district office" as if it were one fixed
body, and the pages read right when the operator has one national office only."""

from pathlib import Path

from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import User
from contactpoints import services
from contactpoints.models import Application, Office, responsible_office
from groups.models import NoticeHold
from tests.base import InEnglish, Personas
from tests.contactpoints.test_applications import application_data


def test_no_page_or_email_speaks_of_a_district_office() -> None:
    templates = Path(settings.BASE_DIR) / "templates"
    saying_it = [
        str(path.relative_to(templates))
        for path in sorted(templates.rglob("*"))
        if path.suffix in (".html", ".txt") and "district office" in path.read_text(encoding="utf-8").lower()
    ]
    assert saying_it == []


class OneNationalOfficeOnlyTests(InEnglish, Personas):
    """An operator with no district offices: the national office handles every county."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Office.objects.all().delete()
        cls.national = Office.objects.create(slug="nasjonalt", name="Nasjonalt kontor", is_national=True)
        cls.coordinator = User.objects.create_user("nasjonal@office.example", "a-long-password-7", language="en")
        cls.national.members.add(cls.coordinator)
        User.objects.filter(pk=cls.staff_a.pk).update(language="en")

    def apply(self, **overrides: object):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client_for().post(reverse("become_contact_point"), application_data(**overrides))

    def test_the_national_office_handles_every_municipality(self):
        self.assertEqual(responsible_office(self.oslo), self.national)
        self.assertEqual(responsible_office(self.kautokeino), self.national)

    def test_an_organisation_is_told_that_the_national_office_reads_its_application_and_it_does(self):
        page = self.client_for().get(reverse("become_contact_point"))
        self.assertContains(page, "Nasjonalt kontor reads your application and supports you afterwards.")

        self.assertRedirects(self.apply(), reverse("application_sent"))
        thanks = self.client_for().get(reverse("application_sent"))
        self.assertContains(thanks, "Nasjonalt kontor has received it.")
        self.assertEqual([message.to for message in mail.outbox], [["nasjonal@office.example"]])

        again = self.apply()
        self.assertContains(again, "has already been received. Nasjonalt kontor will be in touch.")

    def test_staff_asked_to_check_their_details_are_told_which_office_hears_if_they_do_not(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.check_details()
        message = next(message for message in mail.outbox if message.to == ["staff-a@work.example"])
        self.assertIn("days, Nasjonalt kontor is told", message.body)
        self.assertIn("days, Nasjonalt kontor is told", message.alternatives[0][0])

    def test_staff_are_told_which_office_posts_their_materials(self):
        page = self.client_for(self.staff_a).get(reverse("materials:orders", args=[self.point_a.slug]))
        self.assertContains(page, "Nasjonalt kontor posts your order and marks it as sent.")

    def test_a_held_notice_names_the_office_to_talk_to(self):
        NoticeHold.objects.create(contact_point=self.point_a)
        page = self.client_for(self.staff_a).get(reverse("staff:dashboard", args=[self.point_a.slug]))
        self.assertContains(page, "keep it held and talk to Nasjonalt kontor before you start a group.")


class DistrictOfficesTests(InEnglish, Personas):
    """Personas' offices: Øst covers Oslo, Nord covers Finnmark."""

    def test_before_a_county_is_chosen_the_page_speaks_of_the_regional_coordinator(self):
        page = self.client_for().get(reverse("become_contact_point"))
        self.assertContains(page, "The regional coordinator for your county reads your application")
        thanks = self.client_for().get(reverse("application_sent"))
        self.assertContains(thanks, "The regional coordinator for your municipality has received it.")

    def test_a_contact_point_hears_of_the_office_that_covers_its_county(self):
        User.objects.filter(pk__in=[self.staff_a.pk, self.staff_b.pk]).update(language="en")
        page = self.client_for(self.staff_b).get(reverse("materials:orders", args=[self.point_b.slug]))
        self.assertContains(page, "Nord posts your order and marks it as sent.")
        with self.captureOnCommitCallbacks(execute=True):
            services.check_details()
        told = {message.to[0]: message.body for message in mail.outbox}
        self.assertIn("days, Øst is told", told["staff-a@work.example"])
        self.assertIn("days, Nord is told", told["staff-b@work.example"])

    def test_a_second_application_names_the_office_already_reading_the_first(self):
        services.apply(
            application=Application(
                organisation="Nordby frivilligsentral",
                kind="frivilligsentral",
                municipality=self.oslo,
                street_address="Storgata 1",
                postcode="0155",
                post_town="Oslo",
                public_email="post@nordby.example",
                first_staff_email="kari@nordby.example",
            )
        )
        with self.captureOnCommitCallbacks(execute=True):
            again = self.client_for().post(reverse("become_contact_point"), application_data())
        self.assertContains(again, "has already been received. Øst will be in touch.")
