"""A person's own pages speak the language they signed up in, whatever the browser they
open their link in asks for, until they choose another with the language links."""

import datetime
import re
import uuid
from html import unescape

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from groups import links
from groups.models import AddressExchange, Group, SignUp
from tests.base import link_token, signup_data
from tests.groups.test_signing_up import SignUpTestCase, the_button

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def said(language: str, message: str, **values: str) -> str:
    """``message`` as a page in ``language`` says it."""
    with translation.override(language):
        return translation.gettext(message) % values if values else translation.gettext(message)


class PrivatePageLanguageTestCase(SignUpTestCase):
    """Kari signed up on a phone that reads nynorsk; she opens her link on a work computer that asks for English."""

    def setUp(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            Client(HTTP_ACCEPT_LANGUAGE="nn-NO,nn;q=0.9").post(
                reverse("signup", args=[self.point_a.slug]), signup_data(email="kari@example.org")
            )
        self.token = link_token(mail.outbox[0])
        self.private = reverse("signup_page", args=[self.token])
        self.work_computer = Client(**ENGLISH_BROWSER)

    def choose_a_language(self, browser: Client, language: str, on: str):  # type: ignore[no-untyped-def]
        """Follow the page's own link to ``language``, as a person clicks it."""
        page = browser.get(on).content.decode()
        link = re.search(rf'<a [^>]*href="([^"]+)" lang="{language}" hreflang="{language}"', page)
        assert link is not None, f"no link to {language} on {on}"
        return browser.get(unescape(link[1]), follow=True)


class SignedUpInNynorskTests(PrivatePageLanguageTestCase):
    def test_she_signed_up_in_nynorsk(self) -> None:
        self.assertEqual(SignUp.objects.get().locale, "nn")

    def test_the_confirmation_page_speaks_nynorsk_in_a_browser_that_asks_for_english(self) -> None:
        response = self.work_computer.get(self.private)

        self.assertContains(response, '<html lang="nn"')
        self.assertEqual(response["Content-Language"], "nn")
        self.assertContains(response, said("nn", "Confirm your sign-up"))
        self.assertContains(response, said("nn", "Yes, put me on the list"))
        self.assertNotContains(response, "Yes, put me on the list")
        # The language links show nynorsk as the page's language.
        self.assertContains(response, 'lang="nn" hreflang="nn" aria-current="true"')

    def test_confirming_thanks_her_in_nynorsk_and_her_page_speaks_it(self) -> None:
        response = self.work_computer.post(self.private, {"action": "confirm"}, follow=True)

        self.assertContains(response, said("nn", "Thank you. You are now on the list."))
        self.assertContains(response, '<html lang="nn"')
        self.assertContains(response, said("nn", "Your sign-up"))
        self.assertEqual(SignUp.objects.get().status, SignUp.Status.WAITING)

    def test_after_pressing_english_she_sees_english(self) -> None:
        self.work_computer.post(self.private, {"action": "confirm"})

        response = self.choose_a_language(self.work_computer, "en", on=self.private)

        self.assertEqual(response.redirect_chain[-1][0], self.private)
        self.assertContains(response, '<html lang="en"')
        self.assertEqual(response["Content-Language"], "en")
        self.assertContains(response, "Your sign-up")
        self.assertContains(response, 'lang="en" hreflang="en" aria-current="true"')
        # ...and on every visit after, in this browser.
        self.assertContains(self.work_computer.get(self.private), '<html lang="en"')

    def test_a_language_chosen_before_is_her_choice_too(self) -> None:
        """Whoever chose a language in this browser chose it: the page speaks it."""
        browser = Client(**ENGLISH_BROWSER)
        self.choose_a_language(browser, "nb", on=reverse("home"))

        response = browser.get(self.private)

        self.assertContains(response, '<html lang="nb"')
        self.assertContains(response, said("nb", "Confirm your sign-up"))

    def test_the_page_that_asks_before_she_leaves_speaks_nynorsk_and_so_does_the_one_after(self) -> None:
        self.work_computer.post(self.private, {"action": "confirm"})
        withdraw = reverse("withdraw", args=[self.token])

        asked = self.work_computer.get(withdraw)
        self.assertContains(asked, '<html lang="nn"')
        self.assertContains(asked, said("nn", "Leave the list?"))

        response = self.work_computer.post(withdraw, the_button(asked.content.decode()), follow=True)

        self.assertFalse(SignUp.objects.exists())
        self.assertContains(response, '<html lang="nn"')
        self.assertContains(response, said("nn", "Your sign-up is deleted"))

    def test_the_page_that_asks_follows_the_language_she_chose(self) -> None:
        withdraw = reverse("withdraw", args=[self.token])
        self.choose_a_language(self.work_computer, "en", on=withdraw)

        response = self.work_computer.get(withdraw)

        self.assertContains(response, '<html lang="en"')
        self.assertContains(response, "Delete your sign-up?")

    def test_a_link_that_opens_nothing_speaks_the_browsers_language(self) -> None:
        response = self.work_computer.get(reverse("signup_page", args=["x" * 43]))

        self.assertContains(response, '<html lang="en"', status_code=404)

    def test_an_unknown_language_in_the_address_of_the_last_page_is_ignored(self) -> None:
        response = self.work_computer.get(f"{reverse('withdrawn')}?sprak=xx")

        self.assertContains(response, '<html lang="en"')


class AddressExchangeLanguageTests(PrivatePageLanguageTestCase):
    def test_the_address_exchange_speaks_the_members_language_while_her_sign_up_is_kept(self) -> None:
        group = Group.objects.create(
            contact_point=self.point_a,
            format="in_person",
            time_of_day="evening",
            language="no",
            age_group="30-44",
            first_meeting=timezone.now() - datetime.timedelta(hours=4),
            seats=5,
            request_key=uuid.uuid4(),
        )
        exchange = AddressExchange.objects.create(
            group=group,
            signup=SignUp.objects.get(),
            email="kari@example.org",
            expires_at=timezone.now() + datetime.timedelta(days=settings.ADDRESS_EXCHANGE_DAYS),
        )
        page = links.exchange_url(links.mint_exchange(exchange_id=exchange.pk))

        self.assertContains(self.work_computer.get(page), '<html lang="nn"')

        SignUp.objects.all().delete()  # handed off: her sign-up, and the language it kept, are gone
        self.assertContains(self.work_computer.get(page), '<html lang="en"')
