"""The public directory: a person looks for a place to turn to."""

import re

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from contactpoints import directory
from contactpoints.models import ContactPoint, County, Language, Municipality
from tests.base import Personas

# Pages are asked for in English so the assertions do not depend on translations.
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
CONTACT_POINT_LINK = re.compile(r'href="/kontaktpunkter/([a-z0-9-]+)/"')
RESULTS = re.compile(r'<ul class="card-list" aria-labelledby="results-heading">(.*?)</ul>', re.DOTALL)


def results(page: str) -> set[str]:
    """The contact points the search found (not those it suggests instead)."""
    found = RESULTS.search(page)
    return set(CONTACT_POINT_LINK.findall(found.group(1))) if found else set()


def section(page: str, heading_id: str) -> str:
    """The part of the page under one heading of the suggestions, or "" when there is none."""
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}">(.*?)</section>', page, re.DOTALL)
    return found.group(1) if found else ""


def nationwide_suggested(page: str) -> set[str]:
    return set(CONTACT_POINT_LINK.findall(section(page, "nationwide-heading")))


def county_suggested(page: str, county: County) -> set[str]:
    return set(CONTACT_POINT_LINK.findall(section(page, f"county-{county.pk}")))


class DirectoryTestCase(Personas):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nationwide = ContactPoint.objects.create(
            slug="telefon-for-hele-landet",
            name="Telefongrupper for hele landet",
            kind=ContactPoint.Kind.VOLUNTARY_ORGANISATION,
            municipality=cls.oslo,
            nationwide=True,
            offers_in_person=False,
            offers_telephone=True,
        )
        cls.closed = ContactPoint.objects.create(
            slug="nedlagt-sentral",
            name="Nedlagt sentral",
            kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
            municipality=cls.kautokeino,
            offers_telephone=True,
            is_active=False,
        )
        cls.closed_nationwide = ContactPoint.objects.create(
            slug="nedlagt-telefonlinje",
            name="Nedlagt telefonlinje",
            kind=ContactPoint.Kind.VOLUNTARY_ORGANISATION,
            municipality=cls.oslo,
            nationwide=True,
            offers_in_person=False,
            offers_telephone=True,
            is_active=False,
        )

    def search(self, **params: object):  # type: ignore[no-untyped-def]
        response = self.client.get(reverse("directory"), params, **ENGLISH)
        self.assertEqual(response.status_code, 200)
        return response

    def listed(self, **params: object) -> set[str]:
        return results(self.search(**params).content.decode())


class SearchTests(DirectoryTestCase):
    def test_a_person_without_a_search_sees_every_active_contact_point(self) -> None:
        self.assertEqual(self.listed(), {"sentral-a", "sentral-b", "telefon-for-hele-landet"})

    def test_a_person_can_search_by_the_contact_points_name(self) -> None:
        self.assertEqual(self.listed(q="Sentral B"), {"sentral-b"})

    def test_a_search_by_name_ignores_case(self) -> None:
        self.assertEqual(self.listed(q="sentral a"), {"sentral-a"})

    def test_a_person_searching_for_guovdageaidnu_finds_the_contact_point_there(self) -> None:
        self.assertEqual(self.listed(q="Guovdageaidnu"), {"sentral-b"})

    def test_a_person_searching_for_kautokeino_finds_guovdageaidnu(self) -> None:
        self.assertEqual(self.listed(q="Kautokeino"), {"sentral-b"})
        self.assertEqual(self.listed(q="kautokeino"), {"sentral-b"})

    def test_the_listing_names_the_municipality_in_both_languages(self) -> None:
        page = self.search(q="Kautokeino").content.decode()
        self.assertIn("Guovdageaidnu – Kautokeino, Finnmark", page)

    def test_a_person_can_search_by_county_name(self) -> None:
        self.assertEqual(self.listed(q="Finnmark"), {"sentral-b"})

    def test_a_search_by_municipality_finds_the_contact_points_in_it(self) -> None:
        self.assertEqual(self.listed(q="Oslo"), {"sentral-a", "telefon-for-hele-landet"})

    def test_surrounding_spaces_do_not_spoil_a_search(self) -> None:
        self.assertEqual(self.listed(q="  Kautokeino  "), {"sentral-b"})

    def test_a_search_that_matches_nothing_says_so_and_offers_the_nationwide_lists(self) -> None:
        response = self.search(q="Atlantis")
        page = response.content.decode()
        self.assertEqual(results(page), set())
        self.assertContains(response, "We found no place or contact point called “Atlantis”. Check the spelling")
        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})
        self.assertEqual(set(CONTACT_POINT_LINK.findall(page)), {"telefon-for-hele-landet"})

    def test_search_wildcards_are_taken_literally(self) -> None:
        self.assertEqual(self.listed(q="%"), set())
        self.assertEqual(self.listed(q="_"), set())
        self.assertEqual(self.listed(q="Sentral_B"), set())

    def test_a_search_counts_what_it_found(self) -> None:
        self.assertContains(self.search(q="Kautokeino"), "1 contact point<")
        self.assertContains(self.search(), "3 contact points<")


