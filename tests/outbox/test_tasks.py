"""A worker retries a send that failed for a passing reason; what Celery keeps
of that failure, and logs, holds no address."""

import smtplib
import uuid
from unittest import mock

from celery import signals as celery_signals
from celery.app.trace import build_tracer

from outbox.models import Email
from outbox.tasks import send_email
from selvhjelp.celery import app
from tests.base import Personas, person_signs_up

# A mail server's passing trouble, in words that name the recipients, some of them oddly written.
REFUSED = smtplib.SMTPDataError(
    451,
    '4.3.0 <"kari,nordmann"@example.org>, <kari.nordmann@bølgen.no>: try again later'.encode(),
)


class RetryTests(Personas):
    def run_in_a_worker(self, email_id: int) -> list[tuple[object, object]]:
        """Run the task as a worker does (not eagerly, so that it retries);
        returns each retry's reason and traceback, as Celery hands them on."""
        retries: list[tuple[object, object]] = []

        def on_retry(reason: object = None, einfo: object = None, **kwargs: object) -> None:
            retries.append((reason, einfo))

        celery_signals.task_retry.connect(on_retry, sender=send_email, weak=False)
        self.addCleanup(celery_signals.task_retry.disconnect, on_retry, sender=send_email)
        tracer = build_tracer(send_email.name, send_email, eager=False, propagate=False, app=app)
        task_id = str(uuid.uuid4())
        # The retry itself is queued, and (with no broker here) runs at once, eagerly: not again.
        with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=REFUSED):
            with self.assertLogs("celery.app.trace", "INFO") as logs:
                tracer(task_id, (email_id,), {}, {"id": task_id, "retries": 0, "is_eager": False})
        self.logged = "\n".join(logs.output)
        return retries

    def test_a_retry_names_the_kind_of_failure_and_no_address(self) -> None:
        person_signs_up(self.point_a, "kari.nordmann@example.org")
        email = Email.objects.get()
        [(reason, einfo)] = self.run_in_a_worker(email.pk)
        # What Celery logs (its retry line holds repr() of the exception), and
        # what it keeps: the exception, its traceback, anything it was raised from.
        kept = [self.logged, str(reason), repr(reason.exc), str(einfo.traceback)]  # type: ignore[attr-defined]
        self.assertIn("retry: Retry in", self.logged)
        self.assertIn("SMTPDataError", str(reason))
        for text in kept:
            self.assertNotIn("@", text)
            self.assertNotIn("kari", text)
            self.assertNotIn("nordmann", text)
        self.assertIsNone(reason.__context__)  # type: ignore[attr-defined]
        email.refresh_from_db()
        self.assertIsNone(email.sent_at)
        self.assertIsNone(email.failed_at)
        self.assertEqual(email.error, "SMTPDataError")
