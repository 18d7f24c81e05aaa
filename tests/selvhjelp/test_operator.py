"""Who runs the service: named from the settings on every page and in every
email, as the sender of every email, and checked when the service starts."""

import os
import subprocess
import sys
from email.header import decode_header, make_header
from email.utils import parseaddr

from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts import invitations
from accounts.models import User
from contactpoints import services
from contactpoints.models import Application
from tests.base import InEnglish, Personas, signup_data

OPERATOR = {
    "SERVICE_NAME": "Gruppeporten",
    "OPERATOR_NAME": "Nordlys Frivillig AS",
    "OPERATOR_ORG_NUMBER": "987654325",
    "OPERATOR_CONTACT_EMAIL": "hei@nordlys.example",
    "PRIVACY_CONTACT_EMAIL": "personvern@nordlys.example",
}
RUN_BY = "Gruppeporten is run by Nordlys Frivillig AS (org. no. 987 654 325). Contact:"


def sender_of(message: mail.EmailMessage) -> tuple[str, str]:
    name, address = parseaddr(message.from_email)
    return str(make_header(decode_header(name))), address


@override_settings(**OPERATOR)
class EveryPageNamesTheOperatorTests(InEnglish, Personas):
    def test_the_footer_of_every_public_page_says_who_runs_the_service_and_how_to_reach_them(self):
        client = self.client_for()
        pages = [
            reverse("home"),
            reverse("directory"),
            reverse("privacy"),
            reverse("accessibility"),
            reverse("become_contact_point"),
            reverse("signup", args=[self.point_a.slug]),
            reverse("login"),
        ]
        for path in pages:
            with self.subTest(path):
                response = client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, RUN_BY)
                self.assertContains(response, '<a class="ds-link" href="mailto:hei@nordlys.example">', html=False)
                # The footer's links are still there.
                self.assertContains(response, f'href="{reverse("privacy")}"')
                self.assertContains(response, f'href="{reverse("accessibility")}"')

    def test_the_header_and_the_title_carry_the_services_name(self):
        response = self.client_for().get(reverse("home"))
        self.assertContains(response, f'<a class="site-name" href="{reverse("home")}">Gruppeporten</a>', html=True)
        self.assertContains(response, "<title>Join a self-help group – Gruppeporten</title>", html=False)

    def test_a_signed_in_page_names_the_operator_too(self):
        response = self.client_for(self.staff_a).get(reverse("staff:dashboard", args=[self.point_a.slug]))
        self.assertContains(response, RUN_BY)


