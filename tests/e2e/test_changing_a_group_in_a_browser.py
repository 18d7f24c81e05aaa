"""Staff, in a real browser, move a forming group to another day (twice), cancel a group,
and hand over one that has met, each from a page that says what will happen and has one
button. Everyone invited gets one email each time; axe-core finds nothing on the pages,
at 320 px and 1280 px, and the screenshots are kept for a person to look at.
"""

import datetime
import os
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import formats, timezone, translation
from playwright.sync_api import Page, expect

from accounts.codeapp import ensure_device
from contactpoints.models import ContactPoint, County, Municipality, Room
from groups.matching import Plan
from groups.models import Group, Invitation, SignUp
from groups.services import answering, forming
from tests.base import waiting_person
from tests.e2e.conftest import assert_accessible
from tests.signin import current_code

pytestmark = pytest.mark.usefixtures("transactional_db")

WIDTHS = (320, 1280)
STAFF_EMAIL = "koordinator@frivilligsentral.example"
PASSWORD = "a-long-staff-password-7"
PLAN = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
PARTICIPANT_DOMAIN = "@example.org"


@dataclass
class World:
    point: ContactPoint
    room: Room
    people: list[SignUp]  # longest-waiting first
    forming: Group  # first meets in a week; six invited, two said yes
    has_met: Group  # its first meeting began an hour ago


def start(point: ContactPoint, room: Room, *, seats: int, days: int) -> Group:
    first = timezone.localtime() + datetime.timedelta(days=days)
    return forming.start_group(
        contact_point=point,
        details=forming.GroupDetails(
            plan=Plan(**PLAN),
            first_meeting=first.replace(hour=18, minute=0, second=0, microsecond=0),
            room=room,
            place_details="Ring på døra ved inngang B.",
            seats=seats,
            starter_present=True,
        ),
        created_by=None,
        request_key=uuid.uuid4(),
    )


@pytest.fixture
def world(transactional_db: None, mailoutbox: list[mail.EmailMessage]) -> World:  # noqa: ARG001
    county = County.objects.create(number="18", name="Nordland")
    bodo = Municipality.objects.create(number="1804", name="Bodø", county=county)
    point = ContactPoint.objects.create(
        slug="bodo-frivilligsentral",
        name="Bodø frivilligsentral",
        kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
        municipality=bodo,
        public_email="post@bodo-frivilligsentral.example",
        threshold=5,
        seats=6,
        is_active=True,
    )
    room = Room.objects.create(contact_point=point, name="Peisestua", address="Storgata 8, 2. etasje", capacity=12)
    Room.objects.create(contact_point=point, name="Møterom 3", address="Storgata 8, 3. etasje", capacity=8)
    staff = get_user_model().objects.create_user(STAFF_EMAIL, PASSWORD)
    point.staff.add(staff)
    people = [waiting_person(point, f"deltaker{n}{PARTICIPANT_DOMAIN}", days_ago=60 - n, **PLAN) for n in range(11)]
    group = start(point, room, seats=6, days=7)
    for person in people[:2]:
        answering.answer(signup=person, reply=answering.Answer.YES)
    met = start(point, room, seats=5, days=2)
    for person in people[6:9]:
        answering.answer(signup=person, reply=answering.Answer.YES)
    Group.objects.filter(pk=met.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=1))
    mailoutbox.clear()
    return World(point=point, room=room, people=people, forming=group, has_met=met)


class Staff:
    def __init__(self, page: Page, world: World, artifacts: str) -> None:
        self.page, self.world, self.artifacts = page, world, artifacts

    def signs_in(self) -> None:
        device = ensure_device(get_user_model().objects.get(email=STAFF_EMAIL))
        self.page.goto("/logg-inn/")
        self.page.locator('input[name="username"]').fill(STAFF_EMAIL)
        self.page.locator('input[name="password"]').fill(PASSWORD)
        self.page.locator("main .form-actions button[type=submit]").click()
        self.page.wait_for_url("**/logg-inn/kode/")
        self.page.locator('input[name="code"]').fill(current_code(device))
        self.page.locator("main .form-actions button[type=submit]").click()
        self.page.wait_for_url(f"**/ansatt/{self.world.point.slug}/")

    def group_path(self, group: Group, page: str = "") -> str:
        return f"/ansatt/{self.world.point.slug}/grupper/{group.pk}/{page}"

    def looks_at(self, name: str) -> None:
        """At each width: nobody's address, one h1, no sideways scroll, nothing for axe; a screenshot."""
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            html = self.page.content()
            assert PARTICIPANT_DOMAIN not in html, f"{self.page.url} shows a participant's email address"
            expect(self.page.locator("h1")).to_have_count(1)
            scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{self.page.url} is {scroll_width}px wide at {width}px"
            assert_accessible(self.page)
            self.page.screenshot(path=os.path.join(self.artifacts, f"staff-{name}-{width}.png"), full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 900})


def as_mailed(moment: datetime.datetime) -> str:
    """The time as the email writes it, in bokmål (everyone here signed up in bokmål)."""
    with translation.override("nb"):
        return formats.date_format(timezone.localtime(moment), "WEEKDAY_DATETIME_FORMAT")


