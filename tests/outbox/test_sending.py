"""Each email is sent once: by its own task, or by the relay when that task never
ran or its worker died. A refused address is given up at once, a passing
failure is tried again later."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client, TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from outbox import sending
from outbox import tasks as outbox_tasks
from outbox.models import Email
from selvhjelp.queue import BrokerState
from tests.base import Personas, a_contact_point, person_signs_up
from tests.database import drop_this_connection
from tests.signin import sign_in


class OutboxTests(Personas):
    def test_an_email_whose_task_never_ran_is_sent_by_the_relay_once(self):
        # No on-commit run: as if the broker was down when the sign-up committed.
        person_signs_up(self.point_a, "late@example.org")
        self.assertEqual(len(mail.outbox), 0)
        self.assertEqual(outbox_tasks.relay_outbox(), 0)  # too fresh: its own task may still run
        Email.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
        self.assertEqual(outbox_tasks.relay_outbox(), 1)
        self.assertEqual(outbox_tasks.relay_outbox(), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_message_claimed_by_a_worker_that_died_is_sent_again_after_the_lease(self):
        person_signs_up(self.point_a, "lease@example.org")
        stale = timezone.now() - datetime.timedelta(minutes=11)
        Email.objects.update(created_at=stale, claimed_at=stale)
        outbox_tasks.relay_outbox()
        self.assertEqual(len(mail.outbox), 1)
        self.assertIsNotNone(Email.objects.get().sent_at)

    def test_a_message_a_killed_worker_claimed_goes_out_within_minutes_and_a_live_one_keeps_its_claim(self):
        person_signs_up(self.point_a, "killed@example.org")
        now = timezone.now()
        Email.objects.update(
            created_at=now - datetime.timedelta(minutes=5), claimed_at=now - datetime.timedelta(minutes=1)
        )
        outbox_tasks.relay_outbox()
        self.assertEqual(len(mail.outbox), 0, "a minute into its send, the claim is honoured")
        # The relay runs every minute: two minutes after the worker died, its message goes out.
        Email.objects.update(claimed_at=now - datetime.timedelta(minutes=2, seconds=1))
        outbox_tasks.relay_outbox()
        self.assertEqual(len(mail.outbox), 1)
        # A send that takes long is stopped before its claim runs out, so it is never sent twice.
        self.assertLess(outbox_tasks.send_email.soft_time_limit, outbox_tasks.send_email.time_limit)
        self.assertLess(outbox_tasks.send_email.time_limit, sending.CLAIM_LEASE.total_seconds())

    def test_the_relay_adds_no_copies_while_the_queue_is_longer_than_what_is_due(self):
        person_signs_up(self.point_a, "backlog@example.org")
        Email.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
        # A burst: the message's own task is still in a long queue; a copy would only lengthen it.
        long_queue = BrokerState(waiting=800, started=timezone.now() - datetime.timedelta(days=3))
        with mock.patch.object(outbox_tasks, "broker_state", return_value=long_queue):
            self.assertEqual(outbox_tasks.relay_outbox(), 0)
        self.assertEqual(len(mail.outbox), 0)
        # The queue has drained, and the message is still unsent: its task was lost, and it is relayed.
        with mock.patch.object(outbox_tasks, "broker_state", return_value=BrokerState(waiting=0, started=None)):
            self.assertEqual(outbox_tasks.relay_outbox(), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_what_the_broker_lost_in_a_restart_is_relayed_at_once_behind_a_long_queue_and_once(self):
        person_signs_up(self.point_a, "lost@example.org")
        # Queued ten seconds ago, before the broker restarted: well within RELAY_AFTER, and lost.
        Email.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=10))
        restarted = BrokerState(waiting=800, started=timezone.now() - datetime.timedelta(seconds=5))
        with (
            mock.patch.object(outbox_tasks, "broker_state", return_value=restarted),
            mock.patch.object(outbox_tasks.send_email, "delay") as queued,
        ):
            self.assertEqual(outbox_tasks.relay_outbox(), 1)
            # Its copy waits its turn in the long queue: a minute later, no second copy.
            self.assertEqual(outbox_tasks.relay_outbox(), 0)
            self.assertEqual(queued.call_count, 1)
            # Still unsent once RELAY_AFTER has passed: copied again.
            Email.objects.update(next_attempt_at=timezone.now())
            self.assertEqual(outbox_tasks.relay_outbox(), 1)
        self.assertEqual(queued.call_count, 2)

    def test_the_same_email_is_never_sent_twice(self):
        person_signs_up(self.point_a, "once@example.org")
        email_id = Email.objects.get().pk
        outbox_tasks.send_email(email_id)
        outbox_tasks.send_email(email_id)
        self.assertEqual(len(mail.outbox), 1)


class PermanentFailureTests(Personas):
    def test_an_address_the_mail_server_refuses_is_not_retried_either(self):
        import smtplib
        from unittest import mock

        refused = smtplib.SMTPRecipientsRefused({"refused@example.org": (550, b"No such user")})
        with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
            with self.captureOnCommitCallbacks(execute=True):
                person_signs_up(self.point_a, "refused@example.org")
        email = Email.objects.get()
        self.assertIsNotNone(email.failed_at)
        self.assertEqual((email.attempts, email.error), (0, "SMTPRecipientsRefused"))

    def test_a_refused_address_is_not_retried_and_staff_see_a_count_without_the_address(self):
        from unittest import mock

        from anymail.exceptions import AnymailRecipientsRefused

        with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=AnymailRecipientsRefused()):
            with self.captureOnCommitCallbacks(execute=True):
                person_signs_up(self.point_a, "refused@example.org")
        email = Email.objects.get()
        self.assertIsNotNone(email.failed_at)
        self.assertEqual(email.attempts, 0)
        self.assertNotIn("refused@", email.error)
        Email.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
        self.assertEqual(outbox_tasks.relay_outbox(), 0)  # given up: never picked up again
        staff = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(staff, self.staff_a)
        page = staff.get(reverse("staff:dashboard", args=[self.point_a.slug]))
        self.assertContains(page, "1 email could not be delivered")
        self.assertNotContains(page, "refused@example.org")

    def test_a_transient_failure_is_tried_again_later_with_backoff(self):
        from unittest import mock

        from anymail.exceptions import AnymailAPIError

        with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=AnymailAPIError(status_code=503)):
            with self.captureOnCommitCallbacks(execute=True):
                person_signs_up(self.point_a, "later@example.org")
        email = Email.objects.get()
        self.assertIsNone(email.failed_at)
        self.assertEqual(email.attempts, 1)
        self.assertGreater(email.next_attempt_at, timezone.now())
        Email.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
        self.assertEqual(outbox_tasks.relay_outbox(), 0)  # not before the backoff has passed
        Email.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
        self.assertEqual(outbox_tasks.relay_outbox(), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIsNotNone(Email.objects.get().sent_at)


@pytest.mark.postgres
class DroppedConnectionTests(TransactionTestCase):
    def test_a_message_sent_while_the_database_connection_drops_is_marked_sent_and_never_sent_again(self):
        point = a_contact_point()
        with mock.patch.object(outbox_tasks.send_email, "delay"):
            person_signs_up(point, "kari@example.org")
        email = Email.objects.get()
        real = EmailMessage.send

        def send_then_drop(message, *args, **kwargs):
            sent = real(message, *args, **kwargs)
            drop_this_connection()  # after the provider took it, before it is marked sent
            return sent

        with mock.patch.object(EmailMessage, "send", send_then_drop), self.assertLogs("outbox.sending", "WARNING"):
            outbox_tasks.send_email(email.pk)
        email.refresh_from_db()
        self.assertIsNotNone(email.sent_at)
        Email.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1), claimed_at=None)
        self.assertEqual(outbox_tasks.relay_outbox(), 0)
        self.assertEqual(len(mail.outbox), 1)