@override_settings(**OPERATOR)
class EveryEmailNamesTheOperatorTests(InEnglish, Personas):
    def sign_up(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client_for().post(reverse("signup", args=[self.point_a.slug]), signup_data())
        return mail.outbox[-1]

    def test_mail_to_a_person_comes_from_their_contact_point_via_the_service(self):
        message = self.sign_up()
        name, address = sender_of(message)
        self.assertEqual(name, "Sentral A via Gruppeporten")
        self.assertEqual(address, parseaddr(settings.DEFAULT_FROM_EMAIL)[1])

    def test_mail_to_a_person_ends_with_who_runs_the_service(self):
        message = self.sign_up()
        footer = message.body.rstrip().splitlines()[-2:]
        self.assertEqual(footer[0], f"{RUN_BY} hei@nordlys.example")
        self.assertEqual(footer[1], f"How we handle your information: {settings.SITE_URL}{reverse('privacy')}")
        html = message.alternatives[0][0]
        self.assertIn(RUN_BY, html)
        self.assertIn('href="mailto:hei@nordlys.example"', html)
        self.assertIn(f'href="{settings.SITE_URL}{reverse("privacy")}"', html)

    def test_the_invitation_to_a_work_account_comes_from_the_service_and_says_who_sends_it_and_why(self):
        User.objects.create_user("ny@work.example", language="en")
        with self.captureOnCommitCallbacks(execute=True):
            user = invitations.invite(email="ny@work.example", invited_by=self.staff_a)
            self.point_a.staff.add(user)
        message = mail.outbox[-1]
        self.assertEqual(message.to, ["ny@work.example"])
        self.assertEqual(sender_of(message)[0], "Gruppeporten")
        self.assertEqual(message.subject, "Your new work account in Gruppeporten")
        for text in (message.body, message.alternatives[0][0]):
            self.assertIn("You have been given a work account for Sentral A in Gruppeporten.", text)
            self.assertIn("This email is from Gruppeporten, which Nordlys Frivillig AS runs.", text)
            self.assertIn("You get it because your address was given for a work account", text)
            self.assertIn(RUN_BY, text)

    def test_a_new_password_comes_from_the_service_and_names_it(self):
        User.objects.filter(pk=self.staff_a.pk).update(language="en")
        with self.captureOnCommitCallbacks(execute=True):
            invitations.send_set_password_link(self.staff_a, kind="set-password")
        message = mail.outbox[-1]
        self.assertEqual(sender_of(message)[0], "Gruppeporten")
        self.assertEqual(message.subject, "Choose a new password for your work account in Gruppeporten")
        self.assertIn("Someone asked for a new password for your work account in Gruppeporten.", message.body)
        self.assertIn("This email is from Gruppeporten, which Nordlys Frivillig AS runs.", message.body)
        self.assertIn(f"{RUN_BY} hei@nordlys.example", message.body)

    def test_mail_to_an_organisation_that_applied_comes_from_its_office_via_the_service(self):
        application = services.apply(
            application=Application(
                organisation="Nordby frivilligsentral",
                kind="frivilligsentral",
                municipality=self.oslo,
                street_address="Storgata 1",
                postcode="0155",
                post_town="Oslo",
                public_email="post@nordby.example",
                first_staff_email="kari@nordby.example",
                locale="en",
            )
        )
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            services.ask(application=application, office=self.district_east, by=self.district_east_user, body="Hei?")
        message = mail.outbox[-1]
        self.assertEqual(message.to, ["post@nordby.example"])
        self.assertEqual(sender_of(message)[0], "Øst via Gruppeporten")
        self.assertIn(RUN_BY, message.body)


class TheOperatorIsCheckedWhenTheServiceStartsTests(InEnglish):
    """Settings are read once, when a process starts: each case starts one."""

    def start(self, **env: str) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "selvhjelp.settings", "DEBUG": "1", **env}
        return subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", "from django.conf import settings; print(settings.OPERATOR_ORG_NUMBER)"],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def test_an_organisation_number_is_taken_with_or_without_spaces(self):
        for written in ("987654325", "987 654 325"):
            with self.subTest(written):
                started = self.start(OPERATOR_ORG_NUMBER=written)
                self.assertEqual(started.returncode, 0, started.stderr)
                self.assertEqual(started.stdout.strip(), "987654325")

    def test_a_mistyped_organisation_number_stops_the_service_with_a_clear_message(self):
        # The last digit is a check digit: one digit wrong is found.
        for written in ("987654321", "98765432", "9876543250", "NO987654325", "abcdefghi"):
            with self.subTest(written):
                started = self.start(OPERATOR_ORG_NUMBER=written)
                self.assertNotEqual(started.returncode, 0)
                self.assertIn("ImproperlyConfigured: OPERATOR_ORG_NUMBER must be", started.stderr)
                self.assertIn(repr(written), started.stderr)

    def test_a_service_name_that_names_self_help_or_health_stops_the_service(self):
        # It is the sender of every email to a person: nobody glancing at their inbox may learn why they signed up.
        for name in ("Selvhjelpsgrupper", "Self-help groups", "Helsegrupper", "", "   "):
            with self.subTest(name):
                started = self.start(SERVICE_NAME=name)
                self.assertNotEqual(started.returncode, 0)
                self.assertIn("ImproperlyConfigured: SERVICE_NAME", started.stderr)
        self.assertEqual(self.start(SERVICE_NAME="Gruppeporten").returncode, 0)

    def test_contact_addresses_must_be_addresses(self):
        for name in ("OPERATOR_CONTACT_EMAIL", "PRIVACY_CONTACT_EMAIL"):
            with self.subTest(name):
                started = self.start(**{name: "not an address"})
                self.assertNotEqual(started.returncode, 0)
                self.assertIn(f"ImproperlyConfigured: {name} must be an email address", started.stderr)
