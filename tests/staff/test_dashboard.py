"""The contact point's dashboard: how many wait and for what, never who."""

import datetime
import html
import re
import uuid
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import ContactPoint
from groups.models import ANY, Group, Invitation, NoticeHold, SignUp
from groups.services import answering, signing_up
from outbox.models import Email
from tests.base import waiting_person
from tests.signin import sign_in
from tests.staff.base import KeptContentTestCase, StaffTestCase, future


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
        client = self.as_staff_a()
        url = reverse("staff:dashboard", args=[self.point_a.slug])
        client.get(url)
        # Session; user with the verified second factor; the contact point with its counts (emails not
        # delivered, an open hold, groups); the people waiting, counted; the languages and which the
        # contact point ticked (read each time here: the tests keep nothing between requests).
        with self.assertNumQueries(6):
            client.get(url)
        self.start()
        # ... and, once it has groups, the groups.
        with self.assertNumQueries(7):
            client.get(url)
        self.fill(self.point_a, 12)
        self.start(first_meeting=future(9))
        with self.assertNumQueries(7):
            client.get(url)
        # A held notice, and the office it names, are read on their own, only while there is one.
        NoticeHold.objects.create(contact_point=self.point_a)
        with self.assertNumQueries(9):
            client.get(url)

    def test_the_table_of_groups_says_what_each_group_has_come_to(self):
        self.fill(self.point_a, 11, time_of_day="evening", language="no", age_group="30-44")
        forming_group = self.start(seats=6)
        for invitation in Invitation.objects.filter(group=forming_group)[:2]:
            answering.answer(signup=invitation.signup, reply="yes")
        Group.objects.filter(pk=forming_group.pk).update(declined=1, expired=2)
        handed_off = self.start(first_meeting=future(9), seats=5)
        Group.objects.filter(pk=handed_off.pk).update(status=Group.Status.HANDED_OFF, members_at_start=5, declined=3)
        page = self.english().get(reverse("staff:dashboard", args=[self.point_a.slug])).content.decode()
        rows = [re.sub(r"\s+", " ", row) for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page, re.S)]
        self.assertEqual(len(rows), 2, "the latest first meeting first")
        link = reverse("staff:group", args=[self.point_a.slug, handed_off.pk])
        self.assertIn(f'href="{link}"', rows[0])
        self.assertIn(
            '<td>Started</td> <td class="number">5</td> <td class="number">–</td> <td class="number">3</td>'
            ' <td class="number">5</td>',
            rows[0],
        )
        self.assertIn(
            '<td>Inviting members</td> <td class="number">2</td> <td class="number">4</td> <td class="number">3</td>'
            ' <td class="number">6</td>',
            rows[1],
        )

    def test_the_table_lists_the_latest_fifty_groups(self):
        self.fill(self.point_a, 5, time_of_day="evening", language="no", age_group="30-44")
        oldest = self.start(seats=5, first_meeting=future(1))
        for days in range(2, 52):
            copy = Group.objects.get(pk=oldest.pk)
            copy.pk, copy.first_meeting, copy.request_key = None, future(days), uuid.uuid4()
            copy.save()
        page = self.english().get(reverse("staff:dashboard", args=[self.point_a.slug])).content.decode()
        links = re.findall(rf'href="{reverse("staff:dashboard", args=[self.point_a.slug])}grupper/(\d+)/"', page)
        self.assertEqual(len(links), 50)
        self.assertNotIn(str(oldest.pk), links, "the oldest first meeting is left out")
        latest = Group.objects.filter(contact_point=self.point_a).order_by("-first_meeting").first()
        self.assertEqual(links[0], str(latest.pk))

    def english(self) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(client, self.staff_a)
        return client


