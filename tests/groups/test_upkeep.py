"""Nothing kept for ever: a person is asked before their place runs out, may keep
it with one button, and a place nobody keeps is deleted and counted."""

import datetime

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups import tasks
from groups.models import MonthlyFigure, SignUp
from groups.services import answering, changing, upkeep
from tests.base import Personas, link_token, waiting_person
from tests.staff.base import StaffTestCase


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


class BackOnTheListTests(StaffTestCase):
    def test_a_place_that_ran_out_while_invited_is_not_taken_without_the_usual_warning(self):
        people = self.fill(self.point_a, 5, time_of_day="evening", language="no", age_group="30-44")
        group = self.start()
        SignUp.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1), expiry_warned_at=None)
        with self.captureOnCommitCallbacks(execute=True):
            answering.answer(signup=people[0], reply=answering.Answer.NOT_THIS_TIME)
            changing.cancel(group=group)
        mail.outbox.clear()
        tomorrow = timezone.now() + datetime.timedelta(days=1, hours=1)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(upkeep.expire(now=tomorrow), 0, "nobody's place goes at once")
            self.assertEqual(upkeep.warn_expiring(now=tomorrow), 5, "each is asked first, as anyone waiting is")
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), sorted(p.email for p in people))
        self.assertEqual(SignUp.objects.waiting().count(), 5)
