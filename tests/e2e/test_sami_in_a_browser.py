"""Northern Sami in a real browser, on a 320 px phone and a 1280 px desktop: the home
page, a contact point's page, the sign-up form and a poster printed in Sami each say
that their text is in bokmål and mark it so, mark the Sami words they have as Sami,
and axe-core (which checks that every lang is valid) finds nothing. Screenshots are
left for a person to look at."""

import os
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation
from playwright.sync_api import Page, expect

from contactpoints.models import ContactPoint, County, Municipality
from materials import printing
from selvhjelp.i18n import written_in
from tests.e2e.conftest import assert_accessible
from tests.signin import sign_in

pytestmark = pytest.mark.usefixtures("transactional_db")

SAMI_BROWSER = "se-NO"
WIDTHS = (320, 1280)
PAGE_NOTICE = "This page is in Norwegian (bokmål). It has not been translated into Northern Sami yet."


def said(language: str, message: str) -> str:
    """``message`` as a page in ``language`` says it (Northern Sami falls back to bokmål)."""
    with translation.override(language):
        return translation.gettext(message)


@pytest.fixture
def contact_point() -> ContactPoint:
    county = County.objects.create(number="56", name="Finnmark")
    kautokeino = Municipality.objects.create(
        number="5612", name="Guovdageaidnu", other_names="Kautokeino", county=county
    )
    point = ContactPoint.objects.create(
        slug="guovdageainnu-frivilligsentral",
        name="Guovdageainnu frivilligsentral",
        kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
        municipality=kautokeino,
        street_address="Bredbuktnesveien 6",
        postcode="9520",
        post_town="Kautokeino",
        public_phone="78 48 71 00",
        public_email="post@frivilligsentral.example",
    )
    point.staff.add(get_user_model().objects.create_user("koordinator@frivilligsentral.example", "a-long-password-7"))
    return point


def signed_in(page: Page, contact_point: ContactPoint, live_server) -> None:  # type: ignore[no-untyped-def]
    """The coordinator's browser, signed in (both steps; the steps themselves are tested in tests/accounts)."""
    client = Client()
    sign_in(client, contact_point.staff.get())
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def says_it_is_in_bokmal(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    notice = page.locator("#not-translated")
    expect(notice).to_be_visible()
    expect(notice).to_have_text(said("se", PAGE_NOTICE))
    expect(notice).to_have_attribute("lang", written_in(said("se", PAGE_NOTICE), "se"))
    # The language links name each language in itself, and say which one was chosen.
    expect(page.locator('.language-switcher a[hreflang="se"]')).to_have_attribute("lang", "se")
    expect(page.locator('.language-switcher a[hreflang="se"]')).to_have_attribute("aria-current", "true")


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
def test_sami_pages_say_they_are_in_bokmal_and_mark_their_sami_words(
    open_page: Callable[..., Page], artifacts: str, contact_point: ContactPoint, live_server, width: int
) -> None:  # type: ignore[no-untyped-def]
    page = open_page(locale=SAMI_BROWSER, width=width, height=720 if width == 320 else 900)

    def looked_at(name: str) -> None:
        page.screenshot(path=os.path.join(artifacts, f"sami-{name}-{width}.png"), full_page=True)
        assert_accessible(page)

    page.goto("/")
    says_it_is_in_bokmal(page)
    expect(page.locator("h1")).to_have_text(said("nb", "Join a self-help group"))
    looked_at("home")

    page.goto(f"/kontaktpunkter/{contact_point.slug}/")
    says_it_is_in_bokmal(page)
    sami_facts = page.locator('dl.facts dt[lang="se"]')
    expect(sami_facts).to_have_text([said("se", "Address"), said("se", "Telephone"), said("se", "Email")])
    expect(page.locator("dl.facts dt:not([lang])").first).to_have_text(said("nb", "Groups meet"))
    looked_at("contact-point")

    page.goto(f"/kontaktpunkter/{contact_point.slug}/meld-interesse/")
    says_it_is_in_bokmal(page)
    # Each language a person can tick is named in itself and marked as that language.
    languages = page.locator("#id_languages label span[lang]")
    expect(languages).to_have_text(["Norsk", "English", "Davvisámegiella"])
    expect(languages.nth(2)).to_have_attribute("lang", "se")
    looked_at("signup-form")

    signed_in(page, contact_point, live_server)
    page.goto(f"/ansatt/{contact_point.slug}/plakat/?language=se")
    poster = page.locator("article.poster")
    expect(poster).to_have_attribute("lang", "nb")
    note = poster.locator(".printed-language-note")
    expect(note).to_be_visible()
    expect(note).to_have_text(said("se", printing.POSTER["all_in_bokmal"]))
    looked_at("poster")
    assert fits_its_paper(page, "article.poster")

    page.goto(f"/ansatt/{contact_point.slug}/kort/?language=se")
    notes = page.locator('article.print-card[lang="nb"] .printed-language-note')
    expect(notes).to_have_count(4)
    expect(notes.first).to_have_text(said("se", printing.CARD["all_in_bokmal"]))
    assert fits_its_paper(page, "article.print-card")
    page.emulate_media(media="print")
    page.screenshot(path=os.path.join(artifacts, f"sami-cards-printed-{width}.png"), full_page=True)
    page.emulate_media(media="screen")


def fits_its_paper(page: Page, selector: str) -> bool:
    """Printed, every sheet's content, the note about bokmål too, fits its paper (A4 poster, A6 card)."""
    page.emulate_media(media="print")
    sizes = page.evaluate(
        "s => [...document.querySelectorAll(s)]"
        ".map(e => [e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight])",
        selector,
    )
    page.emulate_media(media="screen")
    return bool(sizes) and all(w <= cw + 1 and h <= ch + 1 for w, cw, h, ch in sizes)