class FoldingTests(DirectoryTestCase):
    """A search is typed on any keyboard: Norwegian and Sami letters may be left out, and every
    official name of a municipality finds it."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        troms = County.objects.create(number="55", name="Troms")
        tromso = Municipality.objects.create(number="5501", name="Tromsø", other_names="Romsa", county=troms)
        deatnu = Municipality.objects.create(number="5628", name="Deatnu", other_names="Tana", county=cls.finnmark)
        karasjok = Municipality.objects.create(
            number="5610", name="Kárášjohka", other_names="Karasjok", county=cls.finnmark
        )
        kinds = ContactPoint.Kind
        for slug, name, kind, municipality in [
            ("nordlys", "Nordlys frivilligsentral", kinds.FRIVILLIGSENTRAL, tromso),
            ("elvedalen", "Elvedalen lærings- og mestringssenter", kinds.LEARNING_CENTRE, deatnu),
            ("vidda", "Vidda frisklivssentral", kinds.FRISKLIVSSENTRAL, karasjok),
            ("baerum", "Bærum frivilligsentral", kinds.FRIVILLIGSENTRAL, cls.oslo),
        ]:
            ContactPoint.objects.create(slug=slug, name=name, kind=kind, municipality=municipality)

    def assert_finds(self, expected: set[str], *queries: str) -> None:
        for query in queries:
            with self.subTest(query=query):
                self.assertEqual(self.listed(q=query), expected)

    def test_tromso_is_found_however_it_is_typed(self) -> None:
        self.assert_finds({"nordlys"}, "Tromsø", "tromsø", "TROMSØ", "Tromso", "tromsoe", "Romsa", "romsa")

    def test_tana_is_found_by_its_sami_and_its_norwegian_name(self) -> None:
        self.assert_finds({"elvedalen"}, "Tana", "tana", "Deatnu", "DEATNU")

    def test_karasjok_is_found_by_its_sami_name_with_or_without_its_letters(self) -> None:
        self.assert_finds({"vidda"}, "Karasjok", "Kárášjohka", "Karasjohka", "KÁRÁŠJOHKA", "kárášjohka")

    def test_kautokeino_is_found_by_its_sami_name_typed_without_accents(self) -> None:
        self.assert_finds({"sentral-b"}, "Guovdageaidnu", "guovdageaidnu", "Kautokeino")

    def test_a_contact_points_own_name_is_folded_too(self) -> None:
        self.assert_finds({"baerum"}, "Bærum frivilligsentral", "baerum frivilligsentral", "BÆRUM")
        self.assert_finds({"elvedalen"}, "laerings og mestring", "lærings- og mestringssenter")

    def test_the_listing_names_a_municipality_by_both_its_names(self) -> None:
        self.assertContains(self.search(q="Tromso"), "Tromsø – Romsa, Troms")
        self.assertContains(self.search(q="Tana"), "Deatnu – Tana, Finnmark")

    def test_folding_spells_each_letter_as_a_keyboard_without_it_would(self) -> None:
        self.assertEqual(directory.fold("Æ Ø Å æ ø å"), "ae o a ae o a")
        self.assertEqual(directory.fold("á č đ ŋ š ŧ ž Á Č Đ Ŋ Š Ŧ Ž"), "a c d n s t z a c d n s t z")
        self.assertEqual(directory.fold("  Sør-Varanger  "), directory.fold("sor varanger"))
        self.assertEqual(directory.fold("Åsnes"), directory.fold("Aasnes"))


class NoDeadEndTests(DirectoryTestCase):
    """A search that finds no contact point still leads somewhere: to the contact points in the
    same county and to the lists that run telephone groups for the whole country."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.akershus = County.objects.create(number="32", name="Akershus")
        Municipality.objects.create(number="3203", name="Asker", county=cls.akershus)
        baerum = Municipality.objects.create(number="3201", name="Bærum", county=cls.akershus)
        cls.trondelag = County.objects.create(number="50", name="Trøndelag")
        Municipality.objects.create(number="5001", name="Trondheim", other_names="Tråante", county=cls.trondelag)
        kinds = ContactPoint.Kind
        ContactPoint.objects.create(
            slug="baerum-frivilligsentral",
            name="Bærum frivilligsentral",
            kind=kinds.FRIVILLIGSENTRAL,
            municipality=baerum,
        )
        ContactPoint.objects.create(
            slug="sandvika-lms",
            name="Sandvika lærings- og mestringssenter",
            kind=kinds.LEARNING_CENTRE,
            municipality=baerum,
            offers_in_person=False,
            offers_telephone=True,
        )
        ContactPoint.objects.create(
            slug="stabekk-pause",
            name="Stabekk frivilligsentral",
            kind=kinds.FRIVILLIGSENTRAL,
            municipality=baerum,
            signups_paused_at=timezone.now(),
        )

    def page(self, **params: object) -> str:
        return self.search(**params).content.decode()

    def test_asker_without_a_contact_point_shows_akershus_and_the_nationwide_lists(self) -> None:
        page = self.page(q="Asker")

        self.assertEqual(results(page), set())
        self.assertIn("0 contact points<", page)
        self.assertIn("We found no contact point in Asker.", page)
        self.assertIn("Contact points in Akershus", page)
        self.assertEqual(county_suggested(page, self.akershus), {"baerum-frivilligsentral", "sandvika-lms"})
        self.assertIn("Groups by telephone, for the whole country", page)
        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})
        # Each suggestion is a link to its page.
        self.assertIn('href="/kontaktpunkter/baerum-frivilligsentral/"', page)
        self.assertIn('href="/kontaktpunkter/telefon-for-hele-landet/"', page)

    def test_a_contact_point_that_takes_no_sign_ups_now_is_not_suggested(self) -> None:
        self.assertNotIn("stabekk-pause", self.page(q="Asker"))
        ContactPoint.objects.filter(slug="telefon-for-hele-landet").update(signups_paused_at=timezone.now())
        page = self.page(q="Asker")
        self.assertEqual(nationwide_suggested(page), set())
        self.assertNotIn("Groups by telephone, for the whole country", page)
        self.assertNotIn("nedlagt-telefonlinje", page)

    def test_the_suggestions_keep_to_the_way_of_meeting_the_person_chose(self) -> None:
        page = self.page(q="Asker", format="telephone")
        self.assertEqual(county_suggested(page, self.akershus), {"sandvika-lms"})
        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})

        page = self.page(q="Asker", format="in_person")
        self.assertEqual(county_suggested(page, self.akershus), {"baerum-frivilligsentral"})
        # Telephone groups for the whole country are still offered: they are the way on.
        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})

    def add_video_list(self) -> ContactPoint:
        return ContactPoint.objects.create(
            slug="video-for-hele-landet",
            name="Videogrupper for hele landet",
            kind=ContactPoint.Kind.VOLUNTARY_ORGANISATION,
            municipality=self.oslo,
            nationwide=True,
            offers_in_person=False,
            offers_video=True,
        )

    def test_the_nationwide_list_includes_a_video_only_list(self) -> None:
        self.add_video_list()

        page = self.page(q="Asker")

        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet", "video-for-hele-landet"})
        self.assertIn("Groups by telephone or video, for the whole country", page)
        self.assertIn("Wherever you live, you can sign up for a group that meets by telephone or video:", page)
        self.assertNotIn("Groups by telephone, for the whole country", page)
        self.assertEqual(
            set(directory.nationwide_lists().values_list("slug", flat=True)),
            {"telefon-for-hele-landet", "video-for-hele-landet"},
        )

    def test_a_list_for_the_whole_country_meeting_only_in_person_is_not_suggested(self) -> None:
        ContactPoint.objects.filter(slug="telefon-for-hele-landet").update(
            offers_in_person=True, offers_telephone=False
        )

        page = self.page(q="Asker")

        self.assertEqual(nationwide_suggested(page), set())
        self.assertFalse(directory.nationwide_lists().exists())

    def test_the_heading_says_only_the_ways_the_lists_meet(self) -> None:
        ContactPoint.objects.filter(slug="telefon-for-hele-landet").update(offers_telephone=False, offers_video=True)

        page = self.page(q="Asker")

        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})
        self.assertIn("Groups by video, for the whole country", page)
        self.assertIn("a group that meets by video:", page)

    def test_a_search_for_video_suggests_only_places_and_lists_that_meet_by_video(self) -> None:
        self.add_video_list()
        ContactPoint.objects.filter(slug="baerum-frivilligsentral").update(offers_video=True)

        page = self.page(q="Asker", format="video")

        self.assertEqual(county_suggested(page, self.akershus), {"baerum-frivilligsentral"})
        self.assertEqual(nationwide_suggested(page), {"video-for-hele-landet"})
        self.assertIn("Groups by video, for the whole country", page)
        self.assertIn("Meets in person · by video", page)

    def test_a_place_in_a_county_without_contact_points_leads_to_the_nationwide_lists(self) -> None:
        page = self.page(q="Trondheim")
        self.assertIn("We found no contact point in Trondheim – Tråante.", page)
        self.assertIn("No contact point in Trøndelag takes sign-ups right now.", page)
        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})

    def test_a_county_without_contact_points_is_named_too(self) -> None:
        page = self.page(q="trondelag")
        self.assertIn("We found no contact point in Trøndelag.", page)
        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})

    def test_a_misspelt_place_is_named_plainly_and_the_place_it_nearly_names_is_a_link(self) -> None:
        page = self.page(q="Trondhiem")
        self.assertIn("We found no place or contact point called “Trondhiem”. Check the spelling", page)
        self.assertIn(f'href="{reverse("directory")}?q=Trondheim">Trondheim – Tråante</a>', page)
        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})

        # The link leads on to the county's contact points.
        page = self.page(q="Askre")
        self.assertIn(f'href="{reverse("directory")}?q=Asker">Asker</a>', page)
        self.assertEqual(
            county_suggested(self.page(q="Asker"), self.akershus), {"baerum-frivilligsentral", "sandvika-lms"}
        )

    def test_a_search_that_is_like_no_name_still_offers_the_nationwide_lists(self) -> None:
        page = self.page(q="Xyzzy")
        self.assertIn("Check the spelling, or choose your county in the list above.", page)
        self.assertNotIn("Did you mean", page)
        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})

    def test_a_name_two_municipalities_share_names_both_and_both_counties(self) -> None:
        nordland = County.objects.create(number="18", name="Nordland")
        more = County.objects.create(number="15", name="Møre og Romsdal")
        Municipality.objects.create(number="1818", name="Herøy (Nordland)", county=nordland)
        Municipality.objects.create(number="1515", name="Herøy (Møre og Romsdal)", county=more)

        page = self.page(q="Heroy")

        self.assertIn("We found no contact point in Herøy (Møre og Romsdal) or Herøy (Nordland).", page)
        self.assertIn("No contact point in Nordland takes sign-ups right now.", page)
        self.assertIn("No contact point in Møre og Romsdal takes sign-ups right now.", page)

    def test_a_search_that_fits_many_places_asks_for_more_of_the_name(self) -> None:
        for number, name in enumerate(["Nordby", "Nordvik", "Nordfjell", "Nordheim", "Nordli", "Nordstrand"]):
            Municipality.objects.create(number=f"32{50 + number}", name=name, county=self.akershus)

        page = self.page(q="Nord")

        self.assertIn("“Nord” fits many places. Write more of the name", page)
        self.assertNotIn("Contact points in Akershus", page)
        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})

    def test_a_search_narrowed_by_county_or_way_of_meeting_does_not_call_the_name_unknown(self) -> None:
        page = self.page(q="Sentral A", format="telephone")
        self.assertIn("No contact point matches your search.", page)
        self.assertNotIn("We found no place or contact point", page)
        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})

    def test_a_county_and_a_way_of_meeting_that_find_nothing_still_lead_somewhere(self) -> None:
        page = self.page(county=self.akershus.pk, format="in_person", q="Sandvika")
        self.assertEqual(results(page), set())
        self.assertEqual(nationwide_suggested(page), {"telefon-for-hele-landet"})

    def test_a_search_that_finds_something_suggests_nothing(self) -> None:
        page = self.page(q="Bærum")
        self.assertEqual(results(page), {"baerum-frivilligsentral", "sandvika-lms", "stabekk-pause"})
        self.assertNotIn('id="suggestions"', page)


