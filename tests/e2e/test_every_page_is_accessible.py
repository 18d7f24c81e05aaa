"""axe-core finds no WCAG 2.1 A or AA violation on any page the browser tests visit,
on a 320 px phone and a 1280 px desktop, in bokmål, nynorsk, English and Northern Sami (DESIGN §6).

Each page is also checked for the things axe-core leaves out: that it speaks the
language asked for, has exactly one h1, and needs no sideways scrolling on a phone.
A test visits all its pages before it fails, so one run lists every problem.
"""

import datetime
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from contactpoints.languages import seed_rows
from contactpoints.models import ContactPoint, County, Language, Municipality, Office, Room
from contactpoints.services import invite_colleague
from groups import links
from groups.models import AddressExchange, MonthlyFigure, NoticeHold, SignUp
from groups.services import moving
from materials import services as materials
from materials.models import Material
from selvhjelp.i18n import text_language
from tests.base import EVENING_PLAN, link_token, start_group, waiting_person
from tests.e2e.conftest import Requests, accessibility_violations, assert_accessible
from tests.signin import current_code, ensure_device

pytestmark = pytest.mark.usefixtures("transactional_db")

PHONE_WIDTH = 320
DESKTOP_WIDTH = 1280
# Each page is checked at both widths (width: height), the phone's last: the visitor goes on at it,
# where a page has the least room.
VIEWPORTS = {DESKTOP_WIDTH: 900, PHONE_WIDTH: 720}
# The language a browser asks for, by the language the page should then speak.
BROWSER_LOCALES = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB", "se": "se-NO"}
STAFF_EMAIL = "koordinator@frivilligsentral.example"
OFFICE_EMAIL = "radgiver@selvhjelp.example"
PASSWORD = "a-long-staff-password-7"
WAITING = 6


@dataclass
class World:
    point: ContactPoint
    room: Room
    office: Office
    waiting: list[SignUp]
    small_point: ContactPoint
    nationwide: ContactPoint


@pytest.fixture
def world() -> World:
    troms = County.objects.create(number="55", name="Troms")
    vestland = County.objects.create(number="46", name="Vestland")
    tromso = Municipality.objects.create(number="5501", name="Tromsø", other_names="Romsa", county=troms)
    bergen = Municipality.objects.create(number="4601", name="Bergen", county=vestland)
    small_point = ContactPoint.objects.create(
        slug="bergen-frisklivssentral",
        name="Bergen frisklivssentral",
        kind=ContactPoint.Kind.FRISKLIVSSENTRAL,
        municipality=bergen,
        offers_telephone=True,
    )
    point = ContactPoint.objects.create(
        slug="tromso-frivilligsentral",
        name="Tromsø frivilligsentral",
        kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
        municipality=tromso,
        street_address="Storgata 1",
        postcode="9008",
        post_town="Tromsø",
        opening_hours="Mandag–fredag 10–15",
        public_email="post@tromso-frivilligsentral.example",
    )
    nationwide = ContactPoint.objects.create(
        slug="selvhjelp-pa-telefon",
        name="Selvhjelp på telefon",
        kind=ContactPoint.Kind.VOLUNTARY_ORGANISATION,
        municipality=bergen,
        nationwide=True,
        offers_in_person=False,
        offers_telephone=True,
        description="Grupper som møtes på telefon, for hele landet.",
    )
    room = Room.objects.create(
        contact_point=point, name="Peisestua", address="Storgata 8, 2. etasje", capacity=12, accessibility="Heis"
    )
    User = get_user_model()
    point.staff.add(User.objects.create_user(STAFF_EMAIL, PASSWORD))
    office = Office.objects.create(slug="nord", name="Selvhjelp Norge Nord")
    office.counties.add(troms)
    office.members.add(User.objects.create_user(OFFICE_EMAIL, PASSWORD))
    this_month = timezone.localdate().replace(day=1)
    for months_ago, (signed_up, confirmed, groups) in enumerate([(9, 8, 1), (14, 12, 0), (6, 6, 2), (11, 9, 1)]):
        month = (this_month - datetime.timedelta(days=31 * months_ago)).replace(day=1)
        MonthlyFigure.objects.create(
            contact_point=point,
            month=month,
            signed_up=signed_up,
            confirmed=confirmed,
            withdrawn=1,
            invited=groups * 6,
            accepted=groups * 5,
            declined=groups,
            groups_started=groups,
            members_at_start=groups * 5,
            days_waited=groups * 5 * 40,
        )
    waiting = [
        waiting_person(point, f"deltaker{n}@example.org", days_ago=60 - n, **EVENING_PLAN) for n in range(WAITING)
    ]
    return World(point=point, room=room, office=office, waiting=waiting, small_point=small_point, nationwide=nationwide)


