"""Contact-point staff, in a real browser, take their contact point from "enough are
waiting" to a group that has met and been handed over, while the people invited answer
from their own browsers. Staff never see who; afterwards nothing of the members is left.

Every text the tests look for comes from the bokmål translation catalogue, so the tests
check that the pages speak Norwegian, not their exact wording.
"""

import datetime
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import dateformat, timezone, translation
from playwright.sync_api import Browser, Locator, Page, expect

from contactpoints.models import ContactPoint, County, Municipality, Room
from groups.matching import Plan
from groups.models import Group, Invitation, PrivateLink, SignUp
from groups.services import answering, forming
from outbox.models import Email
from tests.base import LINK, waiting_person
from tests.e2e.conftest import Requests
from tests.signin import current_code, ensure_device

pytestmark = pytest.mark.usefixtures("transactional_db")

LANGUAGE = "nb"
PHONE_WIDTH = 320
STAFF_EMAIL = "koordinator@frivilligsentral.example"
STAFF_PASSWORD = "a-long-staff-password-7"
PLAN = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
# Participants' addresses are all in this domain; no staff page may show any of it.
PARTICIPANT_DOMAIN = "@example.org"


def t(message: str, *, same: bool = False, **values: object) -> str:
    """The bokmål text for ``message``, as the page should show it (``same``: spelt as in English)."""
    with translation.override(LANGUAGE):
        text = translation.gettext(message)
    assert same or text != message, f"no bokmål translation for {message!r}: the page would show English"
    return text % values if values else text


def tn(singular: str, plural: str, count: int) -> str:
    """A bokmål text with a count, as ``{% blocktranslate count counter=... %}`` renders it."""
    with translation.override(LANGUAGE):
        text = translation.ngettext(singular, plural, count)
    assert text not in (singular, plural), f"no bokmål translation for {singular!r}"
    return text % {"counter": count}


def plan_label() -> str:
    """How the pages name the group plan everyone here waits for, in bokmål."""
    with translation.override(LANGUAGE):
        return Plan(**PLAN).label


def enough_notice(page: Page) -> Locator:
    """The dashboard's notice that enough are waiting: the alert that offers to start a group."""
    return page.locator(".ds-alert:not([role=status])").filter(
        has=page.get_by_role("link", name=t("Start this group"), exact=True)
    )


def group_heading_date(moment: datetime.datetime) -> str:
    """The group page's heading date, as Django's ``date:"j. F Y H:i"`` renders it in bokmål."""
    with translation.override(LANGUAGE):
        return dateformat.format(timezone.localtime(moment), "j. F Y H:i")


@dataclass
class World:
    point: ContactPoint
    room: Room
    people: list[SignUp]  # longest-waiting first

    @property
    def addresses(self) -> list[str]:
        return [person.email for person in self.people]


@pytest.fixture
def world(transactional_db: None, mailoutbox: list[mail.EmailMessage]) -> World:  # noqa: ARG001
    nordland = County.objects.create(number="18", name="Nordland")
    bodo = Municipality.objects.create(number="1804", name="Bodø", other_names="Bådåddjo", county=nordland)
    point = ContactPoint.objects.create(
        slug="bodo-frivilligsentral",
        name="Bodø frivilligsentral",
        kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
        municipality=bodo,
        street_address="Storgata 8",
        postcode="8006",
        post_town="Bodø",
        public_email="post@bodo-frivilligsentral.example",
        threshold=5,
        seats=6,
        offers_in_person=True,
        is_active=True,
    )
    room = Room.objects.create(
        contact_point=point, name="Peisestua", address="Storgata 8, 2. etasje", capacity=12, accessibility="Heis"
    )
    staff = get_user_model().objects.create_user(STAFF_EMAIL, STAFF_PASSWORD)
    point.staff.add(staff)
    people = [waiting_person(point, f"deltaker{n}{PARTICIPANT_DOMAIN}", days_ago=60 - n, **PLAN) for n in range(7)]
    return World(point=point, room=room, people=people)


