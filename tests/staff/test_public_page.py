"""Staff keep their contact point's public page: edit it and its rooms, publish it
once it is complete, and confirm its details once a year."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone

from contactpoints import services, tasks
from contactpoints.models import ContactPoint, Language, Room
from tests.base import InEnglish, Personas
from tests.staff.base import StaffTestCase

YEAR = datetime.timedelta(days=365)


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
            "languages": ["no", "ar"],
        }
        response = self.as_staff_a().post(reverse("staff:edit", args=[self.point_a.slug]), data)
        self.assertRedirects(response, reverse("staff:dashboard", args=[self.point_a.slug]))
        self.point_a.refresh_from_db()
        self.assertEqual((self.point_a.threshold, self.point_a.seats), (4, 6))
        self.assertEqual(sorted(self.point_a.languages.values_list("code", flat=True)), ["ar", "no"])
        self.assertIsNotNone(self.point_a.details_confirmed_at)

    def test_staff_offer_groups_by_video_only_and_must_offer_at_least_one_way(self):
        data = {
            "description": "Vi starter grupper på video.",
            "opening_hours": "Kvelder",
            "public_email": "post@a.example",
            "offers_video": "on",
            "show_progress": "on",
            "threshold": "5",
            "seats": "8",
            "languages": ["no"],
        }
        url = reverse("staff:edit", args=[self.point_a.slug])
        self.assertRedirects(self.as_staff_a().post(url, data), reverse("staff:dashboard", args=[self.point_a.slug]))
        self.point_a.refresh_from_db()
        self.assertEqual(
            (self.point_a.offers_in_person, self.point_a.offers_telephone, self.point_a.offers_video),
            (False, False, True),
        )
        del data["offers_video"]
        response = self.as_staff_a().post(url, data)
        self.assertContains(response, 'id="error-summary"')
        self.point_a.refresh_from_db()
        self.assertTrue(self.point_a.offers_video)

    def test_staff_must_tick_a_language_and_cannot_tick_one_that_is_not_on_the_list(self):
        url = reverse("staff:edit", args=[self.point_a.slug])
        base = {"offers_in_person": "on", "threshold": "5", "seats": "8"}
        Language.objects.filter(code="fa").update(is_active=False)
        for bad, message in (
            ({}, "Tick at least one language you can start groups in."),
            ({"languages": ["no", "xx"]}, "That language is not on the list."),
            ({"languages": ["fa"]}, "That language is not on the list."),
        ):
            response = self.as_staff_a().post(url, {**base, **bad}, HTTP_ACCEPT_LANGUAGE="en")
            self.assertContains(response, message)
        self.assertEqual(self.point_a.languages.count(), 0, "nothing changed")

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


class FindableTestCase(InEnglish, Personas):
    def setUp(self):
        super().setUp()
        self.staff = self.client_for(self.staff_a)


class PublishTests(FindableTestCase):
    def setUp(self):
        super().setUp()
        # As an approved application leaves it: not listed, its page not filled in.
        ContactPoint.objects.filter(pk=self.point_a.pk).update(
            is_active=False, published_at=None, description="", opening_hours="", street_address=""
        )
        self.point_a.refresh_from_db()

    def test_a_new_contact_point_is_not_listed_and_its_staff_see_what_is_missing(self):
        self.assertEqual(self.client_for().get(self.point_a.get_absolute_url()).status_code, 404)
        self.assertContains(
            self.staff.get(reverse("staff:dashboard", args=[self.point_a.slug])), "not in the directory yet"
        )

        response = self.staff.get(reverse("staff:checklist", args=[self.point_a.slug]))

        done = {str(item.label): item.done for item in response.context["items"]}
        self.assertEqual(
            done,
            {
                "A few sentences about who you are and how you help people start a group": False,
                "When people can reach you (opening hours)": False,
                "A public email address or telephone number": True,
                "Your visiting address, with postcode and town": False,
                "A room where groups can meet": False,
            },
        )
        self.assertNotContains(response, "Publish our page in the directory")

    def test_publishing_an_incomplete_page_is_refused(self):
        response = self.staff.post(reverse("staff:checklist", args=[self.point_a.slug]), follow=True)

        self.assertContains(response, "The public page is not complete yet")
        self.point_a.refresh_from_db()
        self.assertFalse(self.point_a.is_active)

    def test_once_the_page_is_complete_staff_publish_it_and_it_is_listed(self):
        ContactPoint.objects.filter(pk=self.point_a.pk).update(
            description="Vi er en møteplass for alle, og hjelper deg å finne en gruppe.",
            opening_hours="Mandag–fredag 9–15",
            street_address="Storgata 1",
            postcode="0155",
            post_town="Oslo",
        )
        Room.objects.create(contact_point=self.point_a, name="Peisestua", address="Storgata 1")
        self.assertContains(
            self.staff.get(reverse("staff:checklist", args=[self.point_a.slug])), "Publish our page in the directory"
        )

        response = self.staff.post(reverse("staff:checklist", args=[self.point_a.slug]))

        self.assertRedirects(response, reverse("staff:dashboard", args=[self.point_a.slug]))
        self.point_a.refresh_from_db()
        self.assertTrue(self.point_a.is_active)
        self.assertIsNotNone(self.point_a.published_at)
        self.assertIsNotNone(self.point_a.details_confirmed_at)
        self.assertEqual(self.client_for().get(self.point_a.get_absolute_url()).status_code, 200)
        self.assertContains(self.client_for().get(reverse("directory")), "Sentral A")

    def test_a_telephone_only_contact_point_needs_no_address_or_room(self):
        ContactPoint.objects.filter(pk=self.point_a.pk).update(
            offers_in_person=False,
            offers_telephone=True,
            description="Vi driver grupper på telefon for hele landet, på kveldstid.",
            opening_hours="Kvelder",
        )
        self.point_a.refresh_from_db()
        self.assertTrue(services.publish(contact_point=self.point_a))
        self.assertFalse(services.publish(contact_point=self.point_a))


class YearlyConfirmationTests(FindableTestCase):
    def setUp(self):
        super().setUp()
        ContactPoint.objects.update(details_confirmed_at=timezone.now())
        self.staff_a.language = "en"
        self.staff_a.save()

    def test_staff_are_asked_once_a_year_with_a_link_to_a_page_that_confirms_only_by_a_button(self):
        ContactPoint.objects.update(details_confirmed_at=timezone.now() - YEAR / 2)
        self.assertEqual(services.check_details(), (0, 0))
        ContactPoint.objects.update(details_confirmed_at=timezone.now() - YEAR - datetime.timedelta(days=1))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(services.check_details(), (2, 0))
            self.assertEqual(services.check_details(), (0, 0))  # idempotent

        message = next(m for m in mail.outbox if m.to == ["staff-a@work.example"])
        self.assertEqual(message.subject, "Are the details of Sentral A still right?")
        url = reverse("staff:confirm_details", args=[self.point_a.slug])
        self.assertIn(url, message.body)
        self.assertEqual(len(mail.outbox), 2)

        page = self.staff.get(url)
        self.assertContains(page, "post@sentral-a.example")
        self.assertContains(page, reverse("staff:edit", args=[self.point_a.slug]))
        self.point_a.refresh_from_db()
        self.assertTrue(self.point_a.details_check_pending)

        self.staff.post(url)
        self.point_a.refresh_from_db()
        self.assertFalse(self.point_a.details_check_pending)

    def test_unconfirmed_after_sixty_days_the_office_is_told_once_and_the_page_says_when_last_confirmed(self):
        confirmed = timezone.now() - YEAR - datetime.timedelta(days=1)
        ContactPoint.objects.filter(pk=self.point_a.pk).update(details_confirmed_at=confirmed)
        services.check_details()
        page = self.client_for().get(self.point_a.get_absolute_url())
        self.assertNotContains(page, "last confirmed")
        mail.outbox.clear()

        self.assertEqual(services.check_details(now=timezone.now() + datetime.timedelta(days=59)), (0, 0))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(services.check_details(now=timezone.now() + datetime.timedelta(days=61)), (0, 1))
            self.assertEqual(services.check_details(now=timezone.now() + datetime.timedelta(days=62)), (0, 0))

        self.assertEqual([m.to for m in mail.outbox], [["east@office.example"]])
        self.assertIn("Sentral A", mail.outbox[0].subject)
        self.assertIn("/kontor/ost/", mail.outbox[0].body)
        ContactPoint.objects.filter(pk=self.point_a.pk).update(
            details_check_sent_at=timezone.now() - datetime.timedelta(days=61)
        )
        page = self.client_for().get(self.point_a.get_absolute_url())
        date = formats.date_format(timezone.localtime(confirmed), "DATE_FORMAT")
        self.assertContains(page, f"last confirmed by the contact point on {date}.")
        self.assertContains(page, "Sign up for a group here")  # still listed

    def test_editing_the_page_counts_as_confirming_it(self):
        ContactPoint.objects.filter(pk=self.point_a.pk).update(
            details_confirmed_at=timezone.now() - 2 * YEAR, details_check_sent_at=timezone.now() - YEAR / 4
        )
        self.point_a.refresh_from_db()
        self.assertTrue(self.point_a.details_overdue)
        self.staff.post(
            reverse("staff:edit", args=[self.point_a.slug]),
            {
                "offers_in_person": "on",
                "threshold": 5,
                "seats": 8,
                "public_email": "post@sentral-a.example",
                "languages": ["no"],
            },
        )
        self.point_a.refresh_from_db()
        self.assertFalse(self.point_a.details_overdue)

    def test_the_beat_task_runs_it(self):
        ContactPoint.objects.update(details_confirmed_at=None)
        self.assertEqual(tuple(tasks.check_details.delay().get()), (2, 0))