class CountyFilterTests(DirectoryTestCase):
    def test_choosing_a_county_lists_its_contact_points_and_the_nationwide_ones(self) -> None:
        self.assertEqual(self.listed(county=self.finnmark.pk), {"sentral-b", "telefon-for-hele-landet"})

    def test_choosing_oslo_leaves_out_finnmark(self) -> None:
        self.assertEqual(self.listed(county=self.oslo_county.pk), {"sentral-a", "telefon-for-hele-landet"})

    def test_a_county_and_a_search_narrow_together(self) -> None:
        self.assertEqual(self.listed(county=self.finnmark.pk, q="Sentral"), {"sentral-b"})

    def test_the_county_list_offers_every_current_county(self) -> None:
        page = self.search().content.decode()
        self.assertIn(f'<option value="{self.oslo_county.pk}">Oslo</option>', page)
        self.assertIn(f'<option value="{self.finnmark.pk}">Finnmark</option>', page)


class FormatFilterTests(DirectoryTestCase):
    def test_a_person_who_wants_to_meet_in_person_sees_places_with_rooms(self) -> None:
        self.assertEqual(self.listed(format="in_person"), {"sentral-a", "sentral-b"})

    def test_a_person_who_wants_a_telephone_group_sees_only_places_that_run_them(self) -> None:
        self.assertEqual(self.listed(format="telephone"), {"sentral-b", "telefon-for-hele-landet"})

    def test_format_and_county_combine(self) -> None:
        self.assertEqual(
            self.listed(format="telephone", county=self.oslo_county.pk),
            {"telefon-for-hele-landet"},
        )

    def test_the_listing_says_how_each_contact_points_groups_meet(self) -> None:
        page = self.search(q="Sentral B").content.decode()
        self.assertIn("Meets in person · by telephone", page)

    def test_the_listing_names_every_way_a_place_meets(self) -> None:
        ContactPoint.objects.filter(pk=self.point_b.pk).update(offers_video=True)
        self.assertIn("Meets in person · by telephone · by video", self.search(q="Sentral B").content.decode())
        ContactPoint.objects.filter(pk=self.point_b.pk).update(offers_in_person=False, offers_telephone=False)
        self.assertIn(
            '<p class="ds-paragraph" data-size="sm">Meets by video</p>', self.search(q="Sentral B").content.decode()
        )

    def test_a_search_for_video_finds_only_places_offering_video(self) -> None:
        self.assertIn('<option value="video">Meets by video</option>', self.search().content.decode())
        self.assertEqual(self.listed(format="video"), set())
        ContactPoint.objects.filter(pk=self.point_b.pk).update(offers_video=True)
        ContactPoint.objects.create(
            slug="video-for-hele-landet",
            name="Videogrupper for hele landet",
            kind=ContactPoint.Kind.VOLUNTARY_ORGANISATION,
            municipality=self.oslo,
            nationwide=True,
            offers_in_person=False,
            offers_video=True,
        )

        self.assertEqual(self.listed(format="video"), {"sentral-b", "video-for-hele-landet"})
        self.assertEqual(self.listed(format="video", county=self.oslo_county.pk), {"video-for-hele-landet"})
        self.assertEqual(self.listed(format="telephone"), {"sentral-b", "telefon-for-hele-landet"})


