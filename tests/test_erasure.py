"""Nothing kept: after a sign-up is withdrawn, expires or is handed off, a scan
of every column of every table finds nothing that leads to the person.

The scan reads the schema from the database, so a table added later is
scanned too without anyone remembering to add it here.
"""

import datetime
import io
import logging

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import ContactPoint
from groups import tasks
from groups.models import Group, PrivateLink, SignUp
from groups.services import answering
from selvhjelp.crypto import address_hash, token_hash
from selvhjelp.logging import RedactAddresses
from tests.base import Personas, link_token, signup_data, start_group

TEXT_TYPES = ("char", "text", "json", "bytea", "blob", "clob", "uuid")


def text_columns() -> list[tuple[str, str]]:
    """Every text, JSON and binary column of every table, read from the database."""
    columns = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                kind = connection.introspection.get_field_type(column.type_code, column).lower()
                if any(word in kind for word in TEXT_TYPES) or kind in ("textfield", "charfield", "jsonfield"):
                    columns.append((table, column.name))
    return columns


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


def find(needle: str) -> list[str]:
    hits = []
    quote = connection.ops.quote_name
    cast = "CAST({} AS TEXT)" if connection.vendor == "sqlite" else "{}::text"
    with connection.cursor() as cursor:
        for table, column in text_columns():
            expression = cast.format(quote(column))
            cursor.execute(
                f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER({expression}) LIKE %s",  # noqa: S608 - names from the schema
                [f"%{needle.lower()}%"],
            )
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


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
            Client().post(reverse("signup_page", args=[token]), {"action": "withdraw"})
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
                    {"action": "answer", "reply": "yes", "share_email": "on"},
                )
        Group.objects.filter(pk=group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=4))
        with self.captureOnCommitCallbacks(execute=True):
            tasks.hand_off_due()
        self.assertEqual(Group.objects.get().status, Group.Status.HANDED_OFF)
        for address, token, signup_id in members:
            self.assertEqual(self.trail(address, token, signup_id), [], address)
            self.assertEqual(self.trail(address, invitation_tokens[address.lower()], signup_id), [], address)
        self.assertFalse(PrivateLink.objects.exists())
        self.assertEqual(find("Nick"), [])


class NoAddressInLogsTests(Personas):
    def test_the_whole_story_logged_at_debug_level_holds_no_address_or_link(self):
        prefs = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
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
                    self.point_a, by=self.staff_a, seats=5, first_meeting=timezone.now() + datetime.timedelta(days=2)
                )
            for signup in SignUp.objects.all():
                answering.answer(signup=signup, reply="yes", share_email=True)
            Group.objects.filter(pk=group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=4))
            with self.captureOnCommitCallbacks(execute=True):
                tasks.hand_off_due()
        output = written.getvalue().lower()
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
