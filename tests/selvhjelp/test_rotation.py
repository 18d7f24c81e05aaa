"""Keys that turn over: a new key re-encrypts every live value, and a key
superseded for longer than backups keep deleted rows is deleted, so that a
ciphertext left anywhere from a deleted person can no longer be read."""

import datetime
import io
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from groups.models import SignUp
from groups.services import signing_up
from selvhjelp import crypto, keyring, rotation, tasks
from selvhjelp.crypto import address_hash
from tests.base import Personas

DAY = datetime.timedelta(days=1)


def stored(signup_id: int) -> tuple[str, str]:
    """The address and nickname as the table holds them: what a copy of the disk would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, nickname FROM groups_signup WHERE id = %s", [signup_id])
        return cursor.fetchone()


class KeyTurnoverTests(Personas):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.keys = Path(folder.name) / "field-keys"
        # Only the keys the app turns over: no operator key that would outlive them.
        self.enterContext(override_settings(FIELD_KEYS_DIR=self.keys, FIELD_ENCRYPTION_KEYS=[]))
        self.start = timezone.now()
        keyring.make_key(self.start - 30 * DAY)

    def person(self, address: str, nickname: str = "Kari") -> SignUp:
        return SignUp.objects.create(
            contact_point=self.point_a, email=address, email_hash=address_hash(address), nickname=nickname
        )

    def test_a_new_key_encrypts_from_then_on_and_every_live_value_is_encrypted_again(self) -> None:
        person = self.person("kari@example.org")
        before = stored(person.pk)
        self.assertTrue(rotation.rotate(now=self.start))
        self.assertEqual(len(keyring.key_files()), 2)
        after = stored(person.pk)
        self.assertNotEqual(after, before)
        newest = keyring.key_files()[0].key
        self.assertEqual(Fernet(newest.encode()).decrypt(after[0].encode()).decode(), "kari@example.org")
        self.assertEqual((SignUp.objects.get().email, SignUp.objects.get().nickname), ("kari@example.org", "Kari"))

    def test_a_ciphertext_kept_from_before_a_deletion_cannot_be_read_once_its_key_is_retired(self) -> None:
        gone = self.person("gone@example.org", nickname="Ola Nordmann")
        kept = self.person("kept@example.org")
        captured = stored(gone.pk)  # as a table file, the WAL or a backup would keep it
        signing_up.withdraw(signup=gone)
        self.assertEqual(crypto.decrypt(captured[1]), "Ola Nordmann")  # still readable: the key is there
        rotation.rotate(now=self.start)
        # Not before backups and WAL archives have let go of the deleted rows.
        self.assertEqual(rotation.retire(now=self.start + DAY), [])
        self.assertEqual(crypto.decrypt(captured[0]), "gone@example.org")
        later = self.start + datetime.timedelta(days=35) + DAY
        self.assertEqual(len(rotation.retire(now=later)), 1)
        for value in captured:
            with self.assertRaises(InvalidToken):
                crypto.decrypt(value)
        self.assertEqual(SignUp.objects.get(pk=kept.pk).email, "kept@example.org")  # the living are read as ever

    def test_a_value_a_process_wrote_with_the_old_key_is_encrypted_again_before_the_key_goes(self) -> None:
        rotation.rotate(now=self.start)
        person = self.person("late@example.org")
        old_key = keyring.key_files()[1].key
        with connection.cursor() as cursor:
            written = Fernet(old_key.encode()).encrypt(b"late@example.org").decode()
            cursor.execute("UPDATE groups_signup SET email = %s WHERE id = %s", [written, person.pk])
        rotation.retire(now=self.start + datetime.timedelta(days=40))
        self.assertEqual(SignUp.objects.get(pk=person.pk).email, "late@example.org")

    def test_the_scheduled_job_makes_a_key_only_when_the_newest_is_a_week_old(self) -> None:
        keyring.make_key(timezone.now() - 2 * DAY)
        tasks.turn_over_field_keys()
        self.assertEqual(len(keyring.key_files()), 2)
        with override_settings(FIELD_KEY_ROTATE_DAYS=1):
            tasks.turn_over_field_keys()
        self.assertEqual(len(keyring.key_files()), 3)

    def test_the_commands_make_a_key_and_retire_old_ones(self) -> None:
        self.person("kari@example.org")
        call_command("rotate_field_keys", "--new-key", stdout=io.StringIO())
        self.assertEqual(len(keyring.key_files()), 2)
        with override_settings(FIELD_KEY_RETIRE_AFTER_DAYS=0):
            call_command("retire_field_keys", stdout=io.StringIO())
        self.assertEqual(len(keyring.key_files()), 1)
        self.assertEqual(SignUp.objects.get().email, "kari@example.org")

    def test_every_encrypted_column_is_turned_over(self) -> None:
        columns = {(model._meta.label, column) for model, column in rotation.encrypted_columns()}
        self.assertLessEqual(
            {
                ("groups.SignUp", "email"),
                ("groups.SignUp", "nickname"),
                ("groups.IncomingSignUp", "email"),
                ("groups.IncomingSignUp", "nickname"),
                ("groups.AddressExchange", "email"),
                ("groups.AddressExchange", "nickname"),
            },
            columns,
        )
