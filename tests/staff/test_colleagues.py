"""Staff invite colleagues to their own contact point and remove them."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.base import InEnglish, Personas, waiting_person


class ColleagueTests(InEnglish, Personas):
    def setUp(self):
        super().setUp()
        self.staff = self.client_for(self.staff_a)
        self.url = reverse("staff:colleagues", args=[self.point_a.slug])

    def invite(self, email: str):
        with self.captureOnCommitCallbacks(execute=True):
            return self.staff.post(self.url, {"action": "invite", "email": email})

    def test_staff_invite_a_colleague_who_gets_an_email_to_set_a_password(self):
        response = self.invite("ola@sentral-a.example")

        self.assertRedirects(response, self.url)
        colleague = self.point_a.staff.get(email="ola@sentral-a.example")
        self.assertFalse(colleague.has_usable_password())
        self.assertEqual([m.to for m in mail.outbox], [["ola@sentral-a.example"]])
        self.assertContains(self.staff.get(self.url), "ola@sentral-a.example")

    def test_inviting_someone_already_here_changes_nothing(self):
        self.invite("staff-a@work.example")
        self.assertEqual(self.point_a.staff.count(), 1)
        self.assertEqual(mail.outbox, [])

    def test_a_removed_colleague_loses_access_and_an_account_that_belongs_nowhere_else(self):
        self.invite("ola@sentral-a.example")
        ola = get_user_model().objects.get(email="ola@sentral-a.example")

        self.staff.post(self.url, {"action": "remove", "user": ola.pk})

        self.assertFalse(self.point_a.staff.filter(pk=ola.pk).exists())
        self.assertFalse(get_user_model().objects.filter(pk=ola.pk).exists())

    def test_an_account_that_belongs_elsewhere_is_kept(self):
        self.point_a.staff.add(self.staff_b)

        self.staff.post(self.url, {"action": "remove", "user": self.staff_b.pk})

        self.assertFalse(self.point_a.staff.filter(pk=self.staff_b.pk).exists())
        self.assertTrue(self.point_b.staff.filter(pk=self.staff_b.pk).exists())

    def test_the_last_staff_member_cannot_leave_while_people_are_waiting(self):
        waiting_person(self.point_a, "p@example.org")

        response = self.staff.post(self.url, {"action": "remove", "user": self.staff_a.pk}, follow=True)

        self.assertContains(response, "You are the only staff member here, and people are waiting.")
        self.assertTrue(self.point_a.staff.filter(pk=self.staff_a.pk).exists())

    def test_with_a_colleague_the_last_but_one_can_leave(self):
        waiting_person(self.point_a, "p@example.org")
        self.invite("ola@sentral-a.example")

        response = self.staff.post(self.url, {"action": "remove", "user": self.staff_a.pk})

        self.assertRedirects(response, reverse("home"))
        self.assertEqual(list(self.point_a.staff.values_list("email", flat=True)), ["ola@sentral-a.example"])

    def test_it_checks_ownership(self):
        other = self.client_for(self.staff_b)
        self.assertEqual(other.post(self.url, {"action": "remove", "user": self.staff_a.pk}).status_code, 404)
        self.assertEqual(other.post(self.url, {"action": "invite", "email": "x@example.org"}).status_code, 404)
        self.assertEqual(self.point_a.staff.count(), 1)
        # Someone who is not staff here cannot be removed through this page.
        self.staff.post(self.url, {"action": "remove", "user": self.staff_b.pk})
        self.assertTrue(self.point_b.staff.filter(pk=self.staff_b.pk).exists())
