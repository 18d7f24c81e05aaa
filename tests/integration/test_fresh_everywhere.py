"""What staff change shows on every web process's public pages at once (selvhjelp/pagecache.py).

Two gunicorn web processes keep the public pages in memory. A change that bumps the generation is
announced on Redis, and each process hears of it within moments instead of asking Redis on every
request: a page kept before the change is not shown again by either process."""

import pytest
from django.test import TransactionTestCase, override_settings

from groups.services import pausing_and_closing
from selvhjelp.env import cache_from_url
from tests.base import a_contact_point
from tests.integration.stack import RealStack, wait_for

# The page's button to the form, shown while the contact point takes sign-ups.
SIGN_UP_BUTTON = 'href="/kontaktpunkter/sentral/meld-interesse/"'


@pytest.mark.postgres
class FreshOnEveryWebProcessTests(RealStack, TransactionTestCase):
    def setUp(self):
        self.point = a_contact_point()
        self.start_stack(webs=2, workers=1)

    def page_on_each_web(self) -> list[str]:
        visitor = self.visitor()
        return [self.get(visitor, f"/kontaktpunkter/{self.point.slug}/").text for _web in self.webs]

    def test_a_pause_shows_on_both_web_processes_though_each_kept_the_page(self):
        for _ in range(3):  # each process has made the page and answers it from memory
            self.assertTrue(all(SIGN_UP_BUTTON in page for page in self.page_on_each_web()))
        # Staff pause sign-ups (here, as the app does it, in this process, on the stack's cache).
        with override_settings(CACHES={"default": cache_from_url(self.env["CACHE_URL"])}):
            pausing_and_closing.pause_signups(contact_point=self.point, message="")
        shown = wait_for(lambda: not any(SIGN_UP_BUTTON in page for page in self.page_on_each_web()), timeout=1.0)
        self.assertTrue(shown, "a process kept showing the page from before the pause")
