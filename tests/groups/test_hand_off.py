"""A group is handed over to its members once it has met, by staff or by itself,
and nothing is left of its members once their guide is on its way."""

import datetime

from django.core import mail
from django.utils import formats, timezone, translation

from groups import emails as group_mail
from groups import tasks
from groups.models import Group, Invitation, SignUp
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

    def test_the_guide_says_when_the_contact_point_meets_the_group_again(self):
        first_meeting = timezone.now() + datetime.timedelta(days=1)
        follow_up = first_meeting + datetime.timedelta(weeks=6)
        with self.run_on_commit():
            people = [waiting_person(self.point_a, f"f{n}@example.org", **PLAN) for n in range(5)]
            SignUp.objects.update(locale="en")
            group = start_group(self.point_a, by=self.staff_a, first_meeting=first_meeting, follow_up=follow_up)
        for person in people:
            answering.answer(signup=person, reply="yes")
        mail.outbox.clear()
        with self.run_on_commit():
            hand_off.hand_off(group=group, now=first_meeting + datetime.timedelta(hours=2))
        guides = [m for m in mail.outbox if "Follow-up meeting:" in m.body]
        self.assertEqual(len(guides), 5)
        with translation.override("en"):
            when = formats.date_format(timezone.localtime(follow_up), "WEEKDAY_DATETIME_FORMAT")
        self.assertIn(when, guides[0].body)
        # The date stays with the group; nothing of the members does.
        self.assertEqual(Group.objects.get().follow_up, follow_up)
        self.assertFalse(SignUp.objects.exists())


class StillOnTheListTests(Personas):
    """The email to someone who did not answer says what happened, and only that."""

    def setUp(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.people = [waiting_person(self.point_a, f"p{n}@example.org", **PLAN) for n in range(5)]
            self.group = start_group(
                self.point_a, by=self.staff_a, seats=5, first_meeting=timezone.now() + datetime.timedelta(days=2)
            )
        mail.outbox.clear()

    def test_an_unanswered_invitation_does_not_claim_the_seat_went_to_someone(self):
        # Nobody else is waiting: the seat stays empty, and the email must not say otherwise.
        Invitation.objects.filter(signup=self.people[0]).update(reply_by=timezone.now())
        with self.captureOnCommitCallbacks(execute=True):
            tasks.expire_invitations()
        [message] = mail.outbox
        self.assertIn("ikke lenger holdt av til deg", message.body)
        self.assertNotIn("noen andre", message.body)

    def test_someone_who_never_answered_before_the_meeting_is_told_the_group_has_met(self):
        for person in self.people[1:4]:
            answering.answer(signup=person, reply="yes")
        Group.objects.filter(pk=self.group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=4))
        with self.captureOnCommitCallbacks(execute=True):
            tasks.hand_off_due()
        told = [m for m in mail.outbox if m.to == ["p0@example.org"]]
        self.assertEqual(len(told), 1)
        self.assertIn("har hatt sitt første møte", told[0].body)
        self.assertNotIn("noen andre", told[0].body)
