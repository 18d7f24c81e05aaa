"""The public directory's search: what a person typed, matched the way they meant it.

A search folds letters on both sides, so that "Tromso", "tromsø" and "TROMSØ" are
the same word, and so are "Karasjok" typed on any keyboard and "Kárášjohka". It
knows each municipality by all its official names (Sami, Kven and Norwegian), and
when it finds no contact point it still leads somewhere: to the contact points in
the same county, to the lists that run telephone or video groups for the whole country,
and, for a municipality or county without a contact point, to asking to be told when
one opens there (``contactpoints.notices``).

Folding happens in Python, on the names of the listed contact points (a few hundred)
and of the 357 municipalities. Each process keeps them folded, in an index made once per
generation (``selvhjelp.pagecache``: any change to a contact point or a place makes it
afresh), so that a search, different every time, reads no table. There is no second,
folded copy of a name in the database that could fall out of step.
"""

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.text import get_text_list
from django.utils.translation import gettext

from contactpoints.languages import FIRST_THREE
from contactpoints.models import ContactPoint, County, Municipality
from selvhjelp import pagecache

# Letters that Unicode does not split into a base letter and an accent.
_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "đ": "d", "ŋ": "n", "ŧ": "t", "ß": "ss", "ı": "i", "ł": "l"})
# Ways of writing å and ø without them: "Aasnes" is Åsnes, "Tromsoe" is Tromsø.
_SPELLINGS = (("aa", "a"), ("oe", "o"))
_SPACES = re.compile(r"[\s\-‐‑‒–—]+")
# A municipality's name may say which county it is in: "Herøy (Nordland)".
_QUALIFIER = re.compile(r"\s*\(.*\)\s*$")
# A search that names more places, or places in more counties, than this is too vague
# to suggest the contact points of a county.
MAX_PLACES_NAMED = 5
MAX_COUNTIES_SUGGESTED = 3


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """``text`` as the search compares it: lower case, without accents, å as a, æ as ae, ø as o,
    Sami đ ŋ ŧ as d n t, and hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)
    for written, meant in _SPELLINGS:
        plain = plain.replace(written, meant)
    return _SPACES.sub(" ", plain).strip()


def names_of(name: str, other_names: str = "") -> list[str]:
    """Every name a municipality goes by: its own, without a county in brackets, and its other official
    names (``other_names``, separated by semicolons)."""
    names = [name, _QUALIFIER.sub("", name)]
    names.extend(other.strip() for other in other_names.split(";") if other.strip())
    return names


# The ways of meeting a search may choose, and the field of a contact point that offers each.
MEETS = {"in_person": "offers_in_person", "telephone": "offers_telephone", "video": "offers_video"}


@dataclass(frozen=True)
class Listed:
    """A listed contact point as the search reads it: the point, and its names folded (its own, every
    name of its municipality, its county's)."""

    point: ContactPoint
    names: tuple[str, ...]
    # The names on one line each: a search looks for its folded words in this, once (fold leaves no line break).
    haystack: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "haystack", "\n".join(self.names))


def listed_index() -> list[Listed]:
    """Every listed contact point, in the directory's order, with its names folded: one query, made once
    per generation in each process (``selvhjelp.pagecache``), so that a search reads no table."""
    return pagecache.per_generation("directory.listed", _listed_index, size=4 << 20)


def _listed_index() -> list[Listed]:
    points = ContactPoint.objects.listed().select_related("municipality__county")
    return [
        Listed(
            point,
            tuple(
                dict.fromkeys(
                    fold(text)
                    for text in [
                        point.name,
                        *names_of(point.municipality.name, point.municipality.other_names),
                        point.municipality.county.name,
                    ]
                )
            ),
        )
        for point in points
    ]


def listed_point(slug: str) -> ContactPoint | None:
    """The listed contact point with this short name, from the index (``listed_index``): no query."""
    by_slug = pagecache.per_generation(
        "directory.by_slug", lambda: {entry.point.slug: entry.point for entry in listed_index()}, size=64 << 10
    )
    return by_slug.get(slug)


