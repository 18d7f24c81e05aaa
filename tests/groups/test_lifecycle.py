"""Nothing kept: places run out unless kept, bounced addresses are removed,
and every scheduled job changes nothing the second time it runs."""

import base64
import datetime
import json

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from groups import tasks
from groups.models import Email, MonthlyFigure, SignUp
from tests.base import Personas, link_token, person_signs_up, waiting_person
from tests.signin import sign_in

WEBHOOK_SECRET = "hook-user:hook-password"


class ExpiryTests(Personas):
    def setUp(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.signup = waiting_person(self.point_a, "kari@example.org")
        mail.outbox.clear()

    def test_a_person_is_asked_14_days_before_their_place_runs_out_once(self):
        SignUp.objects.update(expires_at=timezone.now() + datetime.timedelta(days=13))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(tasks.warn_expiring(), 1)
            self.assertEqual(tasks.warn_expiring(), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["kari@example.org"])
        self.assertNotIn("selvhjelp", mail.outbox[0].subject.lower())

    def test_nobody_is_asked_early(self):
        SignUp.objects.update(expires_at=timezone.now() + datetime.timedelta(days=30))
        self.assertEqual(tasks.warn_expiring(), 0)

    def test_keep_me_on_the_list_keeps_the_place_for_another_period(self):
        SignUp.objects.update(expires_at=timezone.now() + datetime.timedelta(days=10))
        with self.captureOnCommitCallbacks(execute=True):
            tasks.warn_expiring()
        url = reverse("signup_page", args=[link_token(mail.outbox[0])])
        page = Client().get(url)
        self.assertContains(page, 'value="renew"')
        self.assertIsNotNone(SignUp.objects.get().expiry_warned_at)  # opening changed nothing
        waiting_since = SignUp.objects.get().waiting_since
        Client().post(url, {"action": "renew"})
        signup = SignUp.objects.get()
        self.assertGreater(signup.expires_at, timezone.now() + datetime.timedelta(days=179))
        self.assertIsNone(signup.expiry_warned_at)
        self.assertEqual(signup.waiting_since, waiting_since)

    def test_a_place_that_runs_out_is_deleted_and_counted(self):
        SignUp.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
        self.assertEqual(tasks.expire_signups(), 1)
        self.assertEqual(tasks.expire_signups(), 0)
        self.assertFalse(SignUp.objects.exists())
        self.assertEqual(MonthlyFigure.objects.get().expired, 1)

    def test_unconfirmed_and_invited_people_do_not_expire_as_waiting(self):
        SignUp.objects.update(status=SignUp.Status.INVITED, expires_at=timezone.now() - datetime.timedelta(days=1))
        self.assertEqual(tasks.expire_signups(), 0)
        self.assertTrue(SignUp.objects.exists())


@override_settings(
    EMAIL_BACKEND="anymail.backends.test.EmailBackend",
    ANYMAIL={"WEBHOOK_SECRET": WEBHOOK_SECRET, "POSTMARK_SERVER_TOKEN": "test"},
)
class BounceTests(Personas):
    def post_report(self, payload):
        auth = base64.b64encode(WEBHOOK_SECRET.encode()).decode()
        return Client().post(
            "/anymail/postmark/tracking/",
            data=json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Basic {auth}",
        )

    def test_a_bounced_address_is_removed_counted_and_never_mailed_again(self):
        with self.captureOnCommitCallbacks(execute=True):
            signup = waiting_person(self.point_a, "gone@example.org")
        sent = Email.objects.get(signup=signup)
        self.assertTrue(sent.provider_message_id)
        response = self.post_report(
            {
                "RecordType": "Bounce",
                "Type": "HardBounce",
                "MessageID": sent.provider_message_id,
                "Email": "gone@example.org",
                "BouncedAt": "2026-11-23T10:00:00Z",
                "ID": 1,
            }
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(SignUp.objects.exists())
        self.assertEqual(MonthlyFigure.objects.get().undeliverable, 1)

    def test_a_report_without_the_shared_secret_is_refused(self):
        with self.captureOnCommitCallbacks(execute=True):
            signup = waiting_person(self.point_a, "kept@example.org")
        sent = Email.objects.get(signup=signup)
        response = Client().post(
            "/anymail/postmark/tracking/",
            data=json.dumps({"RecordType": "Bounce", "Type": "HardBounce", "MessageID": sent.provider_message_id}),
            content_type="application/json",
        )
        self.assertIn(response.status_code, (400, 401, 403))
        self.assertTrue(SignUp.objects.exists())

    def test_a_report_that_cannot_be_read_is_refused_not_a_server_error(self):
        # A 500 would have the provider send the same unreadable report again and again.
        auth = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(WEBHOOK_SECRET.encode()).decode()}
        for body in (b"", b"not json", b"\xff\xfe", b"[1, 2]"):
            with self.subTest(body=body):
                for provider in ("postmark", "mailjet", "brevo"):
                    response = Client().post(
                        f"/anymail/{provider}/tracking/", data=body, content_type="application/json", **auth
                    )
                    self.assertEqual(response.status_code, 400, provider)

    def test_a_report_naming_a_message_id_no_message_can_have_changes_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            waiting_person(self.point_a, "kept@example.org")
        for message_id in ("\x00", "x" * 10_000, ["a", "list"], {"an": "object"}):
            with self.subTest(message_id=message_id):
                response = self.post_report({"RecordType": "Bounce", "Type": "HardBounce", "MessageID": message_id})
                self.assertEqual(response.status_code, 200)
        self.assertTrue(SignUp.objects.exists())

    def test_a_delivery_report_changes_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            signup = waiting_person(self.point_a, "here@example.org")
        sent = Email.objects.get(signup=signup)
        self.post_report({"RecordType": "Delivery", "MessageID": sent.provider_message_id, "Recipient": "x"})
        self.assertTrue(SignUp.objects.exists())


class IdempotentJobsTests(Personas):
    def test_every_scheduled_job_changes_nothing_when_run_twice(self):
        with self.captureOnCommitCallbacks(execute=True):
            for n in range(3):
                waiting_person(self.point_a, f"p{n}@example.org")
        SignUp.objects.filter(email_hash__isnull=False).update(expires_at=timezone.now() + datetime.timedelta(days=5))
        jobs = [
            tasks.delete_unconfirmed,
            tasks.warn_expiring,
            tasks.expire_signups,
            tasks.expire_invitations,
            tasks.hand_off_due,
            tasks.offer_moves,
            tasks.relay_outbox,
        ]
        with self.captureOnCommitCallbacks(execute=True):
            for job in jobs:
                job()

        def state():
            return (
                list(SignUp.objects.order_by("pk").values()),
                list(Email.objects.order_by("pk").values("pk", "sent_at", "attempts")),
                list(MonthlyFigure.objects.values()),
                len(mail.outbox),
            )

        before = state()
        with self.captureOnCommitCallbacks(execute=True):
            for job in jobs:
                job()
        self.assertEqual(state(), before)


class OutboxTests(Personas):
    def test_an_email_whose_task_never_ran_is_sent_by_the_relay_once(self):
        # No on-commit run: as if the broker was down when the sign-up committed.
        person_signs_up(self.point_a, "late@example.org")
        self.assertEqual(len(mail.outbox), 0)
        self.assertEqual(tasks.relay_outbox(), 0)  # too fresh: its own task may still run
        Email.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
        self.assertEqual(tasks.relay_outbox(), 1)
        self.assertEqual(tasks.relay_outbox(), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_message_claimed_by_a_worker_that_died_is_sent_again_after_the_lease(self):
        person_signs_up(self.point_a, "lease@example.org")
        stale = timezone.now() - datetime.timedelta(minutes=11)
        Email.objects.update(created_at=stale, claimed_at=stale)
        tasks.relay_outbox()
        self.assertEqual(len(mail.outbox), 1)
        self.assertIsNotNone(Email.objects.get().sent_at)

    def test_the_same_email_is_never_sent_twice(self):
        person_signs_up(self.point_a, "once@example.org")
        email_id = Email.objects.get().pk
        tasks.send_email(email_id)
        tasks.send_email(email_id)
        self.assertEqual(len(mail.outbox), 1)


class PermanentFailureTests(Personas):
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
        self.assertEqual(tasks.relay_outbox(), 0)  # given up: never picked up again
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
        self.assertEqual(tasks.relay_outbox(), 0)  # not before the backoff has passed
        Email.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
        self.assertEqual(tasks.relay_outbox(), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIsNotNone(Email.objects.get().sent_at)