class Staff:
    """The coordinator at their browser. Every page they see is checked for people."""

    def __init__(self, page: Page, world: World, artifacts: str) -> None:
        self.page = page
        self.world = world
        self.artifacts = artifacts

    def sees_nobody(self) -> None:
        html = self.page.content()
        for address in self.world.addresses:
            assert address not in html, f"{self.page.url} shows a participant's email address"
        assert PARTICIPANT_DOMAIN not in html, f"{self.page.url} shows a participant's email address"

    def sees_page(self, heading: str) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", LANGUAGE)
        expect(self.page.locator("h1")).to_have_text(heading)
        self.sees_nobody()

    def signs_in(self) -> None:
        device = ensure_device(get_user_model().objects.get(email=STAFF_EMAIL))
        self.page.goto("/logg-inn/")
        self.sees_page(t("Sign in"))
        self.page.locator('input[name="username"]').fill(STAFF_EMAIL)
        self.page.locator('input[name="password"]').fill(STAFF_PASSWORD)
        self.page.locator("main .form-actions button[type=submit]").click()
        self.sees_page(t("Code from your app"))
        self.page.locator('input[name="code"]').fill(current_code(device))
        self.page.locator("main .form-actions button[type=submit]").click()
        self.sees_page(self.world.point.name)
        assert urlsplit(self.page.url).path == f"/ansatt/{self.world.point.slug}/"

    def facts(self) -> dict[str, str]:
        """The group page's list of facts, as label → value."""
        return self.page.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll('dl.facts dt')]
                .map(dt => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]))"""
        )

    def has_no_sideways_scroll(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"{self.page.url} is {width}px wide at a {PHONE_WIDTH}px viewport"

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=os.path.join(self.artifacts, f"{name}.png"), full_page=True)


@contextmanager
def own_browser(browser: Browser, live_server, requests_made: Requests) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A participant's own browser: no cookie or session shared with staff or anyone else."""
    context = browser.new_context(base_url=live_server.url, locale="nb-NO", viewport={"width": 1280, "height": 900})
    context.on("request", requests_made.record)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def private_path(message: mail.EmailMessage) -> str:
    match = LINK.search(message.body)
    assert match, "the email holds no private link"
    return urlsplit(match.group(0)).path


def sent_to(outbox: list[mail.EmailMessage], subject: str) -> dict[str, mail.EmailMessage]:
    found: dict[str, mail.EmailMessage] = {}
    for message in outbox:
        if message.subject == subject:
            assert len(message.to) == 1, message.to
            assert message.to[0] not in found, f"two {subject!r} emails to one person"
            found[message.to[0]] = message
    return found


