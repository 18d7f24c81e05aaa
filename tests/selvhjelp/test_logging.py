"""Logs never hold a participant's address or the token of a private link."""

import contextlib
import io
import logging
import os
import sys

from django.conf import settings
from django.test import SimpleTestCase

from selvhjelp.logging import RedactAddresses

ADDRESS = "Kari.Nordmann+selvhjelp@Example.org"
TOKEN = "q9Xf3kVbH1sR0aZy7LmNpW2eTtUiOoPcJdKg-_4Q5sE"
# Odd but valid addresses (and some not quite valid) that reach logs: quoted
# local parts in a mail server's refusal, plus-tags, subdomains, IDN domains,
# a domain without a dot, an address literal, one URL-encoded.
ODD_ADDRESSES = [
    '"kari,nordmann"@example.org',
    '"kari nordmann"@example.org',
    '"kari@nordmann"@example.org',
    '"kari \\"nordmann\\""@example.org',
    "kari+x@sub.example.co.uk",
    "kari.nordmann@bølgen.no",
    "kari@xn--blgen-zua.no",
    "kari.nordmann@localhost",
    "kari.nordmann@[192.0.2.1]",
    "kari.nordmann%40example.org",
]
# What a mail exception says when the server refuses a recipient, as Celery
# logs a retry: repr() of the exception.
REFUSED = (
    "Retry in 30s: SMTPRecipientsRefused({'\"kari,nordmann\"@example.org': "
    "(550, b'5.1.1 <\"kari nordmann\"@example.org>: Recipient address rejected')})"
)


def record(msg: object, args: object = (), exc_info: object = None) -> logging.LogRecord:
    return logging.LogRecord("selvhjelp.test", logging.ERROR, __file__, 1, msg, args, exc_info)


def exc_info_for(message: str):  # type: ignore[no-untyped-def]
    try:
        raise ValueError(message)
    except ValueError:
        return sys.exc_info()


