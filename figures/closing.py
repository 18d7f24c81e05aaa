"""Closing a month: its figures, once final, frozen as they are published, and never made again.

A month is final some hours after it ends (``groups.monthly``); nothing recorded
later changes its counts. ``close_months`` then makes its ``ClosedMonth``: the
geography at closing, every cell the offices' tables show for the month, and,
decided together with them by one suppression over everything published
(``figures.suppression.suppress_year_to_date``), the public figures for the
year to the end of the month. The offices' pages read a closed month from it,
so a contact point opening or an office changing its counties later changes
nothing anyone has seen; only "waiting now" is always counted live.

What a closed month keeps (``ClosedMonth.tables``), each place as a string key
(``selectors.node_key``: "point:12", "county:5", "district:", "country:"):

- ``geography``: points (name, municipality, slug), municipalities (name,
  county), counties (name, official number), the district of each county,
  districts (name) and the ways each contact point in the directory offers;
- ``cells``: for each count in ``selectors.MONTHLY``, each place's [value or
  null, reason]; ``ways``: groups started by how they met, for each district
  and the country; ``medians``: median days waited;
- ``union``: for "confirmed", "groups_started" and "members_at_start", the
  true counts of counties, districts and the country, how each is shown, what
  the tree below each county allows (``below``), each county's district, and
  for groups started the parts by way: all ``suppression.MonthCounts`` needs;
- ``public``: for each county and the country, the year to date as published.
"""

import datetime
import hashlib
import statistics
import threading
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from enum import Enum
from functools import partial
from typing import Any, cast

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Min
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from contactpoints.models import County, Office
from figures import selectors
from figures.models import ClosedMonth
from figures.selectors import COUNTRY, Geography, MonthFigures, Node, decode_cell, encode_cell, node_key, node_of
from figures.suppression import MonthCounts, Reason, Shown, below, suppress, suppress_year_to_date
from groups.models import Group, MonthlyFigure
from groups.monthly import is_final, month_of, next_month
from selvhjelp.pagecache import Makers

# The counts published for the year to date, and what the public pages call them.
YEAR_TO_DATE = ("confirmed", "groups_started", "members_at_start")
# Held for the length of one month's closing, so that two workers never make the same month at once.
LOCK = 0x5E1F_C105
FEWEST_GROUPS_FOR_A_MEDIAN = 5
Tables = dict[str, Any]


def last_final_month(now: datetime.datetime) -> datetime.date:
    month = month_of(now)
    while not is_final(month, now):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def close_months(*, now: datetime.datetime | None = None) -> int:
    """Close every final month not yet closed, oldest first: how many were closed.

    From January of the year of the first monthly figure, so that each year's
    public figures start in January, to the last final month. Each month is
    closed in its own transaction; run by two workers at once, each month is
    made once.
    """
    now = now or timezone.now()
    first = MonthlyFigure.objects.aggregate(first=Min("month"))["first"]
    if first is None:
        return 0
    month, last = datetime.date(first.year, 1, 1), last_final_month(now)
    closed = set(ClosedMonth.objects.filter(month__gte=month).values_list("month", flat=True))
    made = 0
    while month <= last:
        if month not in closed:
            made += close_month(month=month, now=now)
        month = next_month(month)
    return made


def close_month(*, month: datetime.date, now: datetime.datetime | None = None) -> bool:
    """Freeze one final month's figures; False if it was closed already (or is not final yet)."""
    now = now or timezone.now()
    if not is_final(month, now):
        return False
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
            if ClosedMonth.objects.filter(month=month).exists():
                return False
            ClosedMonth.objects.create(month=month, made_at=now, tables=_tables(month))
            transaction.on_commit(_forget_closed_months)
    except IntegrityError:
        return False  # Another worker closed it in the meantime.
    return True


