"""Several lists, one form, in a real browser, in bokmål and English: a person who ticks
Arabic and Norwegian joins a local list and a nationwide video list with one form and one confirmation, sees
both places on their own page, says yes to a group at the local one, and is gone
from the video list. axe-core checks each page the person sees on the way."""

import os
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from contactpoints.languages import seed_rows
from contactpoints.models import ContactPoint, County, Language, Municipality
from groups.models import SignUp
from selvhjelp.crypto import address_hash
from tests.base import LINK, start_group, waiting_person
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.usefixtures("transactional_db")

PERSON = "to.lister@example.org"
IN_PERSON = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
BROWSERS = {"nb": "nb-NO", "en": "en-GB"}


def said(language: str, message: str, **values: object) -> str:
    with translation.override(language):
        return translation.gettext(message) % values if values else translation.gettext(message)


def private_path(message: mail.EmailMessage) -> str:
    match = LINK.search(message.body)
    assert match, "the email holds no private link"
    return urlsplit(match.group(0)).path


@pytest.fixture
def two_lists() -> tuple[ContactPoint, ContactPoint]:
    county = County.objects.create(number="03", name="Oslo")
    oslo = Municipality.objects.create(number="0301", name="Oslo", county=county)
    local = ContactPoint.objects.create(
        slug="frivilligsentralen-grunerlokka",
        name="Frivilligsentralen Grünerløkka",
        kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
        municipality=oslo,
        offers_in_person=True,
        offers_video=True,
        threshold=5,
    )
    local.staff.add(get_user_model().objects.create_user("koordinator@grunerlokka.example", "a-long-password-9"))
    video = ContactPoint.objects.create(
        slug="videogrupper-for-hele-landet",
        name="Videogrupper for hele landet",
        kind=ContactPoint.Kind.SELF_HELP_CENTRE,
        municipality=oslo,
        nationwide=True,
        offers_in_person=False,
        offers_video=True,
    )
    # A browser test empties every table between tests, the seeded languages too.
    for row in seed_rows():
        Language.objects.get_or_create(code=row["code"], defaults=row)
    arabic_and_norwegian = Language.objects.filter(code__in=["ar", "no"])
    local.languages.set(arabic_and_norwegian)
    video.languages.set(arabic_and_norwegian)
    return local, video


@pytest.mark.parametrize("language", list(BROWSERS))
def test_one_form_two_lists_one_confirmation_and_a_yes_at_one_ends_the_other(
    language: str,
    two_lists: tuple[ContactPoint, ContactPoint],
    open_page,  # type: ignore[no-untyped-def]
    mailoutbox: list[mail.EmailMessage],
    artifacts: str,
) -> None:
    local, video = two_lists
    for n in range(4):
        waiting_person(local, f"venter{n}@example.org", days_ago=30 - n, locale=language, **IN_PERSON)

    # 1. One form: the local list, and the nationwide video list ticked as well.
    person = open_page(locale=BROWSERS[language], width=375, height=900)
    person.goto(f"/kontaktpunkter/{local.slug}/meld-interesse/")
    expect(person.locator("main")).to_contain_text(said(language, "Also put me on the list at"))
    assert_accessible(person)
    person.locator("#id_email").fill(PERSON)
    for box in ("for_myself", "adult", "privacy"):
        person.locator(f'input[name="{box}"]').check()
    person.locator('input[name="format"][value="any"]').check()
    person.locator('input[name="time_of_day"][value="evening"]').check()
    person.locator('input[name="languages"][value="ar"]').check()
    person.locator('input[name="languages"][value="no"]').check()
    person.locator('input[name="age_group"][value="30-44"]').check()
    person.locator(f'input[name="also_nationwide"][value="{video.pk}"]').check()
    person.screenshot(path=os.path.join(artifacts, f"several-lists-form-{language}.png"), full_page=True)
    person.locator("main form button[type=submit]").last.click()
    expect(person.locator("h1")).to_be_visible()

    # 2. One email names both lists; one button confirms both.
    [confirmation] = [m for m in mailoutbox if m.to == [PERSON]]
    assert local.name in confirmation.body and video.name in confirmation.body
    person.goto(private_path(confirmation))
    expect(person.locator("main")).to_contain_text(video.name)
    assert_accessible(person)
    person.locator('button[name="action"][value="confirm"]').click()
    places = SignUp.objects.filter(email_hash=address_hash(PERSON))
    assert sorted(places.values_list("status", flat=True)) == ["waiting", "waiting"]
    assert [sorted(p.languages) for p in places] == [["ar", "no"], ["ar", "no"]]

    # 3. The private page shows each place, in words, and how to leave each.
    expect(person.locator("main")).to_contain_text(said(language, "All your lists"))
    expect(person.locator("main")).to_contain_text(said(language, "Leave the list at %(name)s", name=video.name))
    assert_accessible(person)
    person.screenshot(path=os.path.join(artifacts, f"several-lists-private-page-{language}.png"), full_page=True)

    # 4. A group starts at the local list; the person says yes there and is gone from the video list.
    mailoutbox.clear()
    start_group(local, by=local.staff.get(), seats=5)
    [invitation] = [m for m in mailoutbox if m.to == [PERSON]]
    person.goto(private_path(invitation))
    assert_accessible(person)
    mailoutbox.clear()
    person.locator('button[name="reply"][value="yes"]').click()
    expect(person.locator("dl.facts")).to_be_visible()
    expect(person.locator("main")).to_contain_text(video.name)  # the page says which list they left
    assert_accessible(person)
    person.screenshot(path=os.path.join(artifacts, f"several-lists-said-yes-{language}.png"), full_page=True)
    assert list(places.values_list("contact_point__slug", "status")) == [(local.slug, "accepted")]
    [accepted] = [m for m in mailoutbox if m.to == [PERSON]]
    assert video.name in accepted.body
