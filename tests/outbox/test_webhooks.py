"""The mail provider reports bounces: a bounced address is removed and counted;
a report without the shared secret, or that cannot be read, changes nothing."""

import base64
import json

from django.test import Client, override_settings

from groups.models import MonthlyFigure, SignUp
from outbox.models import Email
from tests.base import Personas, waiting_person

WEBHOOK_SECRET = "hook-user:hook-password"


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
        self.assertEqual(response.status_code, 400)
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
