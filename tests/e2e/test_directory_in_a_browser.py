"""A person searches the directory for a place where there is no contact point, or spells it
wrong, and is led on: to the contact points in the same county and to the groups that meet by
telephone for the whole country, as links. On a 320 px phone and a 1280 px desktop, in bokmål,
nynorsk, English and Northern Sami, axe-core finds nothing on the page."""

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from contactpoints.models import ContactPoint, County, Municipality
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.usefixtures("transactional_db")

PHONE_WIDTH = 320
DESKTOP_WIDTH = 1280
BROWSER_LOCALES = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB", "se": "se-NO"}


@dataclass
class World:
    akershus: County
    baerum_point: ContactPoint
    tromso_point: ContactPoint
    nationwide: ContactPoint


@pytest.fixture
def world() -> World:
    akershus = County.objects.create(number="32", name="Akershus")
    Municipality.objects.create(number="3203", name="Asker", county=akershus)
    baerum = Municipality.objects.create(number="3201", name="Bærum", county=akershus)
    troms = County.objects.create(number="55", name="Troms")
    tromso = Municipality.objects.create(number="5501", name="Tromsø", other_names="Romsa", county=troms)
    trondelag = County.objects.create(number="50", name="Trøndelag")
    Municipality.objects.create(number="5001", name="Trondheim", other_names="Tråante", county=trondelag)
    baerum_point = ContactPoint.objects.create(
        slug="baerum-frivilligsentral",
        name="Bærum frivilligsentral",
        kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
        municipality=baerum,
        offers_telephone=True,
    )
    tromso_point = ContactPoint.objects.create(
        slug="nordlys-frivilligsentral",
        name="Nordlys frivilligsentral",
        kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
        municipality=tromso,
    )
    nationwide = ContactPoint.objects.create(
        slug="selvhjelp-pa-telefon",
        name="Selvhjelp på telefon",
        kind=ContactPoint.Kind.VOLUNTARY_ORGANISATION,
        municipality=baerum,
        nationwide=True,
        offers_in_person=False,
        offers_telephone=True,
    )
    return World(akershus=akershus, baerum_point=baerum_point, tromso_point=tromso_point, nationwide=nationwide)


@dataclass
class Person:
    page: Page
    language: str
    width: int
    artifacts: str

    def t(self, message: str, **values: str) -> str:
        """The text the page should show for ``message``, in the page's language."""
        with translation.override(self.language):
            text = translation.gettext(message)
        if self.language in ("nb", "nn"):
            assert text != message, f"no {self.language} translation for {message!r}: the page would show English"
        return text % values if values else text

    def searches(self, query: str) -> None:
        self.page.goto("/kontaktpunkter/")
        self.page.locator("#id_q").fill(query)
        self.page.locator("main form[role=search] button[type=submit]").click()
        self.page.wait_for_load_state()
        # Northern Sami pages read in bokmål where there is no Sami text yet, and may say so.
        speaks = re.compile("^(se|nb)$") if self.language == "se" else self.language
        expect(self.page.locator("html")).to_have_attribute("lang", speaks)

    def screenshot(self, name: str) -> None:
        path = os.path.join(self.artifacts, f"directory-{name}-{self.language}-{self.width}.png")
        self.page.screenshot(path=path, full_page=True)

    def checks_the_page(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.width, f"{self.page.url} is {width}px wide at a {self.width}px viewport"
        assert_accessible(self.page)


@pytest.fixture
def person(open_page: Callable[..., Page], artifacts: str, request: pytest.FixtureRequest) -> Person:
    language, width = request.param
    page = open_page(locale=BROWSER_LOCALES[language], width=width, height=720 if width == PHONE_WIDTH else 900)
    return Person(page=page, language=language, width=width, artifacts=artifacts)


EVERY_LANGUAGE_AND_WIDTH = [(language, width) for language in BROWSER_LOCALES for width in (PHONE_WIDTH, DESKTOP_WIDTH)]


@pytest.mark.parametrize(
    "person", EVERY_LANGUAGE_AND_WIDTH, indirect=True, ids=lambda param: f"{param[0]}-{param[1]}px"
)
def test_a_place_without_a_contact_point_leads_to_the_county_and_the_telephone_groups(
    person: Person, world: World
) -> None:
    page = person.page
    person.searches("Asker")
    person.screenshot("asker")
    person.checks_the_page()

    suggestions = page.locator("#suggestions")
    expect(suggestions).to_contain_text(person.t("We found no contact point in %(places)s.", places="Asker"))
    nearby = suggestions.locator(f"section[aria-labelledby=county-{world.akershus.pk}]")
    expect(nearby.get_by_role("heading", level=2)).to_have_text(
        person.t("Contact points in %(county)s", county="Akershus")
    )
    expect(nearby.get_by_role("link", name=world.baerum_point.name)).to_have_attribute(
        "href", world.baerum_point.get_absolute_url()
    )
    nationwide = suggestions.locator("section[aria-labelledby=nationwide-heading]")
    expect(nationwide.get_by_role("heading", level=2)).to_have_text(
        person.t("Groups %(by)s, for the whole country", by=person.t("by telephone"))
    )

    # The way on is a link that works.
    nationwide.get_by_role("link", name=world.nationwide.name).click()
    page.wait_for_load_state()
    assert page.url.endswith(world.nationwide.get_absolute_url())
    expect(page.locator("h1")).to_have_text(world.nationwide.name)


@pytest.mark.parametrize(
    "person", [("nb", PHONE_WIDTH), ("en", DESKTOP_WIDTH)], indirect=True, ids=lambda param: f"{param[0]}-{param[1]}px"
)
def test_a_misspelt_place_is_said_plainly_and_the_place_it_nearly_names_is_one_click_away(
    person: Person, world: World
) -> None:
    page = person.page
    person.searches("Trondhiem")
    person.screenshot("misspelt")
    person.checks_the_page()
    suggestions = page.locator("#suggestions")
    expect(suggestions).to_contain_text(
        person.t(
            "We found no place or contact point called “%(query)s”. Check the spelling, "
            "or choose your county in the list above.",
            query="Trondhiem",
        )
    )
    expect(suggestions.locator("section[aria-labelledby=nationwide-heading]").get_by_role("link")).to_have_count(1)

    suggestions.get_by_role("link", name="Trondheim – Tråante").click()
    page.wait_for_load_state()
    expect(page.locator("#id_q")).to_have_value("Trondheim")
    expect(page.locator("#suggestions")).to_contain_text(
        person.t("We found no contact point in %(places)s.", places="Trondheim – Tråante")
    )
    expect(page.locator("#suggestions").get_by_role("link", name=world.nationwide.name)).to_be_visible()


@pytest.mark.parametrize("person", [("nb", PHONE_WIDTH)], indirect=True, ids=lambda param: f"{param[0]}-{param[1]}px")
def test_a_place_typed_without_norwegian_letters_or_by_its_sami_name_is_found(person: Person, world: World) -> None:
    for query in ("Tromso", "Romsa"):
        person.searches(query)
        results = person.page.locator("ul[aria-labelledby=results-heading]")
        expect(results.get_by_role("link")).to_have_count(1)
        expect(results.get_by_role("link", name=world.tromso_point.name)).to_be_visible()
        expect(results).to_contain_text("Tromsø – Romsa, Troms")
