"""A real headless Chromium, driven through Playwright, against Django's live server.

Debian's Chromium is used (Playwright's own browser download is not needed):
``apt-get install chromium``; another binary can be named with ``E2E_CHROMIUM``.
"""

import os
import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright import sync_api

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    named = os.environ.get("E2E_CHROMIUM")
    if named:
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="package")
def browser() -> Iterator["sync_api.Browser"]:
    executable = _chromium_path()
    if executable is None:
        message = "needs Chromium: apt-get install chromium (or set E2E_CHROMIUM)"
        # CI installs Chromium in .ci/run and must fail, not quietly skip, without it.
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API keeps an event loop running in this thread while it is
    # started, and Django refuses ORM calls when it sees one. The tests here call
    # the ORM between browser steps, so allow it, for these tests only: the browser
    # is stopped and the setting restored before the rest of the suite runs.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


class Requests:
    """Every request the page makes, so a test can prove none left the site."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.urls: list[str] = []

    def record(self, request: "sync_api.Request") -> None:
        self.urls.append(request.url)

    def elsewhere(self) -> list[str]:
        own = urlsplit(self.origin)
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and (urlsplit(url).scheme, urlsplit(url).netloc) != (own.scheme, own.netloc)
        ]


@pytest.fixture
def requests_made(live_server) -> Requests:  # type: ignore[no-untyped-def]
    return Requests(live_server.url)


@pytest.fixture
def page(browser, live_server, requests_made: Requests) -> Iterator["sync_api.Page"]:  # type: ignore[no-untyped-def]
    # A Norwegian person's browser: it asks for bokmål, as most visitors' will.
    context = browser.new_context(base_url=live_server.url, locale="nb-NO", viewport={"width": 1280, "height": 900})
    context.on("request", requests_made.record)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def artifacts() -> str:
    """Where screenshots go, for a person to look at (gitignored)."""
    path = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "test-artifacts")
    path = os.path.normpath(path)
    os.makedirs(path, exist_ok=True)
    return path
