"""Nothing kept: after a sign-up is withdrawn, expires or is handed off, a scan
of every column of every table finds nothing that leads to the person.

The scan reads the schema from the database, so a table added later is
scanned too without anyone remembering to add it here.
"""

import datetime
import io
import logging
import re
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from contactpoints import services as contact_point_services
from contactpoints.models import ContactPoint, County, Municipality, NoticeRequest
from groups import tasks
from groups.models import AddressExchange, Group, PrivateLink, SignUp
from groups.services import answering, signing_up
from selvhjelp import crypto, keyring, rotation
from selvhjelp import tasks as selvhjelp_tasks
from selvhjelp.crypto import address_hash, token_hash
from selvhjelp.logging import RedactAddresses
from tests.base import VIDEO_LINK, Personas, link_token, signup_data, start_group
from tests.contactpoints.test_notices import form_data, notice_token, remove_path
from tests.database import encrypted_fields_holding as find_encrypted
from tests.database import text_columns_holding as find
from tests.groups.test_signing_up import leave, the_button


def references_to_signups() -> list[tuple[str, str]]:
    """Every column anywhere that is a foreign key to a sign-up."""
    found = []
    target = SignUp._meta.db_table
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for constraint in connection.introspection.get_constraints(cursor, table).values():
                if constraint.get("foreign_key") and constraint["foreign_key"][0] == target:
                    found.extend((table, column) for column in constraint["columns"])
    return found


def everyone_says_yes_and_the_group_meets(test: TestCase, group: Group) -> None:
    """Everyone invited says yes; the first meeting takes place, and the group is handed off."""
    for signup in SignUp.objects.all():
        with test.captureOnCommitCallbacks(execute=True):
            answering.answer(signup=signup, reply="yes")
    Group.objects.filter(pk=group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=4))
    with test.captureOnCommitCallbacks(execute=True):
        tasks.hand_off_due()