def _tables(month: datetime.date) -> Tables:
    geo = selectors.geography()
    counts = selectors.month_counts(geo, month)
    numbers = dict(County.objects.values_list("pk", "number"))
    tables: Tables = {
        "geography": _encode_geography(geo, numbers),
        "cells": {name: _encode_cells(counts.figures.shown[name]) for name, _label in selectors.MONTHLY},
        "ways": {way: _encode_cells(cells) for way, cells in counts.figures.ways.items()},
        "medians": {node_key(node): median for node, median in counts.figures.medians.items()},
        "union": {measure: _union(counts, measure) for measure in YEAR_TO_DATE},
    }
    tables["public"] = _year_to_date(month, geo, tables["union"])
    return tables


def _encode_cells(cells: Mapping[Node, Shown]) -> dict[str, list[object]]:
    return {node_key(node): encode_cell(cell) for node, cell in cells.items()}


def _encode_geography(geo: Geography, numbers: Mapping[int, str]) -> Tables:
    return {
        "points": {str(pk): list(point) for pk, point in geo.points.items()},
        "municipalities": {str(pk): list(municipality) for pk, municipality in geo.municipalities.items()},
        "counties": {str(pk): [name, numbers.get(pk, "")] for pk, name in geo.counties.items()},
        "district_of_county": {str(pk): district for pk, district in geo.district_of_county.items()},
        "districts": {str(pk): name for pk, name in geo.districts.items()},
        "offers": {str(pk): sorted(ways) for pk, ways in geo.offers.items()},
    }


def geography_of(tables: Tables) -> Geography:
    """The geography a month closed with."""
    frozen = tables["geography"]
    return Geography(
        points={int(pk): (name, municipality, slug) for pk, (name, municipality, slug) in frozen["points"].items()},
        municipalities={int(pk): (name, county) for pk, (name, county) in frozen["municipalities"].items()},
        counties={int(pk): name for pk, (name, _number) in frozen["counties"].items()},
        district_of_county={int(pk): district for pk, district in frozen["district_of_county"].items()},
        districts={int(pk): name for pk, name in frozen["districts"].items()},
        offers={int(pk): frozenset(ways) for pk, ways in frozen["offers"].items()},
    )


def figures_of(month: datetime.date, tables: Tables) -> MonthFigures:
    """A closed month's figures as its tables show them, without "waiting now"."""
    shared = _Shared()

    def cells(encoded: Mapping[str, list[object]]) -> dict[Node, Shown]:
        return {shared.node_of(key): shared.decoded(cell) for key, cell in encoded.items()}

    return MonthFigures(
        month=month,
        shown={name: cells(tables["cells"][name]) for name, _label in selectors.MONTHLY},
        medians={shared.node_of(key): median for key, median in tables["medians"].items()},
        ways={way: cells(encoded) for way, encoded in tables["ways"].items()},
    )


class _Shared:
    """One object for each place and each cell that are equal: a month's thousands of cells hold a few hundred
    different ones, so that what is kept is made, pickled and read back once for each (a ``Shown`` never
    changes)."""

    def __init__(self) -> None:
        self.nodes: dict[Node, Node] = {}
        self.keys: dict[str, Node] = {}
        self.shown: dict[tuple[object, Reason], Shown] = {}
        self.encoded: dict[tuple[object, object], Shown] = {}

    def node(self, node: Node) -> Node:
        return self.nodes.setdefault(node, node)

    def cell(self, cell: Shown) -> Shown:
        return self.shown.setdefault((cell.value, cell.reason), cell)

    def cells(self, cells: Mapping[Node, Shown]) -> dict[Node, Shown]:
        return {self.node(node): self.cell(cell) for node, cell in cells.items()}

    def figures(self, figures: MonthFigures) -> MonthFigures:
        return MonthFigures(
            month=figures.month,
            shown={name: self.cells(cells) for name, cells in figures.shown.items()},
            medians={self.node(node): median for node, median in figures.medians.items()},
            ways={way: self.cells(cells) for way, cells in figures.ways.items()},
        )

    def node_of(self, key: str) -> Node:
        found = self.keys.get(key)
        if found is None:
            found = self.keys[key] = self.node(node_of(key))
        return found

    def decoded(self, encoded: list[object]) -> Shown:
        value, reason = encoded
        found = self.encoded.get((value, reason))
        if found is None:
            found = self.encoded[(value, reason)] = self.cell(decode_cell(encoded))
        return found