def _starting_groups_in(code: str) -> frozenset[int]:
    """The contact points that start groups in a language (``starts_groups_in``): one query, kept like the index."""
    return pagecache.per_generation(
        f"directory.language.{code}",
        lambda: frozenset(ContactPoint.objects.listed().filter(starts_groups_in(code)).values_list("pk", flat=True)),
        size=64 << 10,
    )


def find_contact_points(
    *, query: str = "", county: County | None = None, meets: str = "", language: str = ""
) -> list[ContactPoint]:
    """The listed contact points whose name, municipality (by any of its names) or county holds ``query``,
    in ``county`` (where the nationwide ones are, too), whose groups meet as ``meets`` says, and that
    start groups in ``language`` (a code).

    A search reads the index of listed contact points this process keeps (``listed_index``): no query
    at all once it is made, however many contact points there are.
    """
    found = listed_index()
    if county is not None:
        found = [entry for entry in found if entry.point.nationwide or entry.point.municipality.county_id == county.pk]
    if meets in MEETS:
        found = [entry for entry in found if getattr(entry.point, MEETS[meets])]
    if language:
        starting = _starting_groups_in(language)
        found = [entry for entry in found if entry.point.pk in starting]
    wanted = fold(query)
    if wanted:
        found = [entry for entry in found if wanted in entry.haystack]
    return [entry.point for entry in found]


def starts_groups_in(code: str) -> Q:
    """Contact points that start groups in a language: those that ticked it, and, for one of the
    first three, those that have ticked none yet (see contactpoints.languages.offered)."""
    ticked = ContactPoint.languages.through.objects.filter(contactpoint_id=OuterRef("pk"))
    condition = Q(Exists(ticked.filter(language__code=code, language__is_active=True)))
    if code in FIRST_THREE:
        condition |= ~Q(Exists(ticked))
    return condition


@dataclass(frozen=True)
class Place:
    """A municipality or a county a search names."""

    name: str  # as a person reads it: "Tromsø – Romsa", "Akershus"
    searched_as: str  # what to search for to find it: "Tromsø"
    county_id: int
    county_name: str
    municipality_number: str = ""  # empty for a county
    county_number: str = ""

    @property
    def is_county(self) -> bool:
        return not self.municipality_number


Index = list[tuple[Place, list[str]]]


def place_index() -> Index:
    """Every current municipality and county, each with its names folded. One query, made once per
    generation in each process (``selvhjelp.pagecache``)."""
    return pagecache.per_generation("directory.places", _place_index, size=1 << 20)


def _place_index() -> Index:
    rows = Municipality.objects.filter(is_current=True, county__is_current=True).values_list(
        "name", "other_names", "county_id", "county__name", "number", "county__number"
    )
    counties: dict[int, tuple[Place, list[str]]] = {}
    index: Index = []
    for municipality_name, other_names, county_id, county_name, number, county_number in rows:
        shown = Municipality(name=municipality_name, other_names=other_names).display_name
        place = Place(shown, municipality_name, county_id, county_name, number, county_number)
        index.append((place, [fold(name) for name in names_of(municipality_name, other_names)]))
        county = Place(county_name, county_name, county_id, county_name, county_number=county_number)
        counties.setdefault(county_id, (county, [fold(county_name)]))
    return index + list(counties.values())


def places_named(query: str, index: Index) -> list[Place]:
    """The municipalities and counties ``query`` names: those it names exactly, else those whose name
    begins with it, else those whose name holds it. Empty when it names none."""
    wanted = fold(query)
    if not wanted:
        return []
    for test in (str.__eq__, str.startswith, str.__contains__):
        # Oslo is a county and a municipality: one place.
        found = dict.fromkeys(place for place, names in index if any(test(name, wanted) for name in names))
        if found:
            return list(found)
    return []


def close_places(query: str, index: Index, *, limit: int = 3) -> list[Place]:
    """The municipalities and counties with a name spelt nearly like ``query``, for a search that names none."""
    wanted = fold(query)
    if len(wanted) < 3:
        return []
    spelt: dict[str, Place] = {}
    for place, names in index:
        for name in names:
            spelt.setdefault(name, place)
    close = difflib.get_close_matches(wanted, list(spelt), n=limit, cutoff=0.75)
    return list(dict.fromkeys(spelt[name] for name in close))


