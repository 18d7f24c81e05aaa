"""A group is handed over to its members once it has met, by staff or by itself,
and nothing is left of its members once their guide is on its way."""

import datetime

from django.utils import timezone

from groups import emails as group_mail
from groups import tasks
from groups.models import Group, SignUp
from groups.services import answering, hand_off
from outbox import tasks as outbox_tasks
from outbox.models import Email
from tests.base import Personas, start_group, waiting_person

PLAN = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}


class HandOffTests(Personas):
    def run_on_commit(self):
        return self.captureOnCommitCallbacks(execute=True)

    def test_a_group_hands_off_by_itself_after_its_first_meeting(self):
        with self.run_on_commit():
            people = [waiting_person(self.point_a, f"p{n}@example.org", **PLAN) for n in range(5)]
            group = start_group(
                self.point_a, by=self.staff_a, seats=5, first_meeting=timezone.now() + datetime.timedelta(hours=2)
            )
        for person in people:
            answering.answer(signup=person, reply="yes")
        with self.run_on_commit():
            self.assertEqual(tasks.hand_off_due(), 0)
            self.assertEqual(hand_off.hand_off_due(now=timezone.now() + datetime.timedelta(hours=4)), 0)
            self.assertEqual(hand_off.hand_off_due(now=timezone.now() + datetime.timedelta(hours=6)), 1)
        group.refresh_from_db()
        self.assertEqual(group.status, Group.Status.HANDED_OFF)
        self.assertFalse(SignUp.objects.exists())

    def test_members_are_not_deleted_before_their_guide_is_sent(self):
        with self.run_on_commit():
            people = [waiting_person(self.point_a, f"q{n}@example.org", **PLAN) for n in range(5)]
            group = start_group(
                self.point_a, by=self.staff_a, seats=5, first_meeting=timezone.now() + datetime.timedelta(days=1)
            )
        for person in people:
            answering.answer(signup=person, reply="yes")
        # The hand-off commits, but no mail goes out (say the broker is down).
        self.assertTrue(hand_off.hand_off(group=group, now=group.first_meeting + datetime.timedelta(hours=1)))
        self.assertFalse(hand_off.finish_hand_off(group_id=group.pk))
        self.assertEqual(SignUp.objects.count(), 5)
        with self.run_on_commit():
            for email_id in Email.objects.filter(kind=group_mail.GUIDE).values_list("pk", flat=True):
                outbox_tasks.send_email(email_id)
        self.assertTrue(hand_off.finish_hand_off(group_id=group.pk) or not SignUp.objects.exists())
        self.assertFalse(SignUp.objects.exists())
