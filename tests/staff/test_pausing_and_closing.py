"""A contact point pauses new sign-ups, or closes; the people waiting keep their place or move it themselves."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contactpoints.models import ContactPoint, Municipality
from groups.models import IncomingSignUp, MonthlyFigure, SignUp
from groups.services import moving, pausing_and_closing, signing_up, upkeep
from tests.base import InEnglish, Personas, link_token, start_group, waiting_person


class PauseAndCloseTestCase(InEnglish, Personas):
    def setUp(self):
        super().setUp()
        self.staff = self.client_for(self.staff_a)

    def waiting(self, point, count, **preferences):
        # They signed up in English, so their own pages speak it, as these tests read them.
        preferences.setdefault("locale", "en")
        with self.captureOnCommitCallbacks(execute=True):
            people = [
                waiting_person(point, f"p{n}-{point.slug}@example.org", days_ago=100 - n, **preferences)
                for n in range(count)
            ]
        mail.outbox.clear()
        return people

    def private_path(self, address: str) -> str:
        message = [m for m in mail.outbox if m.to == [address]][-1]
        return reverse("signup_page", args=[link_token(message)])


class PauseTests(PauseAndCloseTestCase):
    def test_pausing_shows_a_message_takes_no_sign_up_and_tells_those_waiting(self):
        people = self.waiting(self.point_a, 2)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.staff.post(
                reverse("staff:pause", args=[self.point_a.slug]),
                {"action": "pause", "message": "Stengt i sommer. Velkommen igjen i august."},
            )
        self.assertRedirects(response, reverse("staff:dashboard", args=[self.point_a.slug]))

        self.assertEqual(sorted(m.to[0] for m in mail.outbox), sorted(p.email for p in people))
        self.assertIn("Stengt i sommer", mail.outbox[0].body)
        self.assertIn("/p/", mail.outbox[0].body)  # the way out
        page = self.client_for().get(self.point_a.get_absolute_url())
        self.assertContains(page, "Not taking new sign-ups right now")
        self.assertContains(page, "Stengt i sommer. Velkommen igjen i august.")
        self.assertNotContains(page, reverse("signup", args=[self.point_a.slug]))
        form = reverse("signup", args=[self.point_a.slug])
        self.assertContains(self.client_for().get(form), "not taking new sign-ups right now")
        self.client_for().post(form, {"email": "new@example.org", "for_myself": "on", "adult": "on", "privacy": "on"})
        self.assertEqual(SignUp.objects.filter(contact_point=self.point_a).count(), 2)
        for person in people:
            person.refresh_from_db()
            self.assertTrue(person.is_waiting)

    def test_pausing_again_changes_the_message_and_tells_nobody_twice(self):
        self.waiting(self.point_a, 1)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(pausing_and_closing.pause_signups(contact_point=self.point_a, message="Ferie"), 1)
            self.assertEqual(
                pausing_and_closing.pause_signups(contact_point=self.point_a, message="Ferie til 1. mai"), 0
            )
        self.assertEqual(len(mail.outbox), 1)
        self.point_a.refresh_from_db()
        self.assertEqual(self.point_a.pause_message, "Ferie til 1. mai")

    def test_taking_sign_ups_again(self):
        pausing_and_closing.pause_signups(contact_point=self.point_a, message="Ferie")
        self.staff.post(reverse("staff:pause", args=[self.point_a.slug]), {"action": "resume"})
        self.point_a.refresh_from_db()
        self.assertFalse(self.point_a.signups_paused)
        self.assertContains(self.client_for().get(self.point_a.get_absolute_url()), "Sign up for a group here")

    def test_it_checks_ownership(self):
        for name in ("staff:pause", "staff:close", "staff:checklist", "staff:confirm_details", "staff:colleagues"):
            url = reverse(name, args=[self.point_a.slug])
            for user in (self.staff_b, self.district_east_user):
                self.assertEqual(self.client_for(user).post(url, {"action": "pause", "message": "x"}).status_code, 404)
        self.point_a.refresh_from_db()
        self.assertFalse(self.point_a.signups_paused)
        self.assertFalse(self.point_a.is_closed)


class CloseTests(PauseAndCloseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # In Oslo: another contact point in the same municipality and one elsewhere in the county.
        cls.baerum = Municipality.objects.create(number="0399", name="Naboby", county=cls.oslo_county)
        cls.same_town = ContactPoint.objects.create(
            slug="sentral-c", name="Sentral C", kind="frivilligsentral", municipality=cls.oslo
        )
        cls.next_town = ContactPoint.objects.create(
            slug="aa-sentral", name="Aa-sentralen", kind="frivilligsentral", municipality=cls.baerum
        )
        cls.phone_only = ContactPoint.objects.create(
            slug="telefon",
            name="Selvhjelp på telefon",
            kind="organisation",
            municipality=cls.oslo,
            nationwide=True,
            offers_in_person=False,
            offers_telephone=True,
        )

    def close_a(self):
        with self.captureOnCommitCallbacks(execute=True):
            return self.staff.post(reverse("staff:close", args=[self.point_a.slug]), {"understood": "on"})

    def test_closing_takes_it_out_of_the_directory_and_emails_each_person_waiting(self):
        people = self.waiting(self.point_a, 3)
        signing_up.sign_up(
            contact_point=self.point_a,
            email="unconfirmed@example.org",
            nickname="",
            preferences=signing_up.Preferences(
                format="any", time_of_day="any", languages=("en", "no", "se"), age_group="any"
            ),
            locale="en",
        )
        mail.outbox.clear()

        self.assertRedirects(self.close_a(), reverse("staff:dashboard", args=[self.point_a.slug]))

        self.point_a.refresh_from_db()
        self.assertTrue(self.point_a.is_closed)
        self.assertEqual(self.client_for().get(self.point_a.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client_for().get(reverse("directory")), "Sentral A")
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), sorted(p.email for p in people))
        deleted_on = self.point_a.signups_deleted_on.date()
        self.assertEqual(deleted_on, (timezone.now() + datetime.timedelta(days=30)).date())
        self.assertIn("Sentral A", mail.outbox[0].subject)
        # Nothing is moved for them; the one who never confirmed is gone.
        self.assertEqual(SignUp.objects.filter(contact_point=self.point_a).count(), 3)
        self.assertFalse(SignUp.objects.filter(status=SignUp.Status.UNCONFIRMED).exists())
        self.assertEqual(pausing_and_closing.close(contact_point=self.point_a), 0)  # closing twice tells nobody again

    def test_it_cannot_close_while_a_group_is_forming(self):
        self.waiting(self.point_a, 5, format="in_person", time_of_day="evening", language="no", age_group="30-44")
        start_group(self.point_a, by=self.staff_a)

        response = self.close_a()

        self.assertContains(response, "A group is still being formed here")
        self.point_a.refresh_from_db()
        self.assertFalse(self.point_a.is_closed)

    def test_the_person_is_offered_the_nearest_places_and_the_nationwide_option(self):
        [person] = self.waiting(self.point_a, 1)
        ContactPoint.objects.create(
            slug="paused", name="Pauset", kind="other", municipality=self.oslo, signups_paused_at=timezone.now()
        )
        ContactPoint.objects.create(slug="far", name="Langt unna", kind="other", municipality=self.kautokeino)
        self.close_a()

        response = self.client_for().get(self.private_path(person.email))

        self.assertContains(response, "Sentral A has closed")
        nearby = [p.name for p in response.context["offers"].nearby]
        self.assertEqual(nearby, ["Sentral C", "Aa-sentralen"])  # the same municipality first
        self.assertEqual([p.name for p in response.context["offers"].nationwide], ["Selvhjelp på telefon"])
        self.assertContains(response, "Move my place to Sentral C")

    def test_only_places_that_offer_the_way_the_person_wants_to_meet_are_offered_nearby(self):
        [person] = self.waiting(self.point_a, 1, format="telephone")
        ContactPoint.objects.filter(pk=self.next_town.pk).update(offers_telephone=True)
        self.close_a()

        offers = self.client_for().get(self.private_path(person.email)).context["offers"]

        self.assertEqual([p.name for p in offers.nearby], ["Aa-sentralen"])

    def test_opening_the_link_moves_nothing_and_the_button_moves_the_same_sign_up(self):
        [person, other] = self.waiting(self.point_a, 2)
        self.close_a()
        path = self.private_path(person.email)
        self.client_for().get(path)
        person.refresh_from_db()
        self.assertEqual(person.contact_point, self.point_a)

        person_at_browser = self.client_for()
        response = person_at_browser.post(path, {"action": "move", "to": self.same_town.slug})

        self.assertRedirects(response, path, fetch_redirect_response=False)
        moved = SignUp.objects.get(pk=person.pk)
        self.assertEqual(moved.contact_point, self.same_town)
        self.assertEqual(moved.waiting_since, person.waiting_since)
        self.assertEqual(moved.status, SignUp.Status.WAITING)
        self.assertContains(
            person_at_browser.get(path), "Your place is moved to Sentral C. You keep the time you have waited."
        )
        other.refresh_from_db()
        self.assertEqual(other.contact_point, self.point_a)  # nothing is moved for anyone else

    def test_a_place_can_only_be_moved_to_one_of_the_places_offered(self):
        [person] = self.waiting(self.point_a, 1)
        far = ContactPoint.objects.create(slug="far", name="Langt unna", kind="other", municipality=self.kautokeino)
        path = self.private_path_after_closing(person)

        self.client_for().post(path, {"action": "move", "to": far.slug})
        self.client_for().post(path, {"action": "move", "to": "does-not-exist"})

        person.refresh_from_db()
        self.assertEqual(person.contact_point, self.point_a)

    def private_path_after_closing(self, person):
        self.close_a()
        return self.private_path(person.email)

    def test_moving_to_a_telephone_only_place_accepts_telephone_groups(self):
        [person] = self.waiting(self.point_a, 1, format="in_person")
        path = self.private_path_after_closing(person)

        self.client_for().post(path, {"action": "move", "to": self.phone_only.slug})

        person.refresh_from_db()
        self.assertEqual(person.contact_point, self.phone_only)
        self.assertEqual(person.format, "any")

    def test_sign_ups_nobody_moved_are_deleted_after_thirty_days_and_counted(self):
        [stays, moves] = self.waiting(self.point_a, 2)
        self.close_a()
        self.client_for().post(self.private_path(moves.email), {"action": "move", "to": self.same_town.slug})

        self.assertEqual(upkeep.delete_after_closing(now=timezone.now() + datetime.timedelta(days=29)), 0)
        self.assertEqual(upkeep.delete_after_closing(now=timezone.now() + datetime.timedelta(days=31)), 1)

        self.assertFalse(SignUp.objects.filter(pk=stays.pk).exists())
        self.assertTrue(SignUp.objects.filter(pk=moves.pk, contact_point=self.same_town).exists())
        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.point_a).expired, 1)
        self.assertEqual(upkeep.delete_after_closing(now=timezone.now() + datetime.timedelta(days=31)), 0)


class ClosedAndExpiringTests(PauseAndCloseTestCase):
    def test_nobody_at_a_closed_contact_point_is_asked_to_keep_a_place_there(self):
        [person] = self.waiting(self.point_a, 1)
        pausing_and_closing.close(contact_point=self.point_a)
        SignUp.objects.filter(pk=person.pk).update(expires_at=timezone.now() + datetime.timedelta(days=3))

        self.assertEqual(upkeep.warn_expiring(), 0)

    def test_nobody_at_a_closed_contact_point_is_offered_a_nationwide_list_again(self):
        ContactPoint.objects.create(
            slug="telefon",
            name="Selvhjelp på telefon",
            kind="organisation",
            municipality=self.oslo,
            nationwide=True,
            offers_in_person=False,
            offers_telephone=True,
        )
        [person] = self.waiting(self.point_a, 1, format="telephone")
        SignUp.objects.filter(pk=person.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=400))
        pausing_and_closing.close(contact_point=self.point_a)

        self.assertEqual(moving.offer_moves(), 0)

    def test_a_paused_nationwide_list_is_not_offered(self):
        phone = ContactPoint.objects.create(
            slug="telefon",
            name="Selvhjelp på telefon",
            kind="organisation",
            municipality=self.oslo,
            nationwide=True,
            offers_in_person=False,
            offers_telephone=True,
        )
        [person] = self.waiting(self.point_a, 1, format="telephone")
        pausing_and_closing.pause_signups(contact_point=phone, message="Ferie")
        with self.captureOnCommitCallbacks(execute=True):
            pausing_and_closing.close(contact_point=self.point_a)

        offers = self.client_for().get(self.private_path(person.email)).context["offers"]

        self.assertEqual(offers.nationwide, [])
        with self.assertRaisesMessage(moving.MoveError, "not taking new sign-ups"):
            moving.move_place(signup=person, to=phone)

    def test_a_sign_up_sent_just_before_closing_is_not_recorded_there(self):
        signing_up.receive(
            contact_point=self.point_a,
            email="late@example.org",
            nickname="",
            preferences=signing_up.Preferences(
                format="any", time_of_day="any", languages=("en", "no", "se"), age_group="any"
            ),
            locale="en",
        )
        incoming = IncomingSignUp.objects.get()
        pausing_and_closing.close(contact_point=self.point_a)

        signing_up.record_incoming(incoming_id=incoming.pk)

        self.assertFalse(SignUp.objects.filter(contact_point=self.point_a).exists())
        self.assertFalse(IncomingSignUp.objects.exists())
