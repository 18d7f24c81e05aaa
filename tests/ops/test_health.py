"""/helse/ asks the database and the broker; /helse/live/ only says the process is up."""

import shutil
import socket
import subprocess
import time
from unittest import mock

import pytest
import redis
from django.db import OperationalError
from django.test import Client, SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from tests.ops.production import production_security_overrides, production_settings

REDIS_SERVER = shutil.which("redis-server")


def closed_port() -> int:
    """A port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def broker_at(url: str):  # type: ignore[no-untyped-def]
    return override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url)


class HealthTests(TestCase):
    def test_it_is_ok_when_the_database_answers_and_tasks_run_in_process(self):
        response = self.client.get(reverse("health"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.json(), {"status": "ok", "checks": {"database": "ok", "broker": "skipped"}})
        self.assertIn("no-store", response["Cache-Control"])

    def test_it_is_503_when_the_broker_does_not_answer(self):
        url = f"redis://127.0.0.1:{closed_port()}/0"
        started = time.monotonic()
        with broker_at(url), self.assertLogs("selvhjelp.health", "WARNING") as logs:
            response = self.client.get(reverse("health"))
        self.assertLess(time.monotonic() - started, 10, "the check must give up quickly")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(
            response.json(), {"status": "unavailable", "checks": {"database": "ok", "broker": "unavailable"}}
        )
        self.assertNotIn(url.split(":")[-1].split("/")[0], response.content.decode())
        # The log names the kind of failure, not where the broker is.
        self.assertNotIn("127.0.0.1", "\n".join(logs.output))

    def test_it_is_503_when_the_database_does_not_answer(self):
        failing = mock.Mock()
        failing.cursor.side_effect = OperationalError('connection to server at "db.internal" (10.0.0.5) failed')
        with mock.patch("selvhjelp.health.connection", failing), self.assertLogs("selvhjelp.health", "WARNING") as logs:
            response = self.client.get(reverse("health"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(
            response.json(), {"status": "unavailable", "checks": {"database": "unavailable", "broker": "skipped"}}
        )
        body = response.content.decode()
        self.assertNotIn("10.0.0.5", body)
        self.assertNotIn("db.internal", body)
        self.assertNotIn("10.0.0.5", "\n".join(logs.output))
        self.assertIn("OperationalError", "\n".join(logs.output))

    def test_it_is_ok_with_a_broker_that_answers(self):
        if REDIS_SERVER is None:
            pytest.skip("needs redis-server")
        port = closed_port()
        server = subprocess.Popen(  # noqa: S603 - a fixed command line
            [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(server.wait, 10)
        self.addCleanup(server.terminate)
        client = redis.Redis(port=port, socket_connect_timeout=1)
        for _ in range(100):
            try:
                if client.ping():
                    break
            except redis.RedisError:
                time.sleep(0.05)
        with broker_at(f"redis://127.0.0.1:{port}/0"):
            response = self.client.get(reverse("health"))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"status": "ok", "checks": {"database": "ok", "broker": "ok"}})

    def test_it_only_answers_get(self):
        self.assertEqual(self.client.post(reverse("health")).status_code, 405)
        self.assertEqual(self.client.post(reverse("liveness")).status_code, 405)

    def test_a_load_balancer_may_ask_over_plain_http_in_production(self):
        production = {
            **production_security_overrides(),
            "SECURE_SSL_REDIRECT": production_settings()["SECURE_SSL_REDIRECT"],
        }
        with override_settings(**production):
            client = Client()
            self.assertEqual(client.get(reverse("health")).status_code, 200)
            self.assertEqual(client.get(reverse("liveness")).status_code, 200)
            home = client.get(reverse("home"))
            self.assertEqual(home.status_code, 301)
            self.assertTrue(home["Location"].startswith("https://"))


class LivenessTests(SimpleTestCase):
    def test_it_answers_without_asking_the_database_or_the_broker(self):
        with broker_at(f"redis://127.0.0.1:{closed_port()}/0"), mock.patch("selvhjelp.health.connection") as db:
            response = self.client.get(reverse("liveness"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        db.cursor.assert_not_called()