class LanguageFilterTests(DirectoryTestCase):
    def test_a_person_who_wants_a_group_in_arabic_sees_only_places_that_start_them(self) -> None:
        self.point_b.languages.set(Language.objects.filter(code__in=["no", "ar"]))
        self.assertEqual(self.listed(language="ar"), {"sentral-b"})

    def test_a_place_whose_staff_ticked_none_yet_starts_groups_in_the_first_three(self) -> None:
        self.point_b.languages.set(Language.objects.filter(code="ar"))
        self.assertNotIn("sentral-b", self.listed(language="no"))
        self.assertIn("sentral-a", self.listed(language="no"))
        self.assertNotIn("sentral-a", self.listed(language="pl"))

    def test_a_hidden_or_unknown_language_is_refused_with_a_message(self) -> None:
        self.point_b.languages.set(Language.objects.filter(code="pl"))
        self.assertEqual(self.listed(language="pl"), {"sentral-b"})
        Language.objects.filter(code="pl").update(is_active=False)
        response = self.search(language="pl")
        self.assertContains(response, 'id="error-summary"')
        self.assertContains(self.search(language="<script>"), 'id="error-summary"')

    def test_the_choices_name_each_language_in_itself(self) -> None:
        self.assertContains(self.search(), "العربية (Arabic)")


