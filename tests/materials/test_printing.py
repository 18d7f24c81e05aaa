"""A poster or card printed in Northern Sami says plainly which of its parts are in
bokmål: Sami is translated only in part, and a part with no Sami is printed in bokmål."""

import re
from unittest import mock

from django.test import Client
from django.urls import reverse
from django.utils import translation

from materials import printing
from tests.base import Personas
from tests.signin import sign_in

NOTE = re.compile(r'<p class="printed-language-note" lang="(\w+)">([^<]*)</p>')


def said(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


class PrintedInSamiTests(Personas):
    def setUp(self) -> None:
        self.staff = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(self.staff, self.staff_a)

    def printed(self, kind: str, language: str) -> str:
        url = reverse(f"materials:{kind}", args=[self.point_a.slug])
        return self.staff.get(url, {"language": language}).content.decode()

    def test_a_poster_in_sami_says_on_the_paper_that_it_is_all_in_bokmal(self) -> None:
        page = self.printed("poster", "se")

        self.assertIn('<article class="poster" lang="nb"', page)
        self.assertIn(f'<h2 class="poster-title" lang="nb">{said("nb", "Join a self-help group")}</h2>', page)
        notes = NOTE.findall(page)
        self.assertEqual(notes, [("nb", said("se", printing.POSTER["all_in_bokmal"]))])
        # It is printed inside the poster, not only said on the screen around it.
        self.assertLess(page.index("printed-language-note"), page.index("</article>"))

    def test_cards_in_sami_say_it_on_every_card(self) -> None:
        page = self.printed("card", "se")

        self.assertEqual(page.count('<article class="print-card" lang="nb"'), 4)
        self.assertEqual(NOTE.findall(page), [("nb", said("se", printing.CARD["all_in_bokmal"]))] * 4)

    def test_a_poster_in_another_language_says_nothing_about_bokmal(self) -> None:
        for language in ("nb", "nn", "en"):
            with self.subTest(language):
                page = self.printed("poster", language)
                self.assertIn(f'<article class="poster" lang="{language}"', page)
                self.assertEqual(NOTE.findall(page), [])
                self.assertNotIn("data-in-bokmal", page)

    def test_the_qr_codes_name_is_in_the_language_printed_not_the_staffs(self) -> None:
        page = self.printed("poster", "nb")

        self.assertIn(
            f'aria-label="{said("nb", "QR code for %(address)s") % {"address": "127.0.0.1:8000/m/sentral-a"}}"', page
        )


class PartlyTranslatedSheetTests(Personas):
    """When Sami has some of a sheet's texts, those print in Sami and the rest in bokmål, in italics,
    and the note says so."""

    def sheet_with_a_sami_title(self) -> printing.Sheet:
        title = printing.POSTER["title"]

        def language_of(message: str, language: str) -> str:
            return "se" if message == title else "nb"

        with mock.patch.object(printing, "language_of", language_of):
            return printing.sheet(printing.POSTER, "se", address="example.org/m/a")

    def test_the_sheet_is_in_sami_with_its_bokmal_parts_marked(self) -> None:
        sheet = self.sheet_with_a_sami_title()

        self.assertEqual(sheet.text_language, "se")
        self.assertEqual(sheet.parts["title"].attributes, ' lang="se"')
        self.assertEqual(sheet.parts["lead"].attributes, ' lang="nb" data-in-bokmal')
        self.assertEqual(str(sheet.note), said("se", printing.SOME_IN_BOKMAL))

    def test_the_sheet_says_how_groups_meet_there(self) -> None:
        sheet = printing.sheet(printing.POSTER, "en", address="example.org/m/a", ways=["in person", "by video"])

        self.assertEqual(str(sheet.parts["meets"]), "Groups here meet in person or by video.")
        self.assertEqual(sheet.parts["meets"].attributes, ' lang="en"')

    def test_a_card_says_it_as_the_directorys_cards_do(self) -> None:
        sheet = printing.sheet(printing.CARD, "en", address="example.org/m/a", ways=["in person", "by video"])

        self.assertEqual(str(sheet.parts["meets"]), "Meets in person · by video")

    def test_a_sheet_told_no_ways_leaves_the_sentence_out(self) -> None:
        self.assertNotIn("meets", printing.sheet(printing.CARD, "en", address="example.org/m/a").parts)

    def test_the_sentence_is_in_sami_only_if_every_way_in_it_is(self) -> None:
        def language_of(message: str, language: str) -> str:
            return "nb" if message == "by video" else "se"

        with mock.patch.object(printing, "language_of", language_of):
            in_sami = printing.sheet(printing.POSTER, "se", address="example.org/m/a", ways=["in person"])
            partly = printing.sheet(printing.POSTER, "se", address="example.org/m/a", ways=["in person", "by video"])

        self.assertEqual(in_sami.parts["meets"].attributes, ' lang="se"')
        self.assertEqual(partly.parts["meets"].attributes, ' lang="nb" data-in-bokmal')
        self.assertEqual(str(partly.note), said("se", printing.SOME_IN_BOKMAL))

    def test_a_sheet_wholly_in_the_language_chosen_has_no_note(self) -> None:
        sheet = printing.sheet(printing.CARD, "nn", address="example.org/m/a")

        self.assertIsNone(sheet.note)
        self.assertEqual(sheet.text_language, "nn")
        self.assertEqual(sheet.parts["title"].attributes, ' lang="nn"')
