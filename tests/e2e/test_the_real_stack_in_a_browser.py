"""The whole story in a real browser, against the app as it runs in production:
gunicorn with DEBUG=0, a real Celery worker and Redis, PostgreSQL.

A person signs up (by keyboard), reads the email the worker wrote, confirms;
four more do the same; staff start a group; members answer; the group is
handed off; the database holds nothing of them. axe-core checks every page on
the way, at a phone width and a desktop width.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import TransactionTestCase
from django.utils import timezone

from contactpoints.models import Room
from groups.models import Group, Invitation, PrivateLink, SignUp
from outbox.models import Email
from tests.base import a_contact_point
from tests.e2e.conftest import assert_accessible
from tests.integration.stack import STAFF_EMAIL, STAFF_PASSWORD, RealStack, wait_for
from tests.signin import current_code, ensure_device

PEOPLE = [f"member{n}@example.org" for n in range(5)]
WIDTHS = (320, 1280)


@pytest.mark.postgres
@pytest.mark.stack  # a browser test that also starts the real stack
class RealStackInABrowserTests(RealStack, TransactionTestCase):
    @pytest.fixture(autouse=True)
    def _browser(self, browser):  # type: ignore[no-untyped-def]
        self.browser = browser

    def setUp(self):
        self.point = a_contact_point()
        self.room = Room.objects.create(contact_point=self.point, name="Stua", address="Storgata 1")
        self.point.staff.add(get_user_model().objects.create_user(STAFF_EMAIL, STAFF_PASSWORD))
        # The browser fills in the form faster than a person, which the time trap
        # would take for a program (tests/e2e/test_public_form_in_a_browser.py).
        self.start_stack(webs=1, workers=1, env={"SIGNUP_FORM_MIN_SECONDS": "0"})
        self.web = self.webs[0]
        self.contexts = []
        self.addCleanup(self.close_contexts)
        self.checked: set[tuple[str, int]] = set()

    def close_contexts(self):
        for context in self.contexts:
            context.close()

    def open(self, width: int = 1280):
        # Only these contexts bypass the CSP: axe-core is injected as a script.
        context = self.browser.new_context(
            base_url=self.web, locale="nb-NO", viewport={"width": width, "height": 900}, bypass_csp=True
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def check(self, page, kind: str) -> None:
        """axe-core on this kind of page, once per width."""
        width = page.viewport_size["width"]
        if (kind, width) not in self.checked:
            assert_accessible(page)
            self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), width, kind)
            self.checked.add((kind, width))

    def link_for(self, address: str, count: int) -> str:
        self.assertTrue(wait_for(lambda: len(self.mail_to(address)) >= count), f"no email {count} to {address}")
        return self.link_in(self.mail_to(address)[count - 1])

    def test_a_group_from_sign_ups_to_hand_off_in_a_browser_against_gunicorn_and_a_worker(self):
        # Five people sign up; the first by keyboard alone, at a phone's width.
        for number, address in enumerate(PEOPLE):
            page = self.open(WIDTHS[number % 2])
            page.goto(f"/kontaktpunkter/{self.point.slug}/meld-interesse/")
            self.check(page, "sign-up form")
            if number == 0:
                page.focus("#id_email")
                page.keyboard.type(address)
                for _ in range(3):
                    page.keyboard.press("Tab")
                    page.keyboard.press("Space")
                norwegian = 'input[name="languages"][value="no"]'
                for _ in range(10):  # past the nickname and the ways and times of meeting
                    page.keyboard.press("Tab")
                    if page.evaluate("s => document.activeElement.matches(s)", norwegian):
                        break
                page.keyboard.press("Space")
                page.keyboard.press("Enter")
            else:
                page.fill("#id_email", address)
                for name in ("for_myself", "adult", "privacy"):
                    page.check(f"#id_{name}")
                page.check('input[name="languages"][value="no"]')
                page.locator("main form button[type=submit]").click()
            page.wait_for_url("**/sjekk-e-posten/")
            self.check(page, "check your email")
            # The worker writes the confirmation; opening its link changes nothing.
            page.goto(self.link_for(address, 1))
            self.check(page, "confirm")
            self.assertEqual(SignUp.objects.order_by("-pk").first().status, SignUp.Status.UNCONFIRMED)
            page.click("button[value=confirm]")
            page.wait_for_selector("button[value=preferences]")
            self.check(page, "your sign-up")
        self.assertEqual(SignUp.objects.filter(status="waiting").count(), 5)
        self.assertTrue(wait_for(lambda: Email.objects.filter(kind="enough", sent_at__isnull=False).exists()))

        # Staff sign in and start a group; the app picks who.
        staff = self.open(1280)
        device = ensure_device(get_user_model().objects.get(email=STAFF_EMAIL))
        staff.goto("/logg-inn/")
        staff.fill("#id_username", STAFF_EMAIL)
        staff.fill("#id_password", STAFF_PASSWORD)
        staff.locator("main form button[type=submit]").click()
        staff.wait_for_url("**/logg-inn/kode/")
        self.check(staff, "sign-in, the code step")
        staff.fill("#id_code", current_code(device))
        staff.locator("main form button[type=submit]").click()
        staff.wait_for_url(f"**/ansatt/{self.point.slug}/")
        self.check(staff, "staff dashboard")
        staff.goto(f"/ansatt/{self.point.slug}/ny-gruppe/")
        self.check(staff, "start group")
        meeting = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
        staff.fill("#id_first_meeting", meeting.strftime("%Y-%m-%dT%H:%M"))
        staff.select_option("#id_room", str(self.room.pk))
        staff.fill("#id_seats", "5")
        staff.locator("main form button[type=submit]").first.click()
        staff.wait_for_url("**/grupper/*/")
        self.check(staff, "group")
        for address in PEOPLE:
            self.assertNotIn(address, staff.content())

        # Every member answers yes on the page behind the invitation's link.
        for number, address in enumerate(PEOPLE):
            page = self.open(WIDTHS[number % 2])
            page.goto(self.link_for(address, 2))
            self.check(page, "invitation")
            page.click("button[value=yes]")
            page.wait_for_selector(".ds-alert")
        self.assertEqual(Invitation.objects.filter(status="accepted").count(), 5)

        # The group has met: staff hand it over; the worker sends the guides, then deletes everyone.
        Group.objects.update(first_meeting=timezone.now() - datetime.timedelta(hours=1))
        staff.reload()
        staff.click("a[href$='/har-motts/']")
        staff.click("main form button[type=submit]")
        self.assertTrue(wait_for(lambda: Group.objects.get().status == Group.Status.HANDED_OFF), self.logs())
        for address in PEOPLE:
            self.assertEqual(len(self.mail_to(address)), 4, address)  # confirm, invitation, yes, guide
        self.assertFalse(SignUp.objects.exists())
        self.assertFalse(Invitation.objects.exists())
        self.assertFalse(PrivateLink.objects.exists())
        self.assertFalse(Email.objects.filter(signup__isnull=False).exists())
        self.assertEqual(Group.objects.get().members_at_start, 5)
