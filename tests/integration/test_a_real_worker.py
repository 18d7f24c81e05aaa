"""With a broker configured, mail goes through Redis and a real Celery worker."""

import os
import subprocess
import sys
import tempfile
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase

from groups.models import SignUp
from groups.services import signing_up
from outbox.models import Email
from selvhjelp.celery import app
from tests.base import a_contact_point
from tests.integration.stack import use_broker

BROKER = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.postgres
class RealWorkerTests(TransactionTestCase):
    def setUp(self):
        self.mail_dir = Path(self.enterContext(tempfile.TemporaryDirectory()))
        database = settings.DATABASES["default"]
        env = {
            **os.environ,
            "CELERY_BROKER_URL": BROKER,
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
                f"/{connection.settings_dict['NAME']}"
            ),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
        }
        subprocess.run(  # an empty queue, whatever an earlier run left
            [sys.executable, "-m", "celery", "-A", "selvhjelp", "purge", "-f"],
            env=env,
            check=False,
            capture_output=True,
        )
        self.worker = subprocess.Popen(  # noqa: S603 - our own interpreter and app
            [sys.executable, "-m", "celery", "-A", "selvhjelp", "worker", "--pool=solo", "--loglevel=INFO"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.addCleanup(self.stop_worker)
        self.saved = (app.conf.task_always_eager, app.conf.broker_url)
        use_broker(always_eager=False, broker_url=BROKER)
        self.addCleanup(use_broker, always_eager=self.saved[0], broker_url=self.saved[1])
        self.point = a_contact_point()

    def stop_worker(self):
        self.worker.terminate()
        try:
            self.output = self.worker.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            self.worker.kill()
            self.output = ""

    def wait_for(self, condition, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.2)
        return False

    def test_a_confirmation_email_is_sent_by_the_worker_with_only_an_id_in_the_queue(self):
        address = "kari.worker@example.org"
        signing_up.sign_up(
            contact_point=self.point,
            email=address,
            nickname="",
            preferences=signing_up.Preferences(
                format="any", time_of_day="any", languages=("en", "no", "se"), age_group="any"
            ),
            locale="en",
        )
        self.assertTrue(self.wait_for(lambda: Email.objects.filter(sent_at__isnull=False).exists()), "never sent")
        messages = [message_from_bytes(path.read_bytes()) for path in self.mail_dir.iterdir()]
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages[0]["To"], address)
        self.assertEqual(messages[0]["Subject"], "Please confirm your email address")
        self.assertEqual(SignUp.objects.get().status, SignUp.Status.UNCONFIRMED)
        self.stop_worker()
        self.assertIn("outbox.tasks.send_email", self.output)
        self.assertNotIn(address, self.output)
        self.assertNotIn("kari.worker", self.output)

    def others_connected(self) -> set[tuple[int, object]]:
        """The other connections to the test database (the worker's), each by its process and start."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, backend_start FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
            return set(cursor.fetchall())

    def test_the_worker_keeps_its_database_connection_from_one_email_to_the_next(self):
        """As the web keeps it from one request to the next: not a new PostgreSQL process for each email."""
        preferences = signing_up.Preferences(format="any", time_of_day="any", languages=("no",), age_group="any")

        def sign_up_and_wait(n: int) -> None:
            signing_up.sign_up(
                contact_point=self.point, email=f"p{n}@example.org", nickname="", preferences=preferences, locale="nb"
            )
            self.assertTrue(self.wait_for(lambda: Email.objects.filter(sent_at__isnull=False).count() == n + 1))

        sign_up_and_wait(0)
        connected = self.others_connected()
        self.assertTrue(connected, "the worker closed its connection after its task")
        for n in range(1, 4):
            sign_up_and_wait(n)
        self.assertEqual(self.others_connected(), connected)
