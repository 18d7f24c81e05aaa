"""A copy of the database signs nobody in: a code app's key is kept encrypted
with FIELD_ENCRYPTION_KEY, and recovery codes only as keyed hashes
(FIELD_HASH_KEY). Signing in works as before, with django-otp's throttling
and its rule that a code is taken once."""

import base64
import time
from unittest import mock

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, TransactionTestCase
from django.urls import reverse
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import codeapp
from accounts.models import User
from tests.base import Personas
from tests.database import text_columns_holding
from tests.signin import (
    between_the_steps,
    code_for_secret,
    current_code,
    ensure_device,
    sign_in_through_the_pages,
)

PASSWORD_B = "a-long-password-2"


def key_of(secret: str) -> bytes:
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def code_at(secret: str, when: float) -> str:
    """The code a code app with this key shows at ``when``."""
    app = TOTP(key_of(secret))
    app.time = when
    return f"{app.token():06d}"


class SecretsAtRestTests(Personas):
    def set_up_code_app(self, user: User) -> tuple[str, list[str]]:
        """As a new account does it: the key the page shows, its first code, the recovery codes shown once."""
        client = Client()
        between_the_steps(client, user)
        page = client.get(reverse("set_up_code_app"))
        secret = page.context["secret"].replace(" ", "")
        self.assertIn("<svg", page.content.decode())
        response = client.post(reverse("set_up_code_app"), {"code": code_for_secret(secret)})
        self.assertRedirects(response, reverse("recovery_codes"), fetch_redirect_response=False)
        codes = list(client.get(reverse("recovery_codes")).context["codes"])
        self.assertEqual(len(codes), 10)
        return secret, codes

    def signs_in(self, code: str, *, email: str = "staff-b@work.example", password: str = PASSWORD_B) -> bool:
        """Both steps with ``code``; signed in means the next request reaches the account's own page."""
        client = Client()
        sign_in_through_the_pages(client, email, password, code)
        if "_auth_user_id" not in client.session:
            return False
        self.assertEqual(client.get(reverse("staff:dashboard", args=[self.point_b.slug])).status_code, 200)
        return True

    def test_neither_the_key_nor_a_recovery_code_is_anywhere_in_the_database(self) -> None:
        secret, codes = self.set_up_code_app(self.staff_b)
        key = key_of(secret)
        for needle in (secret, key.hex(), base64.b64encode(key).decode(), *codes):
            self.assertEqual(text_columns_holding(needle), [], needle)

    def test_the_key_the_page_showed_goes_on_signing_in_a_code_at_a_time(self) -> None:
        secret, _codes = self.set_up_code_app(self.staff_b)
        later = time.time() + 30  # the first code was taken by the set-up
        code = code_at(secret, later)
        with mock.patch("time.time", return_value=later):
            self.assertTrue(self.signs_in(code))
            self.assertFalse(self.signs_in(code), "a code is taken once")

    def test_a_recovery_code_signs_in_once_and_what_the_database_holds_never(self) -> None:
        _secret, codes = self.set_up_code_app(self.staff_b)
        stored = list(StaticToken.objects.filter(device__user=self.staff_b).values_list("token", flat=True))
        self.assertEqual(len(stored), 10)
        for token in stored:
            StaticDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
            self.assertFalse(self.signs_in(token), "a stored value is no code")
        StaticDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
        self.assertTrue(self.signs_in(codes[3].upper()))
        self.assertFalse(self.signs_in(codes[3]), "each recovery code is taken once")
        self.assertEqual(StaticToken.objects.filter(device__user=self.staff_b).count(), 9)

    def test_what_the_code_app_table_holds_makes_no_code(self) -> None:
        secret, _codes = self.set_up_code_app(self.staff_b)
        for stored in TOTPDevice.objects.filter(user=self.staff_b).values_list("key", flat=True):
            try:
                guess = f"{totp(bytes.fromhex(stored)):06d}"
            except ValueError:
                continue  # not even a key
            self.assertNotEqual(guess, code_for_secret(secret))

    def test_a_wrong_code_still_slows_the_next_try(self) -> None:
        device = ensure_device(self.staff_a)
        client = Client()
        between_the_steps(client, self.staff_a)
        right = current_code(device)
        wrong = f"{(int(right) + 1) % 10**6:06d}"
        client.post(reverse("sign_in_code"), {"code": wrong})
        response = client.post(reverse("sign_in_code"), {"code": right})
        self.assertEqual(response.status_code, 200, "throttled: even the right code waits a moment")
        self.assertNotIn("_auth_user_id", client.session)
        self.assertEqual(TOTPDevice.objects.get(pk=device.pk).throttling_failure_count, 1)

    def test_seed_demo_and_the_tests_read_the_same_key_the_server_checks(self) -> None:
        device = ensure_device(self.staff_b)
        self.assertEqual(code_for_secret(codeapp.secret(device)), current_code(device))
        self.assertTrue(self.signs_in(current_code(device)))

    def test_starting_over_removes_the_key(self) -> None:
        secret, _codes = self.set_up_code_app(self.staff_b)
        from accounts.invitations import start_over

        start_over(self.staff_b)
        self.assertIsNone(codeapp.confirmed_device(self.staff_b))
        self.assertFalse(TOTPDevice.objects.filter(user=self.staff_b).exists())
        self.assertFalse(StaticToken.objects.filter(device__user=self.staff_b).exists())
        self.assertFalse(self.signs_in(code_for_secret(secret)))


class MigrationTests(TransactionTestCase):
    """Keys and recovery codes stored in the clear before are encrypted and hashed by a migration."""

    before = [("accounts", "0002_remember_each_accounts_language")]
    after = [("accounts", "0004_encrypt_code_app_keys_and_hash_recovery_codes")]

    def setUp(self) -> None:
        self.addCleanup(self.migrate_to_the_end)

    @staticmethod
    def migrate_to_the_end() -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    def test_existing_keys_are_encrypted_and_recovery_codes_hashed_and_both_still_sign_in(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(self.before)
        otp = [("otp_totp", "0003_add_timestamps"), ("otp_static", "0003_add_timestamps")]
        old = executor.loader.project_state(self.before + otp).apps
        user = old.get_model("accounts", "User").objects.create(email="old@work.example", password="!")
        key = "3132333435363738393031323334353637383930"
        old.get_model("otp_totp", "TOTPDevice").objects.create(user_id=user.pk, name="app", key=key, confirmed=True)
        recovery = old.get_model("otp_static", "StaticDevice").objects.create(user_id=user.pk, name="recovery")
        old.get_model("otp_static", "StaticToken").objects.create(device=recovery, token="abcd2345")

        executor = MigrationExecutor(connection)
        executor.migrate(self.after)

        self.assertEqual(text_columns_holding(key), [])
        self.assertEqual(text_columns_holding("abcd2345"), [])
        account = User.objects.get(pk=user.pk)
        device = codeapp.confirmed_device(account)
        self.assertIsNotNone(device)
        self.assertEqual(key_of(codeapp.secret(device)).hex(), key)
        self.assertEqual(codeapp.device_for_code(account, f"{totp(bytes.fromhex(key)):06d}"), device)
        self.assertIsNotNone(codeapp.device_for_code(account, "abcd2345"))
        self.assertIsNone(codeapp.device_for_code(account, "abcd2345"), "taken once")

        executor = MigrationExecutor(connection)
        executor.migrate(self.before)
        self.assertEqual(TOTPDevice.objects.get(user_id=user.pk).key, key, "going back puts the key back")
