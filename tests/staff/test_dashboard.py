"""The contact point's dashboard: how many wait and for what, never who."""

import datetime
import html
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups.models import ANY, Group, Invitation, SignUp
from groups.services import signing_up
from tests.base import waiting_person
from tests.signin import sign_in
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
        # Session, user, the verified second factor, then the page's own six (one for the languages).
        with self.assertNumQueries(9):
            client.get(url)
        self.fill(self.point_a, 12)
        self.start(first_meeting=future(9))
        with self.assertNumQueries(9):
            client.get(url)


class SuggestionTests(StaffTestCase):
    """Six people wait: staff read one sentence, see at most three suggestions, and start one in two clicks."""

    def english(self) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(client, self.staff_a)
        return client

    def suggestion_links(self, page: str) -> list[str]:
        start = reverse("staff:start_group", args=[self.point_a.slug])
        return [html.unescape(link) for link in re.findall(rf'href="({re.escape(start)}\?[^"]+)"', page)]

    def as_filled_in(self, form) -> dict[str, object]:
        """What the browser sends back when staff press the button without changing anything."""
        data = {name: form[name].value() for name in form.fields}
        data["first_meeting"] = data["first_meeting"].strftime("%Y-%m-%dT%H:%M")
        return {name: value for name, value in data.items() if value not in (None, False)}

    def test_six_waiting_give_one_sentence_and_at_most_three_suggestions(self):
        self.fill(self.point_a, 6)  # every wish "either is fine"
        page = self.english().get(reverse("staff:dashboard", args=[self.point_a.slug])).content.decode()
        self.assertIn("6 people can start a group now.", page)
        self.assertEqual(len(self.suggestion_links(page)), 1, "everyone fits the same group: one suggestion")
        self.assertIn("Mixed ages", page)
        self.assertIn("Meeting in person · Daytime · Norwegian · Mixed ages", page, "in a language they all ticked")
        self.assertIn("Waiting per language: Norwegian 6, English 6, Northern Sami 6.", page)
        self.assertIn("A person who ticked several languages counts under each of them.", page)
        self.assertIn("at most about 15 years apart", page, "the age rule is said on the page")

    def test_different_wishes_give_at_most_three_suggestions_the_one_that_seats_most_first(self):
        self.fill(self.point_a, 7, time_of_day="evening", language="no")
        for n in range(5):
            waiting_person(self.point_a, f"day{n}@example.org", time_of_day="daytime", age_group="45-59")
        for n in range(5):
            waiting_person(self.point_a, f"en{n}@example.org", language="en", format="in_person", age_group="18-29")
        for n in range(5):
            waiting_person(self.point_a, f"old{n}@example.org", time_of_day="daytime", age_group="75+")
        response = self.english().get(reverse("staff:dashboard", args=[self.point_a.slug]))
        suggestions = response.context["overview"].suggestions
        self.assertEqual(len(suggestions), 3)
        self.assertEqual(len(self.suggestion_links(response.content.decode())), 3)
        self.assertEqual([s.seats for s in suggestions], sorted((s.seats for s in suggestions), reverse=True))

    def test_the_full_breakdown_is_one_click_away(self):
        self.fill(self.point_a, 6, time_of_day="evening")
        client = self.english()
        dashboard = client.get(reverse("staff:dashboard", args=[self.point_a.slug]))
        breakdown_url = reverse("staff:waiting", args=[self.point_a.slug])
        self.assertContains(dashboard, f'href="{breakdown_url}"')
        breakdown = client.get(breakdown_url)
        self.assertContains(breakdown, "<caption>Time of day</caption>", html=False)
        self.assertEqual(len(breakdown.context["overview"].ready), 3 * 5, "one line per language × age band")
        self.assertNotContains(breakdown, "@example.org")

    def test_a_suggestion_opens_the_start_form_filled_in_and_one_more_press_starts_the_group(self):
        people = self.fill(self.point_a, 6)
        client = self.english()
        page = client.get(reverse("staff:dashboard", args=[self.point_a.slug])).content.decode()
        form = client.get(self.suggestion_links(page)[0]).context["form"]
        data = self.as_filled_in(form)
        self.assertEqual(form["first_meeting"].value().date(), timezone.localdate() + datetime.timedelta(days=7))
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("staff:start_group", args=[self.point_a.slug]), data)
        group = Group.objects.get()
        self.assertRedirects(response, reverse("staff:group", args=[self.point_a.slug, group.pk]))
        self.assertEqual((group.language, group.age_group, group.room), ("no", ANY, self.room_a))
        invited = set(Invitation.objects.filter(group=group).values_list("signup_id", flat=True))
        self.assertEqual(invited, {person.pk for person in people})

    def test_a_suggestion_that_went_stale_while_the_form_was_open_starts_nothing_and_says_why(self):
        people = self.fill(self.point_a, 5)
        client = self.english()
        page = client.get(reverse("staff:dashboard", args=[self.point_a.slug])).content.decode()
        form = client.get(self.suggestion_links(page)[0]).context["form"]
        data = self.as_filled_in(form)
        signing_up.withdraw(signup=people[0])
        response = client.post(reverse("staff:start_group", args=[self.point_a.slug]), data)
        self.assertContains(response, "Not enough people are waiting who fit this group. You need 5.")
        self.assertFalse(Group.objects.exists())
        self.assertEqual(SignUp.objects.filter(status=SignUp.Status.WAITING).count(), 4)
