"""An organisation applies to become a contact point; the office covering its
county is told. (The office's decision: tests/figures/test_applications.py.)"""

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from contactpoints import services
from contactpoints.models import Application, ContactPoint, County, Municipality
from tests.base import InEnglish, Personas


def application_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "organisation": "Nordby frivilligsentral",
        "kind": "frivilligsentral",
        "municipality_name": "Oslo (Oslo)",
        "street_address": "Storgata 1",
        "postcode": "0155",
        "post_town": "Oslo",
        "public_email": "post@nordby.example",
        "public_phone": "22 33 44 55",
        "website": "nordby.example",
        "first_staff_email": "kari@nordby.example",
        "offers_in_person": "on",
        "about": "Vi har møterom og frivillige.",
    }
    data.update(overrides)
    return data


class JoiningTestCase(InEnglish, Personas):
    def apply(self, **overrides: object):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client_for().post(reverse("become_contact_point"), application_data(**overrides))

    def as_user(self, user) -> Client:
        return self.client_for(user)

    def pending(self, **fields: object) -> Application:
        values = {
            "organisation": "Nordby frivilligsentral",
            "kind": "frivilligsentral",
            "municipality": self.oslo,
            "street_address": "Storgata 1",
            "postcode": "0155",
            "post_town": "Oslo",
            "public_email": "post@nordby.example",
            "first_staff_email": "kari@nordby.example",
            **fields,
        }
        return services.apply(application=Application(**values))


