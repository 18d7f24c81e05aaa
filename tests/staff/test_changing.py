"""Staff move a group's first meeting, cancel a group, or say it has met, each from
a page that says what will happen and acts only when its one button is pressed.
Staff see how many are told, never who."""

import datetime

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from groups.models import Group, Invitation, SignUp
from groups.services import answering
from outbox.models import Email
from tests.base import InEnglish
from tests.signin import sign_in
from tests.staff.base import StaffTestCase, future


def as_mailed(moment: datetime.datetime) -> str:
    with translation.override("en"):
        return formats.date_format(timezone.localtime(moment), "WEEKDAY_DATETIME_FORMAT")


class ChangingPagesTestCase(InEnglish, StaffTestCase):
    def setUp(self):
        super().setUp()
        self.people = self.fill(self.point_a, 8, format="in_person", time_of_day="evening")
        SignUp.objects.update(locale="en")
        self.group = self.start(seats=6)
        self.invited = self.people[:6]
        for person in self.invited[:2]:
            answering.answer(signup=person, reply=answering.Answer.YES)
        mail.outbox.clear()
        self.staff = self.client_for(self.staff_a)

    def url(self, name, group=None):
        return reverse(f"staff:{name}", args=[self.point_a.slug, (group or self.group).pk])

    def post(self, name, data=None, client=None):
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.staff).post(self.url(name), data or {})

    def change_form(self, **overrides):
        return {
            "first_meeting": timezone.localtime(future(10)).strftime("%Y-%m-%dT%H:%M"),
            "room": str(self.room_a.pk),
            "place_details": "Andre etasje",
            "seen_changes": "0",
            **overrides,
        }

    def participant_mail(self):
        return [m for m in mail.outbox if m.to[0].endswith("@example.org")]

    def assert_shows_nobody(self, response):
        self.assertNotContains(response, "@example.org")


class ChangeGroupPageTests(ChangingPagesTestCase):
    def test_staff_move_a_group_to_another_day_and_everyone_invited_gets_one_correct_email(self):
        page = self.staff.get(self.url("change_group"))
        self.assertContains(page, "The 6 people invited get an email with the new time and place.")
        self.assertContains(page, "Some have not answered yet, so a new time must be at least 24 hours from now.")
        self.assert_shows_nobody(page)

        response = self.post("change_group", self.change_form())

        self.assertRedirects(response, self.url("group"), fetch_redirect_response=False)
        self.group.refresh_from_db()
        self.assertEqual(self.group.first_meeting, future(10))
        self.assertEqual({m.to[0] for m in mail.outbox}, {p.email for p in self.invited})
        self.assertEqual(len(mail.outbox), 6)
        for message in mail.outbox:
            self.assertEqual(message.subject, "The first meeting has changed")
            self.assertIn(as_mailed(future(10)), message.body)
            self.assertIn("Rom 1, Gata 1 Andre etasje", message.body)
        followed = self.staff.get(response["Location"])
        self.assertContains(followed, "The first meeting is changed. Everyone invited gets an email about it.")
        self.assert_shows_nobody(followed)

    def test_the_form_starts_from_the_time_and_place_the_group_has_now(self):
        form = self.staff.get(self.url("change_group")).context["form"]

        self.assertEqual(form["first_meeting"].value(), timezone.make_naive(self.group.first_meeting))
        self.assertEqual(form["room"].value(), self.room_a.pk)
        self.assertEqual(form["seen_changes"].value(), 0)

    def test_a_double_submit_moves_once_and_emails_once(self):
        data = self.change_form()

        self.post("change_group", data)
        second = self.post("change_group", data)

        self.assertRedirects(second, self.url("group"), fetch_redirect_response=False)
        self.assertContains(self.staff.get(second["Location"]), "Nobody was emailed.")
        self.assertEqual(Group.objects.get(pk=self.group.pk).changes, 1)
        self.assertEqual(len(mail.outbox), 6)

    def test_a_second_change_emails_everyone_again(self):
        self.post("change_group", self.change_form())
        mail.outbox.clear()

        self.post(
            "change_group",
            self.change_form(first_meeting=timezone.localtime(future(12)).strftime("%Y-%m-%dT%H:%M"), seen_changes="1"),
        )

        self.assertEqual(len(mail.outbox), 6)
        self.assertTrue(all(as_mailed(future(12)) in m.body for m in mail.outbox))

    def test_bad_input_gives_a_clear_error_and_changes_nothing(self):
        soon = timezone.localtime() + datetime.timedelta(hours=20)
        for bad, words in (
            ({"first_meeting": "2020-01-01T18:00"}, "The first meeting must be in the future."),
            ({"first_meeting": "next week"}, "Enter a valid date/time."),
            ({"first_meeting": soon.strftime("%Y-%m-%dT%H:%M")}, "at least 24 hours from now"),
            ({"room": str(self.room_b.pk)}, "Select a valid choice."),
            ({"room": "", "place_details": ""}, "Choose a room, or say where the group meets."),
            ({"seen_changes": "3"}, "Someone changed this group while you filled in the form."),
        ):
            with self.subTest(bad):
                response = self.post("change_group", self.change_form(**bad))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'id="error-summary"')
                self.assertContains(response, words)
        self.group.refresh_from_db()
        self.assertEqual((self.group.first_meeting, self.group.room, self.group.changes), (future(), self.room_a, 0))
        self.assertEqual(mail.outbox, [])

    def test_a_group_that_has_begun_or_ended_offers_no_form(self):
        Group.objects.filter(pk=self.group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=1))
        self.assertContains(self.staff.get(self.url("change_group")), "The first meeting has already begun.")
        self.assertNotContains(self.staff.get(self.url("group")), self.url("change_group"))

        Group.objects.filter(pk=self.group.pk).update(status=Group.Status.CANCELLED)
        page = self.staff.get(self.url("change_group"))
        self.assertContains(page, "This group has been cancelled.")
        self.assertNotContains(page, '<form method="post" novalidate>')


