"""A person's whole path through the site, in a real browser: find a contact point,
sign up, confirm from the email, change a wish, leave the list.

Every text the tests look for comes from the translation catalogue of the page's
language, so the tests check that the page really speaks it, not the exact wording.
"""

import os
import re
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.utils import parseaddr
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from playwright.sync_api import Page, expect

from contactpoints.languages import seed_rows
from contactpoints.models import ContactPoint, County, Language, Municipality
from groups.models import PrivateLink, SignUp
from tests.base import LINK
from tests.e2e.conftest import Requests

pytestmark = pytest.mark.usefixtures("transactional_db")

POINT_NAME = "Tromsø frivilligsentral"
ADDRESS = "kari.nordmann@example.org"
PHONE_WIDTH = 320

# Words a bystander who glimpses a subject line must not see: the service itself
# and health topics (DESIGN §4.8).
TELLTALE = re.compile(
    r"selvhjelp|self[- ]?help|helse|health|mental|psyki|psych|diagnos|depres|angst|anxiety|"
    r"sykdom|illness|\brus\b|addict|avhengig|sorg\b|grief|terapi|therap",
    re.IGNORECASE,
)


@dataclass
class Person:
    """A person at their browser, reading the site in one language."""

    page: Page
    language: str
    artifacts: str

    def t(self, message: str, **values: str) -> str:
        """The text the page should show for ``message``, in the page's language."""
        with translation.override(self.language):
            text = translation.gettext(message)
        if self.language != "en":
            assert text != message, f"no {self.language} translation for {message!r}: the page would show English"
        return text % values if values else text

    def sees_page(self, heading: str) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", self.language)
        expect(self.page.locator("h1")).to_have_text(heading)

    def tabs_to(self, selector: str, *, limit: int = 80) -> None:
        """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reaches {selector}")

    def picks_by_keyboard(self, name: str, value: str) -> None:
        """Tab into a group of radio buttons and move with the arrow keys to ``value``."""
        self.tabs_to(f'input[type="radio"][name="{name}"]')
        for _ in range(10):
            if self.page.evaluate("v => document.activeElement.value === v && document.activeElement.checked", value):
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"the arrow keys never reach {name}={value}")

    def has_no_sideways_scroll(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"the page is {width}px wide at a {PHONE_WIDTH}px viewport"

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=os.path.join(self.artifacts, f"{name}-{self.language}.png"), full_page=True)


@pytest.fixture
def contact_point() -> ContactPoint:
    troms = County.objects.create(number="55", name="Troms")
    vestland = County.objects.create(number="46", name="Vestland")
    tromso = Municipality.objects.create(number="5501", name="Tromsø", other_names="Romsa", county=troms)
    bergen = Municipality.objects.create(number="4601", name="Bergen", county=vestland)
    ContactPoint.objects.create(
        slug="bergen-frisklivssentral",
        name="Bergen frisklivssentral",
        kind=ContactPoint.Kind.FRISKLIVSSENTRAL,
        municipality=bergen,
    )
    ContactPoint.objects.create(
        slug="tromso-nedlagt",
        name="Tromsø nedlagte senter",
        kind=ContactPoint.Kind.OTHER,
        municipality=tromso,
        is_active=False,
    )
    point = ContactPoint.objects.create(
        slug="tromso-frivilligsentral",
        name=POINT_NAME,
        kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
        municipality=tromso,
        street_address="Storgata 1",
        postcode="9008",
        post_town="Tromsø",
        opening_hours="Mandag–fredag 10–15",
        public_email="post@tromso-frivilligsentral.example",
    )
    # Norwegian, English and Arabic (a flushed database between browser tests has no list: make it).
    for row in seed_rows():
        Language.objects.get_or_create(code=row["code"], defaults=row)
    point.languages.set(Language.objects.filter(code__in=["no", "en", "ar"]))
    return point


def walk_the_whole_path(
    person: Person,
    contact_point: ContactPoint,
    mailoutbox: list[mail.EmailMessage],
    requests_made: Requests,
    *,
    switch_language: str = "",
) -> None:
    page, t = person.page, person.t

    # 1. Find the contact point.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    if switch_language:
        switcher = page.locator("header nav.language-switcher")
        switcher.locator(f'a[hreflang="{switch_language}"]').click()
        expect(switcher.locator('a[aria-current="true"]')).to_have_attribute("hreflang", switch_language)
    person.sees_page(t("Join a self-help group"))
    page.get_by_role("link", name=t("Find a place near you")).click()

    person.sees_page(t("Find a contact point"))
    page.get_by_label(t("Search by name, municipality or county")).fill("Tromsø")
    page.get_by_role("button", name=t("Search"), exact=True).click()
    results = page.locator("ul.card-list > li")
    expect(results).to_have_count(1)  # not Bergen, not the inactive one
    results.get_by_role("link", name=POINT_NAME).click()

    person.sees_page(POINT_NAME)
    page.get_by_role("link", name=t("Sign up for a group here")).click()

    # 2. The form, on a wide screen and on a small phone, sent with the required parts empty.
    person.sees_page(t("Sign up at %(name)s", name=POINT_NAME))
    person.screenshot("signup-form-1280")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 720})
    person.has_no_sideways_scroll()

    page.locator("#id_nickname").fill("Kari")
    page.locator('input[name="time_of_day"][value="evening"]').check()
    page.get_by_role("button", name=t("Sign up"), exact=True).click()

    person.sees_page(t("Sign up at %(name)s", name=POINT_NAME))
    expect(page).to_have_title(re.compile("^" + re.escape(t("Error:"))))
    summary = page.locator("#error-summary")
    expect(summary.locator("h2")).to_have_text(t("Please correct the following before you continue"))
    errors = {
        "email": ("Your email address", "This field is required."),
        "for_myself": ("I am signing up for myself", "You can only sign up yourself. Nobody can sign up someone else."),
        "adult": ("I am 18 or older", "You must be 18 or older to join a group."),
        "privacy": (
            "I have read how my information is used",
            "Please read how your information is used and tick the box.",
        ),
    }
    # A person who ticked no language is told to tick one.
    languages = (
        "Which languages can you take part in a group in?",
        "Tick at least one language you can take part in a group in.",
    )
    expect(summary.locator("li")).to_have_count(len(errors) + 1)
    expect(summary.locator('a[href="#id_languages"]')).to_have_text(f"{t(languages[0])}: {t(languages[1])}")
    expect(page.locator("#id_languages_error")).to_have_text(t(languages[1]))
    for field, (label, error) in errors.items():
        link = summary.locator(f'a[href="#id_{field}"]')
        expect(link).to_have_text(f"{t(label)}: {t(error)}")
        expect(page.locator(f"#id_{field}_error")).to_have_text(t(error))
        expect(page.locator(f"#id_{field}")).to_have_attribute("aria-describedby", re.compile(f"id_{field}_error"))
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    # What the person typed and chose is still there.
    expect(page.locator("#id_nickname")).to_have_value("Kari")
    expect(page.locator('input[name="time_of_day"][value="evening"]')).to_be_checked()
    person.has_no_sideways_scroll()
    person.screenshot("signup-errors-320")
    assert mailoutbox == []
    assert not SignUp.objects.exists()

    # 3. Filled in with the keyboard alone.
    page.set_viewport_size({"width": 1280, "height": 900})
    person.tabs_to("#id_email")
    page.keyboard.type(ADDRESS)
    for box in ("for_myself", "adult", "privacy"):
        person.tabs_to(f"#id_{box}")
        page.keyboard.press("Space")
        expect(page.locator(f"#id_{box}")).to_be_checked()
    person.tabs_to("#id_nickname")
    page.keyboard.press("End")
    page.keyboard.type(" N.")
    person.picks_by_keyboard("format", "in_person")
    person.picks_by_keyboard("time_of_day", "evening")
    for code in ("no", "ar"):
        person.tabs_to(f'input[name="languages"][value="{code}"]')
        page.keyboard.press("Space")
    expect(page.locator('input[name="languages"][value="ar"]')).to_be_checked()
    expect(page.locator('label[for="id_languages_2"] span[lang="ar"]')).to_have_attribute("dir", "auto")
    person.picks_by_keyboard("age_group", "30-44")
    person.tabs_to("main .form-actions button")
    page.keyboard.press("Enter")

    person.sees_page(t("Check your email"))
    assert urlsplit(page.url).path == f"/kontaktpunkter/{contact_point.slug}/sjekk-e-posten/"

    # 4. The email, and its link: opening it changes nothing; the button does.
    signup = SignUp.objects.get(contact_point=contact_point)
    assert (signup.status, signup.locale, signup.nickname) == (SignUp.Status.UNCONFIRMED, person.language, "Kari N.")
    assert (signup.format, signup.time_of_day, signup.languages, signup.age_group) == (
        "in_person",
        "evening",
        ["ar", "no"],
        "30-44",
    )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [ADDRESS]
    assert not TELLTALE.search(message.subject), message.subject
    assert message.subject == t("Please confirm your email address")
    sender_name, _ = parseaddr(message.from_email)
    # From the contact point, through the service (whose name says nothing about health).
    sender = str(make_header(decode_header(sender_name)))
    assert sender == f"{POINT_NAME} via {settings.SERVICE_NAME}", message.from_email
    confirm_text = t(
        "Please confirm that you want to be on the list at %(name)s. Open this link and press the button:",
        name=POINT_NAME,
    )
    assert confirm_text in message.body
    match = LINK.search(message.body)
    assert match, message.body
    private_path = urlsplit(match.group(0)).path
    html = message.alternatives[0].content if message.alternatives else ""
    assert private_path in html

    for _ in range(2):  # a mail scanner, then the person
        response = page.goto(private_path)
        assert response is not None and response.status == 200
        person.sees_page(t("Confirm your sign-up"))
        signup.refresh_from_db()
        assert signup.status == SignUp.Status.UNCONFIRMED
        assert signup.confirmed_at is None
    page.get_by_role("button", name=t("Yes, put me on the list")).click()

    person.sees_page(t("Your sign-up"))
    expect(page.get_by_role("status")).to_have_text(t("Thank you. You are now on the list."))
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.WAITING
    assert signup.confirmed_at is not None
    person.screenshot("private-page")

    # 5. A change of mind about the time of day.
    expect(page.locator('input[name="time_of_day"][value="evening"]')).to_be_checked()
    page.locator('input[name="time_of_day"][value="daytime"]').check()
    page.get_by_role("button", name=t("Save changes")).click()

    person.sees_page(t("Your sign-up"))
    expect(page.get_by_role("status")).to_have_text(t("Your choices are saved."))
    expect(page.locator('input[name="time_of_day"][value="daytime"]')).to_be_checked()
    signup.refresh_from_db()
    assert signup.time_of_day == "daytime"
    assert (signup.format, signup.languages, signup.age_group, signup.nickname) == (
        "in_person",
        ["ar", "no"],
        "30-44",
        "Kari N.",
    )

    # 6. Leaving the list asks first, then deletes the sign-up, and the old link stops working.
    page.get_by_role("link", name=t("Leave the list and delete my sign-up")).click()
    assert urlsplit(page.url).path == f"{private_path}trekk/"
    expect(page.locator("h1")).to_have_count(1)
    assert SignUp.objects.filter(pk=signup.pk).exists()
    page.get_by_role("button", name=t("Leave the list and delete my sign-up")).click()

    person.sees_page(t("Your sign-up is deleted"))
    assert not SignUp.objects.filter(pk=signup.pk).exists()
    assert not PrivateLink.objects.filter(signup_id=signup.pk).exists()
    response = page.goto(private_path)
    assert response is not None and response.status == 404
    person.sees_page(t("This link does not work"))
    assert len(mailoutbox) == 1

    # 9. Nothing was fetched from anywhere but the site itself.
    assert any("/static/" in url for url in requests_made.urls), requests_made.urls
    assert requests_made.elsewhere() == []


def test_a_person_signs_up_confirms_changes_and_withdraws_in_bokmal(
    page: Page,
    contact_point: ContactPoint,
    mailoutbox: list[mail.EmailMessage],
    requests_made: Requests,
    artifacts: str,
) -> None:
    walk_the_whole_path(Person(page, "nb", artifacts), contact_point, mailoutbox, requests_made)


def test_a_person_signs_up_confirms_changes_and_withdraws_in_english(
    page: Page,
    contact_point: ContactPoint,
    mailoutbox: list[mail.EmailMessage],
    requests_made: Requests,
    artifacts: str,
) -> None:
    walk_the_whole_path(Person(page, "en", artifacts), contact_point, mailoutbox, requests_made, switch_language="en")


def test_the_pages_on_the_way_break_no_rule_of_their_own_content_security_policy(
    page: Page, contact_point: ContactPoint
) -> None:
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    for path in ("/", "/kontaktpunkter/?q=Troms%C3%B8", contact_point.get_absolute_url()):
        page.goto(path)
    page.goto(f"/kontaktpunkter/{contact_point.slug}/meld-interesse/")
    page.locator("main .form-actions button").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert violations == []
