"""Languages: which one a request is answered in, and saying plainly what is not translated.

- Browsers that ask for plain Norwegian (``no``) get bokmål. ``no`` is the macrolanguage
  code for Norwegian; many browsers and systems still send ``no`` or ``no-NO`` instead of
  ``nb``. Django does not know ``no``: on its own it would skip that language and take the
  next one the browser names (often English).
- Northern Sami is translated only in part. Django shows bokmål for every message the Sami
  catalogue lacks (bokmål, ``LANGUAGE_CODE``, is every catalogue's fallback), so a page "in
  Sami" is a page in bokmål with a few Sami words. It says so: ``<html lang>`` names the
  language its text is in (``text_language``), a notice says the page is not translated,
  and the Sami words it does have are marked as Sami (``mark_own_words``). Once the Sami
  catalogue has every message, none of this shows.
- A person's own pages (their private link) speak the language they signed up in, unless
  they chose another with the language links (``their_language``).
"""

import functools
import gettext
import re
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.html import escape

# "no", "no-NO", "no_NO" as a language tag in Accept-Language, not "nob" or "nn-NO".
PLAIN_NORWEGIAN = re.compile(r"(?<![\w-])no(?:[-_]\w+)?(?=\s*(?:;|,|$))", re.IGNORECASE)

# Languages whose catalogue is known to be partial. Nynorsk is complete (tests/test_translations.py
# holds it to that) and English is the messages' own language; a language named here counts as
# translated once its catalogue has every message the bokmål one has.
PARTLY_TRANSLATED = frozenset({"se"})


def norwegian_is_bokmal(accept_language: str) -> str:
    """The Accept-Language header with every plain Norwegian tag read as bokmål."""
    return PLAIN_NORWEGIAN.sub("nb", accept_language)


# --- What is translated ----------------------------------------------------------------------

Message = str | tuple[str, int]  # a msgid, or (msgid, n) for the nth plural form


@functools.cache
def own_messages(language: str) -> dict[Message, str]:
    """The project's own translations into ``language``, without Django's or bokmål's fallback."""
    messages: dict[Message, str] = {}
    for directory in settings.LOCALE_PATHS:
        path = Path(directory) / translation.to_locale(language) / "LC_MESSAGES" / "django.mo"
        if path.exists():
            with path.open("rb") as compiled:
                # GNUTranslations keeps what the .mo holds in _catalog: msgid → msgstr, and
                # (msgid, n) → the nth plural form; the key "" is the header.
                messages.update(gettext.GNUTranslations(compiled)._catalog)  # type: ignore[attr-defined]
    messages.pop("", None)
    return messages


def is_translated(language: str) -> bool:
    """Whether every message shows in ``language`` itself, none in bokmål in its place."""
    return language not in PARTLY_TRANSLATED or _has_every_message(language)


@functools.cache
def _has_every_message(language: str) -> bool:
    return own_messages(settings.LANGUAGE_CODE).keys() <= own_messages(language).keys()


def _active(language: str | None) -> str:
    return language or translation.get_language() or settings.LANGUAGE_CODE


def text_language(language: str | None = None) -> str:
    """The language a page or email in ``language`` (the active one) is written in: itself, or
    bokmål if that language falls back to it."""
    language = _active(language)
    return language if is_translated(language) else settings.LANGUAGE_CODE


def language_of(message: str, language: str | None = None) -> str:
    """The language ``message`` reads in when shown in ``language`` (the active one)."""
    language = _active(language)
    if is_translated(language) or message in own_messages(language):
        return language
    return settings.LANGUAGE_CODE


def written_in(text: str, language: str | None = None) -> str:
    """The language ``text``, a message as shown in ``language`` (the active one), reads in."""
    language = _active(language)
    if is_translated(language) or text in _own_texts(language):
        return language
    return settings.LANGUAGE_CODE


@functools.cache
def _own_texts(language: str) -> frozenset[str]:
    bokmal = own_messages(settings.LANGUAGE_CODE)
    # A translation that reads the same as bokmål's says nothing about its language.
    return frozenset(text for key, text in own_messages(language).items() if text and text != bokmal.get(key))


# --- Marking the words that are translated, on a page in bokmål --------------------------------

# "%(name)s", "%s", "%d": what a translation leaves for the page to fill in.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[sdif]")
# Elements whose text is not markup, where a lang attribute would not be read.
RAW_TEXT = frozenset({"script", "style", "title", "textarea"})
HAS_LANG = re.compile(r"\slang\s*=", re.IGNORECASE)


@functools.cache
def _own_words(language: str) -> re.Pattern[str] | None:
    """An element whose whole text is one of ``language``'s own translations."""
    texts = _own_texts(language)
    if not texts:
        return None
    # As a template writes it: escaped, with anything where the placeholders were.
    alternatives = ("[^<>]+?".join(re.escape(piece) for piece in PLACEHOLDER.split(escape(text))) for text in texts)
    words = "|".join(sorted(alternatives, key=len, reverse=True))
    return re.compile(rf"<(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:\s[^<>]*)?)>\s*(?:{words})\s*</(?P=tag)\s*>")


def mark_own_words(html: str, language: str) -> str:
    """``html`` with each element whose whole text is translated into ``language`` marked as
    written in it (``lang="se"``), for a page whose text is otherwise in bokmål. Words that
    share an element with bokmål text stay under the page's bokmål."""
    pattern = _own_words(language)
    if pattern is None:
        return html

    def mark(match: re.Match[str]) -> str:
        if match["tag"].lower() in RAW_TEXT or HAS_LANG.search(match["attrs"]):
            return match[0]
        cut = match.end("attrs") - match.start()
        return f'{match[0][:cut]} lang="{language}"{match[0][cut:]}'

    return pattern.sub(mark, html)


# --- Which language a request is answered in -----------------------------------------------------


def _supported(language: str | None) -> str | None:
    try:
        return translation.get_supported_language_variant(language) if language else None
    except LookupError:
        return None


def their_language(request: HttpRequest, signed_up_in: str | None) -> str:
    """The language for a person's own page: the one they chose with the language links, else
    the one they signed up in, else what the browser asks for.

    A language cookie counts as the person's choice whenever it is there: the language links on
    every page (``selvhjelp.language``) are the only thing that sets it, so whoever holds it
    followed one, in this browser. Without one, the page speaks the language they signed up in, whatever
    language the browser they open their link in happens to ask for."""
    chosen = _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    return chosen or _supported(signed_up_in) or request.LANGUAGE_CODE


def speak_their_language(request: HttpRequest, signed_up_in: str | None) -> None:
    """Answer the rest of this request in the person's language (``their_language``): its
    texts, ``<html lang>``, ``request.LANGUAGE_CODE`` and ``Content-Language``."""
    language = their_language(request, signed_up_in)
    translation.activate(language)  # kept active to the end of the request, as Django's LocaleMiddleware does
    request.LANGUAGE_CODE = language


def _is_page(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").startswith("text/html") and not response.has_header("Content-Encoding")


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        header = request.META.get("HTTP_ACCEPT_LANGUAGE")
        if header:
            request.META["HTTP_ACCEPT_LANGUAGE"] = norwegian_is_bokmal(header)
        super().process_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        # Content-Language names the language active now, which a view may have chosen
        # (a person's own pages speak theirs); Django's middleware sets it so.
        response = super().process_response(request, response)
        language = _active(None)
        if isinstance(response, HttpResponse) and not is_translated(language) and _is_page(response):
            response.content = mark_own_words(response.content.decode(response.charset), language)
            if response.has_header("Content-Length"):
                response.headers["Content-Length"] = str(len(response.content))
        return response
