"""Word when a place opens, in a browser: a person searches a municipality with no contact point,
asks to be told when one opens, confirms from the email with the button, and when staff publish a
contact point there, gets exactly one email. In bokmål and in English; axe-core finds nothing on the
pages; screenshots in test-artifacts/."""

import os
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import Page, expect

from contactpoints import services
from contactpoints.models import ContactPoint, County, Municipality, NoticeRequest
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.usefixtures("transactional_db")

ADDRESS = "kari.nordmann@example.org"
NOTICE_LINK = re.compile(r"https?://[^\s\"<>]+(/p/varsel/[A-Za-z0-9_-]+/)\s")


@pytest.fixture
def alta() -> Municipality:
    finnmark = County.objects.create(number="56", name="Finnmark")
    Municipality.objects.create(number="5607", name="Vadsø", county=finnmark)
    return Municipality.objects.create(number="5601", name="Alta", county=finnmark)


def words(language: str, message: str, **values: str) -> str:
    """What the page shows for ``message`` in ``language``, from the app's own catalogue."""
    with translation.override(language):
        text = translation.gettext(message)
    return text % values if values else text


@pytest.mark.parametrize(("language", "locale"), [("nb", "nb-NO"), ("en", "en-GB")])
def test_a_person_asks_confirms_and_is_told_once_when_a_place_opens(
    open_page, alta: Municipality, artifacts: str, mailoutbox: list[mail.EmailMessage], language: str, locale: str
) -> None:
    page: Page = open_page(locale=locale)

    def shot(name: str) -> None:
        page.screenshot(path=os.path.join(artifacts, f"notice-{name}-{language}.png"), full_page=True)

    page.goto("/kontaktpunkter/?q=Alta")
    offer = words(language, "Hear from us when a contact point opens in %(place)s", place="Alta")
    assert_accessible(page)
    shot("search")
    page.get_by_role("link", name=offer).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(words(language, "Hear when a contact point opens"))
    expect(page.get_by_label(words(language, "Your municipality"))).to_have_value("5601")
    assert_accessible(page)
    page.get_by_label(words(language, "Your email address")).fill(ADDRESS)
    page.get_by_label(words(language, "I am asking for myself")).check()
    shot("form")
    page.get_by_role("button", name=words(language, "Tell me")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words(language, "Check your email"))
    assert_accessible(page)

    assert [m.to for m in mailoutbox] == [[ADDRESS]]
    match = NOTICE_LINK.search(mailoutbox[0].body)
    assert match, "the email holds the link to confirm"
    page.goto(urlsplit(match.group(0).strip()).path)
    expect(page.get_by_role("heading", level=1)).to_have_text(words(language, "Confirm your request"))
    assert NoticeRequest.objects.get().confirmed_at is None, "opening the link changes nothing"
    assert_accessible(page)
    shot("confirm")
    page.get_by_role("button", name=words(language, "Yes, tell me")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words(language, "We will tell you"))
    assert NoticeRequest.objects.get().confirmed_at is not None
    assert_accessible(page)
    shot("confirmed")

    mailoutbox.clear()
    point = ContactPoint.objects.create(
        slug="alta-frivilligsentral",
        name="Alta frivilligsentral",
        kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
        municipality=alta,
        is_active=False,
        offers_in_person=False,
        offers_telephone=True,
        description="Vi hjelper folk å starte selvhjelpsgrupper, på telefon og i byen.",
        opening_hours="Hverdager 9–15",
        public_email="post@alta-frivilligsentral.example",
    )
    assert services.publish(contact_point=point)
    assert [m.to for m in mailoutbox] == [[ADDRESS]], "exactly one email"
    notice = mailoutbox[0]
    assert notice.subject == words(language, "A contact point has opened near you")
    assert point.get_absolute_url() in notice.body
    assert not NoticeRequest.objects.exists(), "nothing kept once told"

    # The link in the notice leads to the new contact point's page.
    page.goto(point.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alta frivilligsentral")