@dataclass
class Visitor:
    """A person asking for one language, checking each page they see at a desktop's width and a phone's."""

    page: Page
    language: str
    artifacts: str
    problems: list[str] = field(default_factory=list)

    def visits(self, path: str, what: str, *, status: int = 200) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == status, f"{what}: {path} answered {response}"
        self.checks(what)

    def checks(self, what: str) -> None:
        """The page as it is now, at each width: its language, one h1, no sideways scroll, and axe-core."""
        for width in self.at_each_width():
            self.checks_at(what, width)

    def at_each_width(self) -> Iterator[int]:
        for width, height in VIEWPORTS.items():
            self.page.set_viewport_size({"width": width, "height": height})
            yield width

    def checks_at(self, what: str, width: int) -> None:
        where = f"{what} ({self.language}, {width}px, {self.page.url})"
        language = self.page.locator("html").get_attribute("lang")
        # A Northern Sami page is in bokmål where Sami has no translation, and says so (selvhjelp/i18n.py).
        if language != text_language(self.language):
            self.problems.append(f"{where}: <html lang={language!r}>, not {text_language(self.language)!r}")
        headings = self.page.locator("h1").count()
        if headings != 1:
            self.problems.append(f"{where}: {headings} h1 elements, not one")
        scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            self.problems.append(f"{where}: {scroll_width}px wide, so it scrolls sideways")
        self.problems.extend(f"{where}: {line}" for line in accessibility_violations(self.page))

    def screenshot(self, name: str) -> None:
        """For a person to look at: axe-core cannot tell whether a page looks right."""
        for width in self.at_each_width():
            path = os.path.join(self.artifacts, f"a11y-{name}-{self.language}-{width}.png")
            self.page.screenshot(path=path, full_page=True)

    def signs_in(self, email: str, password: str = PASSWORD, *, check: bool = False) -> None:
        """Both steps: the password, then the code the account's code app shows now."""
        device = ensure_device(get_user_model().objects.get(email=email))
        self.page.goto("/logg-inn/")
        self.page.locator('input[name="username"]').fill(email)
        self.page.locator('input[name="password"]').fill(password)
        self.page.locator("main .form-actions button[type=submit]").click()
        self.page.wait_for_load_state()
        if "/logg-inn/kode/" not in self.page.url:
            return  # the password was refused
        if check:
            self.checks("sign-in, the code step")
        self.page.locator('input[name="code"]').fill(current_code(device))
        self.page.locator("main .form-actions button[type=submit]").click()
        self.page.wait_for_load_state()

    def is_clean(self) -> None:
        assert not self.problems, f"{len(self.problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in self.problems)


@pytest.fixture(params=list(BROWSER_LOCALES))
def visitor(request: pytest.FixtureRequest, open_page: Callable[..., Page], artifacts: str) -> Visitor:
    language = request.param
    page = open_page(locale=BROWSER_LOCALES[language], width=PHONE_WIDTH, height=VIEWPORTS[PHONE_WIDTH])
    return Visitor(page=page, language=language, artifacts=artifacts)


def signed_up_in_the_visitors_language(visitor: Visitor, signup: SignUp) -> None:
    """A person's own pages speak the language they signed up in: here, the one the visitor reads."""
    SignUp.objects.filter(pk=signup.pk).update(locale=visitor.language)


