"""Nobody can use "forgot password" to find out whether an address has a work account.

A known address and an unknown one get the same answer, and cost the request
the same work: the page keeps what was typed (encrypted) and queues the mail;
whether the address has an account is found out only when a worker writes the
mail (accounts/emails.py), where nobody who sent the form can see it. The
tests prove it as tests/groups/test_no_enumeration.py does for the sign-up
form: the responses are equal, and so are the database statements.
"""

import re
from unittest import mock

from django.apps import apps
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import emails
from accounts import tasks as accounts_tasks
from accounts.invitations import send_set_password_link
from accounts.models import PasswordRequest
from outbox import tasks as outbox_tasks
from outbox.models import Email
from tests.base import Personas
from tests.database import statements, text_columns_holding

KNOWN = "staff-a@work.example"
UNKNOWN = "nobody@work.example"
# Different in every response: the request id, and the clock (a second may pass between the two).
VARYING_HEADERS = {"X-Request-ID", "Date", "Expires"}


class ForgotPasswordNoEnumerationTests(Personas):
    def ask(self, address: str, client: Client | None = None):
        """One person's browser: the page, then the form sent back."""
        client = client or Client()
        client.get(reverse("forgot_password"))
        return client.post(reverse("forgot_password"), {"email": address})

    def test_a_known_and_an_unknown_address_get_the_same_answer(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            known, unknown = self.ask(KNOWN), self.ask(UNKNOWN)
        self.assertRedirects(known, reverse("forgot_password_sent"), fetch_redirect_response=False)
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(
            {k: v for k, v in known.headers.items() if k not in VARYING_HEADERS},
            {k: v for k, v in unknown.headers.items() if k not in VARYING_HEADERS},
        )
        self.assertEqual(
            {name: dict(cookie.items()) for name, cookie in known.cookies.items()},
            {name: dict(cookie.items()) for name, cookie in unknown.cookies.items()},
        )
        self.assertEqual(known.content, unknown.content)
        follow_known, follow_unknown = Client().get(known["Location"]), Client().get(unknown["Location"])
        self.assertEqual(follow_known.status_code, 200)
        self.assertEqual(follow_known.status_code, follow_unknown.status_code)
        self.assertEqual(  # each page has a CSRF token of its own
            re.sub(r'value="[^"]+"', "", follow_known.content.decode()),
            re.sub(r'value="[^"]+"', "", follow_unknown.content.decode()),
        )

    def test_a_known_and_an_unknown_address_cost_the_request_the_same_database_work(self) -> None:
        self.ask("warm.up@work.example")
        runs = {}
        for label, address in (("known", KNOWN), ("unknown", UNKNOWN)):
            client = Client()
            client.get(reverse("forgot_password"))
            with CaptureQueriesContext(connection) as queries, self.captureOnCommitCallbacks() as queued:
                response = client.post(reverse("forgot_password"), {"email": address})
            self.assertEqual(response.status_code, 302)
            runs[label] = (statements(queries.captured_queries), len(queued))
        self.assertEqual(runs["known"], runs["unknown"])
        self.assertTrue(
            any(sql.startswith("INSERT") for sql in runs["unknown"][0]), "the request keeps what it was sent"
        )

    def test_the_request_writes_the_same_for_both_and_only_the_worker_tells_them_apart(self) -> None:
        with self.captureOnCommitCallbacks() as queued:
            self.ask(KNOWN)
            self.ask("Nobody@Work.example")
        self.assertEqual(Email.objects.filter(user=None).count(), 2, "one message each, to an address, not an account")
        # The addresses typed are kept encrypted: the known one is where it always was, and nowhere else.
        self.assertEqual(text_columns_holding(KNOWN), ["accounts_user.email"])
        self.assertEqual(text_columns_holding(UNKNOWN), [])
        with mock.patch.object(outbox_tasks.send_email, "delay") as broker:
            for callback in queued:
                callback()
        self.assertEqual(len(broker.call_args_list), 2)
        for call in broker.call_args_list:  # an id, never an address
            self.assertEqual(len(call.args), 1)
            self.assertIsInstance(call.args[0], int)

        with self.captureOnCommitCallbacks(execute=True):
            for call in broker.call_args_list:
                outbox_tasks.send_email(*call.args)
        self.assertEqual([message.to for message in mail.outbox], [[KNOWN]], "only an account gets mail")
        self.assertIn("/passord/", mail.outbox[0].body)
        self.assertEqual(Email.objects.filter(sent_at=None).count(), 0, "both are done with")
        self.assertFalse(apps.get_model("accounts", "PasswordRequest").objects.exists(), "and what was typed is gone")

    def test_the_link_in_the_mail_sets_a_new_password(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.ask("  STAFF-A@work.example ")
        link = next(word for word in mail.outbox[-1].body.split() if "/passord/" in word)
        password = "a brand new long password"
        client = Client()
        response = client.post(
            link.replace("http://127.0.0.1:8000", ""), {"new_password1": password, "new_password2": password}
        )
        self.assertEqual(response.status_code, 302)
        self.staff_a.refresh_from_db()
        self.assertTrue(self.staff_a.check_password(password))

    def test_an_account_that_is_switched_off_gets_no_mail(self) -> None:
        self.staff_a.is_active = False
        self.staff_a.save(update_fields=["is_active"])
        with self.captureOnCommitCallbacks(execute=True):
            self.ask(KNOWN)
        self.assertEqual(mail.outbox, [])

    def test_a_link_queued_for_an_account_is_still_sent(self) -> None:
        """A message queued for an account (as before, and as the admin's invitations are) goes to that account."""
        with self.captureOnCommitCallbacks(execute=True):
            send_set_password_link(self.staff_b, kind=emails.SET_PASSWORD)
        self.assertEqual([message.to for message in mail.outbox], [["staff-b@work.example"]])

    @override_settings(NEW_PASSWORD_LIMIT_PER_CLIENT=2)
    def test_the_limit_per_client_holds_for_known_and_unknown_addresses_alike(self) -> None:
        client = Client()
        with self.captureOnCommitCallbacks(execute=True):
            answers = [self.ask(address, client) for address in (UNKNOWN, KNOWN, KNOWN, UNKNOWN)]
        self.assertEqual({(a.status_code, a["Location"]) for a in answers}, {(302, reverse("forgot_password_sent"))})
        self.assertEqual(Email.objects.count(), 2, "two asked, then no more")
        self.assertEqual([message.to for message in mail.outbox], [[KNOWN]])


class PasswordRequestsGoTests(Personas):
    def test_an_address_typed_in_is_not_kept_once_its_mail_is_given_up(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            Client().post(reverse("forgot_password"), {"email": "typed.in@example.org"})
        self.assertEqual(PasswordRequest.objects.count(), 1)
        self.assertEqual(accounts_tasks.forget_unanswered_password_requests(), 0)  # its mail may still go
        Email.objects.update(failed_at=timezone.now())  # refused for good
        self.assertEqual(accounts_tasks.forget_unanswered_password_requests(), 1)
        self.assertEqual(text_columns_holding("typed.in@example.org"), [])
        self.assertFalse(PasswordRequest.objects.exists())
