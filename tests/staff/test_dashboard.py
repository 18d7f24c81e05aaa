"""The contact point's dashboard: how many wait and for what, never who."""

from django.urls import reverse

from groups.models import SignUp
from tests.staff.base import StaffTestCase, future


class DashboardTests(StaffTestCase):
    def test_it_shows_how_many_wait_split_by_wish_and_never_an_address_or_nickname(self):
        people = self.fill(self.point_a, 3, time_of_day="evening")
        SignUp.objects.filter(pk=people[0].pk).update(nickname="Kari Nordmann")
        response = self.as_staff_a().get(reverse("staff:dashboard", args=[self.point_a.slug]))
        self.assertContains(response, "3")
        body = response.content.decode()
        for person in SignUp.objects.all():
            self.assertNotIn(person.email, body)
        self.assertNotIn("Kari Nordmann", body)
        self.assertNotIn("@example.org", body)

    def test_the_dashboard_uses_a_fixed_number_of_queries(self):
        self.fill(self.point_a, 6, time_of_day="evening", language="no", age_group="30-44")
        self.start()
        client = self.as_staff_a()
        url = reverse("staff:dashboard", args=[self.point_a.slug])
        client.get(url)
        # Session, user, the verified second factor, then the page's own five.
        with self.assertNumQueries(8):
            client.get(url)
        self.fill(self.point_a, 12)
        self.start(first_meeting=future(9))
        with self.assertNumQueries(8):
            client.get(url)
