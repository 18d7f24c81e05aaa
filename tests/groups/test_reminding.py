"""Members who said yes are reminded once, about a day before the first meeting,
in their own language; nobody who heard of the meeting within that day is."""

import datetime
from unittest import mock

from django.core import mail
from django.utils import timezone

from groups import tasks
from groups.models import Group, Invitation, SignUp
from groups.services import answering, changing, reminding
from groups.services.forming import Meeting
from outbox.models import Email
from tests.base import InEnglish, Personas, start_group, waiting_person

PLAN = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
REMINDER = "Reminder: your first group meeting"


class RemindingTests(InEnglish, Personas):
    def setUp(self):
        super().setUp()
        self.first_meeting = timezone.now() + datetime.timedelta(days=3)
        with self.captureOnCommitCallbacks(execute=True):
            self.people = [waiting_person(self.point_a, f"r{n}@example.org", **PLAN) for n in range(5)]
            SignUp.objects.update(locale="en")
            self.group = start_group(self.point_a, by=self.staff_a, first_meeting=self.first_meeting)
            for person in self.people[:3]:
                answering.answer(signup=person, reply=answering.Answer.YES)
        mail.outbox.clear()

    def remind_at(self, moment):
        with mock.patch("django.utils.timezone.now", return_value=moment), self.captureOnCommitCallbacks(execute=True):
            return tasks.remind_members()

    def reminders(self):
        return [m for m in mail.outbox if m.subject == REMINDER]

    def test_members_who_said_yes_are_reminded_once_the_day_before(self):
        self.assertEqual(self.remind_at(self.first_meeting - datetime.timedelta(hours=30)), 0)
        self.assertEqual(self.remind_at(self.first_meeting - datetime.timedelta(hours=23, minutes=50)), 3)
        self.assertEqual(self.remind_at(self.first_meeting - datetime.timedelta(hours=23, minutes=40)), 0)
        self.assertEqual(
            sorted(m.to[0] for m in self.reminders()), ["r0@example.org", "r1@example.org", "r2@example.org"]
        )
        body = self.reminders()[0].body
        self.assertIn("Sentral A", body)
        self.assertIn("Kafeen", body)
        self.assertIn("/p/", body)  # the way out: say not this time, or leave the list

    def test_those_who_have_not_answered_get_no_reminder(self):
        self.remind_at(self.first_meeting - datetime.timedelta(hours=20))
        reminded = {m.to[0] for m in self.reminders()}
        self.assertNotIn("r3@example.org", reminded)
        self.assertNotIn("r4@example.org", reminded)

    def test_nobody_who_said_yes_within_the_last_day_is_reminded(self):
        Invitation.objects.filter(signup=self.people[0]).update(
            answered_at=self.first_meeting - datetime.timedelta(hours=10)
        )
        self.remind_at(self.first_meeting - datetime.timedelta(hours=9))
        self.assertNotIn("r0@example.org", {m.to[0] for m in self.reminders()})
        self.assertEqual(len(self.reminders()), 2)

    def test_a_meeting_moved_to_another_day_is_reminded_of_again(self):
        self.remind_at(self.first_meeting - datetime.timedelta(hours=23))
        self.assertEqual(len(self.reminders()), 3)
        later = self.first_meeting + datetime.timedelta(days=4)
        moment = self.first_meeting - datetime.timedelta(hours=22)
        with mock.patch("django.utils.timezone.now", return_value=moment), self.captureOnCommitCallbacks(execute=True):
            changing.move_meeting(
                group=self.group,
                meeting=Meeting(first_meeting=later, room=None, place_details="Kafeen"),
                seen_changes=0,
            )
        mail.outbox.clear()
        self.assertEqual(self.remind_at(later - datetime.timedelta(hours=23)), 3)
        self.assertEqual(len(self.reminders()), 3)

    def test_someone_who_says_not_this_time_before_it_goes_out_is_not_reminded(self):
        moment = self.first_meeting - datetime.timedelta(hours=23)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            reminding.remind_due(now=moment)  # queued, not yet sent (say the broker is down)
        answering.answer(signup=self.people[0], reply=answering.Answer.NOT_THIS_TIME)
        with self.captureOnCommitCallbacks(execute=True):
            from outbox import tasks as outbox_tasks

            for pk in Email.objects.filter(kind="reminder").values_list("pk", flat=True):
                outbox_tasks.send_email(pk)
        self.assertEqual(sorted(m.to[0] for m in self.reminders()), ["r1@example.org", "r2@example.org"])

    def test_a_reminder_speaks_the_members_language(self):
        SignUp.objects.filter(pk=self.people[1].pk).update(locale="nn")
        self.remind_at(self.first_meeting - datetime.timedelta(hours=23))
        to_nynorsk = next(m for m in mail.outbox if m.to == ["r1@example.org"])
        self.assertNotEqual(to_nynorsk.subject, REMINDER)
        self.assertIn("Sentral A", to_nynorsk.body)

    def test_a_cancelled_group_reminds_nobody(self):
        with self.captureOnCommitCallbacks(execute=True):
            changing.cancel(group=self.group)
        mail.outbox.clear()
        self.assertEqual(self.remind_at(self.first_meeting - datetime.timedelta(hours=23)), 0)
        self.assertEqual(Group.objects.get().status, Group.Status.CANCELLED)
