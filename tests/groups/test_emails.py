"""The mail about a group: a calendar file with every message about a meeting,
and how to join a video group only for those who said yes."""

import datetime

import icalendar
from django.core import mail
from django.utils import timezone

from contactpoints.models import ContactPoint
from groups.models import Group, SignUp
from groups.services import answering, changing
from groups.services.forming import Meeting
from tests.base import VIDEO_LINK, InEnglish, Personas, start_group, waiting_person

INVITED = "You are invited to a first meeting"
VIDEO = {"format": "video", "time_of_day": "evening", "language": "no", "age_group": "30-44"}


def calendar_of(message) -> icalendar.Calendar:
    files = [a for a in message.attachments if a[2].startswith("text/calendar")]
    assert len(files) == 1, f"{message.subject!r} carries {len(files)} calendar files"
    return icalendar.Calendar.from_ical(files[0][1])


def first_event(message) -> icalendar.Event:
    return calendar_of(message).walk("VEVENT")[0]


class VideoGroupMailTests(InEnglish, Personas):
    def setUp(self):
        super().setUp()
        ContactPoint.objects.filter(pk=self.point_a.pk).update(offers_video=True)
        self.point_a.refresh_from_db()
        self.first_meeting = timezone.now() + datetime.timedelta(days=5)
        self.follow_up = self.first_meeting + datetime.timedelta(weeks=6)
        with self.captureOnCommitCallbacks(execute=True):
            self.people = [waiting_person(self.point_a, f"v{n}@example.org", **VIDEO) for n in range(5)]
            SignUp.objects.update(locale="en")
            self.group = start_group(
                self.point_a, by=self.staff_a, first_meeting=self.first_meeting, follow_up=self.follow_up, **VIDEO
            )

    def to(self, person, subject):
        return [m for m in mail.outbox if m.to == [person.email] and m.subject == subject]

    def say_yes(self, person):
        with self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(answering.answer(signup=person, reply=answering.Answer.YES))

    def whole(self, message) -> str:
        """Everything a message holds: text, HTML and attachments."""
        parts = [message.subject, message.body, *(content for content, _type in message.alternatives)]
        parts += [a[1].decode() if isinstance(a[1], bytes) else str(a[1]) for a in message.attachments]
        return "\n".join(parts)

    def test_the_invitation_to_everyone_never_holds_the_link_to_join(self):
        invitations = [m for m in mail.outbox if m.subject == INVITED]
        self.assertEqual(len(invitations), 5)
        for message in invitations:
            self.assertNotIn(VIDEO_LINK, self.whole(message))
            self.assertNotIn("meet.example", self.whole(message))
            self.assertIn("You get the link to join when you say yes.", message.body)

    def test_saying_yes_brings_the_link_and_the_final_calendar_file(self):
        invitation = next(m for m in mail.outbox if m.subject == INVITED)
        person = next(p for p in self.people if [p.email] == invitation.to)
        mail.outbox.clear()
        self.say_yes(person)
        [accepted] = self.to(person, "You have said yes: your first meeting")
        self.assertIn(VIDEO_LINK, accepted.body)
        self.assertIn("No account needed.", accepted.body)
        self.assertIn(VIDEO_LINK, accepted.alternatives[0][0])
        self.assertIn("/p/", accepted.body)  # the way out
        before, after = first_event(invitation), first_event(accepted)
        self.assertEqual(before["UID"], after["UID"])
        self.assertGreater(int(after["SEQUENCE"]), int(before["SEQUENCE"]))
        self.assertEqual(str(after["URL"]), VIDEO_LINK)

    def test_the_follow_up_meeting_stands_in_the_invitation_and_its_calendar_file(self):
        invitation = next(m for m in mail.outbox if m.subject == INVITED)
        self.assertIn("Follow-up meeting:", invitation.body)
        events = calendar_of(invitation).walk("VEVENT")
        self.assertEqual(len(events), 2)
        self.assertEqual(events[1].decoded("DTSTART"), timezone.localtime(self.follow_up).replace(microsecond=0))

    def test_a_move_sends_an_update_with_the_same_uid_and_a_higher_sequence(self):
        self.say_yes(self.people[0])
        before = first_event(self.to(self.people[0], "You have said yes: your first meeting")[0])
        mail.outbox.clear()
        later = self.first_meeting + datetime.timedelta(days=1)
        with self.captureOnCommitCallbacks(execute=True):
            changing.move_meeting(
                group=self.group,
                meeting=Meeting(first_meeting=later, room=None, place_details="", joining_link=VIDEO_LINK + "-ny"),
                seen_changes=0,
            )
        [moved] = self.to(self.people[0], "The first meeting has changed")
        after = first_event(moved)
        self.assertEqual(after["UID"], before["UID"])
        self.assertGreater(int(after["SEQUENCE"]), int(before["SEQUENCE"]))
        self.assertIn(VIDEO_LINK + "-ny", moved.body)
        # Someone who has not answered hears of the new time, not of the link.
        [not_answered] = self.to(self.people[1], "The first meeting has changed")
        self.assertNotIn("meet.example", self.whole(not_answered))

    def test_a_cancellation_cancels_the_calendar_entry(self):
        self.say_yes(self.people[0])
        before = first_event(self.to(self.people[0], "You have said yes: your first meeting")[0])
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            changing.cancel(group=self.group)
        [cancelled] = self.to(self.people[0], "The first meeting will not take place")
        calendar = calendar_of(cancelled)
        self.assertEqual(str(calendar["METHOD"]), "CANCEL")
        event = calendar.walk("VEVENT")[0]
        self.assertEqual(event["UID"], before["UID"])
        self.assertGreater(int(event["SEQUENCE"]), int(before["SEQUENCE"]))
        self.assertNotIn("meet.example", self.whole(cancelled))
        self.assertEqual(Group.objects.get().joining_link, "")

    def test_no_calendar_file_names_a_health_word_or_a_person(self):
        self.say_yes(self.people[0])
        files = [a[1] for m in mail.outbox for a in m.attachments if a[2].startswith("text/calendar")]
        self.assertEqual(len(files), 6)  # five invitations, one yes
        for content in files:
            text = (content.decode() if isinstance(content, bytes) else content).lower()
            for word in ("health", "helse", "problem", "angst", "@example.org", "/p/"):
                self.assertNotIn(word, text)


class InPersonMailTests(InEnglish, Personas):
    def test_an_invitation_to_a_room_carries_a_calendar_file_in_oslo_time(self):
        first_meeting = timezone.now() + datetime.timedelta(days=5)
        with self.captureOnCommitCallbacks(execute=True):
            for n in range(5):
                waiting_person(self.point_a, f"i{n}@example.org")
            SignUp.objects.update(locale="en")
            start_group(self.point_a, by=self.staff_a, first_meeting=first_meeting)
        event = first_event(next(m for m in mail.outbox if m.subject == INVITED))
        start = event.decoded("DTSTART")
        self.assertEqual(str(start.tzinfo), "Europe/Oslo")
        self.assertEqual(start, timezone.localtime(first_meeting).replace(microsecond=0))
        self.assertIn("Kafeen", str(event["LOCATION"]))
