"""Which language a page's text is in, where Northern Sami falls back to bokmål (selvhjelp/i18n.py)."""

from django import template

from selvhjelp import i18n

register = template.Library()


@register.simple_tag
def text_language() -> str:
    """The language the page's text is in: the active language, or bokmål where it falls back."""
    return i18n.text_language()


@register.filter
def written_in(text: str) -> str:
    """The language a translated ``text`` reads in:
    ``{% translate "…" as notice %}<p lang="{{ notice|written_in }}">{{ notice }}</p>``."""
    return i18n.written_in(str(text))
