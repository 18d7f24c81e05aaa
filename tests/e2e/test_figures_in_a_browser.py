"""Self-help in figures, in a real browser: the page of a year's figures in every language,
on a phone and a desktop. axe-core finds nothing, nothing scrolls sideways on a phone,
and the table, the chart and the links to the open files are there. Screenshots are
left for a person to look at."""

import datetime
import os
import re
import zoneinfo
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from contactpoints.models import ContactPoint, County, Municipality
from figures.closing import close_months
from groups.models import MonthlyFigure
from tests.e2e.conftest import Requests, assert_accessible

pytestmark = pytest.mark.usefixtures("transactional_db")

BROWSER_LOCALES = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB", "se": "se-NO"}
WIDTHS = (320, 1280)
# A county whose name is long, as some are, next to one with a small count.
COUNTIES = [
    ("03", "Oslo", "0301", "Oslo", 3, 41),
    ("46", "Vestland", "4601", "Bergen", 11, 90),
    ("56", "Finnmárku – Finnmark – Finmarkku", "5601", "Alta", 6, 44),
]


@pytest.fixture
def a_year_of_figures() -> None:
    """Three counties, a contact point in each, with figures for every month of a past year; the months closed."""
    for county_number, county_name, number, town, groups, confirmed in COUNTIES:
        county = County.objects.create(number=county_number, name=county_name)
        municipality = Municipality.objects.create(number=number, name=town, county=county)
        point = ContactPoint.objects.create(
            slug=f"sentral-{number}",
            name=f"Frivilligsentralen i {town}",
            kind="frivilligsentral",
            municipality=municipality,
        )
        for month in range(1, 13):
            # Oslo started its 3 groups in March; the others every month.
            started = groups if county_number != "03" else (groups if month == 3 else 0)
            MonthlyFigure.objects.create(
                contact_point=point,
                month=datetime.date(2025, month, 1),
                groups_started=started,
                members_at_start=5 * started,
                confirmed=confirmed,
                signed_up=confirmed,
            )
    close_months(now=datetime.datetime(2026, 1, 5, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo")))


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("language", BROWSER_LOCALES)
def test_the_figures_page_in_every_language(
    a_year_of_figures: None,
    open_page: Callable[..., Page],
    requests_made: Requests,
    artifacts: str,
    language: str,
    width: int,
) -> None:
    page = open_page(locale=BROWSER_LOCALES[language], width=width, height=720 if width == 320 else 900)
    page.goto("/i-tall/")
    expect(page.locator("html")).to_have_attribute(
        "lang", re.compile("^(se|nb)$" if language == "se" else f"^{language}$")
    )
    expect(page.locator("h1")).to_contain_text("2025")
    table = page.locator("table#in-figures")
    expect(table.locator('tr[data-code="03"] td').first).to_have_text("<5")
    expect(table.locator("tbody tr")).to_have_count(len(COUNTIES) + 1)
    expect(page.locator("svg[role=img] title")).to_have_count(1)
    for file in ("/i-tall/2025.csv", "/i-tall/2025-komma.csv", "/i-tall/2025.json", "/i-tall/skjema.json"):
        expect(page.locator(f'main a[href="{file}"]')).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    page.screenshot(path=os.path.join(artifacts, f"in-figures-{language}-{width}.png"), full_page=True)
    assert_accessible(page)

    page.goto("/i-tall/om/")
    expect(page.locator("main")).to_contain_text("CC BY 4.0")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the about page scrolls sideways"
    page.screenshot(path=os.path.join(artifacts, f"in-figures-about-{language}-{width}.png"), full_page=True)
    assert_accessible(page)
    assert requests_made.elsewhere() == []
