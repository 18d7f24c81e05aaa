"""Word when a place opens: a person whose search found no contact point where they live asks,
for themself, to be told once when one opens there or in the county; confirms from their inbox
with a button; is told once, and then nothing of them is kept."""

import datetime
import re

from django.contrib import admin
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contactpoints import notices, services, tasks
from contactpoints.models import ContactPoint, County, Municipality, NoticeRequest
from outbox import signals
from outbox.models import Email
from selvhjelp.crypto import address_hash
from tests.base import Personas
from tests.database import encrypted_fields_holding, statements, text_columns_holding

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
NOTICE_LINK = re.compile(r"https?://[^\s\"<>]+/p/varsel/([A-Za-z0-9_-]+)/(?!fjern)")
REMOVE_LINK = re.compile(r"https?://[^\s\"<>]+(/p/varsel/[A-Za-z0-9_-]+/fjern/)")
ADDRESS = "kari@example.org"


def notice_token(message: mail.EmailMessage) -> str:
    match = NOTICE_LINK.search(message.body)
    assert match, "the email holds no link to the request"
    return match.group(1)


def remove_path(message: mail.EmailMessage) -> str:
    match = REMOVE_LINK.search(message.body)
    assert match, "the email holds no link to remove the request"
    return match.group(1)


def form_data(place: Municipality, **overrides: object) -> dict[str, object]:
    """The form as a person sends it; ``municipality=`` in ``overrides`` sends another number."""
    return {"municipality": place.number, "email": ADDRESS, "for_myself": "on", **overrides}


