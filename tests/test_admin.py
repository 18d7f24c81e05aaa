"""The admin manages organisations; people appear at most as counts."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import ContactPoint
from groups.models import Group, Invitation, PrivateLink, SignUp
from outbox.models import Email
from selvhjelp.crypto import address_hash
from tests.base import Personas
from tests.signin import sign_in


class AdminTests(Personas):
    def setUp(self):
        self.admin_user = get_user_model().objects.create_superuser("admin@work.example", "a-long-password-9")
        self.client = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(self.client, self.admin_user)
        SignUp.objects.create(
            contact_point=self.point_a,
            email="hidden.person@example.org",
            email_hash=address_hash("hidden.person@example.org"),
            nickname="Hemmelig",
            status=SignUp.Status.WAITING,
            waiting_since=timezone.now(),
        )

    def test_no_sign_up_invitation_link_or_email_can_be_seen_or_created_in_the_admin(self):
        for model in (SignUp, Invitation, PrivateLink, Email, Group):
            self.assertFalse(admin.site.is_registered(model), model)

    def test_the_admin_shows_how_many_wait_never_who(self):
        response = self.client.get(reverse("admin:contactpoints_contactpoint_changelist"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "hidden.person")
        self.assertNotContains(response, "Hemmelig")
        detail = self.client.get(reverse("admin:contactpoints_contactpoint_change", args=[self.point_a.pk]))
        self.assertEqual(detail.status_code, 200)
        self.assertNotContains(detail, "hidden.person")
        self.assertNotContains(detail, "Hemmelig")

    def test_an_action_on_rows_that_are_not_ids_is_a_bad_request(self):
        response = self.client.post(
            reverse("admin:contactpoints_county_changelist"),
            {"action": "delete_selected", "index": "0", "_selected_action": ["on"]},
        )
        self.assertEqual(response.status_code, 400)
        self.assertTrue(ContactPoint.objects.exists())

    def test_a_municipality_that_is_not_an_id_comes_back_as_a_form_error(self):
        response = self.client.post(
            reverse("admin:contactpoints_contactpoint_add"),
            {"name": "Ny", "slug": "ny", "kind": "other", "municipality": "Oslo", "threshold": 5, "seats": 8},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["adminform"].form.errors["municipality"])

    def test_staff_chosen_by_an_id_too_large_for_the_database_come_back_as_a_form_error(self):
        response = self.client.post(
            reverse("admin:contactpoints_office_change", args=[self.district_east.pk]),
            {"name": "Øst", "slug": "ost", "members": ["9223372036854775808"]},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["adminform"].form.errors["members"])