def test_staff_take_a_contact_point_from_five_waiting_to_a_started_group_with_nothing_left(
    page: Page,
    browser: Browser,
    live_server,  # type: ignore[no-untyped-def]
    world: World,
    mailoutbox: list[mail.EmailMessage],
    requests_made: Requests,
    artifacts: str,
) -> None:
    point, people = world.point, world.people
    staff = Staff(page, world, artifacts)
    csp_violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text))

    # Staff were told once, by email, that enough are waiting.
    assert [m.to for m in mailoutbox if m.to == [STAFF_EMAIL]] == [[STAFF_EMAIL]]
    mailoutbox.clear()

    # 1. The dashboard: how many wait, that enough do, and a way to start the group. Nobody's name.
    staff.signs_in()
    expect(
        page.get_by_role("heading", level=2, name=tn("%(counter)s person waiting", "%(counter)s people waiting", 7))
    ).to_be_visible()
    notice = enough_notice(page)
    expect(notice).to_be_visible()
    expect(notice.locator("li")).to_have_count(1)
    expect(notice.locator("li")).to_contain_text(plan_label())
    expect(notice.locator("li")).to_contain_text(
        t("%(fit)s fit. The %(seats)s who have waited longest are invited.", fit=7, seats=6)
    )
    staff.screenshot("staff-dashboard-1280")

    # 2. Start the group the notice suggests: staff choose when, where and how many seats; the app, who.
    notice.get_by_role("link", name=t("Start this group")).click()
    staff.sees_page(t("Start a group"))
    for field, value in PLAN.items():
        expect(page.locator(f"#id_{field}")).to_have_value(value)
    expect(page.locator("#id_seats")).to_have_value("6")
    first_meeting = timezone.localtime(timezone.now() + datetime.timedelta(days=4)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    page.locator("#id_first_meeting").fill(first_meeting.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_room").select_option(str(world.room.pk))
    page.locator("#id_seats").fill("6")
    page.locator("#id_starter_present").check()
    page.get_by_role("button", name=t("Start the group and send the invitations")).click()

    group = Group.objects.get(contact_point=point)
    assert urlsplit(page.url).path == f"/ansatt/{point.slug}/grupper/{group.pk}/"
    expect(page.get_by_role("status")).to_have_text(t("The group is started. The invitations are on their way."))
    staff.sees_nobody()
    assert (group.format, group.time_of_day, group.language, group.age_group) == tuple(PLAN.values())
    assert (group.room, group.seats, group.starter_present, group.first_meeting) == (
        world.room,
        6,
        True,
        first_meeting,
    )
    facts = staff.facts()
    assert facts[t("Said yes")] == "0"
    assert facts[t("Not answered yet")] == "6"
    assert facts[t("Seats")] == "6"
    staff.screenshot("staff-group-started-1280")

    # 3. The six who have waited longest are invited, each by their own email.
    invitations = sent_to(mailoutbox, t("You are invited to a first meeting"))
    assert len(mailoutbox) == 6
    assert set(invitations) == set(world.addresses[:6])
    links = {address: private_path(message) for address, message in invitations.items()}

    def answers(person: SignUp, reply: str, *, screenshot: str = "") -> None:
        with own_browser(browser, live_server, requests_made) as own:
            own.goto(links[person.email])
            expect(own.locator("h1")).to_have_text(t("Your invitation"))
            expect(own.locator("main")).to_contain_text(world.room.name)
            if screenshot:
                own.screenshot(path=os.path.join(artifacts, f"{screenshot}.png"), full_page=True)
            assert Invitation.objects.get(signup_id=person.pk).status == Invitation.Status.PENDING
            own.locator(f'button[name="reply"][value="{reply}"]').click()
            if reply == "yes":
                expect(own.get_by_role("status")).to_have_text(t("Thank you. We look forward to seeing you."))
                expect(own.locator("main")).to_contain_text(t("You have said yes. See you at the first meeting."))
            else:
                expect(own.get_by_role("status")).to_have_text(
                    t("Thank you for telling us. You keep your place on the list.")
                )

    # Four say yes.
    answers(people[0], "yes", screenshot="invitation-1280")
    answers(people[1], "yes")
    answers(people[2], "yes")
    answers(people[3], "yes")
    # Each who said yes gets the final details, with a calendar file; nobody else hears anything.
    said_yes = mailoutbox[6:]
    assert sorted(m.to[0] for m in said_yes) == sorted(p.email for p in people[:4])
    assert {m.subject for m in said_yes} == {t("You have said yes: your first meeting")}
    # One says not this time: the seat goes, by itself, to the next in line.
    answers(people[4], "not_this_time")
    refill = mailoutbox[10:]
    assert [(m.to, m.subject) for m in refill] == [([people[6].email], t("You are invited to a first meeting"))]
    # One opens the invitation and leaves it unanswered; opening changes nothing.
    with own_browser(browser, live_server, requests_made) as own:
        own.goto(links[people[5].email])
        expect(own.locator("h1")).to_have_text(t("Your invitation"))
    assert Invitation.objects.get(signup_id=people[5].pk).status == Invitation.Status.PENDING
    accepted = Invitation.objects.filter(group=group, status=Invitation.Status.ACCEPTED)
    assert sorted(accepted.values_list("signup_id", flat=True)) == sorted(person.pk for person in people[:4])

    # 4. Staff see the counts, never the people.
    page.reload()
    staff.sees_page(f"{t('Group')} {group_heading_date(first_meeting)}")
    facts = staff.facts()
    assert facts[t("Status", same=True)] == t("Inviting members")
    assert facts[t("Said yes")] == "4"
    assert facts[t("Not answered yet")] == "2"
    assert facts[t("Declined or left the list")] == "1"
    assert facts[t("Did not answer in time")] == "0"
    assert facts[t("Seats")] == "6"
    assert facts[t("A starter comes")] == t("Yes")

    # The evening of the first meeting has come and gone (time moves on in the database);
    # staff press the button before the app's own scheduled hand-off gets to it.
    Group.objects.filter(pk=group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=2))
    mailoutbox.clear()
    page.reload()
    staff.sees_nobody()
    # The button on the group page opens a page that says what will happen; its one button acts.
    page.locator(f'a[href="/ansatt/{point.slug}/grupper/{group.pk}/har-motts/"]').click()
    staff.sees_nobody()
    assert Group.objects.get(pk=group.pk).status == Group.Status.FORMING
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status")).to_have_text(
        t("The group is handed over to its members. Everything about them is being deleted.")
    )
    staff.sees_nobody()
    facts = staff.facts()
    assert facts[t("Status", same=True)] == t("Started")
    assert facts[t("Members at the start")] == "4"
    assert t("Said yes") not in facts
    staff.screenshot("staff-group-handed-off-1280")

    # 5. An anonymous fact remains; nothing of the four.
    group.refresh_from_db()
    assert (group.status, group.members_at_start) == (Group.Status.HANDED_OFF, 4)
    members = [person.pk for person in people[:4]]
    assert not SignUp.objects.filter(pk__in=members).exists()
    assert not PrivateLink.objects.filter(signup_id__in=members).exists()
    assert not Email.objects.filter(signup_id__in=members).exists()
    assert not Invitation.objects.exists()
    assert not SignUp.objects.filter(passed_on_group=group).exists()

    guides = sent_to(mailoutbox, t("How to keep going on your own"))
    assert set(guides) == set(world.addresses[:4])
    for address, message in guides.items():
        # Nobody's address in a mail that can be forwarded or quoted, and no reply to staff.
        assert {a for a in world.addresses if a in message.body or a in str(message.alternatives)} == set(), address
        assert message.reply_to == []
        assert "/p/gruppe/" in message.body  # the exchange, not the private link, which is gone with the sign-up
    exchange = {address: re.search(r"/p/gruppe/[^/\s]+/", message.body).group(0) for address, message in guides.items()}

    # Two who were there share their address, each in their own browser; one who was not shares nothing.
    for person in (people[0], people[1]):
        with own_browser(browser, live_server, requests_made) as own:
            own.goto(exchange[person.email])
            expect(own.locator("h1")).to_have_text(t("Keep in touch with your group"))
            own.get_by_role("button", name=t("I was at the first meeting: share my address")).click()
            expect(own.locator("main .ds-alert")).to_have_text(
                t("Your address is shared with the others who were there and want to share too.")
            )
            if person is people[1]:
                expect(own.locator("main")).to_contain_text(people[0].email)
                own.screenshot(path=os.path.join(artifacts, "address-exchange-1280.png"), full_page=True)
    with own_browser(browser, live_server, requests_made) as own:
        own.goto(exchange[people[2].email])
        expect(own.locator("main")).not_to_contain_text(people[0].email)
        expect(own.locator("main")).not_to_contain_text(people[1].email)

    # Those who never answered are back on the list, keep their place, and are told so.
    back = sent_to(mailoutbox, t("You are still on the list"))
    assert set(back) == {people[5].email, people[6].email}
    assert len(mailoutbox) == len(guides) + len(back)
    for person in (people[4], people[5], people[6]):
        still = SignUp.objects.get(pk=person.pk)
        assert still.status == SignUp.Status.WAITING
        assert still.waiting_since == person.waiting_since
    with own_browser(browser, live_server, requests_made) as own:
        response = own.goto(private_path(back[people[5].email]))
        assert response is not None and response.status == 200
        expect(own.locator("h1")).to_have_text(t("Your sign-up"))
        # A member's invitation link leads nowhere now.
        response = own.goto(links[people[0].email])
        assert response is not None and response.status == 404
        expect(own.locator("h1")).to_have_text(t("This link does not work"))

    # The dashboard, afterwards: three waiting, one group started with four.
    page.goto(f"/ansatt/{point.slug}/")
    staff.sees_page(point.name)
    expect(
        page.get_by_role("heading", level=2, name=tn("%(counter)s person waiting", "%(counter)s people waiting", 3))
    ).to_be_visible()
    expect(enough_notice(page)).to_have_count(0)
    row = page.locator(".table-scroll tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_have_text(t("Started"))
    expect(row.locator("td").nth(1)).to_have_text("4")

    assert csp_violations == []
    assert requests_made.elsewhere() == []


def test_the_staff_dashboard_and_start_page_fit_a_small_phone(page: Page, world: World, artifacts: str) -> None:
    staff = Staff(page, world, artifacts)
    staff.signs_in()
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 720})
    page.reload()
    staff.sees_page(world.point.name)
    staff.has_no_sideways_scroll()
    staff.screenshot("staff-dashboard-320")

    page.get_by_role("link", name=t("Start this group")).click()
    staff.sees_page(t("Start a group"))
    staff.has_no_sideways_scroll()
    staff.screenshot("staff-start-group-320")

    # With errors shown it still fits.
    page.locator("#id_first_meeting").fill("")
    page.get_by_role("button", name=t("Start the group and send the invitations")).click()
    staff.sees_page(t("Start a group"))
    expect(page).to_have_title(re.compile("^" + re.escape(t("Error:"))))
    staff.has_no_sideways_scroll()
    assert not Group.objects.exists()


