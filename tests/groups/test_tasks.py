"""Every scheduled job changes nothing the second time it runs."""

import datetime

from django.core import mail
from django.utils import timezone

from groups import tasks
from groups.models import MonthlyFigure, SignUp
from outbox import tasks as outbox_tasks
from outbox.models import Email
from tests.base import Personas, waiting_person


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
            outbox_tasks.relay_outbox,
            tasks.record_due_sign_ups,
            tasks.delete_after_closing,
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
