"""Northern Sami is translated only in part. A page or email "in Sami" is in bokmål
where there is no Sami, and says so: its text is marked as bokmål, a notice says it is
not translated, and the few Sami words it has are marked as Sami. (Which language a
person's own pages speak: tests/groups/test_private_page_language.py. Plain ``no`` read
as bokmål: tests/test_translations.py.)"""

from types import SimpleNamespace
from unittest import mock

from django.test import Client
from django.urls import reverse
from django.utils import translation

from selvhjelp import i18n
from selvhjelp.mail import build_message
from tests.base import Personas

SAMI_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "se-NO,se;q=0.9"}
PAGE_NOTICE = "This page is in Norwegian (bokmål). It has not been translated into Northern Sami yet."
EMAIL_NOTICE = "This email is in Norwegian (bokmål). It has not been translated into Northern Sami yet."


def said(language: str, message: str) -> str:
    """``message`` as a page in ``language`` says it (Northern Sami falls back to bokmål)."""
    with translation.override(language):
        return translation.gettext(message)


class ASamiPageTests(Personas):
    def setUp(self) -> None:
        self.browser = Client(**SAMI_BROWSER)

    def test_its_text_is_marked_as_bokmal_and_a_notice_says_it_is_not_translated(self) -> None:
        response = self.browser.get(reverse("home"))

        self.assertEqual(response["Content-Language"], "se")  # what the person asked for...
        self.assertContains(response, '<html lang="nb"')  # ...and the language the page is written in
        self.assertContains(response, said("nb", "Join a self-help group"))
        self.assertContains(response, f'id="not-translated" lang="nb">{said("se", PAGE_NOTICE)}</p>')
        # The notice comes first in the main content, before the page's own heading.
        page = response.content.decode()
        self.assertLess(page.index('id="not-translated"'), page.index("<h1"))
        self.assertGreater(page.index('id="not-translated"'), page.index('<main id="main"'))

    def test_the_language_links_keep_naming_each_language_in_itself(self) -> None:
        response = self.browser.get(reverse("home"))

        self.assertContains(response, 'lang="se" hreflang="se" aria-current="true">Davvisámegiella</a>')
        self.assertContains(response, 'lang="nn" hreflang="nn">Norsk nynorsk</a>')

    def test_the_words_it_has_in_sami_are_marked_as_sami(self) -> None:
        contact_point = self.browser.get(reverse("contact_point", args=[self.point_a.slug]))
        email = said("se", "Email")
        self.assertNotEqual(email, said("nb", "Email"), "the Sami catalogue has this word")
        self.assertContains(contact_point, f'<dt lang="se">{email}</dt>')

        form = self.browser.get(reverse("signup", args=[self.point_a.slug]))
        # Each language a person can tick is named in itself, and marked as that language.
        for code, autonym in (("no", "Norsk"), ("en", "English"), ("se", "Davvisámegiella")):
            self.assertContains(form, f'<span lang="{code}" dir="auto">{autonym}</span>')
        # A word in bokmål is left to the page's bokmål.
        self.assertContains(form, f">{said('se', 'Either is fine')}</label>")

    def test_a_page_in_bokmal_nynorsk_or_english_says_nothing_of_the_kind(self) -> None:
        for language in ("nb", "nn", "en"):
            with self.subTest(language):
                response = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("home"))
                self.assertContains(response, f'<html lang="{language}"')
                self.assertNotContains(response, 'id="not-translated"')
                self.assertNotContains(response, 'lang="se">Dárogiella')

    def test_once_sami_is_translated_the_page_is_in_sami_and_says_nothing(self) -> None:
        with mock.patch.object(i18n, "PARTLY_TRANSLATED", frozenset()):
            response = self.browser.get(reverse("contact_point", args=[self.point_a.slug]))

        self.assertContains(response, '<html lang="se"')
        self.assertNotContains(response, 'id="not-translated"')
        self.assertContains(response, f"<dt>{said('se', 'Email')}</dt>")


class ASamiEmailTests(Personas):
    def confirm_email(self, locale: str):  # type: ignore[no-untyped-def]
        context = {
            "contact_point": SimpleNamespace(name="Sentral A"),
            "signup": SimpleNamespace(nickname="Kari"),
            "confirm_hours": 48,
            "link": "https://selvhjelp.example/p/token/",
        }
        return build_message(name="confirm", context=context, to="kari@example.org", locale=locale)

    def test_it_is_marked_as_bokmal_says_so_first_and_marks_its_sami_greeting(self) -> None:
        message = self.confirm_email("se")
        html = message.alternatives[0][0]

        self.assertIn('<html lang="nb">', html)
        self.assertIn(f'<p lang="nb" style="color:#4b5563;font-size:14px">{said("se", EMAIL_NOTICE)}</p>', html)
        greeting = said("se", "Hello %(name)s,") % {"name": "Kari"}
        self.assertIn(f'<p lang="se">{greeting}</p>', html)
        self.assertTrue(message.body.startswith(f"{said('se', EMAIL_NOTICE)}\n\n{greeting}"))

    def test_an_email_in_nynorsk_says_nothing_of_the_kind(self) -> None:
        message = self.confirm_email("nn")

        self.assertIn('<html lang="nn">', message.alternatives[0][0])
        self.assertNotIn(said("nn", EMAIL_NOTICE), message.body)
        self.assertNotIn('lang="se"', message.alternatives[0][0])


class MarkingSamiWordsTests(Personas):
    def mark(self, html: str) -> str:
        return i18n.mark_own_words(html, "se")

    def test_an_element_whose_whole_text_is_sami_is_marked(self) -> None:
        address = said("se", "Address")

        self.assertEqual(self.mark(f"<dt>{address}</dt>"), f'<dt lang="se">{address}</dt>')
        self.assertEqual(
            self.mark(f'<option value="en">\n  {said("se", "English")}\n</option>'),
            f'<option value="en" lang="se">\n  {said("se", "English")}\n</option>',
        )

    def test_a_sami_sentence_with_a_name_in_it_is_marked(self) -> None:
        greeting = said("se", "Hello %(name)s,") % {"name": "Ola &amp; Kari"}

        self.assertEqual(self.mark(f"<p>{greeting}</p>"), f'<p lang="se">{greeting}</p>')

    def test_what_is_marked_already_or_shares_its_element_with_bokmal_is_left_alone(self) -> None:
        address = said("se", "Address")
        for html in (
            f'<button lang="se">{address}</button>',
            f"<p>{address}: Storgata 1</p>",
            f"<title>{address}</title>",
            "<p>Adresse</p>",
        ):
            with self.subTest(html):
                self.assertEqual(self.mark(html), html)

    def test_words_are_told_apart_by_the_language_they_read_in(self) -> None:
        self.assertEqual(i18n.written_in(said("se", "Address"), "se"), "se")
        self.assertEqual(i18n.written_in(said("se", PAGE_NOTICE), "se"), "nb")
        self.assertEqual(i18n.written_in(said("nn", PAGE_NOTICE), "nn"), "nn")
        self.assertEqual(i18n.text_language("se"), "nb")
        self.assertEqual(i18n.text_language("nn"), "nn")
        self.assertEqual(i18n.text_language("en"), "en")