class RedactAddressesTests(SimpleTestCase):
    def setUp(self) -> None:
        self.filter = RedactAddresses()

    def formatted(self, log_record: logging.LogRecord) -> str:
        """What a handler would write, after the filter has run."""
        self.assertTrue(self.filter.filter(log_record), "the filter must never drop a record")
        return logging.Formatter("%(message)s").format(log_record)

    def assert_clean(self, text: str) -> None:
        self.assertNotIn(ADDRESS, text)
        self.assertNotIn(ADDRESS.lower(), text.lower())
        self.assertNotIn("Nordmann", text)
        self.assertNotIn(TOKEN, text)

    def test_an_address_in_the_message_is_removed(self) -> None:
        text = self.formatted(record(f"could not send to {ADDRESS}"))
        self.assert_clean(text)
        self.assertEqual(text, "could not send to [address]")

    def test_an_address_in_the_arguments_is_removed(self) -> None:
        text = self.formatted(record("could not send to %s at %s", (ADDRESS, "sentral-a")))
        self.assert_clean(text)
        self.assertEqual(text, "could not send to [address] at sentral-a")

    def test_an_address_in_named_arguments_is_removed(self) -> None:
        text = self.formatted(record("could not send to %(to)s", ({"to": ADDRESS},)))
        self.assert_clean(text)

    def test_an_address_in_angle_brackets_is_removed(self) -> None:
        self.assert_clean(self.formatted(record(f"To: Kari <{ADDRESS}>")))

    def test_an_address_with_norwegian_letters_is_removed(self) -> None:
        text = self.formatted(record("bounce from kåre.ødegård@eksempel.no"))
        self.assertNotIn("kåre.ødegård@eksempel.no", text)
        self.assertNotIn("ødegård", text)

    def test_odd_but_valid_addresses_are_removed(self) -> None:
        for address in ODD_ADDRESSES:
            with self.subTest(address=address):
                text = self.formatted(record("bounce from %s today", (address,)))
                self.assertEqual(text, "bounce from [address] today")

    def test_odd_addresses_are_removed_wherever_they_stand(self) -> None:
        for address in ODD_ADDRESSES:
            for template in ("To: Ola <%s>", "{'%s': (550, b'no')}", "to=%s,", "mailto:%s", '{"Email": "%s"}'):
                with self.subTest(address=address, template=template):
                    text = self.formatted(record(template, (address,)))
                    self.assertNotIn("kari", text.lower())
                    self.assertNotIn("nordmann", text.lower())
                    self.assertIn("[address]", text)

    def test_a_quoted_address_in_json_is_removed(self) -> None:
        text = self.formatted(record('{"Errors": [{"Email": "\\"kari nordmann\\"@example.org"}], "Status": 400}'))
        self.assertNotIn("kari", text)
        self.assertNotIn("nordmann", text)
        self.assertIn('"Status": 400}', text)

    def test_anything_with_an_at_sign_is_treated_as_an_address(self) -> None:
        for word, expected in [
            ("kari@", "login [address] failed"),
            ("@kari", "login [address] failed"),
            ("kari@nordmann", "login [address] failed"),
            ("<kari@@nordmann>", "login [address] failed"),
        ]:
            with self.subTest(word=word):
                self.assertEqual(self.formatted(record("login %s failed", (word,))), expected)

    def test_a_mail_servers_refusal_as_celery_logs_a_retry_is_redacted(self) -> None:
        text = self.formatted(record("Task outbox.tasks.send_email[1] retry: %s", (REFUSED,)))
        self.assertNotIn("kari", text)
        self.assertNotIn("nordmann", text)
        self.assertIn("Recipient address rejected", text)

    def test_several_addresses_are_all_removed(self) -> None:
        text = self.formatted(record("%s, %s", (ADDRESS, "ola@example.org")))
        self.assert_clean(text)
        self.assertNotIn("ola@example.org", text)
        self.assertEqual(text.count("[address]"), 2)

    def test_a_private_link_token_in_the_message_is_removed(self) -> None:
        text = self.formatted(record(f"Not Found: /p/{TOKEN}/"))
        self.assert_clean(text)
        self.assertEqual(text, "Not Found: /p/[link]/")

    def test_a_private_link_token_in_the_arguments_is_removed(self) -> None:
        text = self.formatted(record('"GET %s HTTP/1.1" 404', (f"/p/{TOKEN}/",)))
        self.assert_clean(text)

    def test_a_full_private_link_url_is_redacted(self) -> None:
        text = self.formatted(record(f"sent https://selvhjelp.example/p/{TOKEN}/ to {ADDRESS}"))
        self.assert_clean(text)
        self.assertIn("https://selvhjelp.example/p/[link]/", text)

    def test_a_private_link_in_another_case_is_redacted(self) -> None:
        for path, expected in [
            (f"/P/{TOKEN}/", "/P/[link]/"),
            (f"/p/{TOKEN}", "/p/[link]"),
            (f"https://Selvhjelp.example/P/{TOKEN}/", "https://Selvhjelp.example/P/[link]/"),
            ("/PASSORD/MTQ/disfbd-64739fcf549398633f73e1ca81a62e49/", "/PASSORD/[link]/"),
            ("/Passord/MTQ/disfbd-64739fcf549398633f73e1ca81a62e49/", "/Passord/[link]/"),
        ]:
            with self.subTest(path=path):
                text = self.formatted(record("Not Found: %s", (path,)))
                self.assertEqual(text, f"Not Found: {expected}")

    def test_a_work_accounts_set_password_link_is_redacted(self) -> None:
        text = self.formatted(
            record('"GET %s HTTP/1.1" 200', ("/passord/MTQ/disfbd-64739fcf549398633f73e1ca81a62e49/",))
        )
        self.assertEqual(text, '"GET /passord/[link]/ HTTP/1.1" 200')

    def test_an_address_in_an_exception_is_removed(self) -> None:
        text = self.formatted(record("sending failed", exc_info=exc_info_for(f"rejected recipient {ADDRESS}")))
        self.assert_clean(text)
        self.assertIn("ValueError: rejected recipient [address]", text)
        self.assertIn("sending failed", text)

    def test_a_private_link_in_an_exception_is_removed(self) -> None:
        text = self.formatted(record("page failed", exc_info=exc_info_for(f"no such link /p/{TOKEN}/")))
        self.assert_clean(text)

    def test_an_exception_text_already_formatted_is_redacted_too(self) -> None:
        log_record = record("sending failed", exc_info=exc_info_for("boom"))
        log_record.exc_text = f"Traceback (most recent call last):\nValueError: rejected recipient {ADDRESS}"
        self.assert_clean(self.formatted(log_record))

    def test_a_mail_exceptions_text_is_redacted(self) -> None:
        import smtplib

        refused = {address: (550, b"5.1.1 Recipient address rejected") for address in ODD_ADDRESSES}
        try:
            raise smtplib.SMTPRecipientsRefused(refused)
        except smtplib.SMTPRecipientsRefused:
            text = self.formatted(record("sending failed", exc_info=sys.exc_info()))
        self.assertIn("smtplib.SMTPRecipientsRefused", text)
        self.assertNotIn("kari", text)
        self.assertNotIn("nordmann", text)

    def test_stack_information_is_redacted_too(self) -> None:
        log_record = record("sending failed")
        log_record.stack_info = f'Stack (most recent call last):\n  send("{ADDRESS}", "/P/{TOKEN}/")'
        self.assertTrue(self.filter.filter(log_record))
        self.assert_clean(logging.Formatter("%(message)s").format(log_record))

    def test_a_record_without_secrets_is_left_alone(self) -> None:
        log_record = record("relayed %d emails for %s", (3, "sentral-a"))
        text = self.formatted(log_record)
        self.assertEqual(text, "relayed 3 emails for sentral-a")
        self.assertEqual(log_record.args, (3, "sentral-a"))

    def test_ordinary_paths_are_left_alone(self) -> None:
        text = self.formatted(record("Not Found: /kontaktpunkter/sentral-a/"))
        self.assertEqual(text, "Not Found: /kontaktpunkter/sentral-a/")

    def test_the_configured_handlers_redact_what_a_logger_writes(self) -> None:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(RedactAddresses())
        logger = logging.getLogger("selvhjelp.test.redaction")
        logger.addHandler(handler)
        logger.propagate = False
        self.addCleanup(logger.removeHandler, handler)
        try:
            raise RuntimeError(f"mail to {ADDRESS} via /p/{TOKEN}/ failed")
        except RuntimeError:
            logger.exception("outbox %s for %s", f"/p/{TOKEN}/", ADDRESS)
        written = stream.getvalue()
        self.assertIn("RuntimeError", written)
        self.assert_clean(written)

    def test_the_configured_handlers_redact_odd_addresses_and_links_in_any_case(self) -> None:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(RedactAddresses())
        logger = logging.getLogger("selvhjelp.test.redaction")
        logger.addHandler(handler)
        logger.propagate = False
        self.addCleanup(logger.removeHandler, handler)
        for address in ODD_ADDRESSES:
            try:
                raise RuntimeError(f"mail to {address} via /P/{TOKEN}/ failed")
            except RuntimeError:
                logger.exception("outbox %s for %s", f"/P/{TOKEN}/", address)
        logger.info("Task outbox.tasks.send_email[1] retry: %s", REFUSED)
        written = stream.getvalue()
        self.assertIn("RuntimeError", written)
        self.assertNotIn("kari", written)
        self.assertNotIn("nordmann", written)
        self.assertNotIn(TOKEN, written)