def _union(counts: selectors.MonthCounts, measure: str) -> Tables:
    """What the year-to-date suppression needs of one count of a month (``suppression.MonthCounts``)."""
    parents, leaves, tree = counts.parents, counts.leaves[measure], counts.figures.shown[measure]
    totals: dict[Node, int] = {}

    def total(node: Node) -> int:
        if node not in totals:
            totals[node] = leaves[node] if node in leaves else sum(total(child) for child in parents.get(node, []))
        return totals[node]

    above = [node for node in parents if node[0] in ("county", "district", "country")]
    counties = [node for node in above if node[0] == "county"]
    union: Tables = {
        "counts": {node_key(node): total(node) for node in above},
        "shown": {node_key(node): encode_cell(tree[node]) for node in above},
        "below": {node_key(node): list(below(node, cast(Any, tree), cast(Any, parents))) for node in counties},
        "district_of": {
            node_key(county): node_key(district)
            for district in parents.get(COUNTRY, [])
            for county in parents[district]
        },
        "parts": [],
        "public": [],
    }
    if measure == "groups_started":
        split = counts.split
        by_way: dict[tuple[str, Node], int] = defaultdict(int)
        for district, ways in split.counts.items():
            for way in split.kinds:
                by_way[(way, district)] += ways.get(way, 0)
                by_way[(way, COUNTRY)] += ways.get(way, 0)
        union["parts"] = [
            [way, node_key(node), by_way.get((way, node), 0), encode_cell(counts.figures.ways[way][node])]
            for way in split.kinds
            for node in [*parents.get(COUNTRY, []), COUNTRY]
        ]
        union["public"] = sorted([way, node_key(node)] for way, node in split.public)
    return union


def month_counts_of(union: Tables) -> MonthCounts[Node]:
    """One count of a closed month, as the year-to-date suppression takes it."""
    return MonthCounts(
        counts={node_of(key): count for key, count in union["counts"].items()},
        shown={node_of(key): decode_cell(cell) for key, cell in union["shown"].items()},
        below={node_of(key): (low, high) for key, (low, high) in union["below"].items()},
        district_of={node_of(county): node_of(district) for county, district in union["district_of"].items()},
        total=COUNTRY,
        parts={(way, node_of(key)): (count, decode_cell(cell)) for way, key, count, cell in union["parts"]},
        public=frozenset((way, node_of(key)) for way, key in union["public"]),
    )