class ApplyingTests(JoiningTestCase):
    def test_the_page_says_what_it_means_and_takes_an_application(self):
        response = self.client_for().get(reverse("become_contact_point"))
        self.assertContains(response, "costs you nothing")
        self.assertContains(response, '<option value="Guovdageaidnu – Kautokeino (Finnmark)">', html=False)

        response = self.apply()

        self.assertRedirects(response, reverse("application_sent"))
        application = Application.objects.get()
        self.assertEqual(application.municipality, self.oslo)
        self.assertEqual(application.status, Application.Status.PENDING)
        self.assertEqual(application.first_staff_email, "kari@nordby.example")
        self.assertEqual(application.website, "https://nordby.example")
        self.assertFalse(ContactPoint.objects.filter(name="Nordby frivilligsentral").exists())

    def test_the_office_covering_the_county_is_told(self):
        self.apply()

        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["east@office.example"])
        self.assertIn("Nordby frivilligsentral", message.subject)
        application = Application.objects.get()
        self.assertIn(f"/kontor/ost/soknader/{application.pk}/", message.body)

    def test_a_municipality_may_be_written_by_name_number_or_sami_name(self):
        for written in ("oslo", "0301", "Kautokeino", "Guovdageaidnu (Finnmark)"):
            Application.objects.all().delete()
            response = self.apply(municipality_name=written)
            self.assertRedirects(response, reverse("application_sent"), msg_prefix=written)
        self.assertEqual(Application.objects.get().municipality, self.kautokeino)

    def test_the_list_and_the_form_know_a_municipality_by_its_names_in_both_languages(self):
        troms = County.objects.create(number="55", name="Troms")
        tromso = Municipality.objects.create(number="5501", name="Tromsø", other_names="Romsa", county=troms)

        self.assertContains(
            self.client_for().get(reverse("become_contact_point")), '<option value="Tromsø – Romsa (Troms)">'
        )
        for written in ("Tromsø – Romsa (Troms)", "Tromsø (Troms)", "Romsa", "Tromso", "tromsoe", "5501"):
            Application.objects.all().delete()
            response = self.apply(municipality_name=written)
            self.assertRedirects(response, reverse("application_sent"), msg_prefix=written)
            self.assertEqual(Application.objects.get().municipality, tromso, msg=written)

    def test_a_municipality_that_does_not_exist_is_refused_with_a_clear_message(self):
        response = self.apply(municipality_name="Narvikk")

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is no municipality called “Narvikk”")
        self.assertFalse(Application.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_municipality_that_no_longer_exists_is_refused(self):
        Municipality.objects.create(number="0999", name="Gamleby", county=self.oslo_county, is_current=False)

        response = self.apply(municipality_name="Gamleby")

        self.assertContains(response, "There is no municipality called “Gamleby”")
        self.assertFalse(Application.objects.exists())

    def test_two_municipalities_with_one_name_must_be_told_apart(self):
        nordland = County.objects.create(number="18", name="Nordland")
        more = County.objects.create(number="15", name="Møre og Romsdal")
        Municipality.objects.create(number="1818", name="Herøy", county=nordland)
        Municipality.objects.create(number="1515", name="Herøy", county=more)

        response = self.apply(municipality_name="Herøy")

        self.assertContains(response, "There is more than one Herøy")
        self.assertFalse(Application.objects.exists())
        self.assertRedirects(self.apply(municipality_name="Herøy (Nordland)"), reverse("application_sent"))

    def test_a_second_application_from_the_same_organisation_is_refused(self):
        self.apply()
        mail.outbox.clear()

        response = self.apply(organisation="  nordby FRIVILLIGSENTRAL. ")

        self.assertContains(response, "has already been received")
        self.assertEqual(Application.objects.count(), 1)
        self.assertEqual(mail.outbox, [])

    def test_an_organisation_that_is_already_a_contact_point_is_told_so(self):
        response = self.apply(organisation="Sentral A")

        self.assertContains(response, "Sentral A in Oslo is already a contact point")
        self.assertFalse(Application.objects.exists())

    def test_the_same_name_elsewhere_is_another_organisation(self):
        self.apply()
        response = self.apply(municipality_name="Kautokeino")

        self.assertRedirects(response, reverse("application_sent"))
        self.assertEqual(Application.objects.count(), 2)

    @override_settings(APPLICATION_LIMIT_PER_CLIENT=2)
    def test_many_applications_from_one_address_are_asked_to_wait(self):
        self.apply(organisation="Første frivilligsentral")
        self.apply(organisation="Andre frivilligsentral")
        response = self.apply(organisation="Tredje frivilligsentral")

        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Please try again later", status_code=429)
        self.assertContains(response, 'value="Tredje frivilligsentral"', status_code=429)
        self.assertEqual(Application.objects.count(), 2)

    def test_groups_must_meet_somehow_and_in_person_needs_an_address(self):
        response = self.apply(offers_in_person="", offers_telephone="", offers_video="")
        self.assertContains(response, "Offer groups in person, by telephone or by video (one or more).")
        response = self.apply(street_address="")
        self.assertContains(response, "Give the address where groups can meet")
        self.assertFalse(Application.objects.exists())

    def test_the_form_offers_groups_that_meet_by_video(self):
        response = self.client_for().get(reverse("become_contact_point"))

        self.assertContains(response, "Groups that meet in person")
        self.assertContains(response, "Groups that meet by telephone")
        self.assertContains(response, "Groups that meet by video")
        self.assertContains(response, 'name="offers_video"')

    def test_a_video_only_application_needs_no_street_address(self):
        response = self.apply(offers_in_person="", offers_video="on", street_address="", postcode="", post_town="")

        self.assertRedirects(response, reverse("application_sent"))
        application = Application.objects.get()
        self.assertEqual(
            (application.offers_in_person, application.offers_telephone, application.offers_video), (False, False, True)
        )
        self.assertEqual(application.street_address, "")

    def test_a_place_meeting_in_person_and_by_video_still_needs_an_address(self):
        response = self.apply(offers_video="on", street_address="")

        self.assertContains(response, "Give the address where groups can meet")
        self.assertFalse(Application.objects.exists())


class ApprovingTests(JoiningTestCase):
    def test_the_contact_point_offers_every_way_the_application_did(self):
        for n, ways in enumerate([(False, False, True), (True, False, True), (False, True, True), (True, True, False)]):
            with self.subTest(ways=ways):
                in_person, telephone, video = ways
                application = self.pending(
                    organisation=f"Sentral {n}",
                    first_staff_email=f"first{n}@sentral.example",
                    offers_in_person=in_person,
                    offers_telephone=telephone,
                    offers_video=video,
                )
                point = services.approve(application=application, office=self.district_east, by=self.district_east_user)

                self.assertEqual((point.offers_in_person, point.offers_telephone, point.offers_video), ways)