class NoticeTestCase(Personas):
    """Finnmark has Sentral B in Guovdageaidnu; Alta and Vadsø there have none, and nor has Nordland."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.alta = Municipality.objects.create(number="5601", name="Alta", county=cls.finnmark)
        cls.vadso = Municipality.objects.create(number="5607", name="Vadsø", county=cls.finnmark)
        cls.nordland = County.objects.create(number="18", name="Nordland")
        cls.bodo = Municipality.objects.create(number="1804", name="Bodø", county=cls.nordland)

    def setUp(self) -> None:
        cache.clear()  # the form's rate limit counts in the cache

    def ask(self, municipality: Municipality | None = None, client: Client | None = None, **overrides: object):
        client = client or Client()
        with self.captureOnCommitCallbacks(execute=True):
            return client.post(reverse("notice_ask"), form_data(municipality or self.alta, **overrides), **ENGLISH)

    def ask_and_confirm(self, municipality: Municipality | None = None, address: str = ADDRESS) -> NoticeRequest:
        self.ask(municipality, email=address)
        token = notice_token(mail.outbox[-1])
        with self.captureOnCommitCallbacks(execute=True):
            Client().post(reverse("notice_request", args=[token]), {"action": "confirm"})
        mail.outbox.clear()
        return NoticeRequest.objects.get(email_hash=address_hash(address))

    def open_contact_point(self, municipality: Municipality, *, slug: str = "ny-sentral", **fields: object):
        """Staff publish a new contact point whose page is complete."""
        point = ContactPoint.objects.create(
            slug=slug,
            name="Ny sentral",
            kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
            municipality=municipality,
            is_active=False,
            offers_in_person=False,
            offers_telephone=True,
            description="Vi hjelper folk å starte selvhjelpsgrupper, på telefon og i byen.",
            opening_hours="Hverdager 9–15",
            public_email="post@ny-sentral.example",
            **fields,
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(services.publish(contact_point=point))
        return point


class FindingTheOfferTests(NoticeTestCase):
    def search(self, **params: str) -> str:
        return Client().get(reverse("directory"), params, **ENGLISH).content.decode()

    def test_a_search_for_a_municipality_without_a_contact_point_offers_to_tell_you(self):
        page = self.search(q="Alta")
        self.assertIn("We found no contact point in Alta.", page)
        self.assertIn(f'href="{reverse("notice_ask")}?kommune=5601"', page)
        self.assertIn("Hear from us when a contact point opens in Alta", page)

    def test_a_search_for_a_county_without_a_contact_point_offers_its_municipalities(self):
        page = self.search(q="Nordland")
        self.assertIn(f'href="{reverse("notice_ask")}?fylke=18"', page)
        form = Client().get(reverse("notice_ask"), {"fylke": "18"}, **ENGLISH).content.decode()
        self.assertIn('<option value="1804"', form)
        self.assertNotIn('value="5601"', form, "only the county the search named")

    def test_a_place_that_has_a_contact_point_is_not_offered(self):
        # Oslo has Sentral A, which meets in person: a search for video finds nothing there.
        page = self.search(q="Oslo", format="video")
        self.assertNotIn("Hear from us when a contact point opens", page)
        form = Client().get(reverse("notice_ask"), **ENGLISH).content.decode()
        self.assertNotIn('value="0301"', form)
        self.assertIn('value="5601"', form)

    def test_the_form_asks_for_an_address_and_consent_and_nothing_else(self):
        page = Client().get(reverse("notice_ask"), {"kommune": "5601"}, **ENGLISH).content.decode()
        self.assertIn('<option value="5601" selected>', page)
        self.assertIn("I am asking for myself", page)
        fields = re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', page)
        names = set(fields) - {"csrfmiddlewaretoken", "language", "next"}
        self.assertEqual(names, {"municipality", "email", "for_myself", "comment"})


class AskingTests(NoticeTestCase):
    def test_asking_sends_one_email_with_a_link_to_confirm_and_keeps_the_address_encrypted(self):
        response = self.ask()
        self.assertRedirects(response, reverse("notice_sent"))
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [ADDRESS])
        self.assertEqual(message.subject, "Please confirm your email address")
        self.assertIn("Alta or elsewhere in Finnmark", message.body)
        notice_token(message)
        remove_path(message)
        request = NoticeRequest.objects.get()
        self.assertEqual((request.municipality, request.email, request.confirmed_at), (self.alta, ADDRESS, None))
        self.assertEqual(text_columns_holding(ADDRESS), [], "the address is stored encrypted only")
        self.assertEqual(encrypted_fields_holding(ADDRESS), ["contactpoints_noticerequest.email"])
        self.assertEqual(Email.objects.get().dedupe_key.count("@"), 0)

    def test_it_speaks_the_language_the_person_asked_in(self):
        with self.captureOnCommitCallbacks(execute=True):
            Client().post(reverse("notice_ask"), form_data(self.alta), HTTP_ACCEPT_LANGUAGE="nn")
        self.assertEqual(NoticeRequest.objects.get().locale, "nn")
        self.assertIn('<html lang="nn">', mail.outbox[0].alternatives[0][0])

    def test_opening_the_link_changes_nothing_and_only_the_button_confirms(self):
        self.ask()
        url = reverse("notice_request", args=[notice_token(mail.outbox[0])])
        for _ in range(2):
            page = Client().get(url, **ENGLISH)
            self.assertContains(page, "Yes, tell me")
        self.assertIsNone(NoticeRequest.objects.get().confirmed_at)
        response = Client().post(url, {"action": "confirm"}, **ENGLISH)
        self.assertRedirects(response, url)
        self.assertIsNotNone(NoticeRequest.objects.get().confirmed_at)
        page = Client().get(url, **ENGLISH)
        self.assertContains(page, "We will tell you")
        self.assertContains(page, reverse("notice_remove", args=[notice_token(mail.outbox[0])]))

    def test_a_post_without_the_button_confirms_nothing(self):
        self.ask()
        url = reverse("notice_request", args=[notice_token(mail.outbox[0])])
        self.assertEqual(Client().post(url, {"action": "remove"}).status_code, 400)
        self.assertIsNone(NoticeRequest.objects.get().confirmed_at)

    def test_a_wrong_link_opens_nothing(self):
        response = Client().get(reverse("notice_request", args=["x" * 43]), **ENGLISH)
        self.assertContains(response, "This link does not work", status_code=404)


class BadInputTests(NoticeTestCase):
    def assert_refused(self, response, error: str) -> None:
        self.assertContains(response, error)
        self.assertFalse(NoticeRequest.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_municipality_that_has_a_contact_point_is_pointed_to_it(self):
        self.assert_refused(
            self.ask(self.oslo), "Oslo has a contact point already. Find it in the directory and sign up there."
        )

    def test_an_unknown_municipality_number_gets_a_clear_error(self):
        for number in ("9999", "abc", "", "0301x"):
            with self.subTest(number=number):
                response = Client().post(reverse("notice_ask"), form_data(self.alta, municipality=number), **ENGLISH)
                self.assertEqual(response.status_code, 200)
                self.assertFalse(NoticeRequest.objects.exists())
        response = Client().post(reverse("notice_ask"), form_data(self.alta, municipality="9999"), **ENGLISH)
        self.assertContains(response, "We do not know that municipality. Choose yours from the list.")

    def test_asking_without_the_consent_gets_a_clear_error(self):
        self.assert_refused(
            self.ask(for_myself=""), "You can only ask for yourself. Nobody can ask on behalf of someone else."
        )

    def test_a_bad_address_gets_a_clear_error(self):
        self.assert_refused(self.ask(email="not-an-address"), "Enter a valid email address.")

    def test_what_a_program_fills_in_is_answered_alike_and_dropped(self):
        response = self.ask(comment="http://spam.example")
        self.assertRedirects(response, reverse("notice_sent"))
        self.assertFalse(NoticeRequest.objects.exists())
        self.assertEqual(mail.outbox, [])

    @override_settings(SIGNUP_LIMIT_PER_CLIENT=2)
    def test_many_requests_from_one_network_are_asked_to_wait_and_keep_their_answers(self):
        for n in range(2):
            self.assertEqual(self.ask(email=f"person{n}@example.org").status_code, 302)
        response = self.ask(email="third@example.org")
        self.assertContains(response, "We could not take your request just now", status_code=429)
        self.assertContains(response, 'value="third@example.org"', status_code=429)
        self.assertEqual(NoticeRequest.objects.count(), 2)


class NoEnumerationTests(NoticeTestCase):
    """The form answers alike, with the same work, whether or not the address already asked."""

    def setUp(self) -> None:
        super().setUp()
        self.ask_and_confirm()

    def test_a_known_and_a_new_address_get_the_same_page(self):
        known, new = self.ask(), self.ask(email="new.person@example.org")
        self.assertEqual((known.status_code, known["Location"]), (new.status_code, new["Location"]))
        follow_known, follow_new = Client().get(known["Location"]), Client().get(new["Location"])
        self.assertEqual(
            re.sub(r'value="[^"]+"', "", follow_known.content.decode()),
            re.sub(r'value="[^"]+"', "", follow_new.content.decode()),
        )

    def test_a_known_and_a_new_address_cost_the_same_database_work(self):
        self.ask(email="warm.up@example.org")
        runs = {}
        for label, address in (("known", ADDRESS), ("new", "new.person@example.org")):
            client = Client()
            with CaptureQueriesContext(connection) as queries, self.captureOnCommitCallbacks() as queued:
                client.post(reverse("notice_ask"), form_data(self.alta, email=address))
            runs[label] = (statements(queries.captured_queries), len(queued))
        self.assertEqual(runs["known"], runs["new"])
        self.assertTrue(any(sql.startswith("INSERT") for sql in runs["new"][0]))

    def test_only_the_owner_of_the_address_learns_that_they_asked_already(self):
        mail.outbox.clear()
        self.ask()
        self.assertEqual(NoticeRequest.objects.count(), 1, "one request per address and municipality")
        self.assertEqual(mail.outbox[0].subject, "You have already asked to hear from us")
        self.assertIsNotNone(NoticeRequest.objects.get().confirmed_at, "asking again undoes nothing")


class TellingTests(NoticeTestCase):
    def test_a_place_opening_in_the_municipality_is_told_once_and_then_nothing_is_kept(self):
        self.ask_and_confirm()
        point = self.open_contact_point(self.alta)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [ADDRESS])
        self.assertEqual(message.subject, "A contact point has opened near you")
        self.assertIn("Ny sentral in Alta", message.body)
        self.assertIn(f"{point.get_absolute_url()}\n", message.body)
        self.assertFalse(NoticeRequest.objects.exists())
        self.assertFalse(Email.objects.filter(kind="place_opened").exists())
        # Listed again later: nobody left to tell.
        ContactPoint.objects.filter(pk=point.pk).update(is_active=False)
        self.open_contact_point(self.vadso, slug="enda-en")
        self.assertEqual(len(mail.outbox), 1)

    def test_a_place_opening_elsewhere_in_the_county_is_told_too(self):
        self.ask_and_confirm()
        self.open_contact_point(self.vadso)
        self.assertEqual([m.to for m in mail.outbox], [[ADDRESS]])
        self.assertIn("Ny sentral in Vadsø", mail.outbox[0].body)

    def test_a_place_opening_in_another_county_tells_nobody(self):
        self.ask_and_confirm(self.bodo)
        self.open_contact_point(self.vadso)
        self.assertEqual(mail.outbox, [])
        self.assertTrue(NoticeRequest.objects.exists())

    def test_a_contact_point_listed_again_tells_them(self):
        point = self.open_contact_point(self.alta)
        ContactPoint.objects.filter(pk=point.pk).update(is_active=False)
        self.ask_and_confirm()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(services.publish(contact_point=point))
        self.assertEqual([m.subject for m in mail.outbox], ["A contact point has opened near you"])

    def test_an_unconfirmed_request_is_never_told(self):
        self.ask()
        mail.outbox.clear()
        self.open_contact_point(self.alta)
        self.assertEqual(mail.outbox, [])

    def test_a_nationwide_list_is_no_place_nearby_and_tells_nobody(self):
        self.ask_and_confirm()
        self.open_contact_point(self.vadso, nationwide=True)
        self.assertEqual(mail.outbox, [])

    def test_each_person_is_told_in_their_own_mail(self):
        self.ask_and_confirm()
        self.ask_and_confirm(self.vadso, address="ola@example.org")
        self.open_contact_point(self.vadso)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["kari@example.org", "ola@example.org"])
        self.assertFalse(NoticeRequest.objects.exists())

    def test_a_notice_that_bounces_removes_the_request(self):
        request = self.ask_and_confirm()
        email = Email.objects.create(kind="place_opened", dedupe_key="bounce", notice_request=request)
        signals.undeliverable.send(sender=Email, email=email)
        self.assertFalse(NoticeRequest.objects.exists())


class RemovingTests(NoticeTestCase):
    def test_the_person_removes_the_request_from_the_confirmation_email_on_a_page_with_one_button(self):
        self.ask()
        path = remove_path(mail.outbox[0])
        page = Client().get(path, **ENGLISH)
        self.assertContains(page, "Delete my request")
        self.assertTrue(NoticeRequest.objects.exists(), "opening the link deletes nothing")
        response = Client().post(path, **ENGLISH)
        self.assertRedirects(response, f"{reverse('notice_removed')}?sprak=en")
        self.assertFalse(NoticeRequest.objects.exists())
        self.assertFalse(Email.objects.exists(), "its mail goes with it")
        self.assertEqual(Client().get(path).status_code, 404)

    def test_a_confirmed_request_can_be_removed_before_its_notice_is_sent(self):
        request = self.ask_and_confirm()
        with self.captureOnCommitCallbacks(execute=False):
            notices.notify(contact_point=self.point_b)
        self.assertEqual(Email.objects.filter(notice_request=request, kind="place_opened", sent_at=None).count(), 1)
        notices.remove(request=request)
        self.assertFalse(Email.objects.exists())


class ExpiryTests(NoticeTestCase):
    def test_an_unconfirmed_request_is_deleted_after_48_hours(self):
        self.ask()
        now = timezone.now()
        self.assertEqual(notices.delete_expired(now=now + datetime.timedelta(hours=47)), 0)
        self.assertEqual(notices.delete_expired(now=now + datetime.timedelta(hours=49)), 1)
        self.assertFalse(NoticeRequest.objects.exists())
        self.assertFalse(Email.objects.exists())

    def test_a_confirmed_request_is_kept_for_12_months_and_no_longer(self):
        self.ask_and_confirm()
        now = timezone.now()
        self.assertEqual(notices.delete_expired(now=now + datetime.timedelta(days=364)), 0)
        self.assertEqual(notices.delete_expired(now=now + datetime.timedelta(days=366)), 1)

    def test_beat_deletes_what_is_due(self):
        self.ask()
        NoticeRequest.objects.update(created_at=timezone.now() - datetime.timedelta(hours=49))
        self.assertEqual(tasks.expire_notice_requests(), 1)


class NobodyElseSeesTests(NoticeTestCase):
    def test_the_admin_has_no_page_for_requests(self):
        self.assertFalse(admin.site.is_registered(NoticeRequest))


class AddressTests(NoticeTestCase):
    def test_no_contact_point_is_given_the_address_of_the_page_to_ask(self):
        self.assertEqual(services._unique_slug("Varsle", "Alta"), "varsle-alta")
        self.assertEqual(reverse("notice_ask"), "/kontaktpunkter/varsle/")
