"""Choosing a language is a plain link: the public pages carry no form for it, so they set no
cookie and hold no CSRF token, and the link remembers the choice in the language cookie only."""

import re
from html import unescape
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from tests.base import Personas


def language_links(response: HttpResponse) -> dict[str, re.Match[str]]:
    """The header's language links on a page, by language code."""
    page = response.content.decode()
    start = page.index('<nav class="language-switcher"')
    switcher = page[start : page.index("</nav>", start)]
    links = re.finditer(
        r'<a [^>]*href="(?P<href>[^"]+)" lang="(?P<lang>[^"]+)" hreflang="(?P=lang)"'
        r"(?P<current>[^>]*)>(?P<name>[^<]*)</a>",
        switcher,
    )
    return {link["lang"]: link for link in links}


def current(response: HttpResponse) -> str:
    """The language the links mark as the page's own (``aria-current``); exactly one."""
    (code,) = (code for code, link in language_links(response).items() if link["current"] == ' aria-current="true"')
    return code


def link_to(response: HttpResponse, language: str) -> str:
    return unescape(language_links(response)[language]["href"])


class PublicPagesTests(Personas):
    def test_the_home_page_sets_no_cookie_and_carries_no_csrf_token(self) -> None:
        pages = {
            "the home page": reverse("home"),
            "the directory": reverse("directory"),
            "a search in the directory": f"{reverse('directory')}?{urlencode({'q': 'Oslo', 'format': 'in_person'})}",
            "a contact point's page": reverse("contact_point", args=[self.point_a.slug]),
            "the privacy page": reverse("privacy"),
            "the accessibility statement": reverse("accessibility"),
        }
        for what, url in pages.items():
            with self.subTest(what):
                visitor = Client(HTTP_ACCEPT_LANGUAGE="nb")
                response = visitor.get(url)

                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.cookies, {}, "no Set-Cookie at all")
                self.assertNotContains(response, "csrfmiddlewaretoken")
                self.assertEqual(dict(visitor.cookies), {})
                # ...and it still offers every language, as links.
                self.assertEqual(set(language_links(response)), {code for code, _name in settings.LANGUAGES})

    def test_the_sign_up_form_keeps_its_token(self) -> None:
        response = Client().get(reverse("signup", args=[self.point_a.slug]))

        self.assertContains(response, 'name="csrfmiddlewaretoken"')
        self.assertIn(settings.CSRF_COOKIE_NAME, response.cookies)


class ChoosingALanguageTests(Personas):
    def test_choosing_a_language_is_a_link_that_remembers_it(self) -> None:
        browser = Client(HTTP_ACCEPT_LANGUAGE="nb")
        search = f"{reverse('directory')}?{urlencode({'q': 'Oslo', 'format': 'in_person'})}"
        page = browser.get(search)
        self.assertContains(page, '<html lang="nb"')
        self.assertEqual(current(page), "nb")
        self.assertEqual(language_links(page)["nn"]["name"], "Norsk nynorsk")

        response = browser.get(link_to(page, "nn"))

        # Back to the very page, search and all...
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], search)
        # ...with the choice in the language cookie, set as Django's own language switch sets it,
        # and nothing else: no session, no CSRF token.
        self.assertEqual(set(response.cookies), {settings.LANGUAGE_COOKIE_NAME})
        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        self.assertEqual(cookie.value, "nn")
        self.assertEqual(cookie["max-age"], settings.LANGUAGE_COOKIE_AGE or "")
        self.assertEqual(cookie["path"], settings.LANGUAGE_COOKIE_PATH)
        self.assertEqual(cookie["httponly"], settings.LANGUAGE_COOKIE_HTTPONLY)
        self.assertEqual(cookie["samesite"], settings.LANGUAGE_COOKIE_SAMESITE)
        # No cache keeps an answer that sets a cookie.
        self.assertIn("no-store", response["Cache-Control"])

        for url in (search, reverse("home"), reverse("privacy")):
            with self.subTest(url):
                later = browser.get(url)
                self.assertContains(later, '<html lang="nn"')
                self.assertEqual(current(later), "nn")

    def test_each_language_is_named_in_itself_and_marked_as_written_in_it(self) -> None:
        page = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("home"))

        self.assertContains(page, '<nav class="language-switcher" aria-label="Language">')
        for code, name in settings.LANGUAGES:
            with self.subTest(code):
                self.assertEqual(language_links(page)[code]["name"], name)

    @override_settings(
        LANGUAGE_COOKIE_AGE=7 * 24 * 3600,
        LANGUAGE_COOKIE_DOMAIN="selvhjelp.example",
        LANGUAGE_COOKIE_PATH="/",
        LANGUAGE_COOKIE_SECURE=True,
        LANGUAGE_COOKIE_HTTPONLY=True,
        LANGUAGE_COOKIE_SAMESITE="Strict",
        ALLOWED_HOSTS=["selvhjelp.example"],
    )
    def test_the_cookie_follows_the_settings(self) -> None:
        response = Client().get(f"{reverse('choose_language', args=['en'])}?neste=/", HTTP_HOST="selvhjelp.example")

        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        attributes = ("max-age", "domain", "secure", "httponly", "samesite")
        self.assertEqual(cookie.value, "en")
        self.assertEqual(
            {name: cookie[name] for name in attributes},
            {
                "max-age": 7 * 24 * 3600,
                "domain": "selvhjelp.example",
                "secure": True,
                "httponly": True,
                "samesite": "Strict",
            },
        )

    def test_a_language_link_never_sends_a_person_to_another_site(self) -> None:
        elsewhere = (
            "https://evil.example/",
            "//evil.example/",
            "///evil.example/",
            "/\\evil.example/",
            "\\\\evil.example/",
            "https:evil.example",
            "javascript:alert(1)",
            "http://testserver.evil.example/",
            " https://evil.example/",
            "",
        )
        for neste in elsewhere:
            with self.subTest(neste=neste):
                response = Client().get(reverse("choose_language", args=["en"]), {"neste": neste})

                self.assertEqual(response.status_code, 302)
                self.assertEqual(response["Location"], reverse("home"))
                self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")

        without = Client().get(reverse("choose_language", args=["en"]))
        self.assertEqual(without["Location"], reverse("home"))

    def test_a_language_the_site_does_not_speak_is_not_found_and_changes_nothing(self) -> None:
        for code in ("xx", "de", "no", "EN", "en-gb"):
            with self.subTest(code):
                response = Client().get(f"{reverse('choose_language', args=[code])}?neste=/")

                self.assertEqual(response.status_code, 404)
                self.assertNotIn(settings.LANGUAGE_COOKIE_NAME, response.cookies)

    def test_only_a_link_chooses(self) -> None:
        """A form sent to it (another site's, say) is refused: choosing is reading a link."""
        response = Client().post(f"{reverse('choose_language', args=['en'])}?neste=/")

        self.assertEqual(response.status_code, 405)
        self.assertNotIn(settings.LANGUAGE_COOKIE_NAME, response.cookies)
