"""Leaving asks first, in a real browser: "no, delete my sign-up", "leave the list"
and "remove me from the list" each lead to a page that says what will happen and
has one button. Opening it changes nothing; it works by keyboard, without
JavaScript, on a small phone, and axe-core finds nothing on it.

The pages are read in English (the source language), so the test reads the words
a person is told; screenshots go to test-artifacts/ for a person to look at.
"""

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from contactpoints.models import ContactPoint, County, Municipality
from groups import links
from groups.models import Group, Invitation, MonthlyFigure, PrivateLink, SignUp
from groups.services import forming
from selvhjelp.crypto import address_hash
from tests.base import EVENING_PLAN, person_signs_up, start_group, waiting_person
from tests.e2e.conftest import Requests, assert_accessible

pytestmark = pytest.mark.usefixtures("transactional_db")

WIDTHS = (320, 1280)
ENGLISH = "en-GB"


@dataclass
class World:
    point: ContactPoint
    unconfirmed: SignUp
    waiting: SignUp  # on the list, in no group: wants daytime groups
    invited: SignUp  # invited to the evening group
    next_in_line: SignUp  # the evening group's seat goes to them
    group: Group
    paths: dict[str, str]  # each person's private page, by who they are


@pytest.fixture
def world() -> World:
    county = County.objects.create(number="55", name="Troms")
    municipality = Municipality.objects.create(number="5501", name="Tromsø", county=county)
    point = ContactPoint.objects.create(
        slug="tromso-frivilligsentral",
        name="Tromsø frivilligsentral",
        kind="frivilligsentral",
        municipality=municipality,
    )
    # Ola, Kari and Nora signed up in English: their own pages speak it, as these tests read them.
    person_signs_up(point, "ola@example.org", locale="en")
    unconfirmed = SignUp.objects.get(email_hash=address_hash("ola@example.org"))
    waiting = waiting_person(point, "kari@example.org", days_ago=90, time_of_day="daytime", locale="en")
    invited = waiting_person(point, "nora@example.org", days_ago=60, locale="en", **EVENING_PLAN)
    for n in range(4):
        waiting_person(point, f"member{n}@example.org", days_ago=50 - n, **EVENING_PLAN)
    next_in_line = waiting_person(point, "next@example.org", days_ago=10, **EVENING_PLAN)
    group = start_group(point, by=None, seats=5)
    invited.refresh_from_db()
    assert invited.status == SignUp.Status.INVITED
    assert SignUp.objects.get(pk=next_in_line.pk).status == SignUp.Status.WAITING
    paths = {
        who: links.url(links.mint(signup=signup))
        for who, signup in (("unconfirmed", unconfirmed), ("waiting", waiting), ("invited", invited))
    }
    return World(point, unconfirmed, waiting, invited, next_in_line, group, paths)


def everyone() -> set[int]:
    return set(SignUp.objects.values_list("pk", flat=True))