def _year_to_date(month: datetime.date, geo: Geography, union: Tables) -> Tables:
    """The public figures for the year to the end of ``month``, per county and for the country.

    Decided over the months of the year closed before, the month closing now and
    what was published for the year before it, so that nothing hidden in any of
    them can be worked out from the new sums."""
    before = list(
        ClosedMonth.objects.filter(month__gte=month.replace(month=1), month__lt=month)
        .order_by("month")
        .values_list(KeyTransform("union", "tables"), KeyTransform("public", "tables"))
    )
    marks: dict[str, dict[Node, Shown]] = {}
    for measure in YEAR_TO_DATE:
        months = [month_counts_of(earlier[measure]) for earlier, _public in before]
        months.append(month_counts_of(union[measure]))
        published = [
            {node_of(key): decode_cell(area[measure]) for key, area in public.items()} for _union, public in before
        ]
        hide = (
            [node for node, cell in marks["groups_started"].items() if cell.hidden]
            if measure == "members_at_start"
            else []
        )
        marks[measure] = suppress_year_to_date(months, published, hide=hide)

    county_of_point = {pk: geo.municipalities[municipality][1] for pk, (_n, municipality, _s) in geo.points.items()}
    points: dict[Node, int] = defaultdict(int)
    for pk in geo.offers:
        points[("county", county_of_point[pk])] += 1
        points[COUNTRY] += 1
    waited: dict[Node, list[int]] = defaultdict(list)
    for pk, days in Group.objects.filter(
        handed_off_at__isnull=False,
        members_at_start__gt=0,
        median_days_waited__isnull=False,
        counted_in__gte=month.replace(month=1),
        counted_in__lte=month,
    ).values_list("contact_point_id", "median_days_waited"):
        if pk in county_of_point:
            waited[("county", county_of_point[pk])].append(days or 0)
            waited[COUNTRY].append(days or 0)

    public: Tables = {}
    for node, started in marks["groups_started"].items():
        if node[0] not in ("county", "country"):
            continue
        median = None
        if len(waited[node]) >= FEWEST_GROUPS_FOR_A_MEDIAN and started.reason is not Reason.SMALL:
            median = round(statistics.median(waited[node]) / 7)
        public[node_key(node)] = {
            **{
                measure: encode_cell(marks[measure].get(node, Shown(None, Reason.WITHHELD))) for measure in YEAR_TO_DATE
            },
            "contact_points": points[node],
            "median_weeks": median,
        }
    return public


@dataclass(frozen=True)
class OfficeMonth:
    """A month as the offices' pages show it: a closed month as it closed, the open one as it is now;
    "waiting now" always from one live suppression over today's geography."""

    geography: Geography
    figures: MonthFigures
    waiting: dict[Node, Shown]  # over today's geography


# What the offices' pages count live -- "waiting now", the months not final yet -- is counted at most
# once a minute for everyone (``live``) and kept in Django's cache (Redis in production), as counts of
# places only. A closed month never changes: each process decodes it once (``_decoded``).
LIVE_SECONDS = 60
KEEP_SECONDS = 60 * 60
# Enough for the live count, the months an office can choose (24) and each office's cell in the twelve
# months of the trend: most of it a few numbers, a decoded month under a megabyte.
MEMO_SIZE = 256
_memo: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_memo_lock = threading.Lock()
_makers = Makers()


def _remembered(key: tuple[object, ...], make: Callable[[], Any]) -> Any:
    """This process's copy of something that never changes under its key: made once (by one thread, the
    others asking for it waiting), the oldest forgotten."""
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    with _makers.one(key):
        with _memo_lock:
            if key in _memo:
                return _memo[key]
        value = make()
        with _memo_lock:
            _memo[key] = value
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
    return value


GENERATION = "figures:generation"
# Every closed month's id and time of closing, by month: read with the live count, in one round trip.
CLOSED = "figures:closed"


def _generation(kept: Mapping[str, Any] | None = None) -> str:
    """A token as long-lived as the cache: kept copies from before it was cleared (a new database, a
    test) are not used again, even where a new closed month has an old one's id."""
    found = (kept or {}).get(GENERATION)
    if found is not None:
        return cast(str, found)
    return cast(str, cache.get_or_set(GENERATION, lambda: uuid.uuid4().hex, timeout=None))


def _closed_months(kept: Mapping[str, Any]) -> dict[datetime.date, tuple[int, datetime.datetime]]:
    """Every closed month, by id: kept a minute in the cache, and forgotten there whenever a month closes."""
    index = kept.get(CLOSED)
    if index is None:
        index = {
            month: (pk, made_at) for month, pk, made_at in ClosedMonth.objects.values_list("month", "pk", "made_at")
        }
        cache.set(CLOSED, index, LIVE_SECONDS)
    return cast(dict[datetime.date, tuple[int, datetime.datetime]], index)


def _forget_closed_months() -> None:
    cache.delete(CLOSED)


@dataclass(frozen=True)
class Frozen:
    """A closed month, decoded: its geography and figures as it closed (without "waiting now")."""

    geography: Geography
    figures: MonthFigures


