"""Each request has an id: in its response, in each of its log lines, and in the tasks it queues."""

import re

import kombu.pools
from django.test import Client, SimpleTestCase, TestCase, override_settings
from kombu import Connection

from selvhjelp.celery import app
from selvhjelp.logging import request_id
from tests.ops.capture import captured
from tests.ops.tasks import log_a_line

GENERATED = re.compile(r"[0-9a-f]{32}")
FROM_PROXY = "3f2a9c1e7b5d4e8fa1c2b3d4e5f60718"


@override_settings(ROOT_URLCONF="tests.ops.urls")
class RequestIdTests(TestCase):
    def test_each_response_carries_a_new_id(self):
        first = self.client.get("/helse/live/")["X-Request-ID"]
        second = self.client.get("/helse/live/")["X-Request-ID"]
        self.assertRegex(first, GENERATED)
        self.assertRegex(second, GENERATED)
        self.assertNotEqual(first, second)

    def test_an_id_from_the_proxy_comes_back(self):
        for offered in (FROM_PROXY, "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "req.01_abc-DEF"):
            with self.subTest(offered=offered):
                response = self.client.get("/helse/live/", headers={"X-Request-ID": offered})
                self.assertEqual(response["X-Request-ID"], offered)

    def test_a_malformed_id_is_replaced(self):
        for offered in (
            "short",
            "x" * 65,
            "kari@example.org",
            "a b c d e f g h",
            "abc\u00e6defghij",
            "-starts-with-dash",
        ):
            with self.subTest(offered=offered):
                response = self.client.get("/helse/live/", headers={"X-Request-ID": offered})
                self.assertRegex(response["X-Request-ID"], GENERATED)

    @override_settings(TRUST_REQUEST_ID_HEADER=False)
    def test_the_header_can_be_ignored(self):
        response = self.client.get("/helse/live/", headers={"X-Request-ID": FROM_PROXY})
        self.assertRegex(response["X-Request-ID"], GENERATED)

    def test_error_pages_and_redirects_carry_it_too(self):
        client = Client(raise_request_exception=False)
        for path, status in (("/finnes-ikke/", 404), ("/test-ops/boom/", 500), ("/innlogget/", 302)):
            with self.subTest(path=path):
                response = client.get(path, headers={"X-Request-ID": FROM_PROXY})
                self.assertEqual(response.status_code, status)
                self.assertEqual(response["X-Request-ID"], FROM_PROXY)

    def test_every_log_line_of_a_request_names_it(self):
        client = Client(raise_request_exception=False)
        with captured("selvhjelp.tests.ops", "django.request") as logs:
            client.get("/test-ops/log-and-queue/", headers={"X-Request-ID": FROM_PROXY})
            missing = client.get("/finnes-ikke/")
            broken = client.get("/test-ops/boom/")
        self.assertEqual(logs.request_ids("selvhjelp.tests.ops"), {FROM_PROXY})
        # Django's own lines about a 404 and a 500, one of them written after the middleware returned.
        self.assertEqual(logs.request_ids("django.request"), {missing["X-Request-ID"], broken["X-Request-ID"]})
        self.assertIsNone(request_id.get(), "the id is forgotten once the response is done")

    def test_a_task_run_in_process_logs_under_the_id_of_the_request(self):
        with captured("selvhjelp.tests.ops.task") as logs:
            self.client.get("/test-ops/log-and-queue/", headers={"X-Request-ID": FROM_PROXY})
        self.assertEqual([r.getMessage() for r in logs.records], ["the task ran"])
        self.assertEqual(logs.request_ids("selvhjelp.tests.ops.task"), {FROM_PROXY})


@override_settings(ROOT_URLCONF="tests.ops.urls")
class RequestIdInTaskHeadersTests(SimpleTestCase):
    """With a broker, the id travels in the task message's headers."""

    def setUp(self):
        saved = (app.conf.task_always_eager, app.conf.broker_url)
        self.use_broker(always_eager=False, broker_url="memory://")
        self.addCleanup(self.use_broker, always_eager=saved[0], broker_url=saved[1])
        self.purge()
        self.addCleanup(self.purge)

    @staticmethod
    def use_broker(*, always_eager: bool, broker_url: str) -> None:
        # Other tests switch brokers and close the pools they leave; kombu keeps
        # a closed pool registered for its URL, so start from fresh pools.
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None
        app.conf.task_always_eager = always_eager
        app.conf.broker_url = broker_url

    @staticmethod
    def purge() -> None:
        with Connection("memory://") as connection:
            connection.SimpleQueue("celery").clear()

    def queued_headers(self) -> list[dict]:
        with Connection("memory://") as connection:
            queue = connection.SimpleQueue("celery")
            headers = []
            while len(queue):
                message = queue.get(timeout=1)
                headers.append(dict(message.headers))
                message.ack()
            return headers

    def test_a_task_queued_by_a_request_carries_its_id(self):
        response = self.client.get("/test-ops/log-and-queue/", headers={"X-Request-ID": FROM_PROXY})
        self.assertEqual(response.status_code, 200)
        headers = self.queued_headers()
        self.assertEqual(len(headers), 1)
        self.assertEqual(headers[0]["task"], "tests.ops.tasks.log_a_line")
        self.assertEqual(headers[0]["request_id"], FROM_PROXY)

    def test_a_task_queued_outside_a_request_carries_none(self):
        log_a_line.delay()
        [headers] = self.queued_headers()
        self.assertNotIn("request_id", headers)

    def test_a_worker_logs_a_task_under_the_id_in_its_headers(self):
        with captured("selvhjelp.tests.ops.task") as logs:
            log_a_line.apply(headers={"request_id": FROM_PROXY})
        self.assertEqual(logs.request_ids("selvhjelp.tests.ops.task"), {FROM_PROXY})
        self.assertIsNone(request_id.get(), "the id is forgotten after the task")

    def test_a_task_without_one_gets_its_own_id(self):
        with captured("selvhjelp.tests.ops.task") as logs:
            log_a_line.apply()
            log_a_line.apply()
        ids = logs.request_ids("selvhjelp.tests.ops.task")
        self.assertEqual(len(ids), 2)
        for rid in ids:
            self.assertRegex(rid, GENERATED)
