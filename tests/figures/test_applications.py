"""The office covering an applicant's county sees its applications, asks
questions, and approves or declines; an approved applicant's first staff
member signs in with two factors and publishes its page."""

from email.header import decode_header, make_header
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from contactpoints import services
from contactpoints.models import Application, ApplicationQuestion, ContactPoint, County, Municipality, Office
from tests.contactpoints.test_applications import JoiningTestCase
from tests.signin import current_code


class OfficeTests(JoiningTestCase):
    def test_the_office_sees_new_applications_from_its_counties_only(self):
        oslo_application = self.pending()
        finnmark_application = self.pending(organisation="Kautokeino LMS", municipality=self.kautokeino)
        east = self.as_user(self.district_east_user)

        response = east.get(reverse("figures:applications", args=["ost"]))

        self.assertContains(response, "Nordby frivilligsentral")
        self.assertNotContains(response, "Kautokeino LMS")
        self.assertEqual(east.get(reverse("figures:application", args=["ost", oslo_application.pk])).status_code, 200)
        self.assertEqual(
            east.get(reverse("figures:application", args=["ost", finnmark_application.pk])).status_code, 404
        )
        self.assertContains(east.get(reverse("figures:office", args=["ost"])), "1 application to become")

    def test_the_office_reads_every_way_the_groups_would_meet(self):
        application = self.pending(offers_in_person=False, offers_telephone=True, offers_video=True)

        response = self.as_user(self.district_east_user).get(
            reverse("figures:application", args=["ost", application.pk])
        )

        self.assertContains(response, "<dt>Groups meet</dt><dd>By telephone or by video</dd>", html=True)

    def test_it_checks_ownership(self):
        application = self.pending()
        url = reverse("figures:application", args=["ost", application.pk])
        self.assertEqual(self.as_user(self.staff_a).get(url).status_code, 404)
        self.assertEqual(self.as_user(self.staff_a).post(url, {"action": "approve"}).status_code, 404)
        self.assertEqual(Client().get(url).status_code, 302)
        north = get_user_model().objects.create_user("north@office.example")
        self.district_north.members.add(north)
        self.assertEqual(self.as_user(north).get(url).status_code, 404)
        self.assertEqual(
            self.as_user(north).get(reverse("figures:application", args=["nord", application.pk])).status_code, 404
        )

    def test_the_office_asks_a_question_by_email_and_the_answer_comes_to_the_one_who_asked(self):
        application = self.pending()
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_user(self.district_east_user).post(
                reverse("figures:application", args=["ost", application.pk]),
                {"action": "ask", "body": "Hvor mange frivillige har dere?"},
            )

        self.assertEqual(response.status_code, 302)
        question = ApplicationQuestion.objects.get()
        self.assertEqual(question.asked_by, self.district_east_user)
        [message] = mail.outbox
        self.assertEqual(message.to, ["post@nordby.example"])
        self.assertEqual(message.reply_to, ["east@office.example"])
        self.assertIn("Øst", str(make_header(decode_header(message.from_email))))
        self.assertIn("Hvor mange frivillige har dere?", message.body)
        self.assertContains(
            self.as_user(self.district_east_user).get(reverse("figures:application", args=["ost", application.pk])),
            "Hvor mange frivillige har dere?",
        )
        application.refresh_from_db()
        self.assertTrue(application.is_pending)

    def test_the_office_declines_with_a_reason_the_organisation_is_told(self):
        application = self.pending()
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.as_user(self.district_east_user).post(
                reverse("figures:application", args=["ost", application.pk]),
                {"action": "decline", "reason": "Det finnes allerede et kontaktpunkt i bydelen."},
            )

        application.refresh_from_db()
        self.assertEqual(application.status, Application.Status.DECLINED)
        self.assertEqual(application.decided_by, self.district_east_user)
        [message] = mail.outbox
        self.assertEqual(message.to, ["post@nordby.example"])
        self.assertEqual(message.reply_to, ["east@office.example"])
        self.assertIn("Det finnes allerede et kontaktpunkt i bydelen.", message.body)
        self.assertFalse(ContactPoint.objects.filter(name="Nordby frivilligsentral").exists())
        # Declined, it may apply again.
        self.pending()

    def test_an_office_cannot_decide_outside_its_counties(self):
        application = self.pending(municipality=self.kautokeino)
        mail.outbox.clear()

        with self.assertRaisesMessage(services.ContactPointError, "Øst does not cover Guovdageaidnu in Finnmark"):
            services.decline(application=application, office=self.district_east, by=self.district_east_user, reason="x")
        with self.assertRaisesMessage(services.ContactPointError, "Nothing was changed"):
            services.ask(application=application, office=self.district_east, by=self.district_east_user, body="x")

        application.refresh_from_db()
        self.assertTrue(application.is_pending)
        self.assertFalse(ApplicationQuestion.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_where_no_district_office_covers_the_county_the_national_office_decides(self):
        agder = County.objects.create(number="42", name="Agder")
        arendal = Municipality.objects.create(number="4203", name="Arendal", county=agder)
        national = Office.objects.create(slug="nasjonalt", name="Selvhjelp Norge", is_national=True)
        member = get_user_model().objects.create_user("national@office.example")
        national.members.add(member)
        with self.captureOnCommitCallbacks(execute=True):
            application = self.pending(municipality=arendal)

        self.assertEqual([m.to for m in mail.outbox], [["national@office.example"]])
        self.assertTrue(national.covers(arendal))
        self.assertFalse(national.covers(self.oslo))
        self.assertFalse(self.district_east.covers(arendal))
        client = self.as_user(member)
        self.assertContains(client.get(reverse("figures:applications", args=["nasjonalt"])), "Nordby")
        self.assertEqual(
            client.get(reverse("figures:application", args=["nasjonalt", self.pending().pk])).status_code, 404
        )
        self.assertEqual(
            client.get(reverse("figures:application", args=["nasjonalt", application.pk])).status_code, 200
        )


class ApprovalTests(JoiningTestCase):
    def approve(self, application, office=None, user=None):
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_user(user or self.district_east_user).post(
                reverse("figures:application", args=[(office or self.district_east).slug, application.pk]),
                {"action": "approve"},
            )

    def test_approval_makes_an_unlisted_contact_point_and_invites_its_first_staff_member(self):
        application = self.pending()
        mail.outbox.clear()

        response = self.approve(application)

        self.assertRedirects(response, reverse("figures:application", args=["ost", application.pk]))
        application.refresh_from_db()
        self.assertEqual(application.status, Application.Status.APPROVED)
        point = application.contact_point
        self.assertEqual(
            (point.name, point.municipality, point.kind), ("Nordby frivilligsentral", self.oslo, "frivilligsentral")
        )
        self.assertEqual((point.public_email, point.street_address), ("post@nordby.example", "Storgata 1"))
        self.assertFalse(point.is_active)
        self.assertIsNone(point.published_at)
        self.assertEqual(self.client_for().get(point.get_absolute_url()).status_code, 404)
        [staff] = point.staff.all()
        self.assertEqual(staff.email, "kari@nordby.example")
        self.assertFalse(staff.has_usable_password())  # nobody chose a password for them
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["kari@nordby.example", "post@nordby.example"])
        self.assertContains(
            self.as_user(self.district_east_user).get(reverse("figures:application", args=["ost", application.pk])),
            "its staff have not completed its public page",
        )

    def test_an_office_cannot_approve_outside_its_counties(self):
        application = self.pending(municipality=self.kautokeino)
        mail.outbox.clear()
        users = get_user_model().objects.count()

        with self.assertRaisesMessage(
            services.ContactPointError, "Øst does not cover Guovdageaidnu in Finnmark. Nothing was changed."
        ):
            services.approve(application=application, office=self.district_east, by=self.district_east_user)

        application.refresh_from_db()
        self.assertTrue(application.is_pending)
        self.assertFalse(ContactPoint.objects.filter(name="Nordby frivilligsentral").exists())
        self.assertEqual(get_user_model().objects.count(), users)
        self.assertEqual(mail.outbox, [])

    def test_an_application_is_decided_once(self):
        application = self.pending()
        self.approve(application)

        with self.assertRaisesMessage(services.ContactPointError, "already been decided"):
            services.approve(application=application, office=self.district_east, by=self.district_east_user)
        response = self.approve(application)

        self.assertEqual(ContactPoint.objects.filter(name="Nordby frivilligsentral").count(), 1)
        self.assertEqual(response.status_code, 302)

    def test_a_new_contact_point_with_a_name_taken_elsewhere_gets_its_own_address(self):
        north = get_user_model().objects.create_user("north@office.example")
        self.district_north.members.add(north)
        application = self.pending(organisation="Sentral A", municipality=self.kautokeino)

        self.approve(application, office=self.district_north, user=north)

        application.refresh_from_db()
        self.assertEqual(application.contact_point.slug, "sentral-a-guovdageaidnu")

    def test_a_contact_point_address_keeps_its_norwegian_and_sami_letters_readable(self):
        application = self.pending(organisation="Bodø og Ævre frivilligsentral – Čáhcesuolu ŋ đ")
        self.approve(application)
        application.refresh_from_db()
        self.assertEqual(application.contact_point.slug, "bodo-og-aevre-frivilligsentral-cahcesuolu-n-d")

    def test_from_application_to_a_listed_page_with_two_factors(self):
        self.apply()
        application = Application.objects.get()
        mail.outbox.clear()
        self.approve(application)
        point = ContactPoint.objects.get(application=application)
        invitation = next(m for m in mail.outbox if m.to == ["kari@nordby.example"])
        link = urlsplit(next(word for word in invitation.body.split() if "/passord/" in word)).path

        kari = self.client_for()
        password = "correct horse battery staple"
        response = kari.post(link, {"new_password1": password, "new_password2": password})
        self.assertRedirects(response, reverse("set_up_code_app"), fetch_redirect_response=False)
        kari.get(reverse("set_up_code_app"))
        device = TOTPDevice.objects.get(user__email="kari@nordby.example", confirmed=False)
        kari.post(reverse("set_up_code_app"), {"code": current_code(device)})
        self.assertContains(kari.get(reverse("staff:dashboard", args=[point.slug])), "not in the directory yet")

        kari.post(
            reverse("staff:edit", args=[point.slug]),
            {
                "description": "Vi er en møteplass i Nordby, og hjelper deg å finne en gruppe.",
                "street_address": "Storgata 1",
                "postcode": "0155",
                "post_town": "Oslo",
                "opening_hours": "Mandag–fredag 9–15",
                "public_email": "post@nordby.example",
                "offers_in_person": "on",
                "threshold": 5,
                "seats": 8,
                "languages": ["no", "en"],
            },
        )
        kari.post(
            reverse("staff:rooms", args=[point.slug]), {"name": "Peisestua", "address": "Storgata 1", "capacity": 8}
        )
        kari.post(reverse("staff:checklist", args=[point.slug]))

        point.refresh_from_db()
        self.assertTrue(point.is_active)
        self.assertContains(self.client_for().get(reverse("directory")), "Nordby frivilligsentral")
        self.assertEqual(self.client_for().get(reverse("signup", args=[point.slug])).status_code, 200)