class ErasureTests(Personas):
    def trail(self, address: str, token: str, signup_id: int) -> list[str]:
        hits = []
        for needle in (address, address.lower(), address_hash(address), token, token_hash(token)):
            hits += [f"{needle[:12]}… in {place}" for place in find(needle)]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table, column in references_to_signups():
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} WHERE {quote(column)} = %s",  # noqa: S608 - names from the schema
                    [signup_id],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"sign-up {signup_id} in {table}.{column}")
        return hits

    def sign_up_and_confirm(self, address: str, client: Client | None = None, **preferences: str) -> tuple[str, int]:
        client = client or Client()
        with self.captureOnCommitCallbacks(execute=True):
            client.post(reverse("signup", args=[self.point_a.slug]), signup_data(email=address, **preferences))
        token = link_token(mail.outbox[-1])
        with self.captureOnCommitCallbacks(execute=True):
            client.post(reverse("signup_page", args=[token]), {"action": "confirm"})
            client.get(reverse("signup_page", args=[token]))  # messages end up in the session or a cookie
        return token, SignUp.objects.get(email_hash=address_hash(address)).pk

    def admin_touches_the_contact_point(self):
        LogEntry.objects.log_actions(
            user_id=self.staff_a.pk,
            queryset=ContactPoint.objects.filter(pk=self.point_a.pk),
            action_flag=CHANGE,
            change_message="Changed opening hours",
        )
        self.assertTrue(ContentType.objects.exists())

    def test_the_scan_finds_a_person_who_is_still_there(self):
        token, signup_id = self.sign_up_and_confirm("Still.Here@Example.org")
        self.assertTrue(self.trail("Still.Here@Example.org", token, signup_id))

    def test_nothing_is_left_after_a_withdrawal(self):
        address = "Withdrawn.Person@Example.org"
        token, signup_id = self.sign_up_and_confirm(address, nickname="Vera")
        self.admin_touches_the_contact_point()
        with self.captureOnCommitCallbacks(execute=True):
            leave(Client(), reverse("signup_page", args=[token]))
        self.assertEqual(self.trail(address, token, signup_id), [])
        self.assertEqual(find("Vera"), [])

    def test_nothing_is_left_after_a_place_runs_out(self):
        address = "Expired.Person@Example.org"
        token, signup_id = self.sign_up_and_confirm(address)
        SignUp.objects.filter(pk=signup_id).update(expires_at=timezone.now() - datetime.timedelta(days=1))
        with self.captureOnCommitCallbacks(execute=True):
            tasks.warn_expiring()
            tasks.expire_signups()
        self.assertEqual(self.trail(address, token, signup_id), [])

    def test_nothing_is_left_after_an_unconfirmed_sign_up_lapses(self):
        address = "Never.Confirmed@Example.org"
        with self.captureOnCommitCallbacks(execute=True):
            Client().post(reverse("signup", args=[self.point_a.slug]), signup_data(email=address))
        token = link_token(mail.outbox[-1])
        signup_id = SignUp.objects.get().pk
        SignUp.objects.update(created_at=timezone.now() - datetime.timedelta(hours=49))
        tasks.delete_unconfirmed()
        self.assertEqual(self.trail(address, token, signup_id), [])

    def test_nothing_is_left_of_the_members_after_a_hand_off(self):
        prefs = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
        members = []
        for n in range(5):
            address = f"Member.{n}@Example.org"
            members.append((address, *self.sign_up_and_confirm(address, nickname=f"Nick{n}", **prefs)))
        with self.captureOnCommitCallbacks(execute=True):
            group = start_group(
                self.point_a, by=self.staff_a, seats=5, first_meeting=timezone.now() + datetime.timedelta(days=2)
            )
        invitation_tokens = {m.to[0]: link_token(m) for m in mail.outbox if "/p/" in m.body}
        for address, _token, _signup_id in members:
            with self.captureOnCommitCallbacks(execute=True):
                Client().post(
                    reverse("signup_page", args=[invitation_tokens[address.lower()]]),
                    {"action": "answer", "reply": "yes"},
                )
        Group.objects.filter(pk=group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=4))
        with self.captureOnCommitCallbacks(execute=True):
            tasks.hand_off_due()
        self.assertEqual(Group.objects.get().status, Group.Status.HANDED_OFF)
        # For a few days the members who were there may share their addresses; then those go too.
        self.assertEqual(AddressExchange.objects.count(), 5)
        over = timezone.now() + datetime.timedelta(days=settings.ADDRESS_EXCHANGE_DAYS, hours=5)
        with mock.patch("django.utils.timezone.now", return_value=over):
            tasks.end_address_exchanges()
        for address, token, signup_id in members:
            self.assertEqual(self.trail(address, token, signup_id), [], address)
            self.assertEqual(self.trail(address, invitation_tokens[address.lower()], signup_id), [], address)
        self.assertFalse(PrivateLink.objects.exists())
        for n in range(5):
            self.assertEqual(find(f"Nick{n}"), [])

    def nationwide_video_list(self) -> ContactPoint:
        """A nationwide video list, which Sentral A's form offers once Sentral A meets by video too."""
        ContactPoint.objects.filter(pk=self.point_a.pk).update(offers_video=True)
        return ContactPoint.objects.create(
            slug="video",
            name="Videogruppene",
            kind=ContactPoint.Kind.SELF_HELP_CENTRE,
            municipality=self.oslo,
            nationwide=True,
            offers_in_person=False,
            offers_video=True,
        )

    def test_nothing_is_left_after_leaving_every_list_one_form_joined(self):
        address = "Two.Lists@Example.org"
        video = self.nationwide_video_list()
        client = Client()
        with self.captureOnCommitCallbacks(execute=True):
            client.post(
                reverse("signup", args=[self.point_a.slug]),
                signup_data(email=address, nickname="Vilde", also_nationwide=video.pk),
            )
        token = link_token(mail.outbox[-1])
        with self.captureOnCommitCallbacks(execute=True):
            client.post(reverse("signup_page", args=[token]), {"action": "confirm"})
        signup_ids = list(SignUp.objects.values_list("pk", flat=True))
        self.assertEqual(len(signup_ids), 2)
        for point in (video, self.point_a):
            url = reverse("withdraw_place", args=[token, point.pk])
            with self.captureOnCommitCallbacks(execute=True):
                client.post(url, the_button(client.get(url).content.decode()))
        for signup_id in signup_ids:
            self.assertEqual(self.trail(address, token, signup_id), [])
        self.assertEqual(find("Vilde"), [])

    def test_nothing_is_left_after_a_yes_on_one_list_and_the_hand_off(self):
        prefs = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
        video = self.nationwide_video_list()
        address = "Two.Lists@Example.org"
        client = Client()
        with self.captureOnCommitCallbacks(execute=True):
            client.post(
                reverse("signup", args=[self.point_a.slug]),
                signup_data(email=address, also_nationwide=video.pk, **{**prefs, "format": "any"}),
            )
        token = link_token(mail.outbox[-1])
        with self.captureOnCommitCallbacks(execute=True):
            client.post(reverse("signup_page", args=[token]), {"action": "confirm"})
        signup_ids = list(SignUp.objects.values_list("pk", flat=True))
        for n in range(4):
            self.sign_up_and_confirm(f"Member.{n}@Example.org", **prefs)
        with self.captureOnCommitCallbacks(execute=True):
            group = start_group(self.point_a, by=self.staff_a, seats=5)
        everyone_says_yes_and_the_group_meets(self, group)
        self.assertEqual(Group.objects.get().status, Group.Status.HANDED_OFF)
        over = timezone.now() + datetime.timedelta(days=settings.ADDRESS_EXCHANGE_DAYS, hours=5)
        with mock.patch("django.utils.timezone.now", return_value=over):
            tasks.end_address_exchanges()
        for signup_id in signup_ids:
            self.assertEqual(self.trail(address, token, signup_id), [])
        self.assertFalse(SignUp.objects.exists())

    def test_nothing_is_left_of_a_video_groups_link_after_its_hand_off(self):
        ContactPoint.objects.filter(pk=self.point_a.pk).update(offers_video=True)
        self.point_a.refresh_from_db()
        video = {"format": "video", "time_of_day": "daytime", "language": "no", "age_group": "45-59"}
        members = [self.sign_up_and_confirm(f"Video.{n}@Example.org", **video) for n in range(5)]
        with self.captureOnCommitCallbacks(execute=True):
            group = start_group(self.point_a, by=self.staff_a, seats=5, **video)
        self.assertEqual(find_encrypted(VIDEO_LINK), ["groups_group.joining_link"])
        everyone_says_yes_and_the_group_meets(self, group)
        self.assertEqual(Group.objects.get().status, Group.Status.HANDED_OFF)
        self.assertEqual(find_encrypted(VIDEO_LINK), [])
        self.assertEqual(find_encrypted("No account needed"), [])
        self.assertEqual(find(VIDEO_LINK), [])
        over = timezone.now() + datetime.timedelta(days=settings.ADDRESS_EXCHANGE_DAYS, hours=5)
        with mock.patch("django.utils.timezone.now", return_value=over):
            tasks.end_address_exchanges()
        for n, (token, signup_id) in enumerate(members):
            self.assertEqual(self.trail(f"Video.{n}@Example.org", token, signup_id), [])
            self.assertEqual(find_encrypted(f"Video.{n}@Example.org"), [])


