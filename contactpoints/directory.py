"""The public directory's search: what a person typed, matched the way they meant it.

A search folds letters on both sides, so that "Tromso", "tromsø" and "TROMSØ" are
the same word, and so are "Karasjok" typed on any keyboard and "Kárášjohka". It
knows each municipality by all its official names (Sami, Kven and Norwegian), and
when it finds no contact point it still leads somewhere: to the contact points in
the same county, to the lists that run telephone or video groups for the whole country,
and, for a municipality or county without a contact point, to asking to be told when
one opens there (``contactpoints.notices``).

Folding happens in Python, on the names of the listed contact points (a few hundred)
and of the 357 municipalities, read as plain rows; folded names are remembered.
There is no second, folded copy of a name in the database that could fall out of step.
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


def find_contact_points(
    *, query: str = "", county: County | None = None, meets: str = "", language: str = ""
) -> list[ContactPoint]:
    """The listed contact points whose name, municipality (by any of its names) or county holds ``query``,
    in ``county`` (where the nationwide ones are, too), whose groups meet as ``meets`` says, and that
    start groups in ``language`` (a code).

    A search reads the names of the listed contact points, folds them here, and then fetches the
    few that match: two queries, however many contact points there are.
    """
    points = ContactPoint.objects.listed()
    if county is not None:
        points = points.filter(Q(municipality__county=county) | Q(nationwide=True))
    if meets in MEETS:
        points = points.filter(**{MEETS[meets]: True})
    if language:
        points = points.filter(starts_groups_in(language))
    wanted = fold(query)
    if wanted:
        rows = points.order_by().values_list(
            "pk", "name", "municipality__name", "municipality__other_names", "municipality__county__name"
        )
        found = [
            pk
            for pk, name, municipality, other_names, county_name in rows
            if any(wanted in fold(text) for text in [name, *names_of(municipality, other_names), county_name])
        ]
        points = ContactPoint.objects.filter(pk__in=found)
    return list(points.select_related("municipality__county"))


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
    """Every current municipality and county, each with its names folded. One query."""
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

    Two queries, however many contact points there are: the places, and the suggested contact points.
    """
    index = place_index() if fold(query) else []
    places = places_named(query, index)
    counties = sorted({(place.county_name, place.county_id) for place in places})
    if len(counties) > MAX_COUNTIES_SUGGESTED or len(places) > MAX_PLACES_NAMED:
        counties = []
    county_ids = [pk for _, pk in counties]
    # Every listed contact point in those counties, and the nationwide lists: which to suggest, and
    # which places have none, are both read from these rows.
    listed = ContactPoint.objects.listed().filter(Q(municipality__county__in=county_ids) | NATIONWIDE)
    rows = list(listed.select_related("municipality__county").order_by("name"))
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
        nationwide=[p for p in points if p.nationwide and (p.offers_telephone or p.offers_video)],
        close_places=close_places(query, index) if not places else [],
        notice_places=notice_places,
    )


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
