"""In production the logs are JSON lines: one object per line, still without addresses or private links."""

import io
import json
import logging
import sys

from django.conf import settings
from django.test import SimpleTestCase

from selvhjelp import gunicorn_conf
from selvhjelp.logging import AddRequestId, JsonFormatter, RedactAddresses, request_id
from tests.ops.production import manage

ADDRESS = "Kari.Nordmann+selvhjelp@Example.org"
TOKEN = "q9Xf3kVbH1sR0aZy7LmNpW2eTtUiOoPcJdKg-_4Q5sE"
KEYS = {"time", "level", "logger", "message", "request_id", "process"}

_LOG_SOME_LINES = f"""
import logging
logger = logging.getLogger("selvhjelp.ops")
logger.info("plain line")
logger.warning("could not send to %s", "{ADDRESS}")
try:
    raise RuntimeError("mail to {ADDRESS} via /p/{TOKEN}/ failed")
except RuntimeError:
    logger.exception("outbox /p/%s/", "{TOKEN}")
"""


class JsonLinesTests(SimpleTestCase):
    def write(self, *records: logging.LogRecord) -> list[str]:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(AddRequestId())
        handler.addFilter(RedactAddresses())
        for record in records:
            handler.handle(record)
        return stream.getvalue().splitlines()

    def assert_clean(self, text: str) -> None:
        self.assertNotIn(ADDRESS.lower(), text.lower())
        self.assertNotIn("Nordmann", text)
        self.assertNotIn(TOKEN, text)

    def test_each_record_is_one_line_of_json_without_an_address(self):
        try:
            raise ValueError(f"rejected recipient {ADDRESS}\nsecond line")
        except ValueError:
            failure = sys.exc_info()
        records = [
            logging.LogRecord("outbox.tasks", logging.INFO, __file__, 1, "sent %d emails", (3,), None),
            logging.LogRecord("outbox.tasks", logging.ERROR, __file__, 2, "sending to %s failed", (ADDRESS,), failure),
            logging.LogRecord("django.request", logging.WARNING, __file__, 3, "Not Found: /p/%s/", (TOKEN,), None),
        ]
        token = request_id.set("3f2a9c1e7b5d4e8fa1c2b3d4e5f60718")
        try:
            lines = self.write(*records)
        finally:
            request_id.reset(token)
        self.assertEqual(len(lines), 3, "a multi-line traceback stays on one line")
        entries = [json.loads(line) for line in lines]
        for line, entry in zip(lines, entries, strict=True):
            self.assert_clean(line)
            self.assertLessEqual(KEYS, set(entry))
            self.assertEqual(entry["request_id"], "3f2a9c1e7b5d4e8fa1c2b3d4e5f60718")
        self.assertEqual(entries[0]["message"], "sent 3 emails")
        self.assertEqual(entries[0]["level"], "INFO")
        self.assertEqual(entries[0]["logger"], "outbox.tasks")
        self.assertEqual(entries[1]["message"], "sending to [address] failed")
        self.assertIn("ValueError: rejected recipient [address]", entries[1]["exception"])
        self.assertEqual(entries[2]["message"], "Not Found: /p/[link]/")

    def test_extra_attributes_are_not_written(self):
        record = logging.LogRecord("outbox.tasks", logging.INFO, __file__, 1, "sent", (), None)
        record.recipient = ADDRESS
        [line] = self.write(record)
        self.assert_clean(line)
        self.assertEqual(set(json.loads(line)), KEYS)

    def test_production_writes_json_lines_that_hold_no_address(self):
        result = manage("shell", "--no-imports", "-c", _LOG_SOME_LINES, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        self.assertEqual(len(lines), 3, result.stderr)
        entries = [json.loads(line) for line in lines]
        self.assertEqual(
            [e["message"] for e in entries], ["plain line", "could not send to [address]", "outbox /p/[link]/"]
        )
        self.assertIn("RuntimeError: mail to [address] via /p/[link]/ failed", entries[2]["exception"])
        self.assert_clean(result.stderr + result.stdout)

    def test_log_format_can_be_chosen(self):
        result = manage("shell", "--no-imports", "-c", _LOG_SOME_LINES, LOG_FORMAT="plain")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("WARNING selvhjelp.ops [-] could not send to [address]", result.stderr)
        self.assert_clean(result.stderr)


class HandlerTests(SimpleTestCase):
    def test_every_handler_adds_the_request_id_and_redacts(self):
        for name, handler in settings.LOGGING["handlers"].items():
            with self.subTest(handler=name):
                self.assertIn("request_id", handler["filters"])
                self.assertIn("redact_addresses", handler["filters"])

    def test_gunicorn_logs_through_the_same_redacting_handlers(self):
        self.assertIs(gunicorn_conf.logconfig_dict, settings.LOGGING)
        for name in ("gunicorn.error", "gunicorn.access"):
            with self.subTest(logger=name):
                self.assertEqual(settings.LOGGING["loggers"][name]["handlers"], ["console"])
                self.assertFalse(settings.LOGGING["loggers"][name]["propagate"])
        # The access log names no client address, user agent or query string.
        for atom in ("%(h)s", "%(a)s", "%(r)s", "%(q)s", "%(f)s", "{user-agent}i"):
            self.assertNotIn(atom, gunicorn_conf.access_log_format)
