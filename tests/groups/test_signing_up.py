"""A contact point's public page says who they are and how close a group is. A
person signs up for themself, confirms from their own inbox, and can see,
change or withdraw their sign-up."""

import datetime
import logging
import re
import threading
import time
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from contactpoints.locking import lock_contact_point
from contactpoints.models import ContactPoint, County, Language, Municipality
from groups import emails as group_mail
from groups import monthly, tasks
from groups.forms import PreferencesForm, SignUpForm
from groups.models import IncomingSignUp, Invitation, MonthlyFigure, PrivateLink, ProgressSnapshot, SignUp
from groups.services import forming, signing_up
from outbox import tasks as outbox_tasks
from outbox.models import Email
from selvhjelp.crypto import address_hash
from selvhjelp.logging import request_id
from tests.base import Personas, in_threads, link_token, signup_data, start_group, waiting_person

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def chose(language: str) -> Client:
    """A browser whose person chose ``language`` with the language buttons: their own pages speak it
    (without that, the language they signed up in, tests/groups/test_private_page_language.py)."""
    browser = Client()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return browser


def withdrawn_page(language: str) -> str:
    """Where leaving ends: the page that says the sign-up is deleted, in the person's language."""
    return f"{reverse('withdrawn')}?sprak={language}"


FORBIDDEN_FIELDS = (
    "name",
    "phone",
    "telephone",
    "postcode",
    "zip",
    "birth",
    "ssn",
    "fodselsnummer",
    "national_id",
    "problem",
    "diagnosis",
    "reason",
    "referrer",
    "referred",
    "referral",
)


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


# Leaving asks first (tests/groups/test_withdrawing.py): the private page links
# to a page whose one button sends what the page said would happen.
LEAVE_LINK = re.compile(r'href="(/p/[^"/]+/trekk/)"')
SEEN = re.compile(r'name="seen" value="([^"]*)"')


def the_button(page: str) -> dict[str, str]:
    """What the leaving page's one button sends."""
    seen = SEEN.search(page)
    assert seen, "the page has no button that deletes"
    return {"seen": seen.group(1)}


def leave(client: Client, private_page: str):  # type: ignore[no-untyped-def]
    """Leave as a person does: open the private page, follow the link to leave, press the button."""
    link = LEAVE_LINK.search(client.get(private_page).content.decode())
    assert link, "the private page has no link to leave"
    return client.post(link.group(1), the_button(client.get(link.group(1)).content.decode()))


ENGLISH_HEADERS = {"Accept-Language": "en"}


class SignUpTestCase(Personas):
    def sign_up(self, point=None, client=None, headers=None, **data):
        point = point or self.point_a
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post(
                reverse("signup", args=[point.slug]), signup_data(**data), headers=headers
            )

    def confirm(self, token):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("signup_page", args=[token]), {"action": "confirm"})


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
        self.assertContains(self.page(self.point_b), "<dd>In person or by telephone</dd>", html=False)
        ContactPoint.objects.filter(pk=self.point_b.pk).update(offers_video=True)
        self.assertContains(self.page(self.point_b), "<dd>In person, by telephone or by video</dd>", html=False)
        ContactPoint.objects.filter(pk=self.point_b.pk).update(offers_in_person=False, offers_telephone=False)
        self.assertContains(self.page(self.point_b), "<dd>By video</dd>", html=False)

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
    """The public page says how many wait as the offices' figures would: never an exact
    count below 5, and from a snapshot taken at most once a day (after 04:00)."""

    def page(self, point: ContactPoint):  # type: ignore[no-untyped-def]
        return self.client.get(reverse("contact_point", kwargs={"slug": point.slug}), **ENGLISH)

    def a_day_later(self):  # type: ignore[no-untyped-def]
        return mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(days=1))

    def test_the_page_says_how_many_wait_and_how_many_more_are_needed(self) -> None:
        ContactPoint.objects.filter(pk=self.point_a.pk).update(threshold=7, seats=8)
        add_signups(self.point_a, 5)
        response = self.page(self.point_a)
        self.assertContains(response, "5 people are waiting here.")
        self.assertContains(response, "2 more are needed to start a group.")
        self.assertContains(response, "Counted once a day")

    def test_the_page_says_when_enough_are_waiting(self) -> None:
        add_signups(self.point_a, 5)
        response = self.page(self.point_a)
        self.assertContains(response, "5 people are waiting here.")
        self.assertContains(response, "That is enough to start a group.")
        self.assertNotContains(response, "needed to start a group")

    def test_the_page_never_says_an_exact_count_below_five(self) -> None:
        pages = []
        for waiting in range(5):
            SignUp.objects.all().delete()
            ProgressSnapshot.objects.all().delete()
            add_signups(self.point_a, waiting)
            response = self.page(self.point_a)
            self.assertContains(response, "Fewer than 5 people are waiting here.")
            pages.append(response.content.decode().split('<p class="progress">')[1].split("</div>")[0])
        self.assertEqual(len(set(pages)), 1, "0, 1, 2, 3 and 4 waiting must read the same")
        self.assertNotContains(response, "needed to start a group")
        self.assertNotContains(response, "enough to start a group")

    def test_a_sign_up_shows_on_the_page_no_sooner_than_the_next_days_count(self) -> None:
        add_signups(self.point_a, 5)
        self.assertContains(self.page(self.point_a), "5 people are waiting here.")
        add_signups(self.point_a, 1, prefix="new")
        self.assertContains(self.page(self.point_a), "5 people are waiting here.")
        SignUp.objects.filter(email_hash=address_hash("x0@example.org")).delete()
        self.assertContains(self.page(self.point_a), "5 people are waiting here.")
        with self.a_day_later():
            self.assertContains(self.page(self.point_a), "5 people are waiting here.")
            add_signups(self.point_a, 1, prefix="later")
            self.assertContains(self.page(self.point_a), "5 people are waiting here.")
        with mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(days=2)):
            self.assertContains(self.page(self.point_a), "6 people are waiting here.")

    def test_the_progress_is_hidden_when_the_contact_point_does_not_want_it_shown(self) -> None:
        ContactPoint.objects.filter(pk=self.point_a.pk).update(show_progress=False)
        add_signups(self.point_a, 6)
        response = self.page(self.point_a)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "waiting here")
        self.assertNotContains(response, "needed to start a group")
        self.assertNotContains(response, "enough to start a group")

    def test_unconfirmed_signups_never_count(self) -> None:
        add_signups(self.point_a, 5)
        add_signups(self.point_a, 6, status="unconfirmed", prefix="unconfirmed")
        response = self.page(self.point_a)
        self.assertContains(response, "5 people are waiting here.")
        self.assertEqual(ProgressSnapshot.objects.get(contact_point=self.point_a).waiting, 5)

    def test_people_waiting_elsewhere_do_not_count_here(self) -> None:
        add_signups(self.point_b, 5)
        add_signups(self.point_a, 2, prefix="a")
        self.assertContains(self.page(self.point_a), "Fewer than 5 people are waiting here.")
        self.assertContains(self.page(self.point_b), "5 people are waiting here.")