class LoggingSettingsTests(SimpleTestCase):
    def test_every_configured_handler_uses_the_redaction_filter(self) -> None:
        for name, handler in settings.LOGGING["handlers"].items():
            with self.subTest(handler=name):
                self.assertIn("redact_addresses", handler.get("filters", []))
        self.assertEqual(settings.LOGGING["filters"]["redact_addresses"]["()"], "selvhjelp.logging.RedactAddresses")

    def test_every_logger_reaches_only_redacting_handlers(self) -> None:
        names = ["django.request", "django.server", "django.security.csrf", "selvhjelp", "groups.tasks", "celery"]
        for name in names:
            with self.subTest(logger=name):
                handlers = []
                current: logging.Logger | None = logging.getLogger(name)
                while current:
                    handlers.extend(current.handlers)
                    current = current.parent if current.propagate else None
                # pytest adds its own capturing handlers while the tests run; they are not the app's.
                handlers = [
                    handler
                    for handler in handlers
                    if not type(handler).__module__.startswith("_pytest")
                    and not isinstance(handler, logging.NullHandler)
                ]
                self.assertTrue(handlers, "some handler writes this logger's records")
                for handler in handlers:
                    self.assertTrue(
                        any(isinstance(f, RedactAddresses) for f in handler.filters),
                        f"{name} reaches {handler!r} without redaction",
                    )


