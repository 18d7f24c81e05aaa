"""Who runs the service, in a real browser: the footer of the home page, the
privacy notice and the accessibility statement name the operator from the
settings, in every language, on a phone and a desktop, and axe-core finds
nothing. Screenshots are left for a person to look at."""

import os
import re
from collections.abc import Callable

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.usefixtures("transactional_db")

BROWSER_LOCALES = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB", "se": "se-NO"}
WIDTHS = (320, 1280)
PAGES = {"home": "/", "privacy": "/personvern/", "accessibility": "/tilgjengelighet/"}
OPERATOR = {
    "SERVICE_NAME": "Gruppeporten",
    "OPERATOR_NAME": "Nordlys Frivillig AS",
    "OPERATOR_ORG_NUMBER": "987654325",
    "OPERATOR_CONTACT_EMAIL": "hei@nordlys.example",
    "PRIVACY_CONTACT_EMAIL": "personvern@nordlys.example",
    "MAIL_PROCESSOR": "Postbud SA, Lisboa",
}


def said(language: str, message: str, **values: str) -> str:
    """``message`` as a page in ``language`` says it (Northern Sami falls back to bokmål)."""
    with translation.override(language):
        return translation.gettext(message) % values


@pytest.fixture(autouse=True)
def _an_operator(settings) -> None:  # type: ignore[no-untyped-def]
    for name, value in OPERATOR.items():
        setattr(settings, name, value)


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("language", BROWSER_LOCALES)
def test_every_page_names_who_runs_the_service(
    open_page: Callable[..., Page], artifacts: str, language: str, width: int
) -> None:
    page = open_page(locale=BROWSER_LOCALES[language], width=width, height=720 if width == 320 else 900)
    run_by = said(
        language,
        "%(service)s is run by %(name)s (org. no. %(number)s). Contact:",
        service="Gruppeporten",
        name="Nordlys Frivillig AS",
        number="987 654 325",
    )
    for name, path in PAGES.items():
        page.goto(path)
        # A Sami page whose text falls back to bokmål says so in its lang.
        expect(page.locator("html")).to_have_attribute(
            "lang", re.compile("^(se|nb)$" if language == "se" else f"^{language}$")
        )
        expect(page.locator(".site-name")).to_have_text("Gruppeporten")
        footer = page.locator("footer #operator")
        expect(footer).to_contain_text(run_by)
        expect(footer.get_by_role("link", name="hei@nordlys.example")).to_have_attribute(
            "href", "mailto:hei@nordlys.example"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} scrolls sideways"
        page.screenshot(path=os.path.join(artifacts, f"who-runs-it-{name}-{language}-{width}.png"), full_page=True)
        assert_accessible(page)

    page.goto(PAGES["privacy"])
    controller = page.locator("#controller + p")
    expect(controller).to_contain_text("Nordlys Frivillig AS")
    expect(controller).to_contain_text("987 654 325")
    expect(page.locator("main").get_by_role("link", name="personvern@nordlys.example").first).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="datatilsynet.no")).to_have_attribute(
        "href", "https://www.datatilsynet.no/"
    )
    expect(page.locator("main")).to_contain_text("Postbud SA, Lisboa")

    page.goto(PAGES["accessibility"])
    expect(page.locator("main").get_by_role("link", name="hei@nordlys.example")).to_be_visible()
