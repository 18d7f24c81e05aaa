"""Language choice: browsers that ask for plain Norwegian (``no``) get bokmål.

``no`` is the macrolanguage code for Norwegian; many browsers and systems still send
``no`` or ``no-NO`` instead of ``nb``. Django does not know ``no``: on its own it would
skip that language and take the next one the browser names (often English).
"""

import re

from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

# "no", "no-NO", "no_NO" as a language tag in Accept-Language, not "nob" or "nn-NO".
PLAIN_NORWEGIAN = re.compile(r"(?<![\w-])no(?:[-_]\w+)?(?=\s*(?:;|,|$))", re.IGNORECASE)


def norwegian_is_bokmal(accept_language: str) -> str:
    """The Accept-Language header with every plain Norwegian tag read as bokmål."""
    return PLAIN_NORWEGIAN.sub("nb", accept_language)


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        header = request.META.get("HTTP_ACCEPT_LANGUAGE")
        if header:
            request.META["HTTP_ACCEPT_LANGUAGE"] = norwegian_is_bokmal(header)
        super().process_request(request)