def told(outbox: list[mail.EmailMessage]) -> Counter[str]:
    return Counter(message.to[0] for message in outbox if message.to[0].endswith(PARTICIPANT_DOMAIN))


def test_staff_move_a_group_twice_then_cancel_it_and_everyone_invited_is_told_once_each_time(
    open_page: Callable[..., Page], world: World, mailoutbox: list[mail.EmailMessage], artifacts: str
) -> None:
    page = open_page()
    staff = Staff(page, world, artifacts)
    invited = [person.email for person in world.people[:6]]
    staff.signs_in()

    # The group page links to the change page; opening it changes nothing.
    page.goto(staff.group_path(world.forming))
    staff.looks_at("group-forming")
    page.locator(f'a[href="{staff.group_path(world.forming, "endre/")}"]').click()
    staff.looks_at("change-group")
    assert Group.objects.get(pk=world.forming.pk).changes == 0

    # A date in the past is refused, clearly, and changes nothing.
    page.fill("#id_first_meeting", "2020-03-01T18:00")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    staff.looks_at("change-group-error")
    assert Group.objects.get(pk=world.forming.pk).changes == 0
    assert told(mailoutbox) == Counter()

    # Staff move the group to another day and room: each person invited gets one email, with both.
    moved_to = (timezone.localtime() + datetime.timedelta(days=9)).replace(hour=17, minute=30, second=0, microsecond=0)
    page.fill("#id_first_meeting", moved_to.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_room", label="Møterom 3")
    sent = page.evaluate("() => Object.fromEntries(new FormData(document.querySelector('main form')))")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{staff.group_path(world.forming)}")
    expect(page.get_by_role("status")).to_be_visible()
    assert told(mailoutbox) == Counter(invited)
    for message in mailoutbox:
        assert as_mailed(moved_to) in message.body
        assert "Møterom 3, Storgata 8, 3. etasje" in message.body

    # The same form sent again (a double submit) tells nobody twice.
    again = page.request.post(staff.group_path(world.forming, "endre/"), form=sent)
    assert again.ok and urlsplit(again.url).path == staff.group_path(world.forming)
    assert told(mailoutbox) == Counter(invited)
    assert Group.objects.get(pk=world.forming.pk).changes == 1

    # A second move is news: one more email each, with the latest time.
    mailoutbox.clear()
    moved_again = moved_to + datetime.timedelta(days=2)
    page.goto(staff.group_path(world.forming, "endre/"))
    page.fill("#id_first_meeting", moved_again.strftime("%Y-%m-%dT%H:%M"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{staff.group_path(world.forming)}")
    assert told(mailoutbox) == Counter(invited)
    assert all(as_mailed(moved_again) in message.body for message in mailoutbox)
    group = Group.objects.get(pk=world.forming.pk)
    assert (group.first_meeting, group.changes, group.status) == (moved_again, 2, Group.Status.FORMING)

    # Cancel: the page says what will happen; opening it changes nothing; its button cancels.
    mailoutbox.clear()
    page.locator(f'a[href="{staff.group_path(world.forming, "avlys/")}"]').click()
    staff.looks_at("cancel-group")
    assert Group.objects.get(pk=world.forming.pk).status == Group.Status.FORMING
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{staff.group_path(world.forming)}")
    expect(page.get_by_role("status")).to_be_visible()
    staff.looks_at("group-cancelled")
    assert Group.objects.get(pk=world.forming.pk).status == Group.Status.CANCELLED
    assert told(mailoutbox) == Counter(invited)
    assert not Invitation.objects.filter(group=world.forming).exists()
    back = SignUp.objects.filter(email_hash__in=[p.email_hash for p in world.people[:6]])
    assert set(back.values_list("status", flat=True)) == {SignUp.Status.WAITING}
    assert {p.pk: p.waiting_since for p in back} == {p.pk: p.waiting_since for p in world.people[:6]}


def test_staff_confirm_that_a_group_has_met_before_it_is_handed_over(
    open_page: Callable[..., Page], world: World, mailoutbox: list[mail.EmailMessage], artifacts: str
) -> None:
    page = open_page()
    staff = Staff(page, world, artifacts)
    staff.signs_in()

    page.goto(staff.group_path(world.has_met))
    page.locator(f'a[href="{staff.group_path(world.has_met, "har-motts/")}"]').click()
    staff.looks_at("has-met")
    assert Group.objects.get(pk=world.has_met.pk).status == Group.Status.FORMING
    assert SignUp.objects.filter(pk__in=[p.pk for p in world.people[6:9]]).count() == 3

    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{staff.group_path(world.has_met)}")
    expect(page.get_by_role("status")).to_be_visible()
    assert Group.objects.get(pk=world.has_met.pk).status == Group.Status.HANDED_OFF
    assert not SignUp.objects.filter(pk__in=[p.pk for p in world.people[6:9]]).exists()
    guides = [m for m in mailoutbox if "/p/gruppe/" in m.body]
    assert sorted(m.to[0] for m in guides) == sorted(p.email for p in world.people[6:9])