class KeptContentTests(KeptContentTestCase):
    """The dashboard's content is kept in the process under a digest of all it shows: a page the same as
    the last is not made again, and any change, even one made behind the workflows' back, shows at once."""

    CONTENT = "staff/_dashboard.html"

    def setUp(self):
        super().setUp()
        self.client_a = self.as_staff_a()
        self.url = reverse("staff:dashboard", args=[self.point_a.slug])

    def test_the_same_page_again_is_not_made_again_and_is_the_same(self):
        self.fill(self.point_a, 6, time_of_day="evening")
        self.start()
        first = self.client_a.get(self.url)
        again = self.client_a.get(self.url)
        self.assertTrue(self.content_made(first))
        self.assertFalse(self.content_made(again), "kept: not made again")
        token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # the sign-out form's, new every time
        self.assertEqual(token.sub("", again.content.decode()), token.sub("", first.content.decode()))
        self.assertIn("no-store", again["Cache-Control"])

    def test_every_change_shows_at_once(self):
        self.fill(self.point_a, 6, time_of_day="evening")
        self.assertContains(self.client_a.get(self.url), "6 personer venter")
        waiting_person(self.point_a, "one-more@example.org")
        self.assertContains(self.client_a.get(self.url), "7 personer venter")
        group = self.start(seats=6)
        page = self.client_a.get(self.url)
        self.assertContains(page, reverse("staff:group", args=[self.point_a.slug, group.pk]))
        self.assertContains(page, "1 person venter")
        Group.objects.filter(pk=group.pk).update(seats=9)  # behind the workflows' back
        self.assertContains(self.client_a.get(self.url), '<td class="number">9</td>', html=False)
        ContactPoint.objects.filter(pk=self.point_a.pk).update(signups_paused_at=timezone.now())
        self.assertContains(self.client_a.get(self.url), "Nye påmeldinger er satt på pause")
        failed_at = timezone.now()
        Email.objects.create(kind="message", dedupe_key="failed-1", contact_point=self.point_a, failed_at=failed_at)
        self.assertContains(self.client_a.get(self.url), "1 e-post kunne ikke leveres")

    def test_counts_that_did_not_change_are_not_read_again(self):
        self.fill(self.point_a, 6, time_of_day="evening")
        self.client_a.get(self.url)
        with CaptureQueriesContext(connection) as again:
            self.assertContains(self.client_a.get(self.url), "6 personer venter")
        counts = [query["sql"] for query in again.captured_queries if query["sql"].startswith('SELECT "groups_signup"')]
        self.assertEqual(counts, [], "only their digest is read")
        SignUp.objects.filter(contact_point=self.point_a).update(time_of_day="daytime")  # behind the workflows' back
        page = self.client_a.get(self.url)
        self.assertContains(page, "6 personer venter")
        self.assertEqual(page.context["overview"].splits[1].counts[:2], [("På dagtid", 6), ("På kvelden", 0)])

    def test_a_page_the_same_as_the_last_reads_the_digest_of_who_waits_with_the_contact_point(self):
        self.fill(self.point_a, 6, time_of_day="evening")
        self.start()
        self.client_a.get(self.url)
        # Session; user with the verified second factor; the contact point, if it is this user's, with its
        # counts and the digest of the people waiting; its groups.
        with CaptureQueriesContext(connection) as again:
            self.assertContains(self.client_a.get(self.url), "personer venter")
        self.assertEqual(len(again.captured_queries), 4, [query["sql"][:80] for query in again.captured_queries])

    def test_each_language_has_its_own(self):
        self.fill(self.point_a, 6)
        self.client_a.get(self.url)
        english = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(english, self.staff_a)
        page = english.get(self.url)
        self.assertContains(page, "6 people waiting")
        self.assertNotContains(page, "personer venter")

    def test_a_held_notice_with_its_form_is_made_afresh_every_time(self):
        NoticeHold.objects.create(contact_point=self.point_a)
        for _n in range(2):
            page = self.client_a.get(self.url)
            self.assertTrue(self.content_made(page))
            self.assertContains(page, reverse("staff:release_notices", args=[self.point_a.slug]))
            self.assertContains(page, "csrfmiddlewaretoken")

    def test_a_colleague_gets_the_same_page_with_a_form_token_of_their_own_session(self):
        self.fill(self.point_a, 6)
        colleague = get_user_model().objects.create_user("colleague-a@work.example", "a-long-password-2")
        self.point_a.staff.add(colleague)
        self.client_a.get(self.url)
        client = Client()
        sign_in(client, colleague)
        page = client.get(self.url)
        self.assertFalse(self.content_made(page), "kept: not made again")
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        self.assertEqual(len(tokens), 1, "the sign-out form's")
        # The token is the colleague's own: it signs them out, as a form of their own page does.
        checked = Client(enforce_csrf_checks=True)
        checked.cookies = client.cookies
        checked.post(reverse("logout"), {"csrfmiddlewaretoken": tokens[0]})
        self.assertEqual(client.get(self.url).status_code, 302, "signed out")

    def test_a_message_is_shown_once_even_where_the_page_is_kept(self):
        self.fill(self.point_a, 6)
        pause = reverse("staff:pause", args=[self.point_a.slug])
        self.assertContains(
            self.client_a.post(pause, {"action": "pause", "message": "Stengt i sommer."}, follow=True), 'role="status"'
        )
        self.assertTrue(self.content_made(self.client_a.get(self.url)), "a page that showed a message is not kept")
        self.assertFalse(self.content_made(self.client_a.get(self.url)), "kept")
        # A new message on the public page changes nothing the dashboard shows: only the message is new.
        changed = self.client_a.post(pause, {"action": "pause", "message": "Stengt til august."}, follow=True)
        self.assertEqual(changed.redirect_chain[-1][0], self.url)
        self.assertContains(changed, "Meldingen er endret.")
        again = self.client_a.get(self.url)
        self.assertNotContains(again, "Meldingen er endret.")
        self.assertFalse(self.content_made(again), "the page without the message is kept")

    def test_the_language_links_lead_back_to_the_address_that_was_opened(self):
        self.fill(self.point_a, 6)
        for query in ("", "?fra=e-post"):
            page = self.client_a.get(self.url + query).content.decode()
            self.assertIn(f"?neste={quote(self.url + query, safe='/')}", html.unescape(page))

    def test_a_kept_page_opens_for_the_contact_points_own_staff_only(self):
        self.fill(self.point_a, 6)
        self.client_a.get(self.url)
        other = Client()
        sign_in(other, self.staff_b)
        self.assertEqual(other.get(self.url).status_code, 404)


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
