"""Contact-point staff see counts and act on groups, and never see a person."""

import datetime
import uuid

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import ContactPoint, Room
from groups import services
from groups.matching import Plan
from groups.models import Broadcast, Group, SignUp
from tests.base import Personas, waiting_person
from tests.signin import current_code, ensure_device, sign_in, sign_in_through_the_pages

IN_PERSON_EVENING = Plan(format="in_person", time_of_day="evening", language="no", age_group="30-44")


def future(days: int = 7) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)


class StaffTestCase(Personas):
    def setUp(self):
        self.room_a = Room.objects.create(contact_point=self.point_a, name="Rom 1", address="Gata 1")
        self.room_b = Room.objects.create(contact_point=self.point_b, name="Rom B", address="Gata 2")

    def as_staff_a(self) -> Client:
        client = Client()
        sign_in(client, self.staff_a)
        return client

    def fill(self, point, count, **preferences):
        with self.captureOnCommitCallbacks(execute=True):
            return [
                waiting_person(point, f"person{n}-{point.slug}@example.org", days_ago=count - n, **preferences)
                for n in range(count)
            ]

    def start(self, point=None, seats=8, **overrides):
        point = point or self.point_a
        details = {
            "plan": IN_PERSON_EVENING,
            "first_meeting": future(),
            "room": self.room_a if point == self.point_a else None,
            "place_details": "",
            "seats": seats,
            "starter_present": True,
            **overrides,
        }
        with self.captureOnCommitCallbacks(execute=True):
            return services.start_group(
                contact_point=point,
                details=services.GroupDetails(**details),
                created_by=self.staff_a,
                request_key=uuid.uuid4(),
            )


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


class EditTests(StaffTestCase):
    def test_staff_edit_their_public_page_threshold_and_seats(self):
        data = {
            "description": "Velkommen",
            "street_address": "Storgata 1",
            "postcode": "0155",
            "post_town": "Oslo",
            "opening_hours": "Man–fre 9–15",
            "public_email": "post@a.example",
            "public_phone": "",
            "website": "",
            "offers_in_person": "on",
            "show_progress": "on",
            "threshold": "4",
            "seats": "6",
        }
        response = self.as_staff_a().post(reverse("staff:edit", args=[self.point_a.slug]), data)
        self.assertRedirects(response, reverse("staff:dashboard", args=[self.point_a.slug]))
        self.point_a.refresh_from_db()
        self.assertEqual((self.point_a.threshold, self.point_a.seats), (4, 6))
        self.assertIsNotNone(self.point_a.details_confirmed_at)

    def test_threshold_and_seats_must_be_within_4_to_10_and_seats_at_least_the_threshold(self):
        url = reverse("staff:edit", args=[self.point_a.slug])
        base = {"offers_in_person": "on", "threshold": "5", "seats": "8"}
        for bad in ({"threshold": "3"}, {"seats": "11"}, {"threshold": "8", "seats": "6"}, {"offers_in_person": ""}):
            response = self.as_staff_a().post(url, {**base, **bad})
            self.assertEqual(response.status_code, 200, bad)
            self.assertContains(response, 'id="error-summary"')
        self.point_a.refresh_from_db()
        self.assertEqual((self.point_a.threshold, self.point_a.seats), (5, 8))

    def test_staff_add_change_and_remove_rooms(self):
        client = self.as_staff_a()
        url = reverse("staff:rooms", args=[self.point_a.slug])
        client.post(url, {"name": "Stua", "address": "Gata 3", "capacity": "12", "accessibility": "Heis"})
        room = Room.objects.get(name="Stua")
        self.assertEqual(room.contact_point, self.point_a)
        client.post(reverse("staff:room", args=[self.point_a.slug, room.pk]), {"action": "delete"})
        self.assertFalse(Room.objects.filter(name="Stua").exists())


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


class MessageTests(StaffTestCase):
    def test_staff_send_a_message_to_everyone_waiting_and_see_only_how_many(self):
        self.fill(self.point_a, 3)
        self.fill(self.point_b, 2)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_staff_a().post(
                reverse("staff:message", args=[self.point_a.slug]),
                {"body": "Informasjonsmøte tirsdag kl. 18 i kafeen."},
                follow=True,
            )
        self.assertContains(response, "3")
        self.assertNotContains(response, "@example.org")
        self.assertEqual(len(mail.outbox), 3)
        self.assertTrue(all("Informasjonsmøte" in m.body for m in mail.outbox))
        self.assertTrue(all(m.to[0].endswith("sentral-a@example.org") for m in mail.outbox))
        self.assertEqual(Broadcast.objects.get().recipients, 3)


class StaffLanguageTests(StaffTestCase):
    def test_the_enough_waiting_notice_comes_in_the_language_staff_last_signed_in_with(self):
        code = current_code(ensure_device(self.staff_a))
        sign_in_through_the_pages(Client(HTTP_ACCEPT_LANGUAGE="en"), "staff-a@work.example", "a-long-password-1", code)
        self.staff_a.refresh_from_db()
        self.assertEqual(self.staff_a.language, "en")
        mail.outbox.clear()
        self.fill(self.point_a, 5, **IN_PERSON_EVENING.as_query())
        notice = next(m for m in mail.outbox if m.to == ["staff-a@work.example"])
        self.assertTrue(notice.subject.startswith("Enough people are waiting"), notice.subject)
