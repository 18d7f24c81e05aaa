"""A real headless Chromium, driven through Playwright, against Django's live server.

Debian's Chromium is used (Playwright's own browser download is not needed):
``apt-get install chromium``; another binary can be named with ``E2E_CHROMIUM``.

Accessibility is checked with axe-core, vendored in ``vendor/axe-core`` so that
nothing is downloaded when the tests run.
"""

import os
import shutil
from collections.abc import Callable, Iterator
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

AXE_SCRIPT = os.path.join(os.path.dirname(__file__), "vendor", "axe-core", "axe.min.js")
# WCAG 2.1 level A and AA, which Norwegian law requires of the service (DESIGN §6).
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# How many elements of each violation to name; the rest are counted.
TARGETS_SHOWN = 3


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


@pytest.fixture(autouse=True)
def _a_browser_is_quicker_than_a_person(settings) -> None:  # type: ignore[no-untyped-def]
    """Playwright fills in a form within a second, which the form's time trap
    takes for a program. These tests are about other things; the time trap has
    a browser test of its own (test_public_form_in_a_browser.py), which sets it again."""
    settings.SIGNUP_FORM_MIN_SECONDS = 0


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


@pytest.fixture
def open_page(browser, live_server, requests_made: Requests) -> Iterator[Callable[..., "sync_api.Page"]]:  # type: ignore[no-untyped-def]
    """Open a page in a browser context of its own, for axe-core to check.

    The site's Content-Security-Policy allows no inline script, and Playwright
    injects axe-core as one, so these contexts, and only these, bypass the CSP.
    Tests that prove the CSP holds use the ``page`` fixture instead.
    """
    contexts: list[sync_api.BrowserContext] = []

    def open_(*, locale: str = "nb-NO", width: int = 1280, height: int = 900) -> "sync_api.Page":
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": width, "height": height}, bypass_csp=True
        )
        contexts.append(context)
        context.on("request", requests_made.record)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_
    for context in contexts:
        context.close()


def accessibility_violations(page: "sync_api.Page") -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now, one readable line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=AXE_SCRIPT)
        if not page.evaluate("() => typeof window.axe === 'object'"):
            raise AssertionError("axe-core did not load: was the page opened with bypass_csp=True (open_page)?")
    results = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        WCAG_21_AA,
    )
    lines = []
    for violation in results["violations"]:
        nodes = violation["nodes"]
        targets = [" ".join(map(str, node["target"])) for node in nodes[:TARGETS_SHOWN]]
        if len(nodes) > TARGETS_SHOWN:
            targets.append(f"and {len(nodes) - TARGETS_SHOWN} more")
        checks = [check for node in nodes[:1] for kind in ("any", "all", "none") for check in node[kind]]
        detail = f" ({checks[0]['message']})" if checks and checks[0].get("message") else ""
        lines.append(f"{violation['id']} [{violation['impact']}]: {violation['help']}{detail} at {'; '.join(targets)}")
    return lines


def assert_accessible(page: "sync_api.Page") -> None:
    """Fail, with a readable list, if axe-core finds any WCAG 2.1 A or AA violation on the page."""
    violations = accessibility_violations(page)
    assert not violations, f"{page.url} has {len(violations)} accessibility violation(s):\n" + "\n".join(
        f"  - {line}" for line in violations
    )
