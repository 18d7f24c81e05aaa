"""Sessions are read with one fixed statement, and are Django's database sessions in everything else."""

import datetime

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from selvhjelp.sessions import SessionStore


class SessionStoreTests(TestCase):
    def test_it_is_the_store_the_site_uses(self) -> None:
        self.assertEqual(settings.SESSION_ENGINE, "selvhjelp.sessions")

    def test_a_session_reads_back_what_was_written(self) -> None:
        written = DjangoSessionStore()
        written["seen_at"] = 1234
        written["pending"] = {"user": 5, "next": "/ansatt/"}
        written.create()
        read = SessionStore(written.session_key)
        self.assertEqual(dict(read.items()), {"seen_at": 1234, "pending": {"user": 5, "next": "/ansatt/"}})
        self.assertEqual(read.session_key, written.session_key)

    def test_an_expired_session_reads_as_empty_and_gets_a_new_key_when_saved(self) -> None:
        written = SessionStore()
        written["seen_at"] = 1
        written.create()
        Session.objects.filter(session_key=written.session_key).update(
            expire_date=timezone.now() - datetime.timedelta(seconds=1)
        )
        read = SessionStore(written.session_key)
        self.assertEqual(dict(read.items()), {})
        read["seen_at"] = 2
        read.save()
        self.assertNotEqual(read.session_key, written.session_key)

    def test_an_unknown_or_malformed_key_reads_as_empty(self) -> None:
        other = SessionStore()
        other["seen_at"] = 1
        other.create()
        self.assertEqual(dict(SessionStore("x" * 32).items()), {})
        self.assertEqual(dict(SessionStore("short").items()), {})
        self.assertEqual(dict(SessionStore("abcdefgh' OR 'a' = 'a").items()), {})
        self.assertEqual(dict(SessionStore(other.session_key).items()), {"seen_at": 1})

    def test_ending_and_cleaning_up_are_djangos_own(self) -> None:
        kept, ended = SessionStore(), SessionStore()
        kept.create()
        ended.create()
        Session.objects.filter(session_key=ended.session_key).update(
            expire_date=timezone.now() - datetime.timedelta(days=1)
        )
        call_command("clearsessions")
        self.assertEqual(list(Session.objects.values_list("session_key", flat=True)), [kept.session_key])
        kept.flush()
        self.assertFalse(Session.objects.exists())