class InactiveContactPointTests(DirectoryTestCase):
    def test_an_inactive_contact_point_is_never_listed(self) -> None:
        searches = [
            {},
            {"q": "Nedlagt"},
            {"q": "Kautokeino"},
            {"q": "Finnmark"},
            {"county": self.finnmark.pk},
            {"county": self.oslo_county.pk},
            {"format": "telephone"},
            {"format": "in_person"},
        ]
        for params in searches:
            with self.subTest(params=params):
                response = self.search(**params)
                listed = set(CONTACT_POINT_LINK.findall(response.content.decode()))
                self.assertNotIn("nedlagt-sentral", listed)
                self.assertNotIn("nedlagt-telefonlinje", listed)
                self.assertNotContains(response, "Nedlagt sentral")
                self.assertNotContains(response, "Nedlagt telefonlinje")


class BadInputTests(DirectoryTestCase):
    def assert_clear_error(self, response, field_error: str) -> None:  # type: ignore[no-untyped-def]
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please correct the following before you continue")
        self.assertContains(response, field_error)
        # Nothing is listed for a search that could not be understood.
        self.assertEqual(set(CONTACT_POINT_LINK.findall(response.content.decode())), set())

    def test_a_ten_kilobyte_search_gets_a_clear_error_not_a_crash(self) -> None:
        response = self.search(q="a" * 10_240)
        self.assert_clear_error(response, "Ensure this value has at most 100 characters")

    def test_a_search_with_control_characters_gets_a_clear_error(self) -> None:
        for query in ["Oslo\x07", "Os\x1blo", "\u202eolsO", "Oslo\x00"]:
            with self.subTest(query=repr(query)):
                response = self.search(q=query)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Please correct the following before you continue")
                self.assertEqual(set(CONTACT_POINT_LINK.findall(response.content.decode())), set())

    def test_a_control_character_is_explained_in_plain_words(self) -> None:
        response = self.search(q="Oslo\x07")
        self.assert_clear_error(response, "Please use ordinary letters, numbers and punctuation only.")

    def test_a_county_that_does_not_exist_gets_a_clear_error(self) -> None:
        missing = max(self.oslo_county.pk, self.finnmark.pk) + 1000
        for county in [missing, "finnmark", "-1", "99999999999999999999999", "1.5"]:
            with self.subTest(county=county):
                response = self.search(county=county)
                self.assert_clear_error(response, "Select a valid choice.")

    def test_an_unknown_format_gets_a_clear_error(self) -> None:
        response = self.search(format="carrier-pigeon")
        self.assert_clear_error(response, "Select a valid choice.")

    def test_a_repeated_parameter_does_not_crash_the_page(self) -> None:
        response = self.client.get(
            reverse("directory") + f"?county={self.finnmark.pk}&county=abc&q=Oslo&q=Kautokeino", **ENGLISH
        )
        self.assertEqual(response.status_code, 200)

    def test_the_directory_only_answers_reads(self) -> None:
        response = self.client.post(reverse("directory"), {"q": "Oslo"}, **ENGLISH)
        self.assertEqual(response.status_code, 405)