# A list that takes sign-ups for telephone or video groups from the whole country.
NATIONWIDE = Q(nationwide=True) & (Q(offers_telephone=True) | Q(offers_video=True))


def is_nationwide_list(point: ContactPoint) -> bool:
    """``NATIONWIDE``, said of a contact point in hand."""
    return point.nationwide and (point.offers_telephone or point.offers_video)


def nationwide_lists() -> "QuerySet[ContactPoint]":
    """The lists that take sign-ups for telephone or video groups from the whole country."""
    return ContactPoint.objects.taking_signups().filter(NATIONWIDE)


@dataclass(frozen=True)
class CountyPoints:
    county_id: int
    county_name: str
    contact_points: list[ContactPoint]


@dataclass(frozen=True)
class Suggestions:
    """What the directory offers when a search finds no contact point, so that it is never a dead end."""

    query: str
    filtered: bool  # the search also chose a county or a way of meeting
    places: list[Place]  # what the search names; empty when it names no place
    counties: list[CountyPoints]  # the contact points in those counties, county by county
    nationwide: list[ContactPoint]
    close_places: list[Place] = field(default_factory=list)  # for a search that names no place: spelt nearly so
    # The places named that have no listed contact point: there one can ask to be told when one opens.
    notice_places: list[Place] = field(default_factory=list)

    @property
    def too_many_places(self) -> bool:
        return bool(self.places) and not self.counties

    @property
    def names_nothing(self) -> bool:
        """The search names no place, and no contact point has a name like it."""
        return bool(self.query) and not self.places and not self.filtered

    @property
    def place_names(self) -> str:
        """The places searched for, as a sentence reads them: "Herøy (Møre og Romsdal) or Herøy (Nordland)"."""
        return str(get_text_list([place.name for place in self.places], gettext("or")))


def suggestions(query: str, *, meets: str = "", filtered: bool = False) -> Suggestions:
    """For a search that found nothing: the contact points in the counties of the places ``query`` names,
    and the nationwide lists; ``meets`` ("in_person", "telephone", "video") keeps the search's choice of format;
    ``filtered``: the search also chose a county or a way of meeting.

    Read from the indexes this process keeps (``place_index``, ``listed_index``): no query once they are made.
    """
    index = place_index() if fold(query) else []
    places = places_named(query, index)
    counties = sorted({(place.county_name, place.county_id) for place in places})
    if len(counties) > MAX_COUNTIES_SUGGESTED or len(places) > MAX_PLACES_NAMED:
        counties = []
    county_ids = [pk for _, pk in counties]
    # Every listed contact point in those counties, and the nationwide lists: which to suggest, and
    # which places have none, are both read from these rows.
    rows = [
        entry.point
        for entry in listed_index()
        if entry.point.municipality.county_id in county_ids or _is_nationwide_list(entry.point)
    ]
    points = [p for p in rows if p.signups_paused_at is None and _meets(p, meets)]
    notice_places = [place for place in places if county_ids and not _has_listed(place, rows)]
    return Suggestions(
        query=query,
        filtered=filtered,
        places=places,
        counties=[
            CountyPoints(pk, name, [p for p in points if not p.nationwide and p.municipality.county_id == pk])
            for name, pk in counties
        ],
        nationwide=[p for p in points if _is_nationwide_list(p)],
        close_places=close_places(query, index) if not places else [],
        notice_places=notice_places,
    )


def _is_nationwide_list(point: ContactPoint) -> bool:
    """``NATIONWIDE``, read from a contact point in memory."""
    return point.nationwide and (point.offers_telephone or point.offers_video)


def _meets(point: ContactPoint, meets: str) -> bool:
    """Whether a contact point fits the way of meeting a search chose."""
    if meets == "in_person":
        # Whoever wants to meet in person may still like to hear of the lists for the whole country.
        return point.offers_in_person or point.nationwide
    return meets not in MEETS or bool(getattr(point, MEETS[meets]))


def _has_listed(place: Place, listed: list[ContactPoint]) -> bool:
    """Whether a listed contact point is in the place (a municipality, or a county)."""
    if place.is_county:
        return any(p.municipality.county_id == place.county_id for p in listed)
    return any(p.municipality.number == place.municipality_number for p in listed)
