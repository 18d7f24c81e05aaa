"""The languages groups can be held in: named in themselves and in the page's language, and
offered by a contact point as its staff ticked them."""

from django.test import TestCase
from django.utils import translation

from contactpoints import languages
from contactpoints.models import Language
from tests.base import Personas


class NamesTests(TestCase):
    def test_the_list_starts_with_fourteen_languages_each_named_in_itself(self):
        self.assertEqual(Language.objects.count(), 14)
        self.assertEqual(list(languages.all_languages())[:3], ["no", "en", "se"])
        self.assertEqual(Language.objects.get(code="ti").autonym, "ትግርኛ")

    def test_a_language_is_named_in_the_pages_language_and_sami_pages_show_bokmal(self):
        sign = Language.objects.get(code="nsl")
        for page, name in (
            ("nb", "norsk tegnspråk"),
            ("nn", "norsk teiknspråk"),
            ("en", "Norwegian Sign Language"),
            ("se", "norsk tegnspråk"),
        ):
            with self.subTest(page=page), translation.override(page):
                self.assertEqual(sign.name, name)

    def test_the_label_adds_the_name_only_where_it_differs_and_marks_the_autonym(self):
        arabic, english = Language.objects.get(code="ar"), Language.objects.get(code="en")
        with translation.override("nb"):
            self.assertEqual(arabic.label, "العربية (arabisk)")
            self.assertEqual(str(languages.label_html(arabic)), '<span lang="ar" dir="auto">العربية</span> (arabisk)')
        with translation.override("en"):
            self.assertEqual(english.label, "English")
            self.assertEqual(str(languages.label_html(english)), '<span lang="en" dir="auto">English</span>')

    def test_a_missing_row_is_still_named_from_the_first_list(self):
        Language.objects.filter(code="so").delete()
        with translation.override("en"):
            self.assertEqual(languages.name("so"), "Somali")
            self.assertEqual(languages.name("zz"), "zz")


class OfferedTests(Personas):
    def test_a_contact_point_offers_the_languages_its_staff_ticked_in_the_lists_order(self):
        self.point_a.languages.set(Language.objects.filter(code__in=["fa", "no", "ar"]))
        self.assertEqual(languages.offered(self.point_a), ["no", "ar", "fa"])

    def test_one_that_ticked_none_yet_offers_the_first_three(self):
        self.assertEqual(languages.offered(self.point_b), ["no", "en", "se"])

    def test_a_hidden_language_is_not_offered(self):
        self.point_a.languages.set(Language.objects.filter(code__in=["no", "pl"]))
        Language.objects.filter(code="pl").update(is_active=False)
        self.assertEqual(languages.offered(self.point_a), ["no"])