class CancelGroupPageTests(ChangingPagesTestCase):
    def test_the_cancel_page_says_what_will_happen_and_changes_nothing(self):
        page = self.staff.get(self.url("cancel_group"))

        self.assertContains(
            page, "The 6 people invited get an email saying that the first meeting will not take place."
        )
        self.assertContains(page, "Everyone invited goes back on the waiting list and keeps their place in the queue.")
        self.assertContains(page, "You cannot undo this.")
        self.assert_shows_nobody(page)
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.FORMING)
        self.assertEqual(Invitation.objects.count(), 6)

    def test_pressing_cancel_tells_everyone_invited_and_returns_them_to_the_list(self):
        response = self.post("cancel_group")

        self.assertRedirects(response, self.url("group"), fetch_redirect_response=False)
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.CANCELLED)
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(SignUp.objects.filter(status=SignUp.Status.WAITING).count(), 8)
        told = self.participant_mail()
        self.assertEqual(sorted(m.to[0] for m in told), sorted(p.email for p in self.invited))
        self.assertTrue(all(m.subject == "The first meeting will not take place" for m in told))
        group_page = self.staff.get(response["Location"])
        self.assertContains(group_page, "The group is cancelled. Everyone invited gets an email and keeps their place.")
        self.assertContains(group_page, "Cancelled")
        self.assertNotContains(group_page, "Members at the start")
        self.assertNotContains(group_page, self.url("cancel_group"))
        self.assert_shows_nobody(group_page)

    def test_pressing_cancel_twice_cancels_once(self):
        self.post("cancel_group")
        second = self.post("cancel_group")

        self.assertContains(self.staff.get(second["Location"]), "This group has been cancelled.")
        self.assertEqual(len(self.participant_mail()), 6)

    def test_a_group_handed_over_is_not_cancelled(self):
        Group.objects.filter(pk=self.group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=1))
        self.post("has_met")
        mail.outbox.clear()

        response = self.post("cancel_group")

        self.assertContains(self.staff.get(response["Location"]), "It can no longer be changed.")
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.HANDED_OFF)
        self.assertEqual(mail.outbox, [])