class PrivacyOnThePageTests(TestCase):
    def test_a_page_never_shows_a_participants_address(self) -> None:
        county = County.objects.create(number="03", name="Oslo")
        point = ContactPoint.objects.create(
            slug="sentral",
            name="Sentral",
            kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
            municipality=Municipality.objects.create(number="0301", name="Oslo", county=county),
        )
        add_signups(point, 6, prefix="kari.nordmann")
        response = self.client.get(point.get_absolute_url(), **ENGLISH)
        self.assertContains(response, "6 people are waiting here.")
        self.assertNotContains(response, "kari.nordmann")


class TheFormTests(SignUpTestCase):
    def test_it_has_no_field_for_a_name_phone_postcode_problem_or_referrer(self):
        form_fields = set(SignUpForm(contact_point=self.point_a).fields) | set(
            PreferencesForm(contact_point=self.point_a).fields
        )
        model_fields = {field.name for field in SignUp._meta.get_fields()}
        for field in form_fields | model_fields:
            for forbidden in FORBIDDEN_FIELDS:
                self.assertNotIn(forbidden, field.lower().replace("nickname", ""))

    def test_the_page_asks_for_email_self_and_age_and_explains_privacy(self):
        response = self.client.get(reverse("signup", args=[self.point_a.slug]))
        self.assertContains(response, 'type="email"')
        self.assertContains(response, 'name="for_myself"')
        self.assertContains(response, 'name="adult"')
        self.assertContains(response, 'name="privacy"')
        self.assertContains(response, 'id="error-summary"', count=0)

    def test_errors_show_next_to_each_field_and_in_a_summary_and_keep_what_was_typed(self):
        response = self.client.post(
            reverse("signup", args=[self.point_a.slug]),
            signup_data(email="not-an-address", for_myself="", nickname="Kari"),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="error-summary"')
        self.assertContains(response, 'href="#id_email"')
        self.assertContains(response, 'id="id_email_error"')
        self.assertContains(response, 'aria-invalid="true"')
        self.assertContains(response, 'value="not-an-address"')
        self.assertContains(response, 'value="Kari"')
        self.assertFalse(SignUp.objects.exists())

    def test_nobody_can_sign_up_someone_else(self):
        response = self.client.post(reverse("signup", args=[self.point_a.slug]), signup_data(for_myself=""))
        self.assertContains(response, 'id="id_for_myself_error"')
        self.assertFalse(SignUp.objects.exists())

    def test_over_long_input_and_control_characters_are_refused_with_a_message(self):
        for data in (
            {"email": "a" * 10_000 + "@example.org"},
            {"nickname": "x" * 10_000},
            {"nickname": "Kari\x00"},
            {"nickname": "Kari\x07"},
            {"email": "kari\x0b@example.org"},
            {"format": "séance"},
        ):
            response = self.client.post(reverse("signup", args=[self.point_a.slug]), signup_data(**data))
            self.assertEqual(response.status_code, 200, data)
            self.assertContains(response, 'id="error-summary"')
        self.assertFalse(SignUp.objects.exists())

    def formats_on_the_page(self, point: ContactPoint) -> tuple[list[str], list[str]]:
        """The ways to meet the sign-up form offers, and the one already chosen."""
        page = self.client.get(reverse("signup", args=[point.slug])).content.decode()
        radios = re.findall(
            r'<input class="ds-input" type="radio" name="format" value="(\w+)" id="[^"]*"( checked)?>', page
        )
        return [value for value, _ in radios], [value for value, checked in radios if checked]

    def test_the_form_offers_only_the_ways_the_place_offers(self):
        for ways, offered in [
            ((True, False, False), ["in_person"]),
            ((False, False, True), ["video"]),
            ((True, True, False), ["in_person", "telephone", "any"]),
            ((True, False, True), ["in_person", "video", "any"]),
            ((False, True, True), ["telephone", "video", "any"]),
            ((True, True, True), ["in_person", "telephone", "video", "any"]),
        ]:
            with self.subTest(ways=ways):
                in_person, telephone, video = ways
                ContactPoint.objects.filter(pk=self.point_a.pk).update(
                    offers_in_person=in_person, offers_telephone=telephone, offers_video=video
                )
                point = ContactPoint.objects.get(pk=self.point_a.pk)

                shown, chosen = self.formats_on_the_page(point)

                self.assertEqual(shown, offered)
                # "Any of these" where there is a choice; the one way where there is none.
                self.assertEqual(chosen, offered[-1:])
                preferences = PreferencesForm(contact_point=point, initial={"format": "any"})
                self.assertEqual([value for value, _ in preferences.fields["format"].widget.choices], offered)

    def test_a_way_the_place_does_not_offer_is_refused(self):
        for way in ("telephone", "video"):
            with self.subTest(way=way):
                response = self.sign_up(format=way)
                self.assertContains(response, 'id="id_format_error"')
        self.assertFalse(SignUp.objects.exists())

    def test_the_form_offers_the_places_languages_each_named_in_itself_and_in_the_pages_language(self):
        self.point_a.languages.set(Language.objects.filter(code__in=["no", "ar", "pl"]))
        page = self.client.get(reverse("signup", args=[self.point_a.slug]), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
        self.assertIn('type="checkbox" name="languages" value="ar"', page)
        self.assertIn('<span lang="ar" dir="auto">العربية</span> (arabisk)', page)
        self.assertIn('<span lang="pl" dir="auto">Polski</span> (polsk)', page)
        self.assertIn('<span lang="no" dir="auto">Norsk</span>', page)
        self.assertNotIn("(norsk)", page, "no second name where it is the same")
        self.assertNotIn('name="languages" value="se"', page, "Northern Sami is not offered here")
        english = self.client.get(reverse("signup", args=[self.point_a.slug]), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(english, '<span lang="ar" dir="auto">العربية</span> (Arabic)', html=False)

    def test_a_person_ticks_arabic_and_norwegian_and_waits_for_a_group_in_either(self):
        self.point_a.languages.set(Language.objects.filter(code__in=["no", "ar"]))
        self.assertEqual(self.sign_up(languages=["no", "ar"]).status_code, 302)
        self.assertEqual(SignUp.objects.get().languages, ["ar", "no"], "stored sorted")

    def test_at_least_one_language_must_be_ticked(self):
        response = self.sign_up(languages=[], headers=ENGLISH_HEADERS)
        self.assertContains(response, 'id="id_languages_error"')
        self.assertContains(response, "Tick at least one language you can take part in a group in.")
        self.assertFalse(IncomingSignUp.objects.exists())

    def test_an_unknown_or_not_offered_language_in_a_hand_made_form_is_refused_and_changes_nothing(self):
        self.point_a.languages.set(Language.objects.filter(code__in=["no", "ar"]))
        Language.objects.filter(code="ar").update(is_active=False)
        for codes in (["xx"], ["no", "pl"], ["ar"], ["no", "<script>"]):
            with self.subTest(codes=codes):
                response = self.sign_up(languages=codes, headers=ENGLISH_HEADERS)
                self.assertContains(response, "That is not a language this contact point starts groups in.")
        self.assertFalse(IncomingSignUp.objects.exists())
        self.assertFalse(SignUp.objects.exists())

    def test_someone_who_asks_for_video_where_it_is_offered_waits_for_a_video_group(self):
        ContactPoint.objects.filter(pk=self.point_a.pk).update(offers_video=True)

        self.assertEqual(self.sign_up(format="video").status_code, 302)

        self.assertEqual(SignUp.objects.get().format, "video")

    def test_any_of_these_from_a_page_served_before_is_still_taken_where_one_way_is_offered(self):
        self.assertEqual(self.formats_on_the_page(self.point_a)[0], ["in_person"])

        self.assertEqual(self.sign_up(format="any").status_code, 302)

        self.assertEqual(SignUp.objects.get().format, "any")

    def test_an_inactive_contact_point_takes_no_sign_ups(self):
        self.point_a.is_active = False
        self.point_a.save()
        self.assertEqual(self.sign_up().status_code, 404)
        self.assertFalse(SignUp.objects.exists())

    def test_a_missing_csrf_cookie_gives_a_clear_page(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("signup", args=[self.point_a.slug]), signup_data())
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "<h1", status_code=403)
        self.assertFalse(SignUp.objects.exists())


class SigningUpTests(SignUpTestCase):
    def test_a_person_signs_up_and_is_asked_to_confirm_by_email(self):
        response = self.sign_up(email="Kari@Example.org", nickname="Kari", time_of_day="evening")
        self.assertRedirects(response, reverse("signup_sent", args=[self.point_a.slug]))
        signup = SignUp.objects.get()
        self.assertEqual(signup.status, SignUp.Status.UNCONFIRMED)
        self.assertEqual(signup.email, "kari@example.org")
        self.assertEqual(signup.time_of_day, "evening")
        self.assertEqual(signup.locale, "nb")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["kari@example.org"])
        self.assertIn("Sentral A", message.from_email)
        # A reply would hand the private link to whoever reads the contact point's mail.
        self.assertEqual(message.reply_to, [])
        no_reply = "Du kan ikke svare på denne e-posten. Slik når du Sentral A: post@sentral-a.example"
        self.assertIn(no_reply, message.body)
        self.assertTrue(link_token(message))
        self.assertEqual(Email.objects.get().sent_at is not None, True)

    def test_the_email_names_no_health_topic_or_self_help_group(self):
        self.sign_up()
        subject = mail.outbox[0].subject.lower()
        preview = mail.outbox[0].body.strip().splitlines()[0].lower()
        for word in ("selvhjelp", "self-help", "gruppe", "group", "helse", "health", "psyk", "diagnos"):
            self.assertNotIn(word, subject)
            self.assertNotIn(word, preview)

    def test_the_email_is_in_the_language_the_person_used(self):
        self.sign_up(client=Client(HTTP_ACCEPT_LANGUAGE="en"))
        self.assertEqual(SignUp.objects.get().locale, "en")
        self.assertEqual(mail.outbox[0].subject, "Please confirm your email address")

    def test_the_same_address_twice_makes_one_row_and_the_same_answer(self):
        first = self.sign_up(email="kari@example.org")
        second = self.sign_up(email=" KARI@example.org")
        self.assertEqual(first.status_code, 302)
        self.assertEqual(first.status_code, second.status_code)
        self.assertEqual(first["Location"], second["Location"])
        self.assertEqual(SignUp.objects.count(), 1)

    def test_an_unconfirmed_address_signing_up_again_gets_the_confirmation_again_once_an_hour(self):
        self.sign_up()
        self.sign_up()
        self.sign_up()
        self.assertEqual(len(mail.outbox), 1)
        an_hour_later = timezone.now() + datetime.timedelta(hours=1)
        with mock.patch("groups.services.signing_up.timezone.now", return_value=an_hour_later):
            self.sign_up()
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(mail.outbox[1].subject, mail.outbox[0].subject)

    def test_a_waiting_person_signing_up_again_keeps_their_place_and_gets_a_new_link(self):
        self.sign_up()
        self.confirm(link_token(mail.outbox[0]))
        waiting_since = SignUp.objects.get().waiting_since
        self.sign_up(nickname="Someone else", time_of_day="evening")
        signup = SignUp.objects.get()
        self.assertEqual(signup.waiting_since, waiting_since)
        self.assertEqual(signup.nickname, "")
        self.assertEqual(len(mail.outbox), 2)
        self.assertNotEqual(link_token(mail.outbox[1]), link_token(mail.outbox[0]))
        response = self.client.get(reverse("signup_page", args=[link_token(mail.outbox[1])]))
        self.assertContains(response, "action")

    def test_the_same_address_may_wait_at_two_contact_points(self):
        self.sign_up(point=self.point_a)
        self.sign_up(point=self.point_b)
        self.assertEqual(SignUp.objects.count(), 2)

    def test_a_sign_up_is_counted_anonymously(self):
        self.sign_up()
        self.confirm(link_token(mail.outbox[0]))
        figure = MonthlyFigure.objects.get(contact_point=self.point_a)
        self.assertEqual((figure.signed_up, figure.confirmed), (1, 1))


class ConfirmingTests(SignUpTestCase):
    def test_opening_the_link_changes_nothing(self):
        self.sign_up()
        response = self.client.get(reverse("signup_page", args=[link_token(mail.outbox[0])]))
        self.assertContains(response, 'value="confirm"')
        self.assertEqual(SignUp.objects.get().status, SignUp.Status.UNCONFIRMED)

    def test_pressing_the_button_puts_the_person_on_the_list(self):
        self.sign_up()
        token = link_token(mail.outbox[0])
        response = self.confirm(token)
        self.assertRedirects(response, reverse("signup_page", args=[token]))
        signup = SignUp.objects.get()
        self.assertEqual(signup.status, SignUp.Status.WAITING)
        self.assertIsNotNone(signup.waiting_since)
        self.assertAlmostEqual(
            signup.expires_at - signup.confirmed_at, datetime.timedelta(days=180), delta=datetime.timedelta(seconds=1)
        )
        page = self.client.get(reverse("signup_page", args=[token]))
        self.assertContains(page, "Sentral A")
        self.assertContains(page, f'href="{reverse("withdraw", args=[token])}"')

    def test_confirming_twice_changes_nothing_the_second_time(self):
        self.sign_up()
        token = link_token(mail.outbox[0])
        self.confirm(token)
        first = SignUp.objects.get().confirmed_at
        self.confirm(token)
        self.assertEqual(SignUp.objects.get().confirmed_at, first)
        self.assertEqual(MonthlyFigure.objects.get().confirmed, 1)

    def test_unconfirmed_sign_ups_never_count(self):
        for n in range(6):
            self.sign_up(email=f"person{n}@example.org")
        self.client.get(reverse("contact_point", args=[self.point_a.slug]))
        self.assertEqual(ProgressSnapshot.objects.get(contact_point=self.point_a).waiting, 0)

    def test_unconfirmed_sign_ups_are_deleted_after_48_hours(self):
        self.sign_up(email="old@example.org")
        SignUp.objects.update(created_at=timezone.now() - datetime.timedelta(hours=49))
        self.sign_up(email="new@example.org")
        self.assertEqual(tasks.delete_unconfirmed(), 1)
        self.assertEqual(SignUp.objects.get().email_hash, address_hash("new@example.org"))
        self.assertEqual(tasks.delete_unconfirmed(), 0)


class PrivatePageTests(SignUpTestCase):
    def setUp(self):
        self.sign_up(email="kari@example.org")
        self.token = link_token(mail.outbox[0])
        self.confirm(self.token)
        self.url = reverse("signup_page", args=[self.token])

    def test_it_tells_the_person_their_place_in_words(self):
        for n in range(6):
            other = SignUp.objects.create(
                contact_point=self.point_a,
                email=f"p{n}@example.org",
                email_hash=address_hash(f"p{n}@example.org"),
                status=SignUp.Status.WAITING,
                waiting_since=timezone.now() - datetime.timedelta(days=10 - n),
            )
            self.assertTrue(other.pk)
        response = self.client.get(self.url)
        self.assertContains(response, "10")
        self.assertNotContains(response, "kari@example.org")

    def test_the_person_changes_their_wishes(self):
        response = self.client.post(
            self.url, {"action": "preferences", **signup_data(nickname="K", format="in_person", age_group="30-44")}
        )
        self.assertRedirects(response, self.url)
        signup = SignUp.objects.get()
        self.assertEqual((signup.nickname, signup.format, signup.age_group), ("K", "in_person", "30-44"))

    def test_the_person_changes_the_languages_they_can_take_part_in(self):
        self.point_a.languages.set(Language.objects.filter(code__in=["no", "en", "se", "uk"]))
        data = signup_data(languages=["uk", "no"])
        self.assertRedirects(self.client.post(self.url, {"action": "preferences", **data}), self.url)
        self.assertEqual(SignUp.objects.get().languages, ["no", "uk"])
        for codes in ([], ["fa"], ["no", "zz"]):
            with self.subTest(codes=codes):
                response = self.client.post(self.url, {"action": "preferences", **signup_data(languages=codes)})
                self.assertContains(response, 'id="id_languages_error"')
        self.assertEqual(SignUp.objects.get().languages, ["no", "uk"], "nothing changed")

    def test_a_language_the_place_stopped_offering_stays_ticked_while_other_wishes_change(self):
        self.point_a.languages.set(Language.objects.filter(code="no"))
        page = self.client.get(self.url).content.decode()
        self.assertIn('name="languages" value="se"', page, "ticked when signing up, still shown")
        data = signup_data(format="in_person")
        self.assertRedirects(self.client.post(self.url, {"action": "preferences", **data}), self.url)
        self.assertEqual(SignUp.objects.get().languages, ["en", "no", "se"])

    def test_bad_wishes_are_refused_next_to_the_field(self):
        response = self.client.post(self.url, {"action": "preferences", **signup_data(time_of_day="midnight")})
        self.assertContains(response, 'id="id_time_of_day_error"')
        self.assertEqual(SignUp.objects.get().time_of_day, "any")

    def test_withdrawing_deletes_the_sign_up_in_the_same_request_as_the_button(self):
        # It asks first (tests/groups/test_withdrawing.py); its button deletes at once.
        response = leave(self.client, self.url)
        self.assertRedirects(response, withdrawn_page("nb"))
        self.assertFalse(SignUp.objects.exists())
        self.assertFalse(PrivateLink.objects.exists())
        self.assertFalse(Email.objects.exists())
        self.assertEqual(MonthlyFigure.objects.get().withdrawn, 1)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_an_unknown_action_is_a_clear_400(self):
        response = self.client.post(self.url, {"action": "delete-everyone"})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(SignUp.objects.exists())

    def test_another_visitor_cannot_reach_a_sign_up_without_its_token(self):
        for token in ("", "x", self.token[:-1], self.token + "x", self.token.upper(), "a" * 5000, "%00", "..%2f"):
            response = Client().get(f"/p/{token}/")
            self.assertEqual(response.status_code, 404, token)
            self.assertNotContains(response, "Sentral A", status_code=404)

    def test_an_expired_link_shows_a_clear_page(self):
        PrivateLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        response = self.client.get(self.url)
        self.assertContains(response, "<h1", status_code=404)
        self.assertEqual(self.client.post(self.url, {"action": "withdraw"}).status_code, 404)
        self.assertTrue(SignUp.objects.exists())

    def test_the_page_is_never_cached(self):
        self.assertIn("no-store", self.client.get(self.url)["Cache-Control"])

    @override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
    def test_a_waiting_persons_page_takes_two_queries_however_many_wait(self):
        person = chose("en")
        person.get(self.url)  # the languages, read once per generation of the public pages in a process
        # The link with its sign-up and contact point (one join), then how many have waited longer.
        with self.assertNumQueries(2):
            response = person.get(self.url)
        self.assertContains(response, "You are among the first 5 on the list.")
        for n in range(25):
            SignUp.objects.create(
                contact_point=self.point_a,
                email=f"p{n}@example.org",
                email_hash=address_hash(f"p{n}@example.org"),
                status=SignUp.Status.WAITING,
                waiting_since=timezone.now() - datetime.timedelta(days=30 - n),
            )
        with self.assertNumQueries(2):
            response = person.get(self.url)
        self.assertContains(response, "More than 20 people have waited longer than you.")

    def test_an_invited_persons_page_takes_two_queries_however_many_are_invited(self):
        def more_waiting(prefix: str) -> None:
            for n in range(5):
                waiting_person(self.point_a, f"{prefix}{n}@example.org")

        more_waiting("first")
        group = start_group(self.point_a, by=self.staff_a, seats=5)
        self.assertEqual(SignUp.objects.get(email_hash=address_hash("kari@example.org")).status, SignUp.Status.INVITED)
        # The link with its sign-up and contact point (one join), then the invitation with its group and room.
        with self.assertNumQueries(2):
            response = self.client.get(self.url)
        self.assertContains(response, 'name="action" value="answer"')
        more_waiting("second")
        forming.change_seats(group=group, seats=10)
        self.assertEqual(forming.refill(group=group), 5)
        more_waiting("third")
        start_group(self.point_a, by=self.staff_a, seats=5)
        self.assertEqual(Invitation.objects.filter(group=group).count(), 10)
        self.assertEqual(Invitation.objects.count(), 15)
        with self.assertNumQueries(2):
            response = self.client.get(self.url)
        self.assertContains(response, 'name="action" value="answer"')


class NoAddressLeaksTests(SignUpTestCase):
    def test_no_address_appears_in_any_log_record_or_task_argument(self):
        address = "Leak.Check@Example.org"
        calls = []
        original = outbox_tasks.send_email.apply_async

        def record(args=None, kwargs=None, **options):
            calls.append((args, kwargs))
            return original(args=args, kwargs=kwargs, **options)

        with (
            self.assertLogs(level=logging.DEBUG) as logs,
            mock.patch.object(outbox_tasks.send_email, "apply_async", side_effect=record),
        ):
            logging.getLogger("probe").debug("start")
            self.sign_up(email=address)
            token = link_token(mail.outbox[0])
            self.confirm(token)
            self.client.get(reverse("signup_page", args=[token]))
            self.client.get("/p/not-a-real-link/")
            self.sign_up(email=address)
            leave(self.client, reverse("signup_page", args=[token]))
        self.assertTrue(calls)
        for args, kwargs in calls:
            self.assertTrue(all(isinstance(arg, int) for arg in args or ()), args)
            self.assertFalse(kwargs)
        text = "\n".join(logs.output).lower()
        self.assertNotIn(address.lower(), text)
        self.assertNotIn("leak.check", text)
        self.assertNotIn(token.lower(), text)

    @override_settings(DEBUG=True)
    def test_the_signup_string_form_names_no_one(self):
        self.sign_up(email="kari@example.org", nickname="Kari")
        self.assertNotIn("kari", str(SignUp.objects.get()).lower())


class ServiceTests(SignUpTestCase):
    def test_sign_up_never_raises_for_a_duplicate_race(self):
        prefs = signing_up.Preferences(format="any", time_of_day="any", languages=("en", "no", "se"), age_group="any")
        with self.captureOnCommitCallbacks(execute=True):
            for _ in range(3):
                signing_up.sign_up(
                    contact_point=self.point_a, email="a@example.org", nickname="", preferences=prefs, locale="nb"
                )
        self.assertEqual(SignUp.objects.count(), 1)


class RecordingInTheBackgroundTests(SignUpTestCase):
    """The form keeps what it is sent and wakes one recorder for all of it; the relay records what no
    recorder did in time."""

    def send(self, address: str) -> list:
        """Sign up through the form; returns the callbacks queued after commit, not run."""
        with self.captureOnCommitCallbacks() as queued:
            response = self.client.post(reverse("signup", args=[self.point_a.slug]), signup_data(email=address))
        self.assertEqual(response.status_code, 302)
        return queued

    def test_a_burst_of_sign_ups_wakes_one_recorder_which_records_them_all_once(self):
        with mock.patch.object(tasks.record_sign_ups, "delay") as broker:
            for n in range(4):
                for callback in self.send(f"p{n}@example.org"):
                    callback()
        broker.assert_called_once_with()  # no argument at all, so never an address
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(tasks.record_sign_ups(), 4)
            self.assertEqual(tasks.record_sign_ups(), 0, "run twice, it does the work once")
        self.assertFalse(IncomingSignUp.objects.exists())
        self.assertEqual(
            sorted(SignUp.objects.values_list("email", flat=True)), [f"p{n}@example.org" for n in range(4)]
        )
        self.assertEqual(len(mail.outbox), 4)

    def test_the_recorder_gives_way_to_the_web_before_each_sign_up_it_records(self):
        with mock.patch.object(tasks.record_sign_ups, "delay"):
            for n in range(3):
                self.send(f"p{n}@example.org")
        with (
            mock.patch.object(signing_up.giving_way, "give_way", return_value=0.0) as give_way,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.assertEqual(tasks.record_sign_ups(), 3)
        self.assertEqual(give_way.call_count, 3)

    def test_a_sign_up_sent_once_the_recorder_has_started_wakes_it_again(self):
        with mock.patch.object(tasks.record_sign_ups, "delay") as broker:
            for callback in self.send("first@example.org"):
                callback()
            with self.captureOnCommitCallbacks(execute=True):
                tasks.record_sign_ups()
            for callback in self.send("second@example.org"):
                callback()
        self.assertEqual(broker.call_count, 2)
        self.assertEqual(IncomingSignUp.objects.count(), 1)

    def test_one_that_cannot_be_recorded_is_left_for_the_relay_and_the_others_are_recorded(self):
        for address in ("a@example.org", "b@example.org", "c@example.org"):
            self.send(address)
        failing = IncomingSignUp.objects.order_by("pk")[1].pk
        real = signing_up.sign_up

        def sign_up(**kwargs):
            if kwargs["email"] == "b@example.org":
                raise ConnectionError("the database went away")
            return real(**kwargs)

        with (
            mock.patch.object(signing_up, "sign_up", side_effect=sign_up),
            self.assertLogs("groups.services.signing_up", "WARNING") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.assertEqual(tasks.record_sign_ups(), 2)
        self.assertIn(f"Recording sign-up {failing} failed (ConnectionError)", logs.output[0])
        self.assertNotIn("b@example.org", logs.output[0])
        self.assertEqual(list(IncomingSignUp.objects.values_list("pk", flat=True)), [failing])

    def test_the_relay_records_only_what_no_recorder_recorded_in_time(self):
        self.send("late@example.org")
        self.send("fresh@example.org")
        late = IncomingSignUp.objects.order_by("pk").first()
        IncomingSignUp.objects.filter(pk=late.pk).update(
            received_at=timezone.now() - signing_up.RECORD_INCOMING_AFTER - datetime.timedelta(seconds=1)
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(tasks.record_due_sign_ups(), 1)
        self.assertEqual(list(SignUp.objects.values_list("email", flat=True)), ["late@example.org"])
        self.assertEqual(list(IncomingSignUp.objects.values_list("email", flat=True)), ["fresh@example.org"])


@pytest.mark.postgres
class ConcurrentRecordingTests(TransactionTestCase):
    """Two workers record sign-ups at one contact point at the same moment."""

    def setUp(self):
        county = County.objects.create(number="03", name="Oslo")
        municipality = Municipality.objects.create(number="0301", name="Oslo", county=county)
        self.point = ContactPoint.objects.create(
            slug="sentral", name="Sentral", kind="frivilligsentral", municipality=municipality
        )

    def receive(self, address: str) -> int:
        preferences = signing_up.Preferences(
            format="any", time_of_day="any", languages=("en", "no", "se"), age_group="any"
        )
        with mock.patch.object(signing_up, "wake_after_commit"):
            signing_up.receive(
                contact_point=self.point, email=address, nickname="", preferences=preferences, locale="nb"
            )
        return IncomingSignUp.objects.latest("pk").pk

    def holding_the_contact_point(self, locked: threading.Event, release: threading.Event):  # type: ignore[no-untyped-def]
        """A change at the contact point that takes its lock, says so, and holds it until released."""

        def hold() -> None:
            with transaction.atomic():
                lock_contact_point(self.point.pk)
                locked.set()
                release.wait(timeout=10)

        return hold

    def test_a_sign_up_is_recorded_while_another_change_at_its_contact_point_holds_the_lock(self):
        incoming = self.receive("kari@example.org")
        locked, release = threading.Event(), threading.Event()
        hold_the_contact_point = self.holding_the_contact_point(locked, release)

        def record():
            locked.wait(timeout=10)
            threading.Timer(0.5, release.set).start()
            return signing_up.record_incoming(incoming_id=incoming)

        _held, recorded = in_threads(hold_the_contact_point, record)
        self.assertIs(recorded, True)
        self.assertFalse(IncomingSignUp.objects.exists())
        self.assertEqual(SignUp.objects.get().email_hash, address_hash("kari@example.org"))

    def test_the_form_takes_a_sign_up_in_at_once_while_a_change_at_its_contact_point_holds_the_lock(self):
        # The lock every change there takes leaves the row's key alone: a new row that refers to the
        # contact point (the form's one insert) does not wait for it, however long the change takes.
        locked, release = threading.Event(), threading.Event()
        hold_the_contact_point = self.holding_the_contact_point(locked, release)

        def take_in():
            locked.wait(timeout=10)
            started = time.monotonic()
            try:
                self.receive("kari@example.org")
                return time.monotonic() - started
            finally:
                release.set()

        _held, waited = in_threads(hold_the_contact_point, take_in)
        self.assertLess(waited, 5, "the form's insert waited for the lock")
        self.assertEqual(IncomingSignUp.objects.count(), 1)

    def test_a_sign_up_recorded_while_someone_confirms_at_its_contact_point_fails_neither(self):
        # Confirming takes the contact point's lock, then counts the month's figures; so must recording,
        # or each holds what the other waits for: the recorder the month's row, which it counted, and
        # confirming the contact point's row, which the recorder's new rows refer to (checked at commit).
        self.assertTrue(signing_up.record_incoming(incoming_id=self.receive("kari@example.org")))
        incoming = self.receive("ola@example.org")
        locked = threading.Event()

        def someone_waits_for_a_lock() -> bool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                return bool(cursor.fetchone()[0])

        def confirm():
            with transaction.atomic():
                lock_contact_point(self.point.pk)
                locked.set()
                for _ in range(100):
                    if someone_waits_for_a_lock():
                        break
                    time.sleep(0.05)
                monthly.count(contact_point_id=self.point.pk, confirmed=1)

        def record():
            locked.wait(timeout=10)
            return signing_up.record_incoming(incoming_id=incoming)

        confirmed, recorded = in_threads(confirm, record)
        self.assertIsNone(confirmed)
        self.assertIs(recorded, True)
        figures = MonthlyFigure.objects.get(contact_point=self.point)
        self.assertEqual((figures.signed_up, figures.confirmed), (2, 1))
        self.assertEqual(SignUp.objects.count(), 2)

    def test_each_sign_up_is_recorded_under_the_id_of_the_request_that_sent_it(self):
        # One recorder records many: each confirmation email's task still carries its own request's id.
        sent_by = {}
        for number, rid in enumerate(("a1b2c3d4e5f60001", "a1b2c3d4e5f60002")):
            token = request_id.set(rid)
            try:
                sent_by[f"p{number}@example.org"] = rid
                self.receive(f"p{number}@example.org")
            finally:
                request_id.reset(token)
        self.assertEqual(sorted(IncomingSignUp.objects.values_list("request_id", flat=True)), sorted(sent_by.values()))
        carried = []
        with mock.patch.object(
            outbox_tasks.send_email, "delay", side_effect=lambda *ids: carried.append(request_id.get())
        ):
            self.assertEqual(tasks.record_sign_ups(), 2)
        self.assertEqual(sorted(carried), sorted(sent_by.values()))
        self.assertIsNone(request_id.get(), "the recorder's own id is back once it is done")

    def test_two_workers_recording_at_one_contact_point_record_both_once(self):
        first, second = self.receive("a@example.org"), self.receive("b@example.org")
        for _ in range(2):  # the broker may hand a task out twice
            results = in_threads(
                lambda: signing_up.record_incoming(incoming_id=first),
                lambda: signing_up.record_incoming(incoming_id=second),
                lambda: signing_up.record_incoming(incoming_id=first),
            )
            self.assertFalse(any(isinstance(r, Exception) for r in results), results)
        self.assertEqual(SignUp.objects.count(), 2)
        self.assertEqual(Email.objects.filter(kind=group_mail.CONFIRM).count(), 2)
        self.assertFalse(IncomingSignUp.objects.exists())


class SeveralLists(SignUpTestCase):
    """Around Sentral A in Oslo: Sentral C, also in Oslo, a paused and a closed
    contact point there, and a nationwide video list; Sentral B is in Finnmark."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()

        def point(slug: str, **fields: object) -> ContactPoint:
            return ContactPoint.objects.create(
                slug=slug, name=slug.replace("-", " ").title(), kind=ContactPoint.Kind.FRIVILLIGSENTRAL, **fields
            )

        # Sentral A meets in person and by video; Sentral C in person only.
        ContactPoint.objects.filter(pk=cls.point_a.pk).update(offers_video=True)
        cls.point_a.refresh_from_db()
        cls.point_c = point("sentral-c", municipality=cls.oslo)
        cls.paused = point("sentral-pause", municipality=cls.oslo, signups_paused_at=timezone.now())
        cls.closed = point("sentral-stengt", municipality=cls.oslo, closed_at=timezone.now())
        cls.video = point(
            "videogrupper", municipality=cls.oslo, nationwide=True, offers_in_person=False, offers_video=True
        )

    def lists_of(self, address: str) -> dict[str, str]:
        rows = SignUp.objects.filter(email_hash=address_hash(address)).select_related("contact_point")
        return {row.contact_point.slug: row.status for row in rows}


class SeveralListsOneFormTests(SeveralLists):
    def test_the_form_offers_a_contact_point_nearby_and_the_nationwide_lists_that_take_sign_ups(self):
        page = self.client.get(reverse("signup", args=[self.point_a.slug]), **ENGLISH).content.decode()
        self.assertIn("Also put me on the list at", page)
        self.assertIn("Sentral C", page)
        self.assertIn("Videogrupper", page)
        for elsewhere in ("Sentral B", "Sentral Pause", "Sentral Stengt"):
            self.assertNotIn(elsewhere, page)

    def test_a_form_shown_again_for_a_mistake_still_offers_the_other_lists(self):
        # Nothing chosen: the lists are not looked up to check the form, but are there when it comes back.
        response = self.sign_up(adult="", headers=ENGLISH_HEADERS)
        self.assertContains(response, "You must be 18 or older to join a group.")
        page = response.content.decode()
        self.assertIn("Also put me on the list at", page)
        self.assertIn('name="also_nearby"', page)
        self.assertIn("Videogrupper", page)
        self.assertFalse(IncomingSignUp.objects.exists())

    def test_a_form_that_asks_to_meet_in_person_only_offers_no_nationwide_list(self):
        page = self.client.get(reverse("signup", args=[self.point_c.slug]), **ENGLISH).content.decode()
        self.assertIn("Sentral A", page)
        self.assertNotIn("Videogrupper", page)
        self.assertNotIn('name="also_nationwide"', page)

    def test_one_form_makes_a_sign_up_on_each_list_and_sends_one_email_naming_them_all(self):
        self.sign_up(also_nearby=self.point_c.pk, also_nationwide=self.video.pk)
        self.assertEqual(
            self.lists_of("kari@example.org"),
            {"sentral-a": "unconfirmed", "sentral-c": "unconfirmed", "videogrupper": "unconfirmed"},
        )
        self.assertEqual(len(mail.outbox), 1)
        body = mail.outbox[0].body
        for name in ("Sentral A", "Sentral C", "Videogrupper"):
            self.assertIn(name, body)
        self.assertEqual(IncomingSignUp.objects.count(), 0)
        # The same keyed hash links them; nothing else does.
        self.assertEqual(SignUp.objects.values("email_hash").distinct().count(), 1)
        for point in (self.point_a, self.point_c, self.video):
            self.assertEqual(MonthlyFigure.objects.get(contact_point=point).signed_up, 1)

    def test_one_confirmation_confirms_every_list_and_each_counts_it(self):
        # Signed up in English: the private page speaks the language the person signed up in.
        self.sign_up(also_nearby=self.point_c.pk, also_nationwide=self.video.pk, headers=ENGLISH_HEADERS)
        page = self.client.get(reverse("signup_page", args=[link_token(mail.outbox[0])]), **ENGLISH)
        self.assertContains(page, "Press the button to go on the waiting lists at these contact points:")
        self.confirm(link_token(mail.outbox[0]))
        self.assertEqual(set(self.lists_of("kari@example.org").values()), {"waiting"})
        for point in (self.point_a, self.point_c, self.video):
            self.assertEqual(MonthlyFigure.objects.get(contact_point=point).confirmed, 1)

    def test_a_confirmation_confirms_only_the_lists_of_its_own_form(self):
        self.sign_up()
        first = link_token(mail.outbox[0])
        self.sign_up(self.point_c)
        self.confirm(first)
        self.assertEqual(self.lists_of("kari@example.org"), {"sentral-a": "waiting", "sentral-c": "unconfirmed"})

    def test_a_list_the_address_is_on_already_is_skipped_without_a_word(self):
        self.sign_up(self.point_c)
        self.confirm(link_token(mail.outbox[0]))
        mail.outbox.clear()
        self.sign_up(also_nearby=self.point_c.pk)
        self.assertEqual(self.lists_of("kari@example.org"), {"sentral-a": "unconfirmed", "sentral-c": "waiting"})
        self.assertEqual(len(mail.outbox), 1)
        self.assertNotIn("Sentral C", mail.outbox[0].body)

    def test_the_page_after_the_form_is_the_same_for_a_known_address_with_more_lists(self):
        first = self.sign_up(also_nationwide=self.video.pk)
        again = self.sign_up(also_nationwide=self.video.pk)
        self.assertEqual((first.status_code, first["Location"]), (again.status_code, again["Location"]))

    def test_a_wish_the_other_list_cannot_meet_is_refused(self):
        response = self.sign_up(format="in_person", also_nationwide=self.video.pk, headers=ENGLISH_HEADERS)
        self.assertContains(response, "Videogrupper has no groups that meet the way you chose.")
        self.assertFalse(SignUp.objects.exists())
        self.assertFalse(IncomingSignUp.objects.exists())

    def test_hand_made_lists_are_refused_with_a_clear_error_and_nothing_is_recorded(self):
        cases = {
            "a third list": {"also_nearby": [self.point_c.pk, self.paused.pk], "also_nationwide": self.video.pk},
            "an unknown contact point": {"also_nearby": 999999},
            "a paused contact point": {"also_nearby": self.paused.pk},
            "a closed contact point": {"also_nearby": self.closed.pk},
            "the same contact point twice": {"also_nearby": [self.point_c.pk, self.point_c.pk]},
            "the form's own contact point": {"also_nearby": self.point_a.pk},
            "a contact point in another county": {"also_nearby": self.point_b.pk},
            "a local list as a nationwide one": {"also_nationwide": self.point_c.pk},
        }
        for case, data in cases.items():
            with self.subTest(case):
                response = self.sign_up(**data, headers=ENGLISH_HEADERS)
                self.assertEqual(response.status_code, 200)
                self.assertRegex(response.content.decode(), "That list cannot be chosen here|Choose one list at most")
                self.assertFalse(SignUp.objects.exists())
                self.assertFalse(IncomingSignUp.objects.exists())
                self.assertEqual(len(mail.outbox), 0)

    def test_a_list_that_stops_taking_sign_ups_before_it_is_recorded_is_left_out(self):
        with self.captureOnCommitCallbacks(execute=False):
            self.client.post(reverse("signup", args=[self.point_a.slug]), signup_data(also_nearby=self.point_c.pk))
        ContactPoint.objects.filter(pk=self.point_c.pk).update(signups_paused_at=timezone.now())
        signing_up.record_incoming(incoming_id=IncomingSignUp.objects.get().pk)
        self.assertEqual(self.lists_of("kari@example.org"), {"sentral-a": "unconfirmed"})

    def test_no_deleting_before_confirming_deletes_every_list_of_that_form(self):
        self.sign_up(also_nearby=self.point_c.pk)
        private = reverse("signup_page", args=[link_token(mail.outbox[0])])
        response = leave(self.client, private)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.lists_of("kari@example.org"), {})


class UndeliverableOnSeveralListsTests(SeveralLists):
    def test_mail_that_bounces_removes_every_place_of_the_address_each_counted_at_its_list(self):
        self.sign_up(also_nearby=self.point_c.pk, also_nationwide=self.video.pk)
        self.confirm(link_token(mail.outbox[0]))
        first = SignUp.objects.get(contact_point=self.point_a)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(signing_up.remove_undeliverable(signup_id=first.pk))
        self.assertEqual(self.lists_of("kari@example.org"), {})
        for point in (self.point_a, self.point_c, self.video):
            self.assertEqual(MonthlyFigure.objects.get(contact_point=point).undeliverable, 1)
