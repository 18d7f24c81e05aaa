"""The contact point's whole story, from "5 waiting" to "a group started and
nothing left of its members in the database"."""

import datetime
import re
import uuid
from unittest import mock

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import Room
from groups import tasks
from groups.models import AddressExchange, Group, Invitation, MonthlyFigure, PrivateLink, SignUp
from outbox.models import Email
from tests.base import Personas, link_token, waiting_person
from tests.signin import sign_in

PLAN = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}


class GroupStoryTests(Personas):
    def run_on_commit(self):
        return self.captureOnCommitCallbacks(execute=True)

    def setUp(self):
        self.links = {}

    def remember_links(self):
        self.links.update({m.to[0]: link_token(m) for m in mail.outbox if "/p/" in m.body})

    def answer(self, signup_email, reply):
        self.remember_links()
        data = {"action": "answer", "reply": reply}
        with self.run_on_commit():
            return Client().post(reverse("signup_page", args=[self.links[signup_email]]), data)

    def test_from_five_waiting_to_a_group_started_and_nothing_left_of_its_members(self):
        room = Room.objects.create(contact_point=self.point_a, name="Rom 1", address="Gata 1", accessibility="Heis")
        staff = Client()
        sign_in(staff, self.staff_a)

        # Nine people sign up over time; nobody is told anything until five fit one group.
        people = []
        for n in range(9):
            with self.run_on_commit():
                people.append(waiting_person(self.point_a, f"member{n}@example.org", days_ago=40 - n, **PLAN))
            notices = [m for m in mail.outbox if m.to == ["staff-a@work.example"]]
            self.assertEqual(len(notices), 0 if n < 4 else 1, n)
        notice = next(m for m in mail.outbox if m.to == ["staff-a@work.example"])
        self.assertIn("/ansatt/sentral-a/", notice.body)
        for word in ("selvhjelpsgruppe", "self-help group"):
            self.assertNotIn(word, notice.subject.lower())

        # Staff start a group of six seats through the page; the six longest-waiting are invited.
        mail.outbox.clear()
        first_meeting = (timezone.now() + datetime.timedelta(days=5)).replace(second=0, microsecond=0)
        with self.run_on_commit():
            response = staff.post(
                reverse("staff:start_group", args=[self.point_a.slug]),
                {
                    **PLAN,
                    "first_meeting": timezone.localtime(first_meeting).strftime("%Y-%m-%dT%H:%M"),
                    "room": room.pk,
                    "place_details": "Ring på hos Frivilligsentralen.",
                    "seats": 6,
                    "starter_present": "on",
                    "request_key": str(uuid.uuid4()),
                },
            )
        group = Group.objects.get()
        self.assertRedirects(response, reverse("staff:group", args=[self.point_a.slug, group.pk]))
        invited = [m.to[0] for m in mail.outbox]
        self.assertEqual(sorted(invited), sorted(p.email for p in people[:6]))
        invitation = mail.outbox[0]
        self.assertIn("Rom 1", invitation.body)
        self.assertIn("Sentral A", invitation.from_email)
        for word in ("selvhjelp", "self-help", "helse", "health"):
            self.assertNotIn(word, invitation.subject.lower())

        # Opening the invitation changes nothing.
        Client().get(reverse("signup_page", args=[link_token(invitation)]))
        self.assertEqual(Invitation.objects.filter(status=Invitation.Status.PENDING).count(), 6)

        # Four say yes, one says not this time: the next person is invited.
        for person in people[:4]:
            self.answer(person.email, "yes")
        mail.outbox.clear()
        self.answer(people[4].email, "not_this_time")
        self.assertEqual([m.to[0] for m in mail.outbox], [people[6].email])
        self.assertEqual(SignUp.objects.get(pk=people[4].pk).status, SignUp.Status.WAITING)

        # One never answers: when the reply time runs out the seat passes on and they are told.
        self.remember_links()
        mail.outbox.clear()
        Invitation.objects.filter(signup=people[5]).update(reply_by=timezone.now() - datetime.timedelta(seconds=1))
        with self.run_on_commit():
            self.assertEqual(tasks.expire_invitations(), 1)
            self.assertEqual(tasks.expire_invitations(), 0)
        told = {m.to[0] for m in mail.outbox}
        self.assertIn(people[5].email, told)
        self.assertIn(people[7].email, told)  # the next in line is invited
        self.assertEqual(SignUp.objects.get(pk=people[5].pk).status, SignUp.Status.WAITING)

        # Staff see the counts change, never a person.
        page = staff.get(reverse("staff:group", args=[self.point_a.slug, group.pk])).content.decode()
        self.assertNotIn("@example.org", page)
        group.refresh_from_db()
        self.assertEqual((group.declined, group.expired), (1, 1))
        self.assertEqual(Invitation.objects.filter(status=Invitation.Status.ACCEPTED).count(), 4)

        # Before the meeting, "the group has met" changes nothing.
        has_met_url = reverse("staff:has_met", args=[self.point_a.slug, group.pk])
        staff.post(has_met_url)
        self.assertEqual(Group.objects.get().status, Group.Status.FORMING)

        # The group meets; staff press "the group has met".
        Group.objects.filter(pk=group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=1))
        mail.outbox.clear()
        member_ids = list(Invitation.objects.filter(status="accepted").values_list("signup_id", flat=True))
        still_pending = list(Invitation.objects.filter(status="pending").values_list("signup__email", flat=True))
        with self.run_on_commit():
            staff.post(has_met_url)
        guides = {m.to[0]: m for m in mail.outbox if "/p/gruppe/" in m.body}
        self.assertEqual(set(guides), {p.email for p in people[:4]})
        for message in guides.values():
            # No address of anyone in a mail that can be forwarded or quoted, and no reply to staff.
            self.assertEqual(re.findall(r"member\d@example\.org", message.body), [])
            self.assertEqual(message.reply_to, [])
        back = {m.to[0] for m in mail.outbox if "/p/" in m.body and "/p/gruppe/" not in m.body}
        self.assertEqual(back, set(still_pending))

        # Three of the four came, and share their addresses from the guide's link; one did not come.
        exchange = {
            address: re.search(r"/p/gruppe/[^/\s]+/", message.body).group(0) for address, message in guides.items()
        }
        member = Client()
        self.assertNotContains(member.get(exchange[people[0].email]), "member1@example.org")  # opening shares nothing
        for person in people[:3]:
            member.post(exchange[person.email], {"action": "share"})
        page = member.get(exchange[people[0].email])
        self.assertContains(page, "member1@example.org")
        self.assertContains(page, "member2@example.org")
        self.assertNotContains(page, "member3@example.org")  # never said they were there
        absent = member.get(exchange[people[3].email])
        self.assertNotContains(absent, "member0@example.org")  # sees nobody without sharing

        # Nothing is left of the members; what remains is an anonymous fact.
        group.refresh_from_db()
        self.assertEqual(group.status, Group.Status.HANDED_OFF)
        self.assertEqual(group.members_at_start, 4)
        self.assertIsNotNone(group.median_days_waited)
        self.assertFalse(SignUp.objects.filter(pk__in=member_ids).exists())
        self.assertFalse(Invitation.objects.exists())
        self.assertFalse(PrivateLink.objects.filter(signup_id__in=member_ids).exists())
        self.assertFalse(Email.objects.filter(signup_id__in=member_ids).exists())
        self.assertFalse(SignUp.objects.filter(passed_on_group=group).exists())
        figure = MonthlyFigure.objects.get(contact_point=self.point_a)
        self.assertEqual((figure.groups_started, figure.members_at_start), (1, 4))
        # Those who did not join are still waiting, keeping their place.
        self.assertEqual(SignUp.objects.filter(status=SignUp.Status.WAITING).count(), 5)

        # Once the exchange is over, the addresses kept for it go too, and its links stop working.
        after = timezone.now() + datetime.timedelta(days=settings.ADDRESS_EXCHANGE_DAYS, hours=2)
        with mock.patch("django.utils.timezone.now", return_value=after):
            self.assertEqual(tasks.end_address_exchanges(), 4)
        self.assertFalse(AddressExchange.objects.exists())
        self.assertEqual(member.get(exchange[people[0].email]).status_code, 404)
