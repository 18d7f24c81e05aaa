"""Staff move a forming group's first meeting or cancel the group: everyone invited
is told once, with the details as they are; cancelled, everyone goes back on the
list with their place, and the group never starts, invites or hands off. Staff's
buttons racing a person's answer or the hand-off end one way, never half-way."""

import datetime
import uuid
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, TransactionTestCase
from django.utils import formats, timezone, translation

from contactpoints.models import ContactPoint, County, Municipality, Room
from groups import emails as group_mail
from groups import tasks
from groups.matching import Plan
from groups.models import Group, Invitation, MonthlyFigure, SignUp
from groups.services import answering, changing, forming, hand_off
from groups.services.changing import Meeting
from outbox import sending
from outbox.models import Email
from selvhjelp.crypto import address_hash
from tests.base import InEnglish, Personas, in_threads, link_token, start_group, waiting_person

PLAN = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
MOVED_SUBJECT = "The first meeting has changed"
CANCELLED_SUBJECT = "The first meeting will not take place"


def in_days(days: float, hour: int = 18) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=int(days))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def as_mailed(moment: datetime.datetime) -> str:
    """A time as the English mail writes it."""
    with translation.override("en"):
        return formats.date_format(timezone.localtime(moment), "WEEKDAY_DATETIME_FORMAT")


class ChangingTestCase(InEnglish, Personas):
    def setUp(self):
        super().setUp()
        self.room = Room.objects.create(contact_point=self.point_a, name="Peisestua", address="Storgata 8")
        self.other_room = Room.objects.create(contact_point=self.point_b, name="Rom B", address="Gata 2")
        with self.captureOnCommitCallbacks(execute=True):
            self.people = [waiting_person(self.point_a, f"p{n}@example.org", days_ago=40 - n, **PLAN) for n in range(8)]
            # The mail in English, so that the tests read the words they check.
            SignUp.objects.update(locale="en")
            self.group = start_group(self.point_a, by=self.staff_a, seats=6, first_meeting=in_days(7))
        self.invited = self.people[:6]
        mail.outbox.clear()

    def run_on_commit(self):
        return self.captureOnCommitCallbacks(execute=True)

    def say_yes(self, *people):
        for person in people:
            self.assertTrue(answering.answer(signup=person, reply=answering.Answer.YES))

    def move(self, seen_changes=0, **meeting):
        details = {"first_meeting": in_days(9, 17), "room": self.room, "place_details": "Ring på døra", **meeting}
        with self.run_on_commit():
            return changing.move_meeting(group=self.group, meeting=Meeting(**details), seen_changes=seen_changes)

    def cancel(self):
        with self.run_on_commit():
            return changing.cancel(group=self.group)

    def participant_mail(self):
        """What people were sent; staff may also hear that enough are waiting again."""
        return [m for m in mail.outbox if m.to[0].endswith("@example.org")]

    def mail_to(self, person, subject):
        return [m for m in mail.outbox if m.to == [person.email] and m.subject == subject]

    def deliver_the_outbox(self):
        """The relay sends what no task sent: each unsent message, in the order it was queued."""
        with self.run_on_commit():
            for email_id in Email.objects.filter(sent_at=None).order_by("pk").values_list("pk", flat=True):
                sending.deliver(email_id)