def looks_right(page: Page, artifacts: str, name: str, width: int) -> None:
    """One h1, no sideways scroll, nothing axe-core finds; a screenshot for a person to look at."""
    expect(page.locator("h1")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    page.screenshot(path=os.path.join(artifacts, f"confirm-withdraw-{name}-{width}.png"), full_page=True)


# Who opens the page, the link on their private page that leads to it, and what it says.
PAGES = [
    (
        "unconfirmed",
        "No, delete my sign-up",
        "Delete your sign-up?",
        "You are not on the list yet.",
        "Delete my sign-up",
    ),
    (
        "waiting",
        "Leave the list and delete my sign-up",
        "Leave the list?",
        "You lose your place on the list at Tromsø frivilligsentral.",
        "Leave the list and delete my sign-up",
    ),
    (
        "invited",
        "Remove me from the list",
        "Leave the list?",
        "goes to the next person on the list.",
        "Remove me from the list",
    ),
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("who", "link", "heading", "says", "button"), PAGES)
def test_each_confirmation_page_says_what_happens_and_changes_nothing(
    open_page: Callable[..., Page],
    world: World,
    artifacts: str,
    requests_made: Requests,
    who: str,
    link: str,
    heading: str,
    says: str,
    button: str,
    width: int,
) -> None:
    before, withdrawn = everyone(), MonthlyFigure.objects.get().withdrawn
    page = open_page(locale=ENGLISH, width=width)
    page.goto(world.paths[who])
    page.get_by_role("link", name=link, exact=True).click()
    page.wait_for_url(f"**{world.paths[who]}trekk/")

    expect(page.locator("h1")).to_have_text(heading)
    main = page.locator("main")
    expect(main).to_contain_text(
        "If you press the button, your sign-up and your email address are deleted at once. "
        "You will not get more emails from us."
    )
    expect(main).to_contain_text(says)
    expect(main.get_by_role("button")).to_have_count(1)
    expect(main.get_by_role("button")).to_have_text(button)
    expect(main.get_by_role("link", name="No, keep my sign-up")).to_have_attribute("href", world.paths[who])
    looks_right(page, artifacts, who, width)

    page.reload()  # opened again, by the person or a scanner
    assert everyone() == before
    assert MonthlyFigure.objects.get().withdrawn == withdrawn
    assert Invitation.objects.filter(signup=world.invited).exists()
    assert requests_made.elsewhere() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_page_changed_meanwhile_says_so_and_deletes_nothing(
    open_page: Callable[..., Page], world: World, artifacts: str, width: int
) -> None:
    page = open_page(locale=ENGLISH, width=width)
    page.goto(f"{world.paths['invited']}trekk/")
    expect(page.locator("main")).to_contain_text("goes to the next person on the list.")
    # The reply time runs out while the page is open: the seat has gone to the next person already.
    Invitation.objects.filter(signup=world.invited).update(reply_by=timezone.now() - datetime.timedelta(seconds=1))
    assert forming.expire_invitations() == 1

    page.get_by_role("button", name="Remove me from the list").click()
    expect(page.locator(".ds-alert")).to_contain_text(
        "Your sign-up changed while this page was open, so nothing has been deleted."
    )
    expect(page.locator("main")).not_to_contain_text("goes to the next person")
    expect(page.locator("main").get_by_role("button")).to_have_text("Leave the list and delete my sign-up")
    looks_right(page, artifacts, "changed-meanwhile", width)
    assert SignUp.objects.get(pk=world.invited.pk).status == SignUp.Status.WAITING


@pytest.mark.parametrize("width", WIDTHS)
def test_after_the_first_meeting_the_page_says_the_invitation_can_no_longer_be_answered(
    open_page: Callable[..., Page], world: World, artifacts: str, width: int
) -> None:
    Group.objects.filter(pk=world.group.pk).update(first_meeting=timezone.now() - datetime.timedelta(minutes=5))
    page = open_page(locale=ENGLISH, width=width)
    page.goto(world.paths["invited"])
    page.get_by_role("link", name="Remove me from the list").click()
    expect(page.locator(".ds-alert")).to_have_text("This invitation can no longer be answered.")
    expect(page.locator("main")).to_contain_text("Soon after it, you are back on the list and we email you.")
    expect(page.locator("main").get_by_role("button")).to_have_count(0)
    looks_right(page, artifacts, "too-late", width)
    assert SignUp.objects.filter(pk=world.invited.pk).exists()


def test_leaving_works_by_keyboard_without_javascript(
    browser: Browser, live_server, world: World, requests_made: Requests
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url, locale=ENGLISH, java_script_enabled=False, viewport={"width": 320, "height": 700}
    )
    context.on("request", requests_made.record)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(world.paths["waiting"])
        tab_to(page, "main a[href$='/trekk/']")
        page.keyboard.press("Enter")
        page.wait_for_url("**/trekk/")
        assert SignUp.objects.filter(pk=world.waiting.pk).exists()
        tab_to(page, "main form button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url("**/trukket/**")
        expect(page.locator("h1")).to_have_text("Your sign-up is deleted")
    finally:
        context.close()
    assert not SignUp.objects.filter(pk=world.waiting.pk).exists()
    assert not PrivateLink.objects.filter(signup_id=world.waiting.pk).exists()
    assert MonthlyFigure.objects.get().withdrawn == 1
    assert requests_made.elsewhere() == []


def test_remove_me_gives_the_seat_to_the_next_person_once_even_on_a_double_click(
    open_page: Callable[..., Page], world: World, mailoutbox: list[mail.EmailMessage]
) -> None:
    page = open_page(locale=ENGLISH)
    page.goto(world.paths["invited"])
    page.get_by_role("link", name="Remove me from the list").click()
    mailoutbox.clear()
    page.get_by_role("button", name="Remove me from the list").dblclick()
    page.wait_for_url("**/trukket/**")
    expect(page.locator("h1")).to_have_text("Your sign-up is deleted")

    assert not SignUp.objects.filter(pk=world.invited.pk).exists()
    assert SignUp.objects.get(pk=world.next_in_line.pk).status == SignUp.Status.INVITED
    assert [message.to for message in mailoutbox] == [["next@example.org"]]
    world.group.refresh_from_db()
    assert world.group.declined == 1
    assert MonthlyFigure.objects.get().withdrawn == 1


def tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.locator(f"{selector}:focus").count():
            return
    raise AssertionError(f"Tab never reaches {selector}")