class CeleryWorkerLoggingTests(SimpleTestCase):
    """A Celery worker sets up logging itself when it starts; the redaction must survive that."""

    def setUp(self) -> None:
        from celery.app.log import Logging

        watched = ["", "celery", "celery.task", "celery.redirected", "celery.app.trace", "multiprocessing"]
        saved = {name: (logging.getLogger(name).handlers[:], logging.getLogger(name).propagate) for name in watched}
        saved_environ = {
            key: os.environ.get(key) for key in ("_MP_FORK_LOGLEVEL_", "_MP_FORK_LOGFILE_", "_MP_FORK_LOGFORMAT_")
        }
        saved_setup = Logging._setup

        def restore() -> None:
            for name, (handlers, propagate) in saved.items():
                logger = logging.getLogger(name)
                logger.handlers = handlers
                logger.propagate = propagate
            for key, value in saved_environ.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            Logging._setup = saved_setup

        self.addCleanup(restore)

    def test_a_celery_worker_still_redacts_addresses_in_task_failures(self) -> None:
        from celery.app.log import Logging

        from selvhjelp.celery import app

        stream = io.StringIO()
        Logging._setup = False
        # Handlers bind sys.stderr when they are made: catch what the worker's logging writes.
        with contextlib.redirect_stderr(stream):
            app.log.setup_logging_subsystem(loglevel="INFO", colorize=False)
        try:
            raise RuntimeError(f"{{'{ADDRESS}': (550, b'mailbox unavailable')}}")
        except RuntimeError:
            logging.getLogger("celery.app.trace").error("Task groups.tasks.send_email[1] raised", exc_info=True)
            logging.getLogger("groups.tasks").error("Sending failed for /p/%s/", TOKEN, exc_info=True)
        written = stream.getvalue()
        self.assertIn("mailbox unavailable", written)
        self.assertIn("[address]", written)
        self.assertNotIn(ADDRESS, written)
        self.assertNotIn(TOKEN, written)

    def test_a_celery_worker_redacts_a_mail_servers_refusal_in_its_retry_line(self) -> None:
        from celery.app.log import Logging

        from selvhjelp.celery import app

        stream = io.StringIO()
        Logging._setup = False
        with contextlib.redirect_stderr(stream):
            app.log.setup_logging_subsystem(loglevel="INFO", colorize=False)
        # Celery's own line for a retry (celery.app.trace.LOG_RETRY), with repr() of the exception.
        logging.getLogger("celery.app.trace").info(
            "Task %(name)s[%(id)s] retry: %(exc)s", {"name": "outbox.tasks.send_email", "id": "1", "exc": REFUSED}
        )
        logging.getLogger("django.request").warning("Not Found: /P/%s/", TOKEN)
        written = stream.getvalue()
        self.assertIn("retry: Retry in 30s", written)
        self.assertIn("[address]", written)
        self.assertNotIn("kari", written)
        self.assertNotIn("nordmann", written)
        self.assertNotIn(TOKEN, written)
