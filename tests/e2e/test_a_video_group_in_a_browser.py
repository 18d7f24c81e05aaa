"""A video group in a real browser, in each of the four languages: a person signs up
for video only, staff start a video group with its link, the invitation carries a
calendar file and no link, saying yes brings the link (on the page and by email),
and the day before the first meeting a reminder comes in the person's language.
axe-core checks each page a person or staff member sees on the way."""

import datetime
import os
from urllib.parse import urlsplit

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import expect

from contactpoints.models import ContactPoint, County, Municipality
from groups import tasks
from groups.models import Group, Invitation, SignUp
from selvhjelp.crypto import address_hash
from tests.base import LINK, waiting_person
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_sami_in_a_browser import signed_in

pytestmark = pytest.mark.usefixtures("transactional_db")

VIDEO = {"format": "video", "time_of_day": "evening", "language": "any", "age_group": "any"}
JOINING_LINK = "https://meet.example/nordlys-gruppe-93"
# The language each browser asks for, and what the pages then speak (Northern Sami: bokmål, marked).
BROWSERS = {"nb": ("nb-NO", "nb"), "nn": ("nn-NO", "nn"), "en": ("en-GB", "en"), "se": ("se-NO", "nb")}


def said(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def private_path(message: mail.EmailMessage) -> str:
    match = LINK.search(message.body)
    assert match, "the email holds no private link"
    return urlsplit(match.group(0)).path


def calendar_in(message: mail.EmailMessage) -> icalendar.Calendar:
    [content] = [a[1] for a in message.attachments if a[2].startswith("text/calendar")]
    return icalendar.Calendar.from_ical(content)


@pytest.fixture
def video_point() -> ContactPoint:
    county = County.objects.create(number="18", name="Nordland")
    municipality = Municipality.objects.create(number="1804", name="Bodø", county=county)
    point = ContactPoint.objects.create(
        slug="nordlys-selvhjelp",
        name="Nordlys selvhjelp",
        kind=ContactPoint.Kind.VOLUNTARY_ORGANISATION,
        municipality=municipality,
        public_email="post@nordlys.example",
        offers_in_person=False,
        offers_video=True,
        threshold=5,
        seats=6,
    )
    point.staff.add(get_user_model().objects.create_user("koordinator@nordlys.example", "a-long-password-9"))
    return point


@pytest.mark.parametrize("language", list(BROWSERS))
def test_a_person_joins_a_video_group_and_gets_the_link_only_after_saying_yes(
    language: str,
    video_point: ContactPoint,
    open_page,  # type: ignore[no-untyped-def]
    live_server,  # type: ignore[no-untyped-def]
    mailoutbox: list[mail.EmailMessage],
    artifacts: str,
) -> None:
    browser_locale, speaks = BROWSERS[language]
    for n in range(4):
        waiting_person(video_point, f"venter{n}@example.org", days_ago=30 - n, locale=language, **VIDEO)

    # 1. The person signs up for video only, in their own browser and language.
    person = open_page(locale=browser_locale, width=320, height=800)
    person.goto(f"/kontaktpunkter/{video_point.slug}/meld-interesse/")
    expect(person.locator("html")).to_have_attribute("lang", speaks)
    ways = person.locator('input[name="format"]')
    assert sorted(ways.evaluate_all("inputs => inputs.map(i => i.value)")) == ["video"]
    assert_accessible(person)
    person.locator("#id_email").fill("ny.deltaker@example.org")
    person.locator('input[name="format"][value="video"]').check()
    person.locator('input[name="languages"][value="no"]').check()
    for box in ("for_myself", "adult", "privacy"):
        person.locator(f'input[name="{box}"]').check()
    person.locator("main form button[type=submit]").last.click()
    expect(person.locator("h1")).to_be_visible()
    signup = SignUp.objects.get(email_hash=address_hash("ny.deltaker@example.org"))
    assert (signup.format, signup.locale) == ("video", language)
    person.goto(private_path(mailoutbox[-1]))
    person.locator('button[name="action"][value="confirm"]').click()
    SignUp.objects.filter(pk=signup.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=40))

    # 2. Staff start a video group: the form asks for the link and says it goes only to those who say yes.
    staff = open_page(locale=browser_locale)
    signed_in(staff, video_point, live_server)
    staff.goto(f"/ansatt/{video_point.slug}/ny-gruppe/")
    assert_accessible(staff)
    staff.locator("#id_format").select_option("video")
    staff.locator("#id_time_of_day").select_option("evening")
    staff.locator("#id_language").select_option("no")
    staff.locator("#id_age_group").select_option("any")
    first_meeting = timezone.localtime() + datetime.timedelta(days=6)
    staff.locator("#id_first_meeting").fill(first_meeting.strftime("%Y-%m-%dT18:00"))
    staff.locator("#id_joining_link").fill(JOINING_LINK)
    staff.locator("#id_joining_details").fill("Åpne lenken i en nettleser. Du trenger ingen konto.")
    staff.locator("#id_follow_up").fill((first_meeting + datetime.timedelta(weeks=6)).strftime("%Y-%m-%dT18:00"))
    mailoutbox.clear()
    staff.locator("main form button[type=submit]").first.click()
    expect(staff.locator("dl.facts")).to_contain_text(JOINING_LINK)
    assert_accessible(staff)
    group = Group.objects.get()
    assert group.format == "video" and group.follow_up is not None

    # 3. The invitation: a calendar file, and no link to join, in the person's language.
    [invitation] = [m for m in mailoutbox if m.to == ["ny.deltaker@example.org"]]
    assert invitation.subject == said(language, "You are invited to a first meeting")
    for part in (invitation.body, invitation.alternatives[0][0], calendar_in(invitation).to_ical().decode()):
        assert "meet.example" not in part
    assert len(calendar_in(invitation).walk("VEVENT")) == 2  # the first meeting and the follow-up
    person.goto(private_path(invitation))
    expect(person.locator("html")).to_have_attribute("lang", speaks)
    expect(person.locator("dl.facts")).not_to_contain_text("meet.example")
    assert_accessible(person)

    # 4. Saying yes: the link on the page and in the email, with the final calendar file.
    mailoutbox.clear()
    person.locator('button[name="reply"][value="yes"]').click()
    expect(person.locator("dl.facts")).to_contain_text(JOINING_LINK)
    assert_accessible(person)
    person.screenshot(path=os.path.join(artifacts, f"video-invitation-said-yes-{language}-320.png"), full_page=True)
    [accepted] = [m for m in mailoutbox if m.to == ["ny.deltaker@example.org"]]
    assert accepted.subject == said(language, "You have said yes: your first meeting")
    assert JOINING_LINK in accepted.body
    member_file = calendar_in(accepted).walk("VEVENT")[0]
    assert str(member_file["URL"]) == JOINING_LINK
    assert member_file["UID"] == calendar_in(invitation).walk("VEVENT")[0]["UID"]

    # 5. The day before: one reminder, in the person's language, with the link and the way out.
    Invitation.objects.filter(signup=signup).update(answered_at=timezone.now() - datetime.timedelta(days=2))
    Group.objects.filter(pk=group.pk).update(first_meeting=timezone.now() + datetime.timedelta(hours=23))
    mailoutbox.clear()
    tasks.remind_members()
    tasks.remind_members()
    [reminder] = [m for m in mailoutbox if m.to == ["ny.deltaker@example.org"]]
    assert reminder.subject == said(language, "Reminder: your first group meeting")
    assert JOINING_LINK in reminder.body
    assert private_path(reminder).startswith("/p/")