def _decoded(generation: str, closed: tuple[int, datetime.datetime], month: datetime.date) -> Frozen:
    pk, made_at = closed

    def decode() -> Frozen:
        tables = ClosedMonth.objects.values_list("tables", flat=True).get(pk=pk)
        return Frozen(geography=geography_of(tables), figures=figures_of(month, tables))

    return cast(Frozen, _remembered(("closed", generation, pk, made_at), decode))


@dataclass(frozen=True)
class Live:
    """What the offices' pages count live, over today's geography, and its version: a digest of it all."""

    geography: Geography
    waiting: dict[Node, Shown]
    open_months: dict[datetime.date, MonthFigures]  # the months not final yet, without "waiting now"
    first_month: datetime.date | None  # the first month anything was counted in
    # Groups started in a month where nothing was counted, as the suppression shows it.
    nothing_started: dict[Node, Shown]
    care: dict[int, selectors.Care]
    version: str = ""


def count_live(*, now: datetime.datetime | None = None) -> Live:
    """Count what the offices' pages show live, for the whole country at once. Costly: see ``live``."""
    now = now or timezone.now()
    geo = selectors.geography()
    current = month_of(now)
    previous = (current - datetime.timedelta(days=1)).replace(day=1)
    months = [current, *([previous] if not is_final(previous, now) else [])]
    shared = _Shared()  # kept in the cache and read back by every worker: small and quick to read
    counted = Live(
        geography=geo,
        waiting=shared.cells(selectors.waiting_now(geo)),
        open_months={month: shared.figures(selectors.month_counts(geo, month).figures) for month in months},
        first_month=MonthlyFigure.objects.aggregate(first=Min("month"))["first"],
        nothing_started=shared.cells(suppress({("point", pk): 0 for pk in geo.points}, geo.parents())),
        care=selectors.care_of_points(),
    )
    return replace(counted, version=digest(counted))


def _live_key(now: datetime.datetime) -> str:
    return f"figures:live:{month_of(now):%Y-%m}"


def live(*, now: datetime.datetime | None = None, kept: Mapping[str, Any] | None = None) -> Live:
    """What the offices' pages count live, counted at most once a minute.

    Kept under the open month and its version: the version for a minute, the figures
    for an hour. While one worker counts anew, the others show the last count.
    ``kept``: the cache's answer for the version and the last one, if read already.
    """
    now = now or timezone.now()
    key = _live_key(now)
    found = kept if kept is not None else cache.get_many([key, f"{key}:last"])
    version = found.get(key)
    if version is None and not cache.add(f"{key}:counting", 1, LIVE_SECONDS):
        version = found.get(f"{key}:last")  # another worker is counting: the last count will do
    if version is not None:
        kept = _remembered(("live", key, version), lambda: cache.get(f"{key}@{version}"))
        if kept is not None:
            return cast(Live, kept)
        with _memo_lock:
            _memo.pop(("live", key, version), None)
    counted = _count_and_keep(key, now)
    return cast(Live, _remembered(("live", key, counted.version), lambda: counted))


def _count_and_keep(key: str, now: datetime.datetime) -> Live:
    counted = count_live(now=now)
    cache.set(f"{key}@{counted.version}", counted, KEEP_SECONDS)
    cache.set_many({key: counted.version}, LIVE_SECONDS)
    cache.set(f"{key}:last", counted.version, KEEP_SECONDS)
    cache.delete(f"{key}:counting")
    return counted


# How often the worker counts anew (``recount_live``): well within ``LIVE_SECONDS``, so that a page
# finds a count that has not run out and never waits for one.
RECOUNT_SECONDS = LIVE_SECONDS / 2


def recount_live(*, now: datetime.datetime | None = None) -> str:
    """Count what the offices' pages show live, ahead of them (the beat runs it every
    ``RECOUNT_SECONDS``): a page then reads a count that is at most a minute old and never
    counts itself, unless the worker or beat has stopped. Returns the count's version."""
    now = now or timezone.now()
    key = _live_key(now)
    # Counting may take a while on a busy machine (the worker yields the CPU to the web): should the
    # last count run out meanwhile, pages show it rather than count too.
    cache.set(f"{key}:counting", 1, LIVE_SECONDS)
    return _count_and_keep(key, now).version


