"""Participants' addresses are encrypted at rest; duplicates are found by a keyed hash; links are secrets."""

import base64
import collections
import hashlib
import io
import math
import re

from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from groups import links
from groups.models import PrivateLink, SignUp
from selvhjelp import crypto
from tests.base import Personas

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
URLSAFE = re.compile(r"^[A-Za-z0-9_-]+$")


def raw_email(signup: SignUp) -> str:
    """The address column exactly as the database holds it."""
    table = connection.ops.quote_name(SignUp._meta.db_table)
    column = connection.ops.quote_name(SignUp._meta.get_field("email").column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [signup.pk])  # noqa: S608
        return cursor.fetchone()[0]


def every_stored_value() -> str:
    """Every value in every table, as text: what a stolen copy of the database would hold."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            values.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(values)


class CryptoTestCase(Personas):
    def sign_up(self, address: str) -> SignUp:
        """Test setup only: a sign-up as the public form stores it."""
        return SignUp.objects.create(
            contact_point=self.point_a,
            email=crypto.normalise_address(address),
            email_hash=crypto.address_hash(address),
            status=SignUp.Status.WAITING,
            waiting_since=timezone.now(),
        )


class EncryptionAtRestTests(CryptoTestCase):
    def test_the_address_is_stored_encrypted(self) -> None:
        signup = SignUp.objects.create(
            contact_point=self.point_a,
            email="Kari.Nordmann@Example.org",
            email_hash=crypto.address_hash("Kari.Nordmann@Example.org"),
        )
        stored = raw_email(signup)
        self.assertNotIn("Kari.Nordmann@Example.org", stored)
        self.assertNotIn("kari.nordmann@example.org", stored.lower())
        self.assertNotIn("nordmann", stored.lower())
        self.assertNotIn("@", stored)

    def test_the_address_reads_back_decrypted(self) -> None:
        signup = self.sign_up("kari@example.org")
        self.assertEqual(SignUp.objects.get(pk=signup.pk).email, "kari@example.org")
        self.assertEqual(crypto.decrypt(raw_email(signup)), "kari@example.org")

    def test_the_same_address_is_stored_differently_each_time(self) -> None:
        first = self.sign_up("kari@example.org")
        second = SignUp.objects.create(
            contact_point=self.point_b, email="kari@example.org", email_hash=crypto.address_hash("kari@example.org")
        )
        self.assertNotEqual(raw_email(first), raw_email(second))

    def test_no_table_holds_the_address_in_clear(self) -> None:
        self.sign_up("Kari.Nordmann@Example.org")
        stored = every_stored_value().lower()
        self.assertNotIn("kari.nordmann@example.org", stored)
        self.assertNotIn("kari.nordmann", stored)

    def test_the_address_hash_does_not_hold_the_address(self) -> None:
        signup = self.sign_up("kari@example.org")
        self.assertRegex(signup.email_hash, r"^[0-9a-f]{64}$")
        self.assertNotIn("kari", signup.email_hash)

    def test_a_row_that_no_key_can_read_is_an_error_not_garbage(self) -> None:
        signup = self.sign_up("kari@example.org")
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]), self.assertRaises(InvalidToken):
            SignUp.objects.get(pk=signup.pk)


class KeyedHashTests(CryptoTestCase):
    def test_the_same_address_written_differently_has_the_same_hash(self) -> None:
        self.assertEqual(crypto.address_hash("Kari@Example.org "), crypto.address_hash("kari@example.org"))
        self.assertEqual(crypto.address_hash("  KARI@EXAMPLE.ORG"), crypto.address_hash("kari@example.org"))

    def test_different_addresses_have_different_hashes(self) -> None:
        self.assertNotEqual(crypto.address_hash("kari@example.org"), crypto.address_hash("ola@example.org"))

    def test_the_hash_is_keyed_so_a_list_of_addresses_cannot_be_hashed_and_matched(self) -> None:
        plain = hashlib.sha256(b"kari@example.org").hexdigest()
        self.assertNotEqual(crypto.address_hash("kari@example.org"), plain)
        with override_settings(FIELD_HASH_KEY="another-key"):
            other = crypto.address_hash("kari@example.org")
        self.assertNotEqual(crypto.address_hash("kari@example.org"), other)

    def test_the_same_address_written_differently_cannot_sign_up_twice_at_one_place(self) -> None:
        self.sign_up("kari@example.org")
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.sign_up("Kari@Example.org ")
        self.assertEqual(SignUp.objects.filter(contact_point=self.point_a).count(), 1)


class KeyRotationTests(CryptoTestCase):
    def setUp(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
            self.signup = self.sign_up("kari@example.org")
        self.old_ciphertext = raw_email(self.signup)

    def test_a_row_written_under_the_old_key_still_reads_after_a_new_key_is_added(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            self.assertEqual(SignUp.objects.get(pk=self.signup.pk).email, "kari@example.org")

    def test_rotate_re_encrypts_under_the_new_key(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            rotated = crypto.rotate(self.old_ciphertext)
        self.assertNotEqual(rotated, self.old_ciphertext)
        self.assertEqual(Fernet(NEW_KEY.encode()).decrypt(rotated.encode()), b"kari@example.org")
        with self.assertRaises(InvalidToken):
            Fernet(OLD_KEY.encode()).decrypt(rotated.encode())

    def test_after_rotation_the_old_key_can_be_retired(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            call_command("rotate_field_keys", stdout=io.StringIO())
        self.assertNotEqual(raw_email(self.signup), self.old_ciphertext)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            self.assertEqual(SignUp.objects.get(pk=self.signup.pk).email, "kari@example.org")

    def test_new_rows_are_written_under_the_first_key(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            signup = SignUp.objects.create(
                contact_point=self.point_b, email="ola@example.org", email_hash=crypto.address_hash("ola@example.org")
            )
        self.assertEqual(Fernet(NEW_KEY.encode()).decrypt(raw_email(signup).encode()), b"ola@example.org")


class PrivateLinkTokenTests(CryptoTestCase):
    def test_a_token_carries_at_least_128_bits(self) -> None:
        token = crypto.new_token()
        self.assertRegex(token, URLSAFE)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        self.assertGreaterEqual(len(raw) * 8, 128)

    def test_tokens_look_random(self) -> None:
        tokens = [crypto.new_token() for _ in range(2000)]
        self.assertEqual(len(set(tokens)), len(tokens))
        characters = collections.Counter("".join(tokens))
        total = sum(characters.values())
        bits_per_character = -sum(n / total * math.log2(n / total) for n in characters.values())
        # Close to the 6 bits of a base64 character, over a whole token: far above 128.
        self.assertGreater(bits_per_character, 5.9)
        self.assertGreaterEqual(bits_per_character * min(len(t) for t in tokens), 128)

    def test_only_the_hash_of_a_link_is_stored(self) -> None:
        signup = self.sign_up("kari@example.org")
        token = links.mint(signup=signup)
        link = PrivateLink.objects.get(signup=signup)
        self.assertEqual(link.token_hash, crypto.token_hash(token))
        self.assertNotEqual(link.token_hash, token)
        self.assertNotIn(token, every_stored_value())

    def test_the_stored_hash_does_not_open_the_link(self) -> None:
        signup = self.sign_up("kari@example.org")
        token = links.mint(signup=signup)
        self.assertEqual(links.resolve(token), signup)
        self.assertIsNone(links.resolve(PrivateLink.objects.get(signup=signup).token_hash))

    def test_every_link_gets_its_own_token(self) -> None:
        signup = self.sign_up("kari@example.org")
        self.assertNotEqual(links.mint(signup=signup), links.mint(signup=signup))
