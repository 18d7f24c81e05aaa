"""The form's defences, as a person meets them in a real browser, without any
JavaScript of ours: the time trap asks a very quick person to press the button
again and then lets them through; the limit's message keeps their answers; the
honeypot is never seen, heard or reached by keyboard."""

from collections.abc import Callable

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from contactpoints.models import ContactPoint, County, Municipality
from groups.models import SignUp
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.usefixtures("transactional_db")

ADDRESS = "kari.nordmann@example.org"


@pytest.fixture
def contact_point() -> ContactPoint:
    troms = County.objects.create(number="55", name="Troms")
    tromso = Municipality.objects.create(number="5501", name="Tromsø", county=troms)
    return ContactPoint.objects.create(
        slug="tromso-frivilligsentral",
        name="Tromsø frivilligsentral",
        kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
        municipality=tromso,
        public_email="post@tromso-frivilligsentral.example",
    )


@pytest.fixture
def english(open_page: Callable[..., Page]) -> Page:
    """A browser that asks for English (the texts below are the source strings), checked by axe-core."""
    return open_page(locale="en-GB", width=320, height=720)


def fill_in(page: Page, address: str = ADDRESS) -> None:
    page.locator("#id_email").fill(address)
    for box in ("for_myself", "adult", "privacy"):
        page.locator(f"#id_{box}").check()
    page.locator('input[name="time_of_day"][value="evening"]').check()
    page.locator('input[name="languages"][value="no"]').check()


def send(page: Page) -> None:
    page.get_by_role("button", name="Sign up", exact=True).click()


def test_a_very_quick_person_is_asked_to_press_again_and_then_gets_through(
    english: Page, contact_point: ContactPoint, settings, mailoutbox: list[mail.EmailMessage]
) -> None:
    settings.SIGNUP_FORM_MIN_SECONDS = 3
    page = english
    page.goto(f"/kontaktpunkter/{contact_point.slug}/meld-interesse/")
    fill_in(page)
    send(page)

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("That was very quick.")
    expect(summary).to_be_focused()
    expect(page.locator("#id_email")).to_have_value(ADDRESS)
    expect(page.locator('input[name="time_of_day"][value="evening"]')).to_be_checked()
    expect(page.locator("#id_privacy")).to_be_checked()
    assert_accessible(page)
    assert not SignUp.objects.exists()

    page.wait_for_timeout(3000)  # reading the message
    send(page)
    expect(page.locator("h1")).to_have_text("Check your email")
    assert SignUp.objects.get().time_of_day == "evening"
    assert [message.to for message in mailoutbox] == [[ADDRESS]]


def test_a_person_turned_away_by_the_limit_sees_why_and_keeps_their_answers(
    english: Page, contact_point: ContactPoint, settings, mailoutbox: list[mail.EmailMessage]
) -> None:
    settings.SIGNUP_LIMIT_PER_CLIENT = 1
    page = english
    form = f"/kontaktpunkter/{contact_point.slug}/meld-interesse/"
    page.goto(form)
    fill_in(page, "someone.else@example.org")
    send(page)
    expect(page.locator("h1")).to_have_text("Check your email")

    page.goto(form)
    fill_in(page)
    send(page)
    notice = page.locator("#turned-away")
    expect(notice).to_contain_text("We could not take your sign-up just now")
    expect(notice).to_contain_text("post@tromso-frivilligsentral.example")
    expect(notice).to_be_focused()
    expect(page).to_have_title(f"Not sent: Sign up at Tromsø frivilligsentral – {settings.SERVICE_NAME}")
    expect(page.locator("#id_email")).to_have_value(ADDRESS)
    expect(page.locator('input[name="time_of_day"][value="evening"]')).to_be_checked()
    assert_accessible(page)
    assert [message.to for message in mailoutbox] == [["someone.else@example.org"]]


def test_the_honeypot_is_never_seen_heard_or_reached_by_keyboard(english: Page, contact_point: ContactPoint) -> None:
    page = english
    page.goto(f"/kontaktpunkter/{contact_point.slug}/meld-interesse/")
    trap = page.locator("#id_comment")
    box = trap.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0, f"the honeypot is on screen at {box}"
    expect(page.get_by_role("textbox", name="Leave this field empty")).to_have_count(0)
    page.locator("#id_email").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id || document.activeElement.tagName")
        assert focused != "id_comment", "Tab reached the honeypot"
        if page.evaluate("document.activeElement.matches('main .form-actions button')"):
            break
    else:
        raise AssertionError("Tab never reached the button")
