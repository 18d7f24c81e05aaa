"""Every work account signs in with two factors: a password and a code app."""

import datetime
import time
from unittest import mock

from django.conf import global_settings, settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from accounts.models import CodeApp, RecoveryCodes, recovery_code_hash
from contactpoints.services import invite_colleague
from tests.base import Personas
from tests.signin import current_code, ensure_device, sign_in, sign_in_through_the_pages

PASSWORD = "a-long-password-1"


class TwoStepSignInTests(Personas):
    def setUp(self) -> None:
        self.device = ensure_device(self.staff_a)

    def test_the_password_and_a_code_sign_in_with_a_new_session_id(self) -> None:
        client = Client()
        client.get(reverse("login"))
        client.post(reverse("login"), {"username": "staff-a@work.example", "password": PASSWORD})
        before = client.session.session_key
        response = client.post(reverse("sign_in_code"), {"code": current_code(self.device)})
        self.assertRedirects(response, reverse("after_login"), fetch_redirect_response=False)
        self.assertNotEqual(client.session.session_key, before)
        self.assertEqual(client.get(reverse("staff:dashboard", args=[self.point_a.slug])).status_code, 200)

    def test_the_address_may_be_typed_in_capitals(self) -> None:
        response = sign_in_through_the_pages(Client(), "Staff-A@Work.example", PASSWORD, current_code(self.device))
        self.assertRedirects(response, reverse("after_login"), fetch_redirect_response=False)

    def test_the_password_alone_reaches_no_page(self) -> None:
        client = Client()
        response = client.post(reverse("login"), {"username": "staff-a@work.example", "password": PASSWORD})
        self.assertRedirects(response, reverse("sign_in_code"), fetch_redirect_response=False)
        dashboard = client.get(reverse("staff:dashboard", args=[self.point_a.slug]))
        self.assertEqual(dashboard.status_code, 302)
        self.assertIn(reverse("login"), dashboard["Location"])

    def test_a_wrong_code_does_not_sign_in(self) -> None:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        response = sign_in_through_the_pages(client, "staff-a@work.example", PASSWORD, "123456")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "That code did not work")
        self.assertNotIn("_auth_user_id", client.session)

    def test_a_code_is_taken_once(self) -> None:
        code = current_code(self.device)
        sign_in_through_the_pages(Client(), "staff-a@work.example", PASSWORD, code)
        again = Client()
        response = sign_in_through_the_pages(again, "staff-a@work.example", PASSWORD, code)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", again.session)

    def test_a_code_used_already_is_refused_in_words_that_say_so(self) -> None:
        code = current_code(self.device)
        sign_in_through_the_pages(Client(), "staff-a@work.example", PASSWORD, code)
        response = sign_in_through_the_pages(Client(HTTP_ACCEPT_LANGUAGE="en"), "staff-a@work.example", PASSWORD, code)
        self.assertContains(response, "That code has been used already. Wait for the next code in your app")

    def test_after_several_wrong_codes_even_the_right_one_waits_and_the_page_says_how_long(self) -> None:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in_through_the_pages(client, "staff-a@work.example", PASSWORD, "000000")
        # Three wrong codes, each after the last pause was over: the next try waits 4 seconds.
        CodeApp.objects.filter(pk=self.device.pk).update(
            throttling_failure_count=3, throttling_failure_timestamp=timezone.now()
        )
        response = client.post(reverse("sign_in_code"), {"code": current_code(self.device)})
        self.assertNotIn("_auth_user_id", client.session)
        self.assertContains(response, "Too many wrong codes. Wait 4 seconds, then try the code your app shows.")

    def test_the_code_step_expires_after_a_few_minutes(self) -> None:
        client = Client()
        client.post(reverse("login"), {"username": "staff-a@work.example", "password": PASSWORD})
        later = time.time() + 6 * 60
        with mock.patch("accounts.views.time.time", return_value=later):
            response = client.post(reverse("sign_in_code"), {"code": current_code(self.device)})
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", client.session)

    def test_a_recovery_code_signs_in_once(self) -> None:
        recovery = RecoveryCodes.objects.create(user=self.staff_a, name="recovery")
        StaticToken.objects.create(device=recovery, token=recovery_code_hash("abcd2345"))  # as they are stored
        first = sign_in_through_the_pages(Client(), "staff-a@work.example", PASSWORD, "abcd 2345")
        self.assertRedirects(first, reverse("after_login"), fetch_redirect_response=False)
        second = sign_in_through_the_pages(Client(), "staff-a@work.example", PASSWORD, "abcd2345")
        self.assertEqual(second.status_code, 200)

    def test_a_session_that_skipped_the_code_is_signed_out(self) -> None:
        client = Client()
        client.force_login(self.staff_a)  # as any password-only login path would
        key = client.session.session_key
        response = client.get(reverse("staff:dashboard", args=[self.point_a.slug]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])
        self.assertFalse(Session.objects.filter(session_key=key).exists())

    def test_the_admin_signs_in_through_the_same_two_steps(self) -> None:
        response = Client().get("/admin/login/?next=/admin/")
        self.assertRedirects(response, reverse("login") + "?next=/admin/", fetch_redirect_response=False)

    def test_an_address_outside_the_site_is_never_where_sign_in_leads(self) -> None:
        client = Client()
        client.post(
            reverse("login"),
            {"username": "staff-a@work.example", "password": PASSWORD, "next": "https://evil.example/"},
        )
        response = client.post(reverse("sign_in_code"), {"code": current_code(self.device)})
        self.assertRedirects(response, reverse("after_login"), fetch_redirect_response=False)


