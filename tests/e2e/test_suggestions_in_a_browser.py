"""A coordinator with six people waiting reads one sentence, sees the app's
suggestion, and starts the group with two clicks, at 1280 px and at 320 px;
the full breakdown is one click away. axe-core finds nothing on these pages."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import Page, expect

from contactpoints.models import ContactPoint, County, Municipality, Room
from groups.models import ANY, Group, Invitation
from tests.base import waiting_person
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_a_group_in_a_browser import (
    PARTICIPANT_DOMAIN,
    PHONE_WIDTH,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    Staff,
    World,
    t,
    tn,
)

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def world(transactional_db: None, mailoutbox: list[mail.EmailMessage]) -> World:  # noqa: ARG001
    county = County.objects.create(number="46", name="Vestland")
    municipality = Municipality.objects.create(number="4601", name="Bergen", county=county)
    point = ContactPoint.objects.create(
        slug="bergen-frivilligsentral",
        name="Bergen frivilligsentral",
        kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
        municipality=municipality,
        street_address="Strandgaten 1",
        postcode="5013",
        post_town="Bergen",
        public_email="post@bergen-frivilligsentral.example",
        threshold=5,
        seats=8,
    )
    room = Room.objects.create(contact_point=point, name="Salen", address="Strandgaten 1", capacity=12)
    point.staff.add(get_user_model().objects.create_user(STAFF_EMAIL, STAFF_PASSWORD))
    # Six people who said "either is fine" to everything, ticked Norwegian, English and Northern Sami,
    # and did not give their age.
    people = [waiting_person(point, f"deltaker{n}{PARTICIPANT_DOMAIN}", days_ago=40 - n) for n in range(6)]
    return World(point=point, room=room, people=people)


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_six_waiting_one_sentence_one_suggestion_two_clicks(
    open_page, world: World, artifacts: str, mailoutbox: list[mail.EmailMessage], width: int
) -> None:
    page: Page = open_page(width=width, height=900)
    staff = Staff(page, world, artifacts)
    staff.signs_in()
    mailoutbox.clear()

    box = page.locator("section.suggestions")
    expect(box.get_by_role("heading")).to_have_text(
        tn("%(counter)s person can start a group now.", "%(counter)s people can start a group now.", 6)
    )
    expect(box.get_by_role("link", name=t("Start this group"))).to_have_count(1)
    expect(box).to_contain_text(t("Mixed ages"))
    expect(box).to_contain_text(" · norsk · ")  # a language they all ticked, named in bokmål
    if width == PHONE_WIDTH:
        staff.has_no_sideways_scroll()
    assert_accessible(page)
    staff.screenshot(f"staff-suggestion-{width}")

    # The full breakdown, one click away.
    page.get_by_role("link", name=t("See how many wait for each wish")).click()
    staff.sees_page(t("How many wait for each wish"))
    if width == PHONE_WIDTH:
        staff.has_no_sideways_scroll()
    assert_accessible(page)
    staff.screenshot(f"staff-breakdown-{width}")
    page.go_back()

    # Click one: the form, filled in from the suggestion, a week from today, in the first room.
    box.get_by_role("link", name=t("Start this group")).click()
    staff.sees_page(t("Start a group"))
    expect(page.locator("#id_language")).to_have_value("no")
    expect(page.locator("#id_age_group")).to_have_value(ANY)
    expect(page.locator("#id_room")).to_have_value(str(world.room.pk))
    if width == PHONE_WIDTH:
        staff.has_no_sideways_scroll()
    assert_accessible(page)
    staff.screenshot(f"staff-start-from-suggestion-{width}")

    # Click two: the group is started, and the six are invited, once each.
    page.get_by_role("button", name=t("Start the group and send the invitations")).click()
    group = Group.objects.get(contact_point=world.point)
    assert urlsplit(page.url).path == f"/ansatt/{world.point.slug}/grupper/{group.pk}/"
    staff.sees_nobody()
    assert Invitation.objects.filter(group=group).count() == 6
    invitations = [m for m in mailoutbox if m.subject == t("You are invited to a first meeting")]
    assert sorted(m.to[0] for m in invitations) == sorted(world.addresses)