class MovingTests(ChangingTestCase):
    def test_moving_a_group_tells_everyone_invited_once_with_the_new_time_and_place(self):
        self.say_yes(*self.invited[:3])

        self.assertTrue(self.move())

        self.group.refresh_from_db()
        self.assertEqual(
            (self.group.first_meeting, self.group.room, self.group.place_details, self.group.changes),
            (in_days(9, 17), self.room, "Ring på døra", 1),
        )
        self.assertEqual({m.to[0] for m in mail.outbox}, {p.email for p in self.invited})
        for person in self.invited:
            [message] = self.mail_to(person, MOVED_SUBJECT)
            self.assertIn(as_mailed(in_days(9, 17)), message.body)
            self.assertIn("Peisestua, Storgata 8", message.body)
            self.assertIn("Ring på døra", message.body)
            self.assertIn(f"/p/{link_token(message)}/", message.body)
            self.assertNotIn(as_mailed(in_days(7)), message.body)
        for person in self.invited[:3]:
            [message] = self.mail_to(person, MOVED_SUBJECT)
            self.assertIn("You have said yes. If you can no longer come", message.body)
        for person in self.invited[3:]:
            [message] = self.mail_to(person, MOVED_SUBJECT)
            self.assertIn("Please answer by", message.body)
        # Nobody's answer changed, nobody else was invited.
        statuses = Counter(Invitation.objects.filter(group=self.group).values_list("status", flat=True))
        self.assertEqual(statuses, {Invitation.Status.ACCEPTED: 3, Invitation.Status.PENDING: 3})
        self.assertFalse(Invitation.objects.filter(signup__in=self.people[6:]).exists())

    def test_the_same_change_sent_twice_changes_once_and_tells_nobody_twice(self):
        self.assertTrue(self.move())
        self.assertFalse(self.move())
        self.assertFalse(self.move(seen_changes=1))

        self.group.refresh_from_db()
        self.assertEqual(self.group.changes, 1)
        self.assertEqual(len(mail.outbox), 6)

    def test_a_second_move_tells_everyone_again_with_the_latest_details(self):
        self.move()
        mail.outbox.clear()

        self.assertTrue(self.move(seen_changes=1, first_meeting=in_days(10, 12), room=None))

        for person in self.invited:
            [message] = self.mail_to(person, MOVED_SUBJECT)
            self.assertIn(as_mailed(in_days(10, 12)), message.body)
            self.assertNotIn("Peisestua", message.body)

    def test_moved_twice_before_the_mail_went_out_each_person_gets_only_the_latest(self):
        meeting = {"first_meeting": in_days(9, 17), "room": self.room, "place_details": ""}
        # Say the broker is down: nothing is sent as the moves commit.
        changing.move_meeting(group=self.group, meeting=Meeting(**meeting), seen_changes=0)
        changing.move_meeting(
            group=self.group, meeting=Meeting(**{**meeting, "first_meeting": in_days(11, 17)}), seen_changes=1
        )
        self.deliver_the_outbox()

        for person in self.invited:
            [message] = self.mail_to(person, MOVED_SUBJECT)
            self.assertIn(as_mailed(in_days(11, 17)), message.body)
        self.assertFalse(Email.objects.filter(sent_at=None).exists())

    def test_a_form_made_before_someone_elses_move_is_refused_and_undoes_nothing(self):
        self.move(first_meeting=in_days(9, 17))
        mail.outbox.clear()

        with self.assertRaisesMessage(forming.GroupError, "Someone changed this group"):
            self.move(first_meeting=in_days(12, 17), seen_changes=0)

        self.group.refresh_from_db()
        self.assertEqual((self.group.first_meeting, self.group.changes), (in_days(9, 17), 1))
        self.assertEqual(mail.outbox, [])

    def test_past_dates_short_notice_and_another_contact_points_room_are_refused(self):
        refused = {
            "The first meeting must be in the future.": {"first_meeting": timezone.now() - datetime.timedelta(hours=1)},
            "at least 24 hours from now": {"first_meeting": timezone.now() + datetime.timedelta(hours=20)},
            "Choose one of your own rooms.": {"room": self.other_room},
        }
        for message, meeting in refused.items():
            with self.subTest(message), self.assertRaisesMessage(forming.GroupError, message):
                self.move(**meeting)

        self.group.refresh_from_db()
        self.assertEqual((self.group.first_meeting, self.group.room, self.group.changes), (in_days(7), None, 0))
        self.assertFalse(Email.objects.filter(kind=group_mail.MEETING_MOVED).exists())

    def test_a_new_time_within_a_day_is_fine_once_everyone_invited_has_answered(self):
        self.say_yes(*self.invited)
        soon = (timezone.now() + datetime.timedelta(hours=5)).replace(second=0, microsecond=0)

        self.assertTrue(self.move(first_meeting=soon))

        self.assertEqual(len(mail.outbox), 6)

    def test_close_to_the_meeting_the_place_may_still_change(self):
        Group.objects.filter(pk=self.group.pk).update(first_meeting=timezone.now() + datetime.timedelta(hours=6))
        self.group.refresh_from_db()

        self.assertTrue(self.move(first_meeting=self.group.first_meeting, room=None, place_details="Kafeen i 1. etg."))

        self.assertEqual(len(mail.outbox), 6)

    def test_an_answer_is_never_due_after_the_new_first_meeting(self):
        new_time = (timezone.now() + datetime.timedelta(hours=30)).replace(second=0, microsecond=0)

        self.move(first_meeting=new_time)

        due = set(Invitation.objects.filter(status=Invitation.Status.PENDING).values_list("reply_by", flat=True))
        self.assertEqual(due, {new_time})
        for person in self.invited:
            [message] = self.mail_to(person, MOVED_SUBJECT)
            with translation.override("en"):
                self.assertIn(
                    formats.date_format(timezone.localtime(new_time), "WEEKDAY_MONTH_DAY_TIME_FORMAT"), message.body
                )

    def test_someone_who_said_yes_may_say_no_after_the_move_and_keeps_their_place(self):
        person = self.invited[0]
        place = person.waiting_since
        self.say_yes(person)
        self.move()

        with self.run_on_commit():
            self.assertTrue(answering.answer(signup=person, reply=answering.Answer.NOT_THIS_TIME))

        person.refresh_from_db()
        self.assertEqual((person.status, person.waiting_since), (SignUp.Status.WAITING, place))
        # The seat goes to the next person, invited at the new time.
        self.assertTrue(Invitation.objects.filter(signup=self.people[6], group=self.group).exists())
        [invitation] = [m for m in mail.outbox if m.to == [self.people[6].email]]
        self.assertIn(as_mailed(in_days(9, 17)), invitation.body)

    def test_a_group_whose_first_meeting_has_begun_is_not_moved(self):
        Group.objects.filter(pk=self.group.pk).update(first_meeting=timezone.now() - datetime.timedelta(minutes=5))

        with self.assertRaisesMessage(forming.GroupError, "The first meeting has already begun."):
            self.move()