def digest(value: object) -> str:
    """A short digest of counts, names and dates, the same for the same content whatever its order."""
    return hashlib.blake2b(repr(_canonical(value)).encode(), digest_size=12).hexdigest()


_PLAIN = (str, int, float, type(None), datetime.date, Enum)


def _canonical(value: object) -> object:
    """``value`` as plain tuples, mappings and sets in a fixed order. The commonest first: a version is a
    digest of the whole country's live figures, thousands of counts."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, Shown):
        return ("Shown", value.value, value.reason)
    if isinstance(value, list | tuple):
        return tuple(_canonical(item) for item in value)
    if isinstance(value, Mapping):
        # A mapping's keys differ from each other, so that its items are in a fixed order by their keys.
        return tuple(sorted(((_canonical(k), _canonical(v)) for k, v in value.items()), key=_by_key))
    if isinstance(value, set | frozenset):
        return tuple(sorted((_canonical(item) for item in value), key=repr))
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(_canonical(getattr(value, part.name)) for part in fields(value)))
    return value


def _by_key(item: tuple[object, object]) -> str:
    return repr(item[0])


TREND_MONTHS = 12


@dataclass(frozen=True)
class OfficeFigures:
    """What an office's page of a month is made from: the live count, and the closed months it shows
    (the month, and the twelve of the trend) by id. ``version`` changes whenever any of it does."""

    month: datetime.date
    live: Live
    closed: dict[datetime.date, tuple[int, datetime.datetime]]  # month -> (id, made at) of its ClosedMonth
    generation: str
    now: datetime.datetime

    @property
    def trend_months(self) -> list[datetime.date]:
        return sorted(selectors.recent_months(TREND_MONTHS, self.month))

    @property
    def version(self) -> str:
        return digest((self.month, self.live.version, self.closed, self.generation))

    def office_month(self) -> OfficeMonth:
        """The month as the tables show it: closed as it closed, open as it was counted last."""
        geo, waiting = self.live.geography, self.live.waiting
        if self.month in self.closed:
            frozen = _decoded(self.generation, self.closed[self.month], self.month)
            geo, figures = frozen.geography, frozen.figures
        elif self.month in self.live.open_months:
            figures = self.live.open_months[self.month]
        else:  # final, never closed: nothing was counted in it
            figures = selectors.month_counts(geo, self.month).figures
        return OfficeMonth(geography=geo, figures=selectors.with_waiting(figures, waiting), waiting=waiting)

    def trend(self, office: Office) -> list[selectors.TrendPoint]:
        """Groups started and time to start, month by month, for the office's area: a closed month as it
        closed, an open one as it was counted last. At most one query, for closed months not seen before."""
        key: Node = COUNTRY if office.is_national else ("district", office.pk)
        cells = self._closed_trend([node_key(key)])[node_key(key)]
        points = []
        for month in self.trend_months:
            if month in cells:
                cell, median = cells[month]
                started = decode_cell(cell) if cell else Shown(0)
            elif month in self.live.open_months:
                figures = self.live.open_months[month]
                started, median = figures.shown["groups_started"].get(key, Shown(0)), figures.medians.get(key)
            else:
                started, median = self.live.nothing_started.get(key, Shown(0)), None
            points.append(selectors.TrendPoint(month=month, groups_started=started, median_days=median))
        return points

    def _closed_trend(self, keys: list[str]) -> dict[str, dict[datetime.date, tuple[Any, Any]]]:
        """Each place's groups started and median in the closed months of the trend: at most one query."""
        wanted = {month: self.closed[month] for month in self.trend_months if month in self.closed}
        found: dict[str, dict[datetime.date, tuple[Any, Any]]] = {key: {} for key in keys}
        missing: dict[int, tuple[datetime.date, datetime.datetime, list[str]]] = {}
        for month, (pk, made_at) in wanted.items():
            for key in keys:
                with _memo_lock:
                    memo = _memo.get(("trend", self.generation, pk, made_at, key))
                if memo is None:
                    missing.setdefault(pk, (month, made_at, []))[2].append(key)
                else:
                    found[key][month] = memo
        if missing:
            asked = sorted({key for _month, _made_at, unknown in missing.values() for key in unknown})
            started = KeyTransform("groups_started", KeyTransform("cells", "tables"))
            medians = KeyTransform("medians", "tables")
            for pk, *parts in ClosedMonth.objects.filter(pk__in=missing).values_list(
                "pk", *[KeyTransform(key, started) for key in asked], *[KeyTransform(key, medians) for key in asked]
            ):
                month, made_at, unknown = missing[pk]
                for key in unknown:
                    cell, median = parts[asked.index(key)], parts[len(asked) + asked.index(key)]
                    found[key][month] = _remembered(
                        ("trend", self.generation, pk, made_at, key), partial(tuple, (cell, median))
                    )
        return found

    def warm_up(self, offices: list[Office]) -> None:
        """Read in the closed months the offices' pages of this month show: the month, if closed, and
        each office's trend."""
        if self.month in self.closed:
            _decoded(self.generation, self.closed[self.month], self.month)
        self._closed_trend([node_key(COUNTRY if office.is_national else ("district", office.pk)) for office in offices])