def test_the_group_has_met_button_changes_nothing_before_the_first_meeting(
    page: Page, world: World, artifacts: str
) -> None:
    staff = Staff(page, world, artifacts)
    group = forming.start_group(
        contact_point=world.point,
        details=forming.GroupDetails(
            plan=Plan(**PLAN),
            first_meeting=timezone.now() + datetime.timedelta(days=3),
            room=world.room,
            place_details="",
            seats=6,
            starter_present=False,
        ),
        created_by=None,
        request_key=uuid.uuid4(),
    )
    for person in world.people[:5]:
        answering.answer(signup=person, reply="yes")
    staff.signs_in()
    page.goto(f"/ansatt/{world.point.slug}/grupper/{group.pk}/")
    staff.sees_nobody()
    # However a fix looks (no button yet, or a refusal), a misclick must not end the group early.
    link = page.locator(f'a[href="/ansatt/{world.point.slug}/grupper/{group.pk}/har-motts/"]')
    if link.count():
        link.click()
        staff.sees_nobody()
    page.goto(f"/ansatt/{world.point.slug}/grupper/{group.pk}/har-motts/")
    button = page.locator("main form button[type=submit]")
    if button.count():
        button.click()
        staff.sees_nobody()
    group.refresh_from_db()
    assert group.status == Group.Status.FORMING
    assert SignUp.objects.filter(pk__in=[person.pk for person in world.people[:5]]).count() == 5
