"""Staff start a group in a few clicks and follow it as it forms; the app chooses
who is invited, and the pages never say."""

import datetime
import re
import uuid

from django.core import mail
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from contactpoints.models import ContactPoint
from groups.models import Group, Invitation, SignUp
from groups.services import answering, forming
from tests.base import waiting_person
from tests.signin import sign_in
from tests.staff.base import IN_PERSON_EVENING, KeptContentTestCase, StaffTestCase, future

FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class StartGroupPageTests(StaffTestCase):
    def form(self, **overrides):
        return {
            "format": "in_person",
            "time_of_day": "evening",
            "language": "no",
            "age_group": "30-44",
            "first_meeting": future().strftime("%Y-%m-%dT%H:%M"),
            "room": str(self.room_a.pk),
            "place_details": "",
            "seats": "8",
            "starter_present": "on",
            "request_key": str(uuid.uuid4()),
            **overrides,
        }

    def post(self, data):
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_staff_a().post(reverse("staff:start_group", args=[self.point_a.slug]), data)

    def test_staff_start_a_group_in_a_few_clicks_and_the_app_invites_the_longest_waiting(self):
        people = self.fill(self.point_a, 10, time_of_day="evening")
        mail.outbox.clear()
        response = self.post(self.form())
        group = Group.objects.get()
        self.assertRedirects(response, reverse("staff:group", args=[self.point_a.slug, group.pk]))
        invited = set(SignUp.objects.filter(status=SignUp.Status.INVITED).values_list("pk", flat=True))
        self.assertEqual(invited, {p.pk for p in people[:8]})
        self.assertEqual(len(mail.outbox), 8)
        page = self.as_staff_a().get(response["Location"]).content.decode()
        self.assertNotIn("@example.org", page)

    def test_a_double_submit_starts_one_group(self):
        self.fill(self.point_a, 10)
        data = self.form()
        self.post(data)
        self.post(data)
        self.assertEqual(Group.objects.count(), 1)
        self.assertEqual(SignUp.objects.filter(status=SignUp.Status.INVITED).count(), 8)

    def test_bad_input_gives_a_clear_message_and_no_half_made_group(self):
        self.fill(self.point_a, 10)
        for bad in (
            {"first_meeting": (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
            {"first_meeting": "tomorrow-ish"},
            {"room": str(self.room_b.pk)},
            {"seats": "3"},
            {"seats": "11"},
            {"format": "telephone"},
            {"age_group": "12-17"},
        ):
            response = self.post(self.form(**bad))
            self.assertEqual(response.status_code, 200, bad)
            self.assertContains(response, 'id="error-summary"')
        self.assertFalse(Group.objects.exists())
        self.assertEqual(SignUp.objects.filter(status=SignUp.Status.WAITING).count(), 10)

    def test_the_seats_field_asks_for_at_least_the_contact_points_threshold(self):
        self.fill(self.point_a, 10)
        ContactPoint.objects.filter(pk=self.point_a.pk).update(threshold=6)
        page = self.as_staff_a().get(reverse("staff:start_group", args=[self.point_a.slug]))
        self.assertEqual(page.context["form"].fields["seats"].widget.attrs["min"], "6")
        self.assertContains(page, 'min="6"')
        response = self.post(self.form(seats="5"))
        self.assertTrue(response.context["form"].errors["seats"])
        self.assertFalse(Group.objects.exists())

    def test_a_plan_nobody_fits_is_refused(self):
        self.fill(self.point_a, 10, time_of_day="daytime")
        response = self.post(self.form(time_of_day="evening"))
        self.assertContains(response, 'id="error-summary"')
        self.assertFalse(Group.objects.exists())


class GroupPageTests(StaffTestCase):
    def test_the_group_page_uses_a_fixed_number_of_queries(self):
        plan = IN_PERSON_EVENING.as_query()
        self.fill(self.point_a, 5, **plan)
        group = self.start(seats=5)
        client = self.as_staff_a()
        url = reverse("staff:group", args=[self.point_a.slug, group.pk])
        client.get(url)
        # Session; user with the verified second factor; the contact point, if it is this user's;
        # the group with its room and its invitations counted (accepted, pending); the name of
        # its language (read each time here: the tests keep nothing between requests).
        with self.assertNumQueries(5):
            client.get(url)
        with self.captureOnCommitCallbacks(execute=True):
            for n in range(5):
                waiting_person(self.point_a, f"later{n}@example.org", **plan)
        forming.change_seats(group=group, seats=10)
        self.assertEqual(forming.refill(group=group), 5)
        for invitation in Invitation.objects.filter(group=group)[:3]:
            answering.answer(signup=invitation.signup, reply="yes")
        with self.assertNumQueries(5):
            response = client.get(url)
        self.assertEqual((response.context["group"].accepted, response.context["group"].pending), (3, 7))
        self.assertContains(response, "<dd>3</dd>", html=False)
        self.assertContains(response, "<dd>7</dd>", html=False)

    def test_the_seats_field_shows_the_groups_seats_in_the_pages_language_and_what_was_typed_if_wrong(self):
        plan = IN_PERSON_EVENING.as_query()
        self.fill(self.point_a, 5, **plan)
        group = self.start(seats=5)
        client = self.as_staff_a()
        url = reverse("staff:group", args=[self.point_a.slug, group.pk])
        seats = '<input type="number" name="seats" value="{}"'
        self.assertContains(client.get(url), seats.format(5))
        self.assertContains(client.get(url, headers={"accept-language": "en"}), ">Seats</label>", html=False)
        self.assertContains(client.get(url), ">Plasser</label>", html=False)
        forming.change_seats(group=group, seats=9)
        self.assertContains(client.get(url), seats.format(9))
        wrong = client.post(url, {"action": "seats", "seats": "11"})
        self.assertContains(wrong, seats.format(11))
        self.assertContains(wrong, 'aria-invalid="true"')
        self.assertContains(client.get(url), seats.format(9))

    @override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
    def test_each_colleague_gets_forms_with_their_own_token_even_when_the_form_is_kept(self):
        plan = IN_PERSON_EVENING.as_query()
        self.fill(self.point_a, 5, **plan)
        group = self.start(seats=5)
        url = reverse("staff:group", args=[self.point_a.slug, group.pk])
        colleague = User.objects.create_user("staff-a2@work.example", "a-long-password-2")
        self.point_a.staff.add(colleague)
        pages = []
        for user in (self.staff_a, colleague):
            client = Client(enforce_csrf_checks=True)
            sign_in(client, user)
            tokens = FORM_TOKEN.findall(client.get(url).content.decode())
            self.assertEqual(len(tokens), 3)  # signing out, filling empty seats, changing the seats
            self.assertEqual(len({_unmask_cipher_token(token) for token in tokens}), 1, "one session's token")
            pages.append((client, tokens))
        self.assertNotEqual(*[_unmask_cipher_token(tokens[0]) for _client, tokens in pages])
        for seats, (client, tokens) in enumerate(pages, start=6):
            changed = client.post(url, {"action": "seats", "seats": seats, "csrfmiddlewaretoken": tokens[-1]})
            self.assertRedirects(changed, url, fetch_redirect_response=False)

    def test_a_group_of_another_contact_point_is_not_found_under_ones_own(self):
        plan = IN_PERSON_EVENING.as_query()
        self.fill(self.point_b, 5, **plan)
        theirs = self.start(point=self.point_b, seats=5)
        client = self.as_staff_a()
        for method in (client.get, client.post):
            response = method(reverse("staff:group", args=[self.point_a.slug, theirs.pk]), {"action": "refill"})
            self.assertEqual(response.status_code, 404)
        self.assertEqual(Invitation.objects.filter(group=theirs).count(), 5)


class StartVideoGroupPageTests(StaffTestCase):
    LINK = "https://meet.example/rom-42"

    def setUp(self):
        super().setUp()
        ContactPoint.objects.filter(pk=self.point_a.pk).update(offers_video=True)
        self.point_a.refresh_from_db()

    def form(self, **overrides):
        return {
            "format": "video",
            "time_of_day": "evening",
            "language": "no",
            "age_group": "30-44",
            "first_meeting": future().strftime("%Y-%m-%dT%H:%M"),
            "room": "",
            "place_details": "",
            "joining_link": self.LINK,
            "joining_details": "Open the link in a browser. No account or app needed.",
            "follow_up": timezone.localtime(future(days=49)).strftime("%Y-%m-%dT%H:%M"),
            "seats": "6",
            "request_key": str(uuid.uuid4()),
            **overrides,
        }

    def post(self, data):
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_staff_a().post(reverse("staff:start_group", args=[self.point_a.slug]), data)

    def test_staff_start_a_video_group_and_see_its_link_and_follow_up_on_the_group_page(self):
        self.fill(self.point_a, 6, format="video")
        page = self.as_staff_a().get(reverse("staff:start_group", args=[self.point_a.slug])).content.decode()
        self.assertIn("uten konto eller app", page)  # the help text recommends tools that need no account
        response = self.post(self.form())
        group = Group.objects.get()
        self.assertEqual((group.format, group.joining_link), ("video", self.LINK))
        self.assertEqual(group.follow_up, future(days=49))
        page = self.as_staff_a().get(response["Location"]).content.decode()
        self.assertIn(self.LINK, page)
        self.assertIn("Oppfølgingsmøte", page)

    def test_a_video_group_needs_a_link_that_is_a_web_address(self):
        self.fill(self.point_a, 6, format="video")
        for bad, field in (
            ({"joining_link": ""}, "joining_link"),
            ({"joining_link": "javascript:alert(1)"}, "joining_link"),
            ({"follow_up": future(days=1).strftime("%Y-%m-%dT%H:%M")}, "follow_up"),
            ({"format": "in_person", "room": str(self.room_a.pk)}, "joining_link"),
        ):
            response = self.post(self.form(**bad))
            self.assertContains(response, 'id="error-summary"', msg_prefix=str(bad))
            self.assertContains(response, f'id="id_{field}_error"', msg_prefix=str(bad))
        self.assertFalse(Group.objects.exists())

    def test_a_contact_point_without_video_is_not_asked_for_a_link(self):
        ContactPoint.objects.filter(pk=self.point_a.pk).update(offers_video=False)
        page = self.as_staff_a().get(reverse("staff:start_group", args=[self.point_a.slug])).content.decode()
        self.assertNotIn('name="joining_link"', page)
        self.assertIn('name="follow_up"', page)

    def test_the_link_is_gone_from_the_group_page_once_the_group_is_cancelled(self):
        self.fill(self.point_a, 6, format="video")
        self.post(self.form())
        group = Group.objects.get()
        with self.captureOnCommitCallbacks(execute=True):
            self.as_staff_a().post(reverse("staff:cancel_group", args=[self.point_a.slug, group.pk]))
        page = self.as_staff_a().get(reverse("staff:group", args=[self.point_a.slug, group.pk])).content.decode()
        self.assertEqual(Group.objects.get().status, Group.Status.CANCELLED)
        self.assertNotIn(self.LINK, page)


class KeptGroupPageTests(KeptContentTestCase):
    """A group's page is kept in the process under a digest of all it shows about the group: the same
    page again is not made again, and any change, even one made behind the workflows' back, shows at once."""

    CONTENT = "staff/_group.html"

    def setUp(self):
        super().setUp()
        self.fill(self.point_a, 5, **IN_PERSON_EVENING.as_query())
        self.group = self.start(seats=5)
        self.client_a = self.as_staff_a()
        self.url = reverse("staff:group", args=[self.point_a.slug, self.group.pk])

    def test_the_same_page_again_is_not_made_again_and_is_the_same_but_for_its_form_token(self):
        first, again = self.client_a.get(self.url), self.client_a.get(self.url)
        self.assertTrue(self.content_made(first))
        self.assertFalse(self.content_made(again), "kept: not made again")
        self.assertEqual(FORM_TOKEN.sub("", again.content.decode()), FORM_TOKEN.sub("", first.content.decode()))
        self.assertContains(again, '<input type="number" name="seats" value="5"', html=False)

    def test_every_change_shows_at_once(self):
        self.client_a.get(self.url)
        Group.objects.filter(pk=self.group.pk).update(seats=9, place_details="Inngang fra bakgården")
        page = self.client_a.get(self.url)
        self.assertContains(page, '<input type="number" name="seats" value="9"', html=False)
        self.assertContains(page, "Inngang fra bakgården")
        answering.answer(signup=Invitation.objects.filter(group=self.group).first().signup, reply="yes")
        self.assertContains(self.client_a.get(self.url), "<dt>Takket ja</dt><dd>1</dd>", html=False)
        self.assertNotContains(
            self.client_a.get(self.url), reverse("staff:has_met", args=[self.point_a.slug, self.group.pk])
        )
        Group.objects.filter(pk=self.group.pk).update(first_meeting=timezone.now() - datetime.timedelta(minutes=1))
        self.assertContains(
            self.client_a.get(self.url), reverse("staff:has_met", args=[self.point_a.slug, self.group.pk])
        )

    def test_each_language_has_its_own(self):
        self.client_a.get(self.url)
        self.assertContains(self.client_a.get(self.url, headers={"accept-language": "en"}), "Said yes")

    def test_seats_sent_back_wrong_are_shown_as_typed_every_time(self):
        self.client_a.get(self.url)
        for _n in range(2):
            wrong = self.client_a.post(self.url, {"action": "seats", "seats": "11"})
            self.assertTrue(self.content_made(wrong))
            self.assertContains(wrong, '<input type="number" name="seats" value="11"', html=False)
        self.assertContains(self.client_a.get(self.url), '<input type="number" name="seats" value="5"', html=False)
