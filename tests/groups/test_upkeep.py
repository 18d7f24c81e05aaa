"""Nothing kept for ever: a person is asked before their place runs out, may keep
it with one button, and a place nobody keeps is deleted and counted."""

import datetime

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups import tasks
from groups.models import MonthlyFigure, SignUp
from tests.base import Personas, link_token, waiting_person


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