class SessionLimitTests(Personas):
    def dashboard(self, client: Client, *, at: float):
        with mock.patch("accounts.middleware.time.time", return_value=at):
            return client.get(reverse("staff:dashboard", args=[self.point_a.slug]))

    def test_thirty_minutes_without_activity_end_the_session(self) -> None:
        client = Client()
        sign_in(client, self.staff_a)
        key = client.session.session_key
        response = self.dashboard(client, at=time.time() + 31 * 60)
        self.assertIn(reverse("login"), response["Location"])
        self.assertFalse(Session.objects.filter(session_key=key).exists())

    def test_activity_keeps_the_session_alive_up_to_twelve_hours(self) -> None:
        client = Client()
        sign_in(client, self.staff_a)
        start = time.time()
        for minutes in range(20, 12 * 60, 20):
            self.assertEqual(self.dashboard(client, at=start + minutes * 60).status_code, 200, minutes)
        response = self.dashboard(client, at=start + 12 * 3600 + 60)
        self.assertIn(reverse("login"), response["Location"])

    def test_signing_out_ends_the_session_on_the_server(self) -> None:
        client = Client()
        sign_in(client, self.staff_a)
        key = client.session.session_key
        client.post(reverse("logout"))
        self.assertFalse(Session.objects.filter(session_key=key).exists())
        stolen = Client()
        stolen.cookies["sessionid"] = key
        self.assertEqual(stolen.get(reverse("staff:dashboard", args=[self.point_a.slug])).status_code, 302)


class PasswordHashingTests(SimpleTestCase):
    def test_production_hashes_slowly_and_only_the_tests_take_the_fast_hasher(self) -> None:
        from selvhjelp import settings as production

        hashers = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
        self.assertNotIn("MD5", hashers[0])
        self.assertEqual(settings.PASSWORD_HASHERS, ["django.contrib.auth.hashers.MD5PasswordHasher"])  # conftest