class NoticeRequestErasureTests(Personas):
    """Someone who asked to be told when a contact point opens leaves nothing once told, or once they
    remove their request."""

    address = "told.once@example.org"

    def setUp(self) -> None:
        self.alta = Municipality.objects.create(number="5601", name="Alta", county=self.finnmark)

    def ask(self) -> str:
        with self.captureOnCommitCallbacks(execute=True):
            Client().post(reverse("notice_ask"), form_data(self.alta, email=self.address))
        return notice_token(mail.outbox[-1])

    def trail(self, *tokens: str) -> list[str]:
        needles = [self.address, address_hash(self.address), *tokens, *(token_hash(t) for t in tokens)]
        return [f"{needle[:12]}… in {place}" for needle in needles for place in find(needle)] + [
            f"the address in {place}" for place in find_encrypted(self.address)
        ]

    def test_the_scan_finds_a_request_that_is_still_there(self) -> None:
        token = self.ask()
        self.assertIn("the address in contactpoints_noticerequest.email", self.trail(token))

    def test_nothing_is_left_after_the_notice_is_sent(self) -> None:
        token = self.ask()
        with self.captureOnCommitCallbacks(execute=True):
            Client().post(reverse("notice_request", args=[token]), {"action": "confirm"})
        point = ContactPoint.objects.create(
            slug="alta-frivilligsentral",
            name="Alta frivilligsentral",
            kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
            municipality=self.alta,
            is_active=False,
            offers_in_person=False,
            offers_telephone=True,
            description="Vi hjelper folk å starte selvhjelpsgrupper, på telefon og i byen.",
            opening_hours="Hverdager 9–15",
            public_email="post@alta.example",
        )
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            contact_point_services.publish(contact_point=point)
        self.assertEqual([m.to for m in mail.outbox], [[self.address]])
        self.assertFalse(NoticeRequest.objects.exists())
        self.assertEqual(self.trail(token), [])

    def test_nothing_is_left_after_the_person_removes_the_request(self) -> None:
        token = self.ask()
        with self.captureOnCommitCallbacks(execute=True):
            Client().post(remove_path(mail.outbox[-1]))
        self.assertFalse(NoticeRequest.objects.exists())
        self.assertEqual(self.trail(token), [])


