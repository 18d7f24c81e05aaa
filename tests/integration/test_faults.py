"""Nothing is lost (DESIGN.md §4.6), proved with real components.

Each test runs its own Redis on a free port, so that it can stop the broker
and start it again, and its own ``celery -A selvhjelp worker`` processes
against the test database, sending through ``flaky_mail.EmailBackend`` into a
temporary directory, where every accepted message is one file.
"""

import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test import Client, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from groups import emails as group_mail
from groups.models import IncomingSignUp, SignUp
from groups.services import signing_up
from groups.tasks import record_due_sign_ups
from outbox import sending
from outbox import tasks as outbox_tasks
from outbox.models import Email
from selvhjelp.celery import app
from tests.base import a_contact_point, signup_data
from tests.integration.stack import use_broker

DEADLINE = 30.0
REDIS_SERVER = shutil.which("redis-server")
PREFERENCES = signing_up.Preferences(format="any", time_of_day="any", languages=("en", "no", "se"), age_group="any")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.postgres
class NothingIsLostTests(TransactionTestCase):
    def setUp(self):
        self.tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.mail_dir = self.tmp / "mail"
        self.mail_dir.mkdir()
        self.redis_port = free_port()
        self.broker_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.redis_process = None
        self.addCleanup(self.stop_redis)
        self.start_redis()
        saved = (app.conf.task_always_eager, app.conf.broker_url)
        use_broker(always_eager=False, broker_url=self.broker_url)
        self.addCleanup(use_broker, always_eager=saved[0], broker_url=saved[1])
        self.workers: list[tuple[subprocess.Popen, Path]] = []
        self.addCleanup(self.stop_workers)
        self.point = a_contact_point()

    # The broker --------------------------------------------------------------

    def start_redis(self):
        self.assertIsNotNone(REDIS_SERVER, "redis-server is not installed")
        self.assertIsNone(self.redis_process)
        self.redis_process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [
                REDIS_SERVER,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.redis_port, socket_connect_timeout=1)
        self.assertTrue(self.wait_for(lambda: self.answers(client), timeout=10), "Redis did not start")

    def stop_redis(self):
        if self.redis_process is None:
            return
        self.redis_process.terminate()
        try:
            self.redis_process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.redis_process.kill()
            self.redis_process.wait(timeout=10)
        self.redis_process = None

    @staticmethod
    def answers(client):
        try:
            return client.ping()
        except redis.RedisError:
            return False

    def queue_length(self):
        client = redis.Redis(port=self.redis_port, socket_timeout=2)
        try:
            return client.llen("celery")
        except redis.RedisError:
            return None
        finally:
            client.close()

    # Workers -----------------------------------------------------------------

    def worker_env(self, **extra):
        database = settings.DATABASES["default"]
        return {
            **os.environ,
            "CELERY_BROKER_URL": self.broker_url,
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
                f"/{connection.settings_dict['NAME']}"
            ),
            "EMAIL_BACKEND": "tests.integration.flaky_mail.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            **extra,
        }

    def start_worker(self, pool="solo", **extra):
        number = len(self.workers) + 1
        log = self.tmp / f"worker-{number}.log"
        with log.open("wb") as output:
            worker = subprocess.Popen(  # noqa: S603 - our own interpreter and app
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "selvhjelp",
                    "worker",
                    f"--pool={pool}",
                    *(["--concurrency=2"] if pool == "prefork" else []),
                    "--loglevel=INFO",
                    "--without-mingle",
                    "--without-gossip",
                    "--without-heartbeat",
                    "-n",
                    f"faults-{number}@localhost",
                ],
                cwd=settings.BASE_DIR,
                env=self.worker_env(**extra),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.workers.append((worker, log))
        ready = self.wait_for(lambda: " ready." in log.read_text(errors="replace") or worker.poll() is not None)
        self.assertTrue(ready and worker.poll() is None, f"worker {number} did not start:\n{self.logs()}")
        return worker

    def stop_workers(self):
        for worker, _log in self.workers:
            if worker.poll() is None:
                worker.terminate()
        for worker, _log in self.workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)

    def logs(self):
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for _worker, log in self.workers)

    # Time and the outbox -------------------------------------------------------

    @staticmethod
    def wait_for(condition, timeout=DEADLINE, interval=0.1):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(interval)
        return condition()

    def wait_until_quiet(self, timeout=DEADLINE):
        """Until nothing waits in the queue and nothing is being sent, three checks in a row.

        (Unacknowledged messages may stay behind: those of a killed worker, and
        the retries a worker holds until their countdown ends.)
        """
        checks = []

        def quiet():
            sent = Email.objects.filter(sent_at__isnull=False).count()
            claimed = Email.objects.filter(sent_at=None, claimed_at__isnull=False).count()
            checks.append((self.queue_length(), sent, claimed))
            return len(checks) >= 3 and checks[-1][0] == 0 and len(set(checks[-3:])) == 1

        self.assertTrue(self.wait_for(quiet, timeout=timeout, interval=0.3), f"the queue never drained\n{self.logs()}")

    def age_unsent_mail(self):
        """Make every unsent message older than RELAY_AFTER, as if beat's next run had come."""
        Email.objects.filter(sent_at=None).update(
            created_at=F("created_at") - sending.RELAY_AFTER - datetime.timedelta(minutes=1)
        )

    def relay(self):
        """Run the relay task as beat would once RELAY_AFTER has passed for every unsent message
        and every sign-up not yet recorded."""
        self.age_unsent_mail()
        IncomingSignUp.objects.update(
            received_at=F("received_at") - signing_up.RECORD_INCOMING_AFTER - datetime.timedelta(minutes=1)
        )
        record_due_sign_ups()
        return outbox_tasks.relay_outbox()

    @staticmethod
    def accepted() -> int:
        """Sign-ups the form accepted: recorded, or waiting to be. One statement, so
        one snapshot, while a worker moves them from one table to the other."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM {quote(SignUp._meta.db_table)})"  # noqa: S608 - our own table names
                f" + (SELECT COUNT(*) FROM {quote(IncomingSignUp._meta.db_table)})"
            )
            return int(cursor.fetchone()[0])

    def fast_forward_backoff(self):
        Email.objects.filter(sent_at=None, next_attempt_at__isnull=False).update(next_attempt_at=timezone.now())

    def delivered(self):
        """How many messages the provider accepted for each address."""
        return Counter(message_from_bytes(path.read_bytes())["To"] for path in self.mail_dir.glob("*.eml"))

    def all_sent(self, count):
        return Email.objects.filter(sent_at__isnull=False).count() == count

    # The tests -----------------------------------------------------------------

    # The form's rate limits are not what this is about: 200 sign-ups from one client pass.
    @override_settings(SIGNUP_LIMIT_PER_CLIENT=0, SIGNUP_LIMIT_PER_CONTACT_POINT=0, SIGNUP_BURST_PER_CONTACT_POINT=0)
    def test_every_confirmation_is_sent_exactly_once_when_the_broker_is_down_for_a_while(self):
        self.start_worker()
        addresses = [f"deltaker.{n:03}@example.org" for n in range(200)]
        url = reverse("signup", args=[self.point.slug])
        client = Client()
        slowest = 0.0
        for n, address in enumerate(addresses):
            if n == 50:
                # Once the first fifty are recorded and their mail sent, so that no recorder is at work.
                # (Here the worker's cache is not this process's, so the recorder is not woken again
                # within RECORDER_WOKEN_SECONDS of the first wake: what it left, this process records.)
                self.wait_until_quiet()
                signing_up.record_waiting()
                self.wait_until_quiet()
                self.assertFalse(IncomingSignUp.objects.exists())
                self.stop_redis()
            if n == 150:
                self.assertEqual(IncomingSignUp.objects.count(), 100, "the outage kept the sign-ups from the queue")
                self.start_redis()
            started = time.monotonic()
            response = client.post(url, signup_data(email=address))
            slowest = max(slowest, time.monotonic() - started)
            self.assertEqual(response.status_code, 302, f"sign-up {n} was not accepted")
            self.assertEqual(self.accepted(), n + 1, f"sign-up {n} is not in the database")
        self.assertLess(slowest, 5, "a request waited on the dead broker")

        # Whatever reached the broker is recorded and sent; the recorder woken after
        # the outage records what waited, and the relay whatever it did not.
        self.wait_until_quiet()
        unsent = Email.objects.filter(sent_at=None).count()
        self.assertEqual(self.relay(), unsent)
        self.assertFalse(IncomingSignUp.objects.exists(), "the relay recorded every sign-up")
        self.assertEqual(SignUp.objects.count(), 200)
        self.assertEqual(Email.objects.filter(kind=group_mail.CONFIRM).count(), 200)
        self.assertTrue(self.wait_for(lambda: self.all_sent(200)), f"not everything was sent\n{self.logs()}")
        self.wait_until_quiet()

        self.assertEqual(self.relay(), 0)
        delivered = self.delivered()
        self.assertEqual(set(delivered), set(addresses))
        self.assertEqual({address for address, n in delivered.items() if n != 1}, set())

    def test_mail_the_broker_lost_in_a_restart_is_relayed_at_once_even_behind_a_long_queue(self):
        lost = [f"tapt.{n}@example.org" for n in range(3)]
        for address in lost:  # their send tasks are queued; no worker is running
            signing_up.sign_up(
                contact_point=self.point, email=address, nickname="", preferences=PREFERENCES, locale="en"
            )
        self.assertEqual(self.queue_length(), 3)
        self.stop_redis()
        time.sleep(2)  # down for as long as a restart takes
        self.start_redis()  # empty: a Redis without persistence keeps nothing over a restart
        later = [f"senere.{n}@example.org" for n in range(5)]
        for address in later:
            signing_up.sign_up(
                contact_point=self.point, email=address, nickname="", preferences=PREFERENCES, locale="en"
            )
        self.assertEqual(self.queue_length(), 5)

        # The first three are relayed at once, although the workers are behind (a queue longer than what
        # is due), where a copy of a message still queued would only lengthen it: these were lost.
        self.assertEqual(outbox_tasks.relay_outbox(), 3)
        self.assertEqual(outbox_tasks.relay_outbox(), 0, "a copy waiting its turn is not copied again")
        self.assertEqual(self.queue_length(), 8)

        self.start_worker()
        self.assertTrue(self.wait_for(lambda: self.all_sent(8)), f"not everything was sent\n{self.logs()}")
        self.wait_until_quiet()
        self.assertEqual(self.delivered(), Counter(lost + later))

    def test_a_worker_outlives_a_broker_restart_in_the_middle_of_its_work(self):
        worker = self.start_worker(pool="prefork", FLAKY_MAIL_DELAY="0.3")  # as the Procfile starts it
        addresses = [f"blunk.{n:02}@example.org" for n in range(20)]
        for address in addresses:
            signing_up.sign_up(
                contact_point=self.point, email=address, nickname="", preferences=PREFERENCES, locale="en"
            )
        self.assertTrue(self.wait_for(lambda: Email.objects.filter(sent_at__isnull=False).exists()), self.logs())
        self.stop_redis()  # while the worker holds tasks it has not acknowledged
        time.sleep(2)  # down for as long as a restart takes
        self.start_redis()

        def connected_again():
            return worker.poll() is not None or self.logs().count("Connected to") >= 2

        self.assertTrue(self.wait_for(connected_again), f"the worker did not connect again\n{self.logs()}")
        self.assertIsNone(worker.poll(), f"the worker died when the broker restarted\n{self.logs()}")
        # What the restart took from the queue, the relay sends; nothing twice.
        self.wait_until_quiet()
        self.relay()
        self.assertTrue(self.wait_for(lambda: self.all_sent(20)), f"not everything was sent\n{self.logs()}")
        self.wait_until_quiet()
        self.assertEqual(self.delivered(), Counter(addresses))

    def test_a_worker_killed_while_sending_leaves_every_email_sent(self):
        lease = 10
        self.enterContext(mock.patch.object(sending, "CLAIM_LEASE", datetime.timedelta(seconds=lease)))
        env = {"FLAKY_MAIL_DELAY": "0.2", "OUTBOX_CLAIM_LEASE_SECONDS": str(lease)}
        first = self.start_worker(**env)
        addresses = [f"drept.{n:02}@example.org" for n in range(30)]
        for address in addresses:
            signing_up.sign_up(
                contact_point=self.point, email=address, nickname="", preferences=PREFERENCES, locale="nb"
            )

        def accepted_but_not_recorded():
            """At least ten sent, and the provider has accepted one more that is not marked sent."""
            sent = Email.objects.filter(sent_at__isnull=False).count()
            in_flight = Email.objects.filter(sent_at=None, claimed_at__isnull=False).count()
            return sent >= 10 and in_flight == 1 and len(list(self.mail_dir.glob("*.eml"))) == sent + 1

        self.assertTrue(self.wait_for(accepted_but_not_recorded, interval=0.01), f"no moment to kill\n{self.logs()}")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        in_flight = list(Email.objects.filter(sent_at=None, claimed_at__isnull=False))
        self.assertEqual(len(in_flight), 1)
        # Until the lease runs out, the message counts as being sent by someone.
        self.age_unsent_mail()
        due = sending.due_for_relay()
        self.assertTrue(due, "the messages still queued are due")
        self.assertNotIn(in_flight[0].pk, due)

        self.start_worker(**env)
        self.wait_until_quiet()
        self.assertEqual(list(Email.objects.filter(sent_at=None)), in_flight, "only the one in flight is left")
        expires = in_flight[0].claimed_at + datetime.timedelta(seconds=lease)
        time.sleep(max(0.0, (expires - timezone.now()).total_seconds() + 0.5))
        self.assertEqual(self.relay(), 1)
        self.assertTrue(self.wait_for(lambda: self.all_sent(30)), f"not everything was sent\n{self.logs()}")
        self.wait_until_quiet()

        delivered = self.delivered()
        self.assertEqual(set(delivered), set(addresses))
        self.assertLessEqual(sum(delivered.values()) - len(addresses), 1)
        self.assertEqual({address for address, n in delivered.items() if n > 1}, {in_flight[0].signup.email})

    def test_mail_is_delivered_after_the_provider_recovers_and_never_twice(self):
        down = self.tmp / "provider-down"
        down.touch()
        self.start_worker(FLAKY_MAIL_DOWN_FLAG=str(down))
        addresses = [f"nede.{n:02}@example.org" for n in range(20)]
        for address in addresses:
            signing_up.sign_up(
                contact_point=self.point, email=address, nickname="", preferences=PREFERENCES, locale="en"
            )

        def failed(times):
            return lambda: Email.objects.filter(attempts__gte=times, claimed_at=None).count() == len(addresses)

        self.assertTrue(self.wait_for(failed(1)), f"the sends did not fail\n{self.logs()}")
        now = timezone.now()
        for email in Email.objects.all():
            self.assertIsNone(email.sent_at)
            self.assertEqual(email.error, "AnymailAPIError")
            self.assertGreater(email.next_attempt_at, now + datetime.timedelta(seconds=25), "no backoff")
        # Not due yet: the relay leaves them alone while they back off.
        self.assertEqual(self.relay(), 0)

        # Still down when their turn comes again.
        self.fast_forward_backoff()
        self.assertEqual(self.relay(), len(addresses))
        self.assertTrue(self.wait_for(failed(2)), f"the second tries did not fail\n{self.logs()}")
        self.assertEqual(self.delivered(), Counter())

        down.unlink()
        self.fast_forward_backoff()
        self.assertEqual(self.relay(), len(addresses))
        self.assertTrue(self.wait_for(lambda: self.all_sent(len(addresses))), f"not everything was sent\n{self.logs()}")
        self.wait_until_quiet()
        self.assertEqual(self.relay(), 0)

        delivered = self.delivered()
        self.assertEqual(set(delivered), set(addresses))
        self.assertEqual({address for address, n in delivered.items() if n != 1}, set())
        self.assertEqual(set(Email.objects.values_list("error", flat=True)), {""})
        self.assertTrue(all(attempts >= 2 for attempts in Email.objects.values_list("attempts", flat=True)))