class CancellingTests(ChangingTestCase):
    def test_cancelling_tells_everyone_invited_and_they_go_back_keeping_their_place(self):
        self.say_yes(*self.invited[:2])
        places = {p.pk: p.waiting_since for p in self.invited}

        self.assertTrue(self.cancel())

        self.group.refresh_from_db()
        self.assertEqual(self.group.status, Group.Status.CANCELLED)
        self.assertFalse(Invitation.objects.exists())
        for person in self.invited:
            person.refresh_from_db()
            self.assertEqual(person.status, SignUp.Status.WAITING)
            self.assertEqual(person.waiting_since, places[person.pk])
            self.assertIsNone(person.passed_on_group)
            [message] = self.mail_to(person, CANCELLED_SUBJECT)
            self.assertIn(as_mailed(in_days(7)), message.body)
            self.assertIn("will not take place", message.subject)
            self.assertIn("You are back on the waiting list and you keep your place.", message.body)
        self.assertEqual(len(self.participant_mail()), 6)
        # Back on the list, they are the longest-waiting again: the next group takes them first.
        with self.run_on_commit():
            again = start_group(self.point_a, by=self.staff_a, seats=6)
        invited_again = set(Invitation.objects.filter(group=again).values_list("signup_id", flat=True))
        self.assertEqual(invited_again, {p.pk for p in self.invited})

    def test_after_a_cancel_the_private_page_shows_the_waiting_list_not_the_invitation(self):
        self.cancel()
        [message] = self.mail_to(self.invited[0], CANCELLED_SUBJECT)

        response = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/p/{link_token(message)}/")

        self.assertTemplateUsed(response, "groups/signup_page.html")
        self.assertTemplateNotUsed(response, "groups/invitation.html")

    def test_someone_who_passed_on_the_group_may_be_invited_to_the_next(self):
        with self.run_on_commit():
            answering.answer(signup=self.invited[0], reply=answering.Answer.NOT_THIS_TIME)
        self.assertEqual(SignUp.objects.get(pk=self.invited[0].pk).passed_on_group_id, self.group.pk)

        self.cancel()

        self.assertIsNone(SignUp.objects.get(pk=self.invited[0].pk).passed_on_group_id)
        # They were no longer invited: no mail about a group they had turned down.
        self.assertEqual(self.mail_to(self.invited[0], CANCELLED_SUBJECT), [])

    def test_cancelling_twice_cancels_once_and_tells_nobody_twice(self):
        self.assertTrue(self.cancel())
        self.assertFalse(self.cancel())

        self.assertEqual(len(self.participant_mail()), 6)

    def test_a_cancelled_group_never_invites_never_hands_off_and_never_counts_as_started(self):
        self.cancel()
        mail.outbox.clear()

        with self.run_on_commit():
            self.assertEqual(forming.refill(group=self.group), 0)
            self.assertFalse(answering.answer(signup=self.invited[0], reply=answering.Answer.YES))
            with self.assertRaises(forming.GroupError):
                forming.change_seats(group=self.group, seats=8)
            later = in_days(8)
            self.assertFalse(hand_off.hand_off(group=self.group, now=later))
            self.assertEqual(hand_off.hand_off_due(now=later), 0)
            self.assertEqual(tasks.expire_invitations(), 0)

        with self.assertRaisesMessage(forming.GroupError, "cancelled"):
            self.move(seen_changes=0)

        self.group.refresh_from_db()
        self.assertEqual(self.group.status, Group.Status.CANCELLED)
        self.assertIsNone(self.group.handed_off_at)
        self.assertFalse(MonthlyFigure.objects.filter(groups_started__gt=0).exists())
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_group_handed_over_cannot_be_cancelled(self):
        self.say_yes(*self.invited)
        with self.run_on_commit():
            hand_off.hand_off(group=self.group, now=self.group.first_meeting + datetime.timedelta(hours=1))
        mail.outbox.clear()

        with self.assertRaisesMessage(forming.GroupError, "handed over"):
            self.cancel()

        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.HANDED_OFF)
        self.assertEqual(mail.outbox, [])

    def test_mail_about_a_cancelled_group_still_waiting_in_the_outbox_is_not_sent(self):
        # Moved, then cancelled, before anything went out (say the broker was down).
        meeting = Meeting(first_meeting=in_days(9, 17), room=self.room, place_details="")
        changing.move_meeting(group=self.group, meeting=meeting, seen_changes=0)
        changing.cancel(group=self.group)

        self.deliver_the_outbox()

        self.assertEqual({m.subject for m in self.participant_mail()}, {CANCELLED_SUBJECT})
        self.assertEqual(len(self.participant_mail()), 6)

    def test_cancelling_may_tell_staff_that_enough_are_waiting_again(self):
        ContactPoint.objects.filter(pk=self.point_a.pk).update(enough_notified_at=None)

        self.cancel()

        self.assertIsNotNone(ContactPoint.objects.get(pk=self.point_a.pk).enough_notified_at)
        self.assertTrue(Email.objects.filter(kind=group_mail.ENOUGH_WAITING, user=self.staff_a).exists())


