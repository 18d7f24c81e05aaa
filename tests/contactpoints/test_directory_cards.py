"""The directory's cards and the search form's lists are kept per generation and language, and are
fresh at once when staff change what they show (contactpoints/templatetags/directory_cards.py)."""

import re

from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from groups.services import pausing_and_closing
from selvhjelp import pagecache
from tests.base import InEnglish, Personas


class KeptCardTests(InEnglish, Personas):
    def setUp(self) -> None:
        super().setUp()
        keeping = override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)  # after tests/conftest.py turned it off
        keeping.enable()
        self.addCleanup(keeping.disable)

    def search(self, **query: str) -> str:
        # A new address each time, so that no whole page is answered from memory: only its parts are.
        response = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("directory"), query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def card_of(self, page: str, slug: str) -> str:
        match = re.search(rf'<li class="ds-card">(?:(?!</li>).)*?/{slug}/(?:(?!</li>).)*</li>', page, re.S)
        self.assertIsNotNone(match, f"no card for {slug}")
        return match.group(0) if match else ""

    def test_a_card_says_at_once_that_its_contact_point_pauses_sign_ups(self):
        self.assertNotIn("Not taking new sign-ups right now", self.card_of(self.search(q="Oslo"), "sentral-a"))
        kept = [key for key in pagecache.store.keys() if key[0] == "fragment" and "directory-card" in key]
        self.assertTrue(kept, "the card was kept")
        pausing_and_closing.pause_signups(contact_point=self.point_a, message="")
        self.assertIn("Not taking new sign-ups right now", self.card_of(self.search(q="Sentral"), "sentral-a"))

    def test_a_card_is_kept_in_each_language_on_its_own(self):
        self.assertIn("Volunteer centre", self.card_of(self.search(q="Oslo"), "sentral-a"))
        bokmal = Client(HTTP_ACCEPT_LANGUAGE="nb").get(reverse("directory"), {"q": "Sentral"}).content.decode()
        self.assertNotIn("Volunteer centre", self.card_of(bokmal, "sentral-a"))
        self.assertIn("Frivilligsentral", self.card_of(bokmal, "sentral-a"))

    def test_the_county_list_shows_what_each_search_chose(self):
        chosen = self.search(county=str(self.oslo_county.pk), q="a")
        self.assertRegex(chosen, rf'<option value="{self.oslo_county.pk}" selected>')
        other = self.search(county=str(self.finnmark.pk), q="b")
        self.assertRegex(other, rf'<option value="{self.finnmark.pk}" selected>')
        self.assertNotRegex(other, rf'<option value="{self.oslo_county.pk}" selected>')
        none = self.search(q="c")
        self.assertRegex(none, r'<option value="" selected>')
        self.assertNotRegex(none, rf'<option value="({self.oslo_county.pk}|{self.finnmark.pk})" selected>')

    def test_the_search_box_shows_each_search_its_own_words_escaped_as_django_would(self):
        def box(page: str) -> str:
            return re.search(r'<input type="text" name="q"[^>]*>', page).group(0)

        for typed in ("Tromsø", 'Oslo "sentrum" <b>&', "  Kárášjohka  ", ""):
            with self.subTest(typed=typed):
                kept = self.search(q=typed)
                with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
                    fresh = self.search(q=typed)
                self.assertEqual(box(kept), box(fresh))
                if typed:
                    self.assertIn(f'value="{escape(typed)}"', box(kept))
                self.assertNotIn("kept-search-words", kept)
