"""A signed-in request reads its account and its code app in one query, and is who it was before."""

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken

from accounts.backends import AccountBackend
from accounts.models import CodeApp, RecoveryCodes, recovery_code_hash
from tests.base import Personas
from tests.signin import current_code, ensure_device, sign_in, sign_in_through_the_pages

PASSWORD = "a-long-password-1"


def field_values(instance, *, leaving_out: tuple[str, ...] = ()) -> dict[str, object]:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in leaving_out
    }


class AccountBackendTests(Personas):
    def setUp(self) -> None:
        self.code_app = ensure_device(self.staff_a)
        self.dashboard = reverse("staff:dashboard", args=[self.point_a.slug])

    def test_the_account_and_its_code_app_are_read_as_the_orm_reads_them(self) -> None:
        user = AccountBackend().get_user(self.staff_a.pk)
        self.assertEqual(field_values(user), field_values(get_user_model().objects.get(pk=self.staff_a.pk)))
        self.assertEqual(list(user.code_apps), [self.code_app.persistent_id])
        read = user.code_apps[self.code_app.persistent_id]
        self.assertIsInstance(read, CodeApp)
        expected = CodeApp.objects.get(pk=self.code_app.pk)
        self.assertEqual(
            field_values(read, leaving_out=("sealed_key",)), field_values(expected, leaving_out=("sealed_key",))
        )

    def test_a_code_apps_key_is_not_read_with_it_but_is_there_when_asked_for(self) -> None:
        read = AccountBackend().get_user(self.staff_a.pk).code_apps[self.code_app.persistent_id]
        self.assertIn("sealed_key", read.get_deferred_fields())
        self.assertEqual(read.bin_key, CodeApp.objects.get(pk=self.code_app.pk).bin_key)

    def test_a_code_app_not_yet_confirmed_is_not_read(self) -> None:
        CodeApp.objects.filter(pk=self.code_app.pk).update(confirmed=False)
        self.assertEqual(AccountBackend().get_user(self.staff_a.pk).code_apps, {})

    def test_an_account_with_no_code_app_is_read_too(self) -> None:
        user = AccountBackend().get_user(self.staff_b.pk)
        self.assertEqual(user, self.staff_b)
        self.assertEqual(user.code_apps, {})

    def test_an_account_closed_or_gone_is_nobody(self) -> None:
        get_user_model().objects.filter(pk=self.staff_a.pk).update(is_active=False)
        self.assertIsNone(AccountBackend().get_user(self.staff_a.pk))
        self.assertIsNone(AccountBackend().get_user(987654))

    def test_a_signed_in_page_reads_the_account_and_code_app_in_one_query(self) -> None:
        client = Client()
        sign_in(client, self.staff_a)
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(client.get(self.dashboard).status_code, 200)
        users = [query["sql"] for query in captured.captured_queries if '"accounts_user"' in query["sql"]]
        devices = [query["sql"] for query in captured.captured_queries if "totpdevice" in query["sql"]]
        self.assertEqual(len(users), 1, users)
        self.assertEqual(devices, users)

    def test_signing_in_through_the_pages_reaches_the_staff_pages(self) -> None:
        client = Client()
        response = sign_in_through_the_pages(client, "staff-a@work.example", PASSWORD, current_code(self.code_app))
        self.assertRedirects(response, reverse("after_login"), fetch_redirect_response=False)
        self.assertEqual(client.session[BACKEND_SESSION_KEY], "accounts.backends.AccountBackend")
        page = client.get(self.dashboard)
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.wsgi_request.user.is_verified())

    def test_a_session_that_passed_with_a_recovery_code_stays_signed_in(self) -> None:
        recovery = RecoveryCodes.objects.create(user=self.staff_a, name="recovery")
        StaticToken.objects.create(device=recovery, token=recovery_code_hash("abcd2345"))
        client = Client()
        sign_in_through_the_pages(client, "staff-a@work.example", PASSWORD, "abcd2345")
        self.assertEqual(client.session[DEVICE_ID_SESSION_KEY], recovery.persistent_id)
        self.assertEqual(client.get(self.dashboard).status_code, 200)
        self.assertEqual(client.get(self.dashboard).status_code, 200)

    def test_a_session_naming_another_accounts_code_app_is_signed_out(self) -> None:
        client = Client()
        sign_in(client, self.staff_a)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = ensure_device(self.staff_b).persistent_id
        session.save()
        key = session.session_key
        response = client.get(self.dashboard)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])
        self.assertFalse(Session.objects.filter(session_key=key).exists())

    def test_a_session_whose_code_app_was_removed_is_signed_out(self) -> None:
        client = Client()
        sign_in(client, self.staff_a)
        CodeApp.objects.filter(pk=self.code_app.pk).delete()
        response = client.get(self.dashboard)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_a_new_password_signs_other_sessions_out(self) -> None:
        client = Client()
        sign_in(client, self.staff_a)
        self.staff_a.set_password("another-long-password-9")
        self.staff_a.save()
        response = client.get(self.dashboard)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])