class NoAddressInLogsTests(Personas):
    def test_the_whole_story_logged_at_debug_level_holds_no_address_or_link(self):
        # A video group: its link to join must not be logged either.
        ContactPoint.objects.filter(pk=self.point_a.pk).update(offers_video=True)
        self.point_a.refresh_from_db()
        prefs = {"format": "video", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
        addresses = [f"Logged.{n}@Example.org" for n in range(5)]
        tokens = []
        written = self.capture_the_real_log_output()
        with self.settings(DEBUG=True):
            for address in addresses:
                with self.captureOnCommitCallbacks(execute=True):
                    Client().post(reverse("signup", args=[self.point_a.slug]), signup_data(email=address, **prefs))
                token = link_token(mail.outbox[-1])
                tokens.append(token)
                with self.captureOnCommitCallbacks(execute=True):
                    Client().post(reverse("signup_page", args=[token]), {"action": "confirm"})
            Client().get("/p/a-mistyped-link/")
            with self.captureOnCommitCallbacks(execute=True):
                group = start_group(
                    self.point_a,
                    by=self.staff_a,
                    seats=5,
                    first_meeting=timezone.now() + datetime.timedelta(days=2),
                    **prefs,
                )
            everyone_says_yes_and_the_group_meets(self, group)
        self.assertTrue(any(VIDEO_LINK in m.body for m in mail.outbox))  # it was sent, to members
        output = written.getvalue().lower()
        self.assertNotIn(VIDEO_LINK.lower(), output)
        self.assertNotIn("meet.example", output)
        self.assertIn("select", output)  # the SQL log was on
        for address in addresses:
            self.assertNotIn(address.lower(), output)
        for token in tokens:
            self.assertNotIn(token.lower(), output)
        self.assertNotIn("a-mistyped-link", output)

    def capture_the_real_log_output(self) -> io.StringIO:
        """Point the configured handlers at a buffer, at DEBUG level, SQL included."""
        stream = io.StringIO()
        handlers = {h for name in ("", "django") for h in logging.getLogger(name).handlers}
        handlers = {h for h in handlers if any(isinstance(f, RedactAddresses) for f in h.filters)}
        self.assertTrue(handlers)
        for handler in handlers:
            old_stream = handler.setStream(stream)
            self.addCleanup(handler.setStream, old_stream)
        for name in ("", "django", "django.db.backends", "celery", "groups"):
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(logging.DEBUG)
        connection.force_debug_cursor = True
        self.addCleanup(setattr, connection, "force_debug_cursor", False)
        return stream


FERNET_TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_\-]{40,}={0,2}")