def office_figures(month: datetime.date, *, now: datetime.datetime | None = None) -> OfficeFigures:
    """What an office's page of ``month`` is made from: the live count (at most a minute old) and the
    closed months, by id, read with it from the cache in one round trip. A final month not yet closed is
    closed first, so that a newly closed month shows at once, as it closed."""
    now = now or timezone.now()
    key = _live_key(now)
    kept = cache.get_many([key, f"{key}:last", GENERATION, CLOSED])
    counted = live(now=now, kept=kept)
    wanted = {month, *selectors.recent_months(TREND_MONTHS, month)}
    index = _closed_months(kept)
    found = {closed: index[closed] for closed in wanted if closed in index}
    first = counted.first_month
    closable = [
        wanted_month
        for wanted_month in wanted
        if wanted_month not in found
        and is_final(wanted_month, now)
        and (first is None or wanted_month >= first.replace(month=1, day=1))
    ]
    if closable:
        # Closed now, or by another worker a moment ago: read from the database, not from what was kept.
        close_months(now=now)
        index = _closed_months({})
        found = {closed: index[closed] for closed in wanted if closed in index}
    return OfficeFigures(month=month, live=counted, closed=found, generation=_generation(kept), now=now)


def warm_up(*, now: datetime.datetime | None = None) -> None:
    """Read into this process what the offices' pages ask first, so that a new worker's first pages are as
    quick as the rest: the live count as the cache keeps it, and the closed months of this month's and last
    month's pages (the month, each office's trend). Counts nothing: without a live count in the cache, the
    first page counts, as it would have."""
    now = now or timezone.now()
    key = _live_key(now)
    kept = cache.get_many([key, f"{key}:last", GENERATION, CLOSED])
    version = kept.get(key) or kept.get(f"{key}:last")
    counted = cache.get(f"{key}@{version}") if version else None
    if counted is None:
        return
    _remembered(("live", key, version), lambda: counted)
    offices = list(Office.objects.all())
    index = _closed_months(kept)
    previous = (month_of(now) - datetime.timedelta(days=1)).replace(day=1)
    for month in (month_of(now), previous):
        wanted = {month, *selectors.recent_months(TREND_MONTHS, month)}
        closed = {closed: index[closed] for closed in wanted if closed in index}
        shown = OfficeFigures(month=month, live=counted, closed=closed, generation=_generation(kept), now=now)
        shown.warm_up(offices)
