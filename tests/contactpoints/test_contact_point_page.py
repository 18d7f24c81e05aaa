"""A contact point's public page: who they are, where, when, and how close a group is."""

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import ContactPoint, County, Municipality
from groups.models import SignUp
from selvhjelp.crypto import address_hash
from tests.base import Personas

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def add_signups(contact_point: ContactPoint, count: int, *, status: str = "waiting", prefix: str = "x") -> None:
    """Test setup only: people who signed up through the public form."""
    for index in range(count):
        email = f"{prefix}{index}@example.org"
        SignUp.objects.create(
            contact_point=contact_point,
            email=email,
            email_hash=address_hash(email),
            status=status,
            waiting_since=timezone.now() if status == "waiting" else None,
        )


class ContactPointPageTests(Personas):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ContactPoint.objects.filter(pk=cls.point_a.pk).update(
            description="Vi er en møteplass for alle i bydelen.",
            street_address="Thorvald Meyers gate 10",
            postcode="0555",
            post_town="Oslo",
            opening_hours="Mandag–fredag 09–15",
            public_phone="22 00 00 01",
        )

    def page(self, point: ContactPoint):  # type: ignore[no-untyped-def]
        return self.client.get(reverse("contact_point", kwargs={"slug": point.slug}), **ENGLISH)

    def test_the_page_shows_who_the_contact_point_is(self) -> None:
        response = self.page(self.point_a)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1", count=1)
        self.assertContains(response, "Sentral A</h1>")
        self.assertContains(response, "Vi er en møteplass for alle i bydelen.")
        self.assertContains(response, "Oslo, Oslo")

    def test_the_page_shows_the_address(self) -> None:
        self.assertContains(self.page(self.point_a), "Thorvald Meyers gate 10, 0555 Oslo")

    def test_the_page_shows_the_opening_hours(self) -> None:
        response = self.page(self.point_a)
        self.assertContains(response, "Opening hours")
        self.assertContains(response, "Mandag–fredag 09–15")

    def test_the_page_shows_how_to_reach_the_contact_point(self) -> None:
        response = self.page(self.point_a)
        self.assertContains(response, "22 00 00 01")
        self.assertContains(response, 'href="mailto:post@sentral-a.example"')

    def test_the_page_says_it_is_free(self) -> None:
        self.assertContains(self.page(self.point_a), "It is free. You never pay anything.")

    def test_the_page_says_nobody_can_be_sent_to_a_group(self) -> None:
        self.assertContains(
            self.page(self.point_a), "It is your own choice. Nobody can sign you up or send you to a group."
        )

    def test_the_page_says_how_the_groups_meet(self) -> None:
        self.assertContains(self.page(self.point_b), "In person, By telephone")

    def test_the_page_names_the_municipality_in_both_languages(self) -> None:
        self.assertContains(self.page(self.point_b), "Guovdageaidnu – Kautokeino, Finnmark")

    def test_the_page_links_to_the_sign_up_form(self) -> None:
        self.assertContains(self.page(self.point_a), f'href="{reverse("signup", kwargs={"slug": "sentral-a"})}"')

    def test_an_inactive_contact_point_has_no_page(self) -> None:
        ContactPoint.objects.filter(pk=self.point_b.pk).update(is_active=False)
        response = self.page(self.point_b)
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "Sentral B", status_code=404)

    def test_an_unknown_contact_point_has_no_page(self) -> None:
        response = self.client.get(reverse("contact_point", kwargs={"slug": "finnes-ikke"}), **ENGLISH)
        self.assertEqual(response.status_code, 404)


class ProgressTests(Personas):
    def page(self, point: ContactPoint):  # type: ignore[no-untyped-def]
        return self.client.get(reverse("contact_point", kwargs={"slug": point.slug}), **ENGLISH)

    def test_the_page_says_how_many_wait_and_how_many_more_are_needed(self) -> None:
        add_signups(self.point_a, 4)
        response = self.page(self.point_a)
        self.assertContains(response, "4 people are waiting here.")
        self.assertContains(response, "1 more is needed to start a group.")

    def test_the_page_says_when_enough_are_waiting(self) -> None:
        add_signups(self.point_a, 5)
        response = self.page(self.point_a)
        self.assertContains(response, "5 people are waiting here.")
        self.assertContains(response, "That is enough to start a group.")
        self.assertNotContains(response, "needed to start a group")

    def test_the_number_needed_follows_the_contact_points_threshold(self) -> None:
        ContactPoint.objects.filter(pk=self.point_a.pk).update(threshold=7, seats=8)
        add_signups(self.point_a, 3)
        response = self.page(self.point_a)
        self.assertContains(response, "3 people are waiting here.")
        self.assertContains(response, "4 more are needed to start a group.")

    def test_the_progress_is_hidden_when_the_contact_point_does_not_want_it_shown(self) -> None:
        ContactPoint.objects.filter(pk=self.point_a.pk).update(show_progress=False)
        add_signups(self.point_a, 4)
        response = self.page(self.point_a)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "waiting here")
        self.assertNotContains(response, "needed to start a group")
        self.assertNotContains(response, "enough to start a group")

    def test_unconfirmed_signups_never_count(self) -> None:
        add_signups(self.point_a, 1)
        add_signups(self.point_a, 6, status="unconfirmed", prefix="unconfirmed")
        response = self.page(self.point_a)
        self.assertContains(response, "1 person is waiting here.")
        self.assertContains(response, "4 more are needed to start a group.")

    def test_only_unconfirmed_signups_means_nobody_is_waiting(self) -> None:
        add_signups(self.point_a, 5, status="unconfirmed")
        response = self.page(self.point_a)
        self.assertContains(response, "0 people are waiting here.")
        self.assertContains(response, "5 more are needed to start a group.")
        self.assertNotContains(response, "That is enough to start a group.")

    def test_people_waiting_elsewhere_do_not_count_here(self) -> None:
        add_signups(self.point_b, 5)
        add_signups(self.point_a, 2, prefix="a")
        response = self.page(self.point_a)
        self.assertContains(response, "2 people are waiting here.")
        self.assertContains(response, "3 more are needed to start a group.")


class PrivacyOnThePageTests(TestCase):
    def test_a_page_never_shows_a_participants_address(self) -> None:
        county = County.objects.create(number="03", name="Oslo")
        point = ContactPoint.objects.create(
            slug="sentral",
            name="Sentral",
            kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
            municipality=Municipality.objects.create(number="0301", name="Oslo", county=county),
        )
        add_signups(point, 3, prefix="kari.nordmann")
        response = self.client.get(point.get_absolute_url(), **ENGLISH)
        self.assertContains(response, "3 people are waiting here.")
        self.assertNotContains(response, "kari.nordmann")