@override_settings(AXES_FAILURE_LIMIT=3)
class LockoutTests(Personas):
    def attempt(self, *, password: str, remote: str = "203.0.113.5", forwarded: str | None = None, email=None):
        headers = {"REMOTE_ADDR": remote}
        if forwarded:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded
        return Client(**headers).post(
            reverse("login"), {"username": email or "staff-a@work.example", "password": password}
        )

    def test_too_many_wrong_passwords_pause_sign_in_even_with_the_right_one(self) -> None:
        self.assertEqual(self.attempt(password="wrong-password").status_code, 200)
        for _ in range(2):
            self.attempt(password="wrong-password")
        response = self.attempt(password=PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", Client().session)

    def test_a_forged_forwarded_for_header_does_not_start_a_fresh_count(self) -> None:
        for n in range(3):
            self.attempt(password="wrong-password", forwarded=f"198.51.100.{n}", email=f"nobody{n}@work.example")
        response = self.attempt(password="wrong", forwarded="192.0.2.77", email="someone@work.example")
        self.assertEqual(response.status_code, 429)

    def test_a_very_long_or_capitalised_address_counts_against_the_same_account(self) -> None:
        self.assertEqual(self.attempt(password="wrong", email="x" * 5000 + "@work.example").status_code, 200)
        for _ in range(3):
            self.attempt(password="wrong-password", email="STAFF-A@work.example", remote="198.51.100.9")
        self.assertEqual(self.attempt(password=PASSWORD, remote="192.0.2.201").status_code, 429)

    def test_changing_address_does_not_start_a_fresh_count_for_one_account(self) -> None:
        for n in range(3):
            self.attempt(password="wrong-password", remote=f"198.51.100.{n}")
        self.assertEqual(self.attempt(password=PASSWORD, remote="192.0.2.200").status_code, 429)


class InvitationTests(Personas):
    def invite(self, email: str = "new.colleague@work.example"):
        with self.captureOnCommitCallbacks(execute=True):
            return invite_colleague(contact_point=self.point_a, email=email, by=self.staff_a)

    def link(self) -> str:
        message = mail.outbox[-1]
        return next(word for word in message.body.split() if "/passord/" in word).replace("http://127.0.0.1:8000", "")

    def test_an_invitee_chooses_a_password_sets_up_a_code_app_and_is_signed_in(self) -> None:
        user = self.invite()
        self.assertFalse(user.has_usable_password())
        self.assertTrue(self.point_a.staff.filter(pk=user.pk).exists())
        self.assertEqual(mail.outbox[-1].to, ["new.colleague@work.example"])
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        link = self.link()
        self.assertEqual(client.get(link).status_code, 200)
        user.refresh_from_db()
        self.assertFalse(user.has_usable_password(), "opening the link changes nothing")
        new_password = "correct horse battery staple"
        response = client.post(link, {"new_password1": new_password, "new_password2": new_password})
        self.assertRedirects(response, reverse("set_up_code_app"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", client.session)
        page = client.get(reverse("set_up_code_app"))
        self.assertContains(page, "<svg")
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = client.post(reverse("set_up_code_app"), {"code": current_code(device)})
        self.assertRedirects(response, reverse("recovery_codes"), fetch_redirect_response=False)
        codes = client.get(reverse("recovery_codes"))
        self.assertEqual(len(codes.context["codes"]), 10)
        self.assertContains(codes, f'href="{reverse("after_login")}"')
        self.assertEqual(client.get(reverse("recovery_codes")).status_code, 302, "shown once")
        self.assertEqual(client.get(reverse("staff:dashboard", args=[self.point_a.slug])).status_code, 200)
        user.refresh_from_db()
        self.assertTrue(user.check_password(new_password))

    def test_an_invitation_link_works_once(self) -> None:
        self.invite()
        link = self.link()
        password = "correct horse battery staple"
        Client().post(link, {"new_password1": password, "new_password2": password})
        again = Client(HTTP_ACCEPT_LANGUAGE="en")
        response = again.post(link, {"new_password1": "another one entirely", "new_password2": "another one entirely"})
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "This link does not work", status_code=404)
        user = get_user_model().objects.get(email="new.colleague@work.example")
        self.assertTrue(user.check_password(password))

    def test_an_invitation_link_expires(self) -> None:
        self.invite()
        link = self.link()
        later = datetime.datetime.now() + datetime.timedelta(hours=73)  # noqa: DTZ005 - the token clock is naive
        with mock.patch("accounts.tokens.SetPasswordTokenGenerator._now", return_value=later):
            response = Client().get(link)
        self.assertEqual(response.status_code, 404)

    def test_inviting_an_existing_account_only_adds_it(self) -> None:
        mail.outbox.clear()
        self.invite("staff-b@work.example")
        self.assertTrue(self.point_a.staff.filter(pk=self.staff_b.pk).exists())
        self.assertTrue(get_user_model().objects.get(pk=self.staff_b.pk).check_password("a-long-password-2"))
        self.assertEqual(mail.outbox, [])

    def test_a_new_password_from_the_link_still_needs_the_code_app(self) -> None:
        ensure_device(self.staff_a)
        client = Client()
        with self.captureOnCommitCallbacks(execute=True):
            client.post(reverse("forgot_password"), {"email": "staff-a@work.example"})
        password = "a brand new long password"
        response = client.post(self.link(), {"new_password1": password, "new_password2": password})
        self.assertRedirects(response, reverse("sign_in_code"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", client.session)


class ForgotPasswordTests(Personas):
    def ask(self, email: str):
        with self.captureOnCommitCallbacks(execute=True):
            return Client().post(reverse("forgot_password"), {"email": email})

    def test_a_known_and_an_unknown_address_get_the_same_answer(self) -> None:
        known, unknown = self.ask("staff-a@work.example"), self.ask("nobody@work.example")
        self.assertRedirects(known, reverse("forgot_password_sent"), fetch_redirect_response=False)
        self.assertEqual((known.status_code, known["Location"]), (unknown.status_code, unknown["Location"]))
        self.assertEqual([m.to for m in mail.outbox], [["staff-a@work.example"]])

    @override_settings(NEW_PASSWORD_LIMIT_PER_CLIENT=2)
    def test_many_requests_from_one_address_send_no_more_mail(self) -> None:
        answers = [self.ask("staff-a@work.example") for _ in range(4)]
        self.assertEqual({(a.status_code, a["Location"]) for a in answers}, {(302, reverse("forgot_password_sent"))})
        self.assertEqual(len(mail.outbox), 2)


class AdminInvitesTests(TestCase):
    def setUp(self) -> None:
        self.admin = get_user_model().objects.create_superuser("admin@work.example", "a-long-password-9")
        self.client = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(self.client, self.admin)

    def test_the_admin_makes_an_account_without_choosing_its_password(self) -> None:
        form = self.client.get(reverse("admin:accounts_user_add"))
        self.assertNotContains(form, 'name="password1"')
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("admin:accounts_user_add"), {"email": "New.Person@work.example"})
        user = get_user_model().objects.get(email="new.person@work.example")
        self.assertFalse(user.has_usable_password())
        self.assertEqual(mail.outbox[-1].to, ["new.person@work.example"])
        self.assertIn("/passord/", mail.outbox[-1].body)

    def test_there_is_no_page_to_set_someone_elses_password(self) -> None:
        # The admin reads "<pk>/password" as an object that does not exist, and goes back to its index.
        response = self.client.get(f"/admin/accounts/user/{self.admin.pk}/password/", follow=True)
        self.assertRedirects(response, reverse("admin:index"))
        self.assertNotContains(response, 'name="password1"')

    def test_starting_an_account_over_removes_its_password_and_code_app(self) -> None:
        user = get_user_model().objects.create_user("lost.phone@work.example", "a-long-password-4")
        ensure_device(user)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:accounts_user_changelist"),
                {"action": "start_accounts_over", "_selected_action": [user.pk]},
            )
        user.refresh_from_db()
        self.assertFalse(user.has_usable_password())
        self.assertFalse(user.totpdevice_set.exists())
        self.assertEqual(mail.outbox[-1].to, ["lost.phone@work.example"])

    def test_the_admin_shows_no_code_app_key_or_recovery_code(self) -> None:
        self.assertEqual(self.client.get("/admin/otp_totp/totpdevice/").status_code, 404)
        self.assertEqual(self.client.get("/admin/otp_static/staticdevice/").status_code, 404)
        self.assertEqual(self.client.get("/admin/accounts/codeapp/").status_code, 404)
        self.assertEqual(self.client.get("/admin/accounts/recoverycodes/").status_code, 404)
        self.assertEqual(self.client.get("/admin/accounts/passwordrequest/").status_code, 404)
