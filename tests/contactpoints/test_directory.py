"""The public directory: a person looks for a place to turn to."""

import re

from django.test import TestCase
from django.urls import reverse

from contactpoints.models import ContactPoint, County, Municipality
from tests.base import Personas

# Pages are asked for in English so the assertions do not depend on translations.
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
CONTACT_POINT_LINK = re.compile(r'href="/kontaktpunkter/([a-z0-9-]+)/"')


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
        return set(CONTACT_POINT_LINK.findall(self.search(**params).content.decode()))


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

    def test_a_search_that_matches_nothing_says_so(self) -> None:
        response = self.search(q="Atlantis")
        self.assertEqual(set(CONTACT_POINT_LINK.findall(response.content.decode())), set())
        self.assertContains(response, "No contact point matches your search.")

    def test_search_wildcards_are_taken_literally(self) -> None:
        self.assertEqual(self.listed(q="%"), set())
        self.assertEqual(self.listed(q="_"), set())
        self.assertEqual(self.listed(q="Sentral_B"), set())

    def test_a_search_counts_what_it_found(self) -> None:
        self.assertContains(self.search(q="Kautokeino"), "1 contact point<")
        self.assertContains(self.search(), "3 contact points<")


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
        self.assertIn("Meets in person · Meets by telephone", page)


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

    def assert_directory_queries(self, params: dict[str, object], listed: int) -> None:
        with self.assertNumQueries(2):
            response = self.client.get(reverse("directory"), params, **ENGLISH)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(CONTACT_POINT_LINK.findall(response.content.decode())), listed)

    def test_the_directory_page_does_not_grow_with_the_number_of_contact_points(self) -> None:
        self.assert_directory_queries({}, listed=2)
        self.add_contact_points(30)
        self.assert_directory_queries({}, listed=32)

    def test_a_search_does_not_grow_with_the_number_of_contact_points(self) -> None:
        self.assert_directory_queries({"q": "Kautokeino", "format": "in_person"}, listed=1)
        self.add_contact_points(30)
        self.assert_directory_queries({"q": "Kautokeino", "format": "in_person"}, listed=16)

    def test_a_county_filter_does_not_grow_with_the_number_of_contact_points(self) -> None:
        params = {"county": self.other_county.pk}
        with self.assertNumQueries(3):
            before = self.client.get(reverse("directory"), params, **ENGLISH)
        self.add_contact_points(30)
        with self.assertNumQueries(3):
            after = self.client.get(reverse("directory"), params, **ENGLISH)
        self.assertEqual(len(CONTACT_POINT_LINK.findall(before.content.decode())), 1)
        self.assertEqual(len(CONTACT_POINT_LINK.findall(after.content.decode())), 16)


class StaffFindTheirDoorTests(Personas):
    def test_every_public_page_links_to_the_sign_in_for_contact_points(self):
        for path in ("/", reverse("directory"), self.point_a.get_absolute_url(), reverse("privacy")):
            response = self.client.get(path, HTTP_ACCEPT_LANGUAGE="en")
            self.assertContains(response, f'href="{reverse("login")}"', msg_prefix=path)
            self.assertContains(response, "For contact points and offices: sign in", msg_prefix=path)