@pytest.mark.postgres
class ChangingAtOnceTests(TransactionTestCase):
    """Real threads on PostgreSQL: a staff button and a person's answer, or the hand-off, at the same moment."""

    def setUp(self):
        county = County.objects.create(number="03", name="Oslo")
        municipality = Municipality.objects.create(number="0301", name="Oslo", county=county)
        self.point = ContactPoint.objects.create(
            slug="sentral", name="Sentral", kind="frivilligsentral", municipality=municipality, threshold=4, seats=8
        )
        self.room = Room.objects.create(contact_point=self.point, name="Rom", address="Gata 1")
        staff = get_user_model().objects.create_user("staff@work.example", "a-long-password-1")
        now = timezone.now()
        self.people = [
            SignUp.objects.create(
                contact_point=self.point,
                email=f"p{n}@example.org",
                email_hash=address_hash(f"p{n}@example.org"),
                status=SignUp.Status.WAITING,
                waiting_since=now - datetime.timedelta(days=30 - n),
                confirmed_at=now,
                locale="en",
                **{"format": "any", "time_of_day": "any", "languages": ["en", "no", "se"], "age_group": "any"},
            )
            for n in range(10)
        ]
        self.group = forming.start_group(
            contact_point=self.point,
            details=forming.GroupDetails(
                plan=Plan(**PLAN),
                first_meeting=in_days(7),
                room=None,
                place_details="Kafeen",
                seats=6,
                starter_present=False,
            ),
            created_by=staff,
            request_key=uuid.uuid4(),
        )
        self.invited = self.people[:6]

    def move(self):
        meeting = Meeting(first_meeting=in_days(9, 17), room=self.room, place_details="")
        return changing.move_meeting(group=Group.objects.get(pk=self.group.pk), meeting=meeting, seen_changes=0)

    def cancel(self):
        return changing.cancel(group=Group.objects.get(pk=self.group.pk))

    def answer(self, person, reply):
        return lambda: answering.answer(signup=SignUp.objects.get(pk=person.pk), reply=reply)

    def mails(self, kind):
        return Counter(Email.objects.filter(kind=kind).values_list("signup_id", flat=True))

    def assert_nobody_in_two_places(self):
        per_person = Counter(Invitation.objects.values_list("signup_id", flat=True))
        self.assertTrue(all(n == 1 for n in per_person.values()), per_person)
        for kind in (group_mail.INVITATION, group_mail.MEETING_MOVED, group_mail.GROUP_CANCELLED):
            self.assertTrue(all(n == 1 for n in self.mails(kind).values()), (kind, self.mails(kind)))
        invited = SignUp.objects.filter(status__in=[SignUp.Status.INVITED, SignUp.Status.ACCEPTED])
        self.assertEqual(invited.count(), Invitation.objects.count())

    def test_a_move_pressed_twice_at_once_moves_once_and_tells_everyone_once(self):
        results = in_threads(self.move, self.move)

        self.assertEqual(sorted(results), [False, True], results)
        self.assertEqual(Group.objects.get(pk=self.group.pk).changes, 1)
        self.assertEqual(self.mails(group_mail.MEETING_MOVED), dict.fromkeys((p.pk for p in self.invited), 1))

    def test_a_move_and_a_yes_at_once_both_hold(self):
        person = self.invited[0]

        results = in_threads(self.move, self.answer(person, answering.Answer.YES))

        self.assertEqual(results, [True, True])
        group = Group.objects.get(pk=self.group.pk)
        self.assertEqual(group.first_meeting, in_days(9, 17))
        self.assertEqual(Invitation.objects.get(signup=person).status, Invitation.Status.ACCEPTED)
        # Whichever came first, the person hears of the new time once, and may still say no.
        self.assertEqual(self.mails(group_mail.MEETING_MOVED)[person.pk], 1)
        self.assert_nobody_in_two_places()

    def test_a_move_and_a_not_this_time_at_once_leave_the_seat_with_one_person(self):
        person = self.invited[0]

        results = in_threads(self.move, self.answer(person, answering.Answer.NOT_THIS_TIME))

        self.assertEqual(results, [True, True])
        self.assertEqual(SignUp.objects.get(pk=person.pk).status, SignUp.Status.WAITING)
        self.assertEqual(Invitation.objects.filter(group=self.group).count(), 6)
        self.assertTrue(Invitation.objects.filter(signup=self.people[6]).exists())
        self.assert_nobody_in_two_places()

    def test_a_cancel_and_a_yes_at_once_end_with_the_group_cancelled_and_everyone_waiting(self):
        person = self.invited[0]

        results = in_threads(self.cancel, self.answer(person, answering.Answer.YES))

        self.assertTrue(results[0], results)
        self.assertIn(results[1], (True, False))
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.CANCELLED)
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(SignUp.objects.get(pk=person.pk).status, SignUp.Status.WAITING)
        self.assertEqual(self.mails(group_mail.GROUP_CANCELLED), dict.fromkeys((p.pk for p in self.invited), 1))
        self.assert_nobody_in_two_places()

    def test_a_cancel_and_a_not_this_time_at_once_tell_the_person_at_most_once(self):
        person = self.invited[0]

        results = in_threads(self.cancel, self.answer(person, answering.Answer.NOT_THIS_TIME))

        self.assertTrue(results[0], results)
        self.assertEqual(SignUp.objects.get(pk=person.pk).status, SignUp.Status.WAITING)
        self.assertFalse(Invitation.objects.exists())
        # If "not this time" came first, the seat went to the next person, who is then told of the cancel.
        told = set(self.mails(group_mail.GROUP_CANCELLED))
        self.assertIn(told - {person.pk}, ({p.pk for p in self.invited[1:]}, {p.pk for p in self.people[1:7]}))
        self.assert_nobody_in_two_places()

    def test_a_cancel_pressed_twice_at_once_cancels_once(self):
        results = in_threads(self.cancel, self.cancel)

        self.assertEqual(sorted(results), [False, True], results)
        self.assertEqual(self.mails(group_mail.GROUP_CANCELLED), dict.fromkeys((p.pk for p in self.invited), 1))

    def test_a_cancel_and_a_move_at_once_end_cancelled(self):
        results = in_threads(self.cancel, self.move)

        self.assertTrue(results[0], results)
        self.assertTrue(results[1] is True or isinstance(results[1], forming.GroupError), results)
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.CANCELLED)
        self.assertFalse(Invitation.objects.exists())
        self.assert_nobody_in_two_places()

    def test_a_cancel_and_the_hand_off_at_once_do_one_or_the_other_never_both(self):
        for person in self.invited[:4]:
            answering.answer(signup=person, reply=answering.Answer.YES)
        Group.objects.filter(pk=self.group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=4))

        cancelled, handed_off = in_threads(self.cancel, hand_off.hand_off_due)

        group = Group.objects.get(pk=self.group.pk)
        if group.status == Group.Status.CANCELLED:
            self.assertIs(cancelled, True)
            self.assertEqual(handed_off, 0)
            self.assertFalse(Email.objects.filter(kind=group_mail.GUIDE).exists())
            self.assertEqual(SignUp.objects.filter(status=SignUp.Status.WAITING).count(), 10)
            self.assertEqual(len(self.mails(group_mail.GROUP_CANCELLED)), 6)
        else:
            self.assertIsInstance(cancelled, forming.GroupError)
            self.assertEqual(handed_off, 1)
            self.assertEqual(group.status, Group.Status.HANDED_OFF)
            self.assertFalse(Email.objects.filter(kind=group_mail.GROUP_CANCELLED).exists())
            self.assertFalse(SignUp.objects.filter(pk__in=[p.pk for p in self.invited[:4]]).exists())
        self.assertFalse(Invitation.objects.exists())