@pytest.mark.postgres
class ErasureOnDiskTests(TransactionTestCase):
    """What a deleted person leaves in the table files and the WAL: no plain text,
    and once the documented vacuum, rotation and retirement have run, no
    ciphertext that can still be read."""

    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.enterContext(override_settings(FIELD_KEYS_DIR=Path(folder.name), FIELD_ENCRYPTION_KEYS=[]))
        keyring.make_key(timezone.now() - datetime.timedelta(days=30))
        county = County.objects.create(number="03", name="Oslo")
        municipality = Municipality.objects.create(number="0301", name="Oslo", county=county)
        self.point = ContactPoint.objects.create(
            slug="sentral", name="Sentral", kind="other", municipality=municipality
        )

    def files(self, *tables: str) -> bytes:
        """The bytes PostgreSQL has on disk for these tables, and its current WAL segment."""
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
            cursor.execute("SHOW data_directory")
            data = Path(cursor.fetchone()[0])
            paths = []
            for table in tables:
                cursor.execute("SELECT pg_relation_filepath(%s)", [table])
                paths.append(data / cursor.fetchone()[0])
            cursor.execute("SELECT pg_walfile_name(pg_current_wal_lsn())")
            paths.append(data / "pg_wal" / cursor.fetchone()[0])
        content = b""
        for path in paths:
            # Every segment of the table (1 GB each) and nothing else.
            for segment in sorted(path.parent.glob(path.name + "*")):
                if segment.name == path.name or segment.name.startswith(path.name + "."):
                    content += segment.read_bytes()
        return content

    def stored(self) -> dict[int, tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, email, nickname FROM groups_signup")
            return {row_id: (email, nickname) for row_id, email, nickname in cursor.fetchall()}

    def test_a_withdrawn_person_leaves_nothing_readable_on_disk_after_vacuum_and_rotation(self) -> None:
        # Someone who stays keeps the table's page in use, so the deleted row's bytes stay in it.
        stays = SignUp.objects.create(
            contact_point=self.point, email="stays@example.org", email_hash=address_hash("stays@example.org")
        )
        address, nickname = "disk.kari@example.org", "Kari Diskvik"
        signup = SignUp.objects.create(
            contact_point=self.point, email=address, email_hash=address_hash(address), nickname=nickname
        )
        captured = self.stored()[signup.pk]
        signing_up.withdraw(signup=signup)
        selvhjelp_tasks.vacuum_deleted_rows()
        on_disk = self.files("groups_signup")
        # Never in plain text: not in the table file, not in the WAL.
        self.assertNotIn(address.encode(), on_disk)
        self.assertNotIn(nickname.encode(), on_disk)
        # But the deleted row's ciphertext is still there, and the key reads it (the hole the review found).
        self.assertIn(captured[0].encode(), on_disk)
        self.assertEqual(crypto.decrypt(captured[0]), address)

        # The documented steps: a new key re-encrypts everything; the old key goes after the window.
        now = timezone.now()
        rotation.rotate(now=now, force=True)
        retired = rotation.retire(now=now + datetime.timedelta(days=settings.FIELD_KEY_RETIRE_AFTER_DAYS + 1))
        self.assertEqual(len(retired), 1)
        selvhjelp_tasks.vacuum_deleted_rows()
        on_disk = self.files("groups_signup")
        live = {value.encode() for value in self.stored()[stays.pk]}
        readable = [token for token in FERNET_TOKEN.findall(on_disk) if token not in live and _decrypts(token)]
        self.assertEqual(readable, [])
        for value in captured:
            with self.assertRaises(InvalidToken):
                crypto.decrypt(value)
        self.assertEqual(SignUp.objects.get(pk=stays.pk).email, "stays@example.org")


def _decrypts(token: bytes) -> bool:
    try:
        crypto.decrypt(token.decode())
    except InvalidToken:
        return False
    return True
