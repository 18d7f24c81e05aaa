"""The demo world operators and testers sign in to."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse

from contactpoints.models import ContactPoint, County, Municipality, Office, Room
from groups.models import SignUp
from tests.signin import code_for_secret, sign_in_through_the_pages

PASSWORD = "pw-for-tests-123"
ROLES = {"staff", "district", "national"}


def seed(password: str = PASSWORD) -> list[list[str]]:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", password=password, stdout=out, stderr=err)
    return [line.split("\t") for line in out.getvalue().splitlines() if line.strip()]


def counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "contact points": ContactPoint.objects.count(),
        "offices": Office.objects.count(),
        "rooms": Room.objects.count(),
        "counties": County.objects.count(),
        "municipalities": Municipality.objects.count(),
    }


class SeedDemoTests(TestCase):
    def test_it_prints_one_role_email_and_scope_per_login(self) -> None:
        lines = seed()
        self.assertTrue(lines)
        for line in lines:
            with self.subTest(line=line):
                self.assertEqual(len(line), 4, "ROLE<TAB>EMAIL<TAB>SCOPE<TAB>TOTP-SECRET")
                role, email, scope, secret = line
                self.assertRegex(secret, r"^[A-Z2-7]{32}$", "a base32 key a code app takes")
                self.assertIn(role, ROLES)
                self.assertIn("@", email)
                self.assertTrue(scope)

    def test_it_prints_staff_district_and_national_logins(self) -> None:
        roles = [role for role, *_ in seed()]
        self.assertEqual(set(roles), ROLES)
        self.assertEqual(roles.count("national"), 1)
        self.assertEqual(roles.count("district"), 7)

    def test_every_login_is_printed_once(self) -> None:
        emails = [email for _, email, *_ in seed()]
        self.assertEqual(len(emails), len(set(emails)))

    def test_staff_scopes_are_contact_points_the_login_works_at(self) -> None:
        for role, email, scope, _ in seed():
            if role != "staff":
                continue
            with self.subTest(email=email):
                point = ContactPoint.objects.get(slug=scope)
                self.assertTrue(point.is_active)
                self.assertTrue(point.staff.filter(email=email).exists())

    def test_district_and_national_scopes_are_offices_the_login_belongs_to(self) -> None:
        for role, email, scope, _ in seed():
            if role == "staff":
                continue
            with self.subTest(email=email):
                office = Office.objects.get(slug=scope)
                self.assertEqual(office.is_national, role == "national")
                self.assertTrue(office.members.filter(email=email).exists())

    def test_every_district_office_covers_counties_that_exist(self) -> None:
        seed()
        covered = set()
        for office in Office.objects.filter(is_national=False):
            with self.subTest(office=office.slug):
                self.assertTrue(office.counties.exists())
                covered.update(office.counties.values_list("number", flat=True))
        self.assertEqual(covered, set(County.objects.filter(is_current=True).values_list("number", flat=True)))

    def test_every_printed_login_signs_in_with_the_password_and_a_code_from_its_key(self) -> None:
        for _, email, _, secret in seed():
            with self.subTest(email=email):
                client = Client()
                response = sign_in_through_the_pages(client, email, PASSWORD, code_for_secret(secret))
                self.assertRedirects(response, reverse("after_login"), fetch_redirect_response=False)
                self.assertEqual(client.get(reverse("after_login")).status_code, 302)
                self.assertEqual(int(client.session["_auth_user_id"]), get_user_model().objects.get(email=email).pk)

    def test_the_password_alone_does_not_sign_in(self) -> None:
        _, email, _, _ = seed()[0]
        client = Client()
        client.post(reverse("login"), {"username": email, "password": PASSWORD})
        self.assertNotIn("_auth_user_id", client.session)
        self.assertEqual(client.post(reverse("sign_in_code"), {"code": "000000"}).status_code, 200)
        self.assertNotIn("_auth_user_id", client.session)

    def test_a_wrong_password_does_not_sign_in(self) -> None:
        _, email, _, secret = seed()[0]
        response = sign_in_through_the_pages(Client(), email, "not-the-password", code_for_secret(secret))
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)

    def test_running_it_twice_changes_nothing(self) -> None:
        first = seed()
        before = counts()
        second = seed()
        self.assertEqual(counts(), before)
        self.assertEqual(sorted(second), sorted(first))

    def test_running_it_again_with_a_new_password_changes_the_password(self) -> None:
        seed()
        lines = seed(password="another-pw-for-tests-456")
        user = get_user_model().objects.get(email=lines[0][1])
        self.assertTrue(user.check_password("another-pw-for-tests-456"))
        self.assertFalse(user.check_password(PASSWORD))

    def test_it_never_creates_a_signup(self) -> None:
        seed()
        seed()
        self.assertEqual(SignUp.objects.count(), 0)

    def test_it_loads_the_geography_when_it_is_missing(self) -> None:
        seed()
        self.assertEqual(County.objects.count(), 15)
        self.assertEqual(Municipality.objects.count(), 357)

    def test_the_demo_directory_has_a_nationwide_telephone_contact_point(self) -> None:
        seed()
        self.assertTrue(ContactPoint.objects.listed().filter(nationwide=True, offers_telephone=True).exists())

    def test_the_demo_directory_has_a_local_contact_point_meeting_by_video(self) -> None:
        seed()
        video = ContactPoint.objects.listed().filter(nationwide=False, offers_video=True)
        self.assertTrue(video.filter(offers_in_person=True).exists())

    def test_a_demo_list_for_the_whole_country_meets_by_telephone_and_by_video(self) -> None:
        seed()
        self.assertTrue(
            ContactPoint.objects.listed().filter(nationwide=True, offers_telephone=True, offers_video=True).exists()
        )
