"""The languages groups can be held in: the list the national office keeps,
and which of them a contact point starts groups in.

The list starts with the fourteen languages below (a data migration writes
them). Where a row is missing, its seed still names the language, so a code a
sign-up holds always has a name.
"""

from collections.abc import Iterable

from django.utils.html import format_html
from django.utils.safestring import SafeString

from contactpoints.models import ContactPoint, Language
from selvhjelp import pagecache

# code, in itself, bokmål, nynorsk, English
SEED: tuple[tuple[str, str, str, str, str], ...] = (
    ("no", "Norsk", "norsk", "norsk", "Norwegian"),
    ("en", "English", "engelsk", "engelsk", "English"),
    ("se", "Davvisámegiella", "nordsamisk", "nordsamisk", "Northern Sami"),
    ("smj", "Julevsámegiella", "lulesamisk", "lulesamisk", "Lule Sami"),
    ("sma", "Åarjelsaemien gïele", "sørsamisk", "sørsamisk", "South Sami"),
    ("nsl", "Norsk tegnspråk", "norsk tegnspråk", "norsk teiknspråk", "Norwegian Sign Language"),
    ("ar", "العربية", "arabisk", "arabisk", "Arabic"),
    ("pl", "Polski", "polsk", "polsk", "Polish"),
    ("uk", "Українська", "ukrainsk", "ukrainsk", "Ukrainian"),
    ("so", "Soomaali", "somali", "somali", "Somali"),
    ("ti", "ትግርኛ", "tigrinja", "tigrinja", "Tigrinya"),
    ("es", "Español", "spansk", "spansk", "Spanish"),
    ("lt", "Lietuvių", "litauisk", "litauisk", "Lithuanian"),
    ("fa", "فارسی", "persisk", "persisk", "Persian"),
)

# What every contact point offered before people could tick languages, and
# what one offers until its staff have ticked any.
FIRST_THREE = ("en", "no", "se")


def seed_rows() -> list[dict[str, object]]:
    return [
        {"code": code, "autonym": autonym, "name_nb": nb, "name_nn": nn, "name_en": en, "order": (n + 1) * 10}
        for n, (code, autonym, nb, nn, en) in enumerate(SEED)
    ]


def all_languages() -> dict[str, Language]:
    """Every language by code, in the list's order: the kept rows, and the seed for any missing.
    Read once per generation of the public pages in a process (saving a language bumps it,
    ``contactpoints/receivers.py``)."""
    return dict(pagecache.per_generation("languages", _all_languages, size=64 << 10))


def _all_languages() -> dict[str, Language]:
    kept = {language.code: language for language in Language.objects.all()}
    for row in seed_rows():
        kept.setdefault(str(row["code"]), Language(**row))
    return dict(sorted(kept.items(), key=lambda item: (item[1].order, item[0])))


def _ticked() -> dict[int, frozenset[str]]:
    """The codes each contact point ticked, active or not: one query, once per generation in a process
    (a contact point's ticks changing bumps it)."""
    rows = ContactPoint.languages.through.objects.values_list("contactpoint_id", "language__code")
    ticked: dict[int, set[str]] = {}
    for point_id, code in rows:
        ticked.setdefault(point_id, set()).add(code)
    return {point_id: frozenset(codes) for point_id, codes in ticked.items()}


def active_languages() -> dict[str, Language]:
    return {code: language for code, language in all_languages().items() if language.is_active}


def offered(contact_point: ContactPoint) -> list[str]:
    """The codes of the languages a contact point starts groups in, in the list's order."""
    return every_and_offered(contact_point)[1]


def every_and_offered(contact_point: ContactPoint) -> tuple[dict[str, Language], list[str]]:
    """Every language, and the codes of those the contact point starts groups in, from what the
    process keeps (``all_languages``, and every contact point's ticks). One whose staff have ticked
    none yet starts groups in the first three."""
    every = all_languages()
    ticked = pagecache.per_generation("languages.ticked", _ticked, size=256 << 10).get(contact_point.pk)
    chosen = ticked or FIRST_THREE
    return every, [code for code, language in every.items() if code in chosen and language.is_active]


def in_order(codes: Iterable[str]) -> list[str]:
    """Codes in the list's order; codes not on it last."""
    order = list(all_languages())
    return sorted(set(codes), key=lambda code: (order.index(code) if code in order else len(order), code))


def name(code: str) -> str:
    """A language's name in the page's language, or the code for one not on the list."""
    language = all_languages().get(code)
    return language.name if language else code


def label_html(language: Language) -> SafeString:
    """The autonym, marked with its language and direction, and its name in the page's language where different."""
    own = format_html('<span lang="{}" dir="auto">{}</span>', language.code, language.autonym)
    if language.name.casefold() == language.autonym.casefold():
        return own
    return format_html("{} ({})", own, language.name)
