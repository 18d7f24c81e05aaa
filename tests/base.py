"""Personas and helpers shared by the tests."""

import datetime
import re
import threading
import time
import uuid

from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client, TestCase
from django.utils import timezone, translation

from contactpoints.models import ContactPoint, County, Municipality, Office
from groups.forms import started_stamp
from groups.matching import Plan
from groups.models import Format, SignUp
from groups.services import forming, signing_up
from selvhjelp.crypto import address_hash

LINK = re.compile(r"https?://[^\s\"<>]+/p/([A-Za-z0-9_-]+)/")


class Personas(TestCase):
    """Two contact points in two counties, their staff, two district offices and the national office."""

    @classmethod
    def setUpTestData(cls) -> None:
        User = get_user_model()
        cls.oslo_county = County.objects.create(number="03", name="Oslo")
        cls.finnmark = County.objects.create(number="56", name="Finnmark")
        cls.oslo = Municipality.objects.create(number="0301", name="Oslo", county=cls.oslo_county)
        cls.kautokeino = Municipality.objects.create(
            number="5612", name="Guovdageaidnu", other_names="Kautokeino", county=cls.finnmark
        )
        cls.point_a = ContactPoint.objects.create(
            slug="sentral-a",
            name="Sentral A",
            kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
            municipality=cls.oslo,
            public_email="post@sentral-a.example",
        )
        cls.point_b = ContactPoint.objects.create(
            slug="sentral-b",
            name="Sentral B",
            kind=ContactPoint.Kind.SELF_HELP_CENTRE,
            municipality=cls.kautokeino,
            offers_telephone=True,
        )
        cls.staff_a = User.objects.create_user("staff-a@work.example", "a-long-password-1")
        cls.staff_b = User.objects.create_user("staff-b@work.example", "a-long-password-2")
        cls.point_a.staff.add(cls.staff_a)
        cls.point_b.staff.add(cls.staff_b)
        cls.district_east = Office.objects.create(slug="ost", name="Øst")
        cls.district_east.counties.add(cls.oslo_county)
        cls.district_north = Office.objects.create(slug="nord", name="Nord")
        cls.district_north.counties.add(cls.finnmark)
        cls.district_east_user = User.objects.create_user("east@office.example", "a-long-password-3")
        cls.district_east.members.add(cls.district_east_user)


def a_contact_point() -> ContactPoint:
    """A frivilligsentral in Oslo, for tests that make their own rows (TransactionTestCase) rather than
    use ``Personas``."""
    county = County.objects.create(number="03", name="Oslo")
    municipality = Municipality.objects.create(number="0301", name="Oslo", county=county)
    return ContactPoint.objects.create(
        slug="sentral", name="Sentral", kind="frivilligsentral", municipality=municipality
    )


def link_token(message: mail.EmailMessage) -> str:
    """The private-link token in an email's text body."""
    match = LINK.search(message.body)
    assert match, "the email holds no private link"
    return match.group(1)


def signup_data(**overrides: object) -> dict[str, object]:
    """The sign-up form as a person sends it: filled in, a minute after the page came."""
    data: dict[str, object] = {
        "started": started_stamp(time.time() - 60),
        "email": "kari@example.org",
        "for_myself": "on",
        "adult": "on",
        "privacy": "on",
        "nickname": "",
        "format": "any",
        "time_of_day": "any",
        "languages": ["en", "no", "se"],
        "age_group": "any",
    }
    data.update(overrides)
    return data


ANY_PLAN = {"format": "any", "time_of_day": "any", "language": "any", "age_group": "any"}
EVENING_PLAN = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}


def wishes(**preferences) -> signing_up.Preferences:
    """A person's wishes, written like a plan: ``language="ar"`` is ticking Arabic alone, and
    ``language="any"`` ticking Norwegian, English and Northern Sami; or ``languages=[...]``."""
    chosen = {**ANY_PLAN, **preferences}
    language = chosen.pop("language")
    if "languages" not in chosen:
        chosen["languages"] = ("en", "no", "se") if language == "any" else (language,)
    return signing_up.Preferences(**{**chosen, "languages": tuple(chosen["languages"])})


def person_signs_up(point, email: str, *, locale: str = "nb", **preferences) -> None:
    """A person submits the sign-up form (through the service, not the page)."""
    signing_up.sign_up(
        contact_point=point,
        email=email,
        nickname="",
        preferences=wishes(**preferences),
        locale=locale,
    )


VIDEO_LINK = "https://meet.example/gruppe-7f3k"


def start_group(point, *, by, seats: int = 5, first_meeting=None, follow_up=None, joining_link=None, **plan: str):
    """Staff start a group (through the service) for a plan, by default an evening group in Norwegian;
    a video group with a link to join."""
    video = plan.get("format") == Format.VIDEO
    return forming.start_group(
        contact_point=point,
        details=forming.GroupDetails(
            plan=Plan(**{**EVENING_PLAN, **plan}),
            first_meeting=first_meeting or timezone.now() + datetime.timedelta(days=2),
            room=None,
            place_details="" if video else "Kafeen",
            joining_link=joining_link or (VIDEO_LINK if video else ""),
            joining_details="Open the link in a web browser. No account needed." if video else "",
            follow_up=follow_up,
            seats=seats,
            starter_present=False,
        ),
        created_by=by,
        request_key=uuid.uuid4(),
    )


def waiting_person(point, email: str, *, days_ago: int = 0, **preferences):
    """A person who signed up through the service and confirmed; returns their sign-up."""
    person_signs_up(point, email, **preferences)
    signup = SignUp.objects.get(contact_point=point, email_hash=address_hash(email))
    signing_up.confirm(signup=signup)
    if days_ago:
        SignUp.objects.filter(pk=signup.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=days_ago))
    signup.refresh_from_db()
    return signup


def in_threads(*functions):
    """Run ``functions`` at the same moment, each in a thread with its own database
    connection; returns what each returned, or the exception it met."""
    barrier = threading.Barrier(len(functions))
    results: list[object] = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread met
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


class InEnglish(TestCase):
    """Pages and messages in the source language, so that tests read the words they check
    whether or not the catalogues translate them yet."""

    def setUp(self) -> None:
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def client_for(self, user=None) -> Client:
        from tests.signin import sign_in

        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            sign_in(client, user)
        return client