class HasMetPageTests(ChangingPagesTestCase):
    def met(self):
        Group.objects.filter(pk=self.group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=1))

    def test_the_group_page_links_to_a_confirmation_and_its_old_button_no_longer_hands_over(self):
        self.met()
        group_page = self.staff.get(self.url("group"))
        self.assertContains(group_page, f'href="{self.url("has_met")}"')
        self.assertNotContains(group_page, 'value="has_met"')

        response = self.post("group", {"action": "has_met"})

        self.assertEqual(response.status_code, 400)
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.FORMING)
        self.assertEqual(mail.outbox, [])

    def test_the_has_met_page_says_what_will_happen_and_changes_nothing(self):
        self.met()

        page = self.staff.get(self.url("has_met"))

        self.assertContains(page, "The 2 people who said yes get the getting-started guide.")
        self.assertContains(
            page, "The 4 people who never answered go back on the list, keep their place, and are told so."
        )
        self.assertContains(page, "You cannot undo this.")
        self.assertContains(page, "The group has met: hand it over now")
        self.assert_shows_nobody(page)
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.FORMING)
        self.assertEqual(SignUp.objects.count(), 8)

    def test_pressing_the_button_hands_the_group_over(self):
        self.met()

        response = self.post("has_met")

        self.assertRedirects(response, self.url("group"), fetch_redirect_response=False)
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.HANDED_OFF)
        self.assertEqual(len([m for m in mail.outbox if "/p/gruppe/" in m.body]), 2)
        self.assertFalse(SignUp.objects.filter(pk__in=[p.pk for p in self.invited[:2]]).exists())
        self.assertContains(self.staff.get(response["Location"]), "The group is handed over to its members.")

    def test_pressing_it_twice_hands_over_once(self):
        self.met()
        self.post("has_met")
        guides = Email.objects.filter(kind="guide").count()

        second = self.post("has_met")

        self.assertRedirects(second, self.url("group"), fetch_redirect_response=False)
        self.assertEqual(Email.objects.filter(kind="guide").count(), guides)

    def test_before_the_first_meeting_there_is_no_button_and_pressing_changes_nothing(self):
        page = self.staff.get(self.url("has_met"))
        self.assertContains(page, "You can hand the group over yourself once it has begun.")
        self.assertNotContains(page, "The group has met: hand it over now")

        response = self.post("has_met")

        self.assertContains(self.staff.get(response["Location"]), "once its first meeting has begun")
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.FORMING)
        self.assertEqual(mail.outbox, [])

    def test_a_cancelled_group_is_not_handed_over(self):
        self.post("cancel_group")
        self.met()

        response = self.post("has_met")

        self.assertContains(self.staff.get(response["Location"]), "This group has been cancelled.")
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.CANCELLED)


class OwnershipTests(ChangingPagesTestCase):
    def test_it_checks_ownership(self):
        other_staff, district = Client(), Client()
        sign_in(other_staff, self.staff_b)
        sign_in(district, self.district_east_user)
        self.met_an_hour_ago = Group.objects.filter(pk=self.group.pk).update(
            first_meeting=timezone.now() - datetime.timedelta(hours=1)
        )
        for name in ("change_group", "cancel_group", "has_met"):
            for client in (other_staff, district):
                self.assertEqual(client.get(self.url(name)).status_code, 404, name)
                self.assertEqual(self.post(name, self.change_form(), client=client).status_code, 404, name)
            anonymous = Client().post(self.url(name), self.change_form())
            self.assertEqual(anonymous.status_code, 302, name)
            self.assertTrue(anonymous["Location"].startswith(reverse("login")))
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.FORMING)
        self.assertEqual(Group.objects.get(pk=self.group.pk).changes, 0)
        self.assertEqual(mail.outbox, [])

    def test_another_contact_points_group_cannot_be_reached_through_mine(self):
        people_b = self.fill(self.point_b, 5, format="in_person", time_of_day="evening")
        group_b = self.start(self.point_b, seats=5)
        self.assertEqual(len(people_b), 5)
        for name in ("change_group", "cancel_group", "has_met"):
            url = reverse(f"staff:{name}", args=[self.point_a.slug, group_b.pk])
            self.assertEqual(self.staff.get(url).status_code, 404)
            self.assertEqual(self.staff.post(url).status_code, 404)
        self.assertEqual(Group.objects.get(pk=group_b.pk).status, Group.Status.FORMING)