class DirectoryQueryCountTests(TestCase):
    """The directory does a fixed number of queries however many contact points there are."""

    def setUp(self) -> None:
        self.county = County.objects.create(number="03", name="Oslo")
        self.other_county = County.objects.create(number="56", name="Finnmark")
        self.municipalities = [
            Municipality.objects.create(number="0301", name="Oslo", county=self.county),
            Municipality.objects.create(
                number="5612", name="Guovdageaidnu", other_names="Kautokeino", county=self.other_county
            ),
        ]
        self.add_contact_points(2)

    def add_contact_points(self, count: int) -> None:
        start = ContactPoint.objects.count()
        for index in range(start, start + count):
            ContactPoint.objects.create(
                slug=f"sentral-{index}",
                name=f"Sentral {index}",
                kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
                municipality=self.municipalities[index % 2],
                offers_telephone=index % 3 == 0,
            )

    def assert_directory_queries(self, params: dict[str, object], listed: int, queries: int = 3) -> None:
        with self.assertNumQueries(queries):
            response = self.client.get(reverse("directory"), params, **ENGLISH)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(CONTACT_POINT_LINK.findall(response.content.decode())), listed)

    def test_the_directory_page_does_not_grow_with_the_number_of_contact_points(self) -> None:
        self.assert_directory_queries({}, listed=2)
        self.add_contact_points(30)
        self.assert_directory_queries({}, listed=32)

    def test_a_search_does_not_grow_with_the_number_of_contact_points(self) -> None:
        # The listed contact points (the directory's index), and the county and language lists of the form.
        self.assert_directory_queries({"q": "Kautokeino", "format": "in_person"}, listed=1, queries=3)
        self.add_contact_points(30)
        self.assert_directory_queries({"q": "Kautokeino", "format": "in_person"}, listed=16, queries=3)

    def test_a_county_filter_does_not_grow_with_the_number_of_contact_points(self) -> None:
        params = {"county": self.other_county.pk}
        with self.assertNumQueries(4):
            before = self.client.get(reverse("directory"), params, **ENGLISH)
        self.add_contact_points(30)
        with self.assertNumQueries(4):
            after = self.client.get(reverse("directory"), params, **ENGLISH)
        self.assertEqual(len(CONTACT_POINT_LINK.findall(before.content.decode())), 1)
        self.assertEqual(len(CONTACT_POINT_LINK.findall(after.content.decode())), 16)

    def test_a_search_that_finds_nothing_does_not_grow_with_the_number_of_contact_points(self) -> None:
        Municipality.objects.create(number="5607", name="Vadsø", county=self.other_county)
        # The search, the places it could name, the suggestions, and the county and language lists of the form.
        with self.assertNumQueries(5):
            before = self.client.get(reverse("directory"), {"q": "Vadso"}, **ENGLISH)
        self.add_contact_points(30)
        with self.assertNumQueries(5):
            after = self.client.get(reverse("directory"), {"q": "Vadso"}, **ENGLISH)
        self.assertEqual(len(county_suggested(before.content.decode(), self.other_county)), 1)
        self.assertEqual(len(county_suggested(after.content.decode(), self.other_county)), 16)


class StaffFindTheirDoorTests(Personas):
    def test_every_public_page_links_to_the_sign_in_for_contact_points(self):
        for path in ("/", reverse("directory"), self.point_a.get_absolute_url(), reverse("privacy")):
            response = self.client.get(path, HTTP_ACCEPT_LANGUAGE="en")
            self.assertContains(response, f'href="{reverse("login")}"', msg_prefix=path)
            self.assertContains(response, "For contact points and offices: sign in", msg_prefix=path)
