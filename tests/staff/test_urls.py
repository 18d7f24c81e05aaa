"""Every staff page is its own contact point's staff's only: staff of another
contact point, a district user and an anonymous visitor get nothing."""

import uuid

from django.test import Client
from django.urls import reverse

from groups.models import Broadcast, Group
from tests.signin import sign_in
from tests.staff.base import StaffTestCase, future


class OwnershipTests(StaffTestCase):
    """Every staff URL: staff of another contact point, a district user and an anonymous visitor get nothing."""

    def urls(self):
        group = Group.objects.create(
            contact_point=self.point_a,
            format="in_person",
            time_of_day="evening",
            language="no",
            age_group="30-44",
            first_meeting=future(),
            seats=8,
            request_key=uuid.uuid4(),
        )
        slug = self.point_a.slug
        return [
            reverse("staff:dashboard", args=[slug]),
            reverse("staff:edit", args=[slug]),
            reverse("staff:rooms", args=[slug]),
            reverse("staff:room", args=[slug, self.room_a.pk]),
            reverse("staff:start_group", args=[slug]),
            reverse("staff:group", args=[slug, group.pk]),
            reverse("staff:change_group", args=[slug, group.pk]),
            reverse("staff:cancel_group", args=[slug, group.pk]),
            reverse("staff:has_met", args=[slug, group.pk]),
            reverse("staff:message", args=[slug]),
        ]

    def test_it_checks_ownership_on_every_staff_page(self):
        other_staff = Client()
        sign_in(other_staff, self.staff_b)
        district = Client()
        sign_in(district, self.district_east_user)
        for url in self.urls():
            self.assertEqual(self.as_staff_a().get(url).status_code, 200, url)
            for client in (other_staff, district):
                self.assertEqual(client.get(url).status_code, 404, url)
                self.assertEqual(client.post(url, {"action": "has_met", "body": "Hei alle sammen!"}).status_code, 404)
            anonymous = Client().get(url)
            self.assertEqual(anonymous.status_code, 302, url)
            self.assertTrue(anonymous["Location"].startswith(reverse("login")))
        self.assertEqual(Group.objects.get().status, Group.Status.FORMING)
        self.assertFalse(Broadcast.objects.exists())

    def test_a_room_of_another_contact_point_cannot_be_opened_through_mine(self):
        url = reverse("staff:room", args=[self.point_a.slug, self.room_b.pk])
        self.assertEqual(self.as_staff_a().get(url).status_code, 404)

    def test_the_staff_home_sends_staff_to_their_contact_point_and_refuses_others(self):
        self.assertRedirects(
            self.as_staff_a().get(reverse("staff:home")), reverse("staff:dashboard", args=[self.point_a.slug])
        )
        district = Client()
        sign_in(district, self.district_east_user)
        self.assertEqual(district.get(reverse("staff:home")).status_code, 403)