def private_path(outbox: list[mail.EmailMessage], address: str) -> str:
    """The private link in the newest email to ``address``."""
    message = [m for m in outbox if m.to == [address]][-1]
    return f"/p/{link_token(message)}/"


def test_the_check_finds_a_violation_and_downloads_nothing(
    open_page: Callable[..., Page], world: World, requests_made: Requests
) -> None:
    """axe-core really runs: a page spoilt on purpose fails, with a list a person can act on."""
    page = open_page(width=PHONE_WIDTH)
    page.goto("/")
    assert_accessible(page)
    page.evaluate(
        """() => {
            const image = document.createElement('img');
            image.src = '/static/favicon.svg';
            const faint = document.createElement('p');
            faint.textContent = 'Faint text';
            faint.style.color = '#cccccc';
            document.querySelector('main').append(image, faint);
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    assert "image-alt [critical]: Images must have alternative text" in report
    assert "color-contrast [serious]" in report and "contrast of 1.6" in report
    assert requests_made.elsewhere() == []


def test_the_public_pages_are_accessible(visitor: Visitor, world: World) -> None:
    point = world.point
    visitor.visits("/", "home page")
    visitor.visits("/kontaktpunkter/", "directory")
    visitor.visits("/kontaktpunkter/?q=Troms%C3%B8", "directory, searched")
    visitor.visits("/kontaktpunkter/?q=Lindesnes", "directory, nothing found")
    visitor.visits(f"/kontaktpunkter/{point.slug}/", "contact point")
    visitor.visits(f"/kontaktpunkter/{world.small_point.slug}/", "contact point whose list is short")
    visitor.visits("/veiledning/", "getting-started guide")
    visitor.visits("/personvern/", "privacy")
    visitor.visits("/tilgjengelighet/", "accessibility statement")
    visitor.visits("/trukket/", "withdrawn")
    visitor.visits("/finnes-ikke/", "not found", status=404)
    visitor.visits("/p/not-a-real-link/", "private link that does not work", status=404)
    visitor.is_clean()


def test_signing_up_and_the_private_pages_are_accessible(
    visitor: Visitor, world: World, mailoutbox: list[mail.EmailMessage], settings
) -> None:
    page, point = visitor.page, world.point
    address = "kari.nordmann@example.org"
    form = f"/kontaktpunkter/{point.slug}/meld-interesse/"

    visitor.visits(form, "sign-up form")
    page.locator("#id_nickname").fill("Kari")
    page.locator("main .form-actions button").click()
    expect(page.locator("#error-summary")).to_be_visible()
    visitor.checks("sign-up form with errors")
    visitor.screenshot("signup-errors")

    page.locator("#id_email").fill(address)
    page.locator('input[name="languages"][value="no"]').check()
    for box in ("for_myself", "adult", "privacy"):
        page.locator(f"#id_{box}").check()
    settings.SIGNUP_FORM_MIN_SECONDS = 3600  # the time trap, every time
    page.locator("main .form-actions button").click()
    expect(page.locator("#error-summary")).to_be_focused()
    visitor.checks("sign-up form, sent very quickly")
    settings.SIGNUP_FORM_MIN_SECONDS = 0
    page.locator("main .form-actions button").click()
    page.wait_for_url(f"**/kontaktpunkter/{point.slug}/sjekk-e-posten/")
    visitor.checks("check your email")

    settings.SIGNUP_LIMIT_PER_CLIENT = 1  # reached by the sign-up just sent
    page.goto(form)
    page.locator("#id_email").fill("someone.else@example.org")
    page.locator('input[name="languages"][value="no"]').check()
    for box in ("for_myself", "adult", "privacy"):
        page.locator(f"#id_{box}").check()
    page.locator("main .form-actions button").click()
    expect(page.locator("#turned-away")).to_be_focused()
    visitor.checks("sign-up form, turned away by the limit")
    visitor.screenshot("signup-turned-away")

    visitor.visits(private_path(mailoutbox, address), "confirm page")
    page.locator('main button[name="action"][value="confirm"]').click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("your sign-up, just confirmed")
    yours = page.url

    group = start_group(point, by=None, seats=WAITING - 1)
    invited = world.waiting[0].email
    signed_up_in_the_visitors_language(visitor, world.waiting[0])
    visitor.visits(private_path(mailoutbox, invited), "invitation")
    page.locator('main button[name="reply"][value="yes"]').click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("invitation, said yes")

    # After the first meeting: the page where those who were there share their addresses.
    until = timezone.now() + datetime.timedelta(days=3)
    AddressExchange.objects.create(
        group=group, email="ola@example.org", nickname="Ola", shared_at=timezone.now(), expires_at=until
    )
    exchange = AddressExchange.objects.create(group=group, email=invited, nickname="Kari", expires_at=until)
    visitor.visits(
        links.exchange_url(links.mint_exchange(exchange_id=exchange.pk)), "sharing addresses after the meeting"
    )
    page.locator('main button[name="action"][value="share"]').click()
    expect(page.locator("main .ds-alert")).to_be_visible()
    visitor.checks("sharing addresses, shared")

    page.goto(yours)
    page.locator('main a[href$="/trekk/"]').click()
    page.wait_for_url("**/trekk/")
    visitor.checks("leaving the list, asked first")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/trukket/**")
    visitor.checks("withdrawn, after leaving the list")
    visitor.is_clean()


def test_signing_in_is_accessible(visitor: Visitor, world: World) -> None:
    visitor.visits("/logg-inn/", "sign-in")
    visitor.signs_in(STAFF_EMAIL, "not-the-password")
    expect(visitor.page.locator(".ds-error-summary, .ds-validation-message").first).to_be_visible()
    visitor.checks("sign-in with a wrong password")
    visitor.signs_in(OFFICE_EMAIL, check=True)
    visitor.is_clean()


def test_the_account_pages_are_accessible(visitor: Visitor, world: World, settings) -> None:
    page = visitor.page
    visitor.visits("/passord/glemt/", "forgot password")
    visitor.visits("/passord/glemt/sendt/", "forgot password, sent")
    visitor.visits("/passord/MQ/not-a-token/", "a used or expired set-password link", status=404)

    mail.outbox.clear()
    invite_colleague(contact_point=world.point, email="ny.kollega@frivilligsentral.example", by=None)
    link = next(word for word in mail.outbox[-1].body.split() if "/passord/" in word)
    visitor.visits(urlsplit(link).path, "choose a password")
    page.locator("main .form-actions button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    visitor.checks("choose a password, with errors")
    page.locator("#id_new_password1").fill("correct horse battery staple")
    page.locator("#id_new_password2").fill("correct horse battery staple")
    page.locator("main .form-actions button[type=submit]").click()
    page.wait_for_url("**/logg-inn/kodeapp/")
    visitor.checks("set up a code app")
    visitor.screenshot("set-up-code-app")
    device = TOTPDevice.objects.get(user__email="ny.kollega@frivilligsentral.example", confirmed=False)
    page.locator("#id_code").fill(current_code(device))
    page.locator("main .form-actions button[type=submit]").click()
    page.wait_for_url("**/logg-inn/reservekoder/")
    visitor.checks("recovery codes")
    page.locator("main a.ds-button").click()
    page.wait_for_url(f"**/ansatt/{world.point.slug}/")

    settings.AXES_FAILURE_LIMIT = 1
    page.context.clear_cookies()
    visitor.signs_in(STAFF_EMAIL, "not-the-password")
    visitor.checks("sign-in paused after too many attempts")
    visitor.is_clean()


def test_the_staff_pages_are_accessible(visitor: Visitor, world: World) -> None:
    page, slug = visitor.page, world.point.slug
    visitor.signs_in(STAFF_EMAIL)
    page.wait_for_url(f"**/ansatt/{slug}/")
    visitor.checks("staff dashboard, enough waiting")
    NoticeHold.objects.create(contact_point=world.point, turned_away=True)
    visitor.visits(f"/ansatt/{slug}/", "staff dashboard, notice held after a burst")
    visitor.screenshot("staff-notice-held")
    page.locator("#notice-held button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("staff dashboard, notice released")
    visitor.visits(f"/ansatt/{slug}/rediger/", "edit the contact point")
    visitor.visits(f"/ansatt/{slug}/rom/", "rooms")
    visitor.visits(f"/ansatt/{slug}/rom/{world.room.pk}/", "a room")
    visitor.visits(f"/ansatt/{slug}/melding/", "message to everyone waiting")

    visitor.visits(f"/ansatt/{slug}/ny-gruppe/", "start a group")
    page.locator("main .form-actions button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    visitor.checks("start a group with errors")
    visitor.screenshot("start-group-errors")

    first_meeting = timezone.localtime(timezone.now() + datetime.timedelta(days=4)).replace(hour=18, minute=0)
    for name, value in EVENING_PLAN.items():
        page.locator(f"#id_{name}").select_option(value)
    page.locator("#id_first_meeting").fill(first_meeting.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_room").select_option(str(world.room.pk))
    page.locator("#id_seats").fill(str(WAITING - 1))
    page.locator("main .form-actions button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("group, just started")
    visitor.visits(f"/ansatt/{slug}/", "staff dashboard, with a group")
    visitor.is_clean()


def test_the_office_figures_are_accessible(visitor: Visitor, world: World) -> None:
    visitor.signs_in(OFFICE_EMAIL)
    visitor.visits(f"/kontor/{world.office.slug}/", "district office figures")
    visitor.screenshot("office-figures")
    previous = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    visitor.visits(f"/kontor/{world.office.slug}/?month={previous}", "district office figures, last month")
    visitor.is_clean()


def test_becoming_a_contact_point_is_accessible(visitor: Visitor, world: World) -> None:
    page = visitor.page
    visitor.visits("/bli-kontaktpunkt/", "become a contact point")
    page.locator("#id_municipality_name").fill("Narvikk")
    page.locator("main .form-actions button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    visitor.checks("application with errors")
    visitor.screenshot("application-errors")
    page.locator("#id_organisation").fill("Romsa frivilligsentral")
    page.locator("#id_municipality_name").fill("Tromsø (Troms)")
    page.locator("#id_street_address").fill("Storgata 2")
    page.locator("#id_postcode").fill("9008")
    page.locator("#id_post_town").fill("Tromsø")
    page.locator("#id_public_email").fill("post@romsa.example")
    page.locator("#id_first_staff_email").fill("leder@romsa.example")
    page.locator("#id_offers_in_person").check()
    page.locator("main .form-actions button[type=submit]").click()
    page.wait_for_url("**/bli-kontaktpunkt/sendt/")
    visitor.checks("application sent")

    visitor.signs_in(OFFICE_EMAIL)
    office = world.office.slug
    visitor.visits(f"/kontor/{office}/soknader/", "applications")
    page.get_by_role("link", name="Romsa frivilligsentral").click()
    visitor.checks("an application")
    page.locator("#id_body").fill("Hvem skal være koordinator?")
    page.locator('main button[name="action"][value="ask"]').click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("an application, question sent")
    page.locator('main button[name="action"][value="approve"]').click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("an application, approved")
    visitor.is_clean()


def test_looking_after_a_contact_point_is_accessible(
    visitor: Visitor, world: World, mailoutbox: list[mail.EmailMessage]
) -> None:
    page, slug = visitor.page, world.point.slug
    visitor.signs_in(STAFF_EMAIL)
    page.wait_for_url(f"**/ansatt/{slug}/")
    visitor.visits(f"/ansatt/{slug}/kom-i-gang/", "checklist of a listed contact point")
    new = ContactPoint.objects.create(
        slug="ny",
        name="Nordstrand frivilligsentral",
        kind="frivilligsentral",
        municipality=world.point.municipality,
        is_active=False,
        public_email="post@nordstrand.example",
    )
    new.staff.add(get_user_model().objects.get(email=STAFF_EMAIL))
    visitor.visits("/ansatt/ny/", "dashboard of a contact point not yet listed")
    visitor.visits("/ansatt/ny/kom-i-gang/", "checklist of a new contact point")
    visitor.visits(f"/ansatt/{slug}/bekreft-opplysninger/", "confirm the details")
    visitor.visits(f"/ansatt/{slug}/kolleger/", "colleagues")
    visitor.visits(f"/ansatt/{slug}/pause/", "pause new sign-ups")
    page.locator("main .form-actions button[value=pause]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    visitor.checks("pause with errors")
    page.locator("#id_message").fill("Stengt i jula. Velkommen igjen i januar.")
    page.locator("main .form-actions button[value=pause]").click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("staff dashboard, paused")
    visitor.visits(f"/ansatt/{slug}/pause/", "pause, while paused")
    visitor.visits(f"/kontaktpunkter/{slug}/", "contact point, paused")
    visitor.visits(f"/kontaktpunkter/{slug}/meld-interesse/", "sign-up form, paused")
    visitor.screenshot("contact-point-paused")

    tromso = world.point.municipality
    ContactPoint.objects.create(slug="romsa", name="Romsa LMS", kind="lms", municipality=tromso)
    ContactPoint.objects.create(
        slug="telefon",
        name="Selvhjelp på telefon",
        kind="organisation",
        municipality=tromso,
        nationwide=True,
        offers_in_person=False,
        offers_telephone=True,
    )
    visitor.visits(f"/ansatt/{slug}/legg-ned/", "close the contact point")
    page.locator("#id_understood").check()
    page.locator("main .form-actions button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("staff dashboard, closed")
    visitor.visits(f"/ansatt/{slug}/legg-ned/", "closed contact point")

    signed_up_in_the_visitors_language(visitor, world.waiting[0])
    visitor.visits(private_path(mailoutbox, world.waiting[0].email), "closing offer")
    visitor.screenshot("closing-offer")
    page.locator('main button[name="action"][value="move"]').first.click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("your sign-up, moved")
    visitor.is_clean()


def test_the_offer_to_move_to_a_nationwide_list_is_accessible(
    visitor: Visitor, world: World, mailoutbox: list[mail.EmailMessage]
) -> None:
    page = visitor.page
    address = "venter.lenge@example.org"
    waiting_person(world.small_point, address, days_ago=120, format="telephone", locale=visitor.language)
    assert moving.offer_moves() == 1

    visitor.visits(private_path(mailoutbox, address), "your sign-up, with the offer to move")
    visitor.screenshot("move-offer")
    page.locator('main button[name="action"][value="move"]').click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("your sign-up, moved to the nationwide list")
    assert SignUp.objects.get(contact_point=world.nationwide).waiting_since is not None
    visitor.is_clean()


def overflows_its_paper(page: Page, selector: str) -> list[str]:
    """Each printed sheet (poster or card) whose content does not fit its paper when printed."""
    page.emulate_media(media="print")
    sizes = page.evaluate(
        "s => [...document.querySelectorAll(s)]"
        ".map(e => [e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight])",
        selector,
    )
    page.emulate_media(media="screen")
    return [f"{selector} {w}x{h} > {cw}x{ch}" for w, cw, h, ch in sizes if w > cw + 1 or h > ch + 1]


def test_posters_cards_and_ordering_materials_are_accessible(visitor: Visitor, world: World) -> None:
    page, slug = visitor.page, world.point.slug
    material = Material.objects.create(
        title="Selvhjelp – en innføring", description="Kort innføring.", languages=["nb", "nn", "se", "en"]
    )
    Material.objects.create(title="Hvordan sette i gang en selvorganisert selvhjelpsgruppe", languages=["nb", "se"])
    visitor.signs_in(STAFF_EMAIL)
    # Printed in any of the four languages, the poster fills one A4 page and each card its quarter.
    for language in BROWSER_LOCALES:
        for kind, sheet in (("plakat", ".poster"), ("kort", ".print-card")):
            page.goto(f"/ansatt/{slug}/{kind}/?language={language}")
            visitor.problems.extend(f"{language}: {problem}" for problem in overflows_its_paper(page, sheet))
    visitor.visits(f"/ansatt/{slug}/plakat/", "poster")
    visitor.screenshot("poster")
    visitor.visits(f"/ansatt/{slug}/plakat/?language=se", "poster in Northern Sami")
    visitor.visits(f"/ansatt/{slug}/kort/", "cards")
    visitor.visits(f"/ansatt/{slug}/materiell/", "materials, no orders yet")

    visitor.visits(f"/ansatt/{slug}/materiell/bestill/", "order materials")
    page.locator("#id_organisation").fill("")
    page.locator("main .form-actions button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    visitor.checks("order materials with errors")
    visitor.screenshot("order-errors")

    page.locator("#id_organisation").fill("Tromsø frivilligsentral")
    page.locator("#id_contact_person").fill("Kari Koordinator")
    page.locator(f"#id_quantity_{material.pk}_se").fill("20")
    page.locator("main .form-actions button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("materials, just ordered")
    visitor.is_clean()


def test_the_offices_material_pages_are_accessible(visitor: Visitor, world: World) -> None:
    page = visitor.page
    material = Material.objects.create(title="Selvhjelp – en innføring", languages=["nb", "nn", "se", "en"])
    User = get_user_model()
    materials.place_order(
        contact_point=world.point,
        recipient=materials.Recipient(
            organisation="Tromsø frivilligsentral",
            contact_person="Kari Koordinator",
            email="post@tromso-frivilligsentral.example",
            postal_address="Storgata 1",
            postcode="9008",
            place="Tromsø",
            notes="Ring på.",
        ),
        lines=[materials.Line(material=material, language="se", quantity=20)],
        by=User.objects.get(email=STAFF_EMAIL),
        request_key=uuid.uuid4(),
    )
    national = Office.objects.create(slug="nasjonalt", name="Selvhjelp Norge", is_national=True)
    national.members.add(User.objects.create_user("nasjonalt@selvhjelp.example", PASSWORD))

    visitor.signs_in(OFFICE_EMAIL)
    visitor.visits(f"/kontor/{world.office.slug}/bestillinger/", "material orders to send")
    visitor.screenshot("office-orders")
    page.locator('main button[name="action"][value="sent"]').click()
    expect(page.get_by_role("status")).to_be_visible()
    visitor.checks("material orders, one just sent")

    page.context.clear_cookies()
    visitor.signs_in("nasjonalt@selvhjelp.example")
    visitor.visits("/kontor/nasjonalt/materiell/", "the national office's materials")
    page.locator("main .form-actions button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    visitor.checks("add a material, with errors")
    visitor.visits(f"/kontor/nasjonalt/materiell/{material.pk}/", "a material")
    visitor.is_clean()


def test_the_national_list_of_languages_is_accessible(visitor: Visitor, world: World) -> None:
    page = visitor.page
    for row in seed_rows():
        Language.objects.get_or_create(code=row["code"], defaults=row)
    Language.objects.filter(code="lt").update(is_active=False)
    national = Office.objects.create(slug="nasjonalt", name="Selvhjelp Norge", is_national=True)
    national.members.add(get_user_model().objects.create_user("nasjonalt@selvhjelp.example", PASSWORD))

    visitor.signs_in("nasjonalt@selvhjelp.example")
    visitor.visits("/kontor/nasjonalt/sprak/", "the languages groups can be held in")
    visitor.screenshot("office-languages")
    page.locator('main button[name="action"][value="add"]').click()
    expect(page.locator("#error-summary")).to_be_visible()
    visitor.checks("add a language, with errors")
    visitor.visits("/kontor/nasjonalt/sprak/fa/", "a language's names")
    visitor.is_clean()
