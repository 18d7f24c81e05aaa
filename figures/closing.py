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
import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.db import IntegrityError, connection, transaction
from django.db.models import Min
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from contactpoints.models import County
from figures import selectors
from figures.models import ClosedMonth
from figures.selectors import COUNTRY, Geography, MonthFigures, Node, decode_cell, encode_cell, node_key, node_of
from figures.suppression import MonthCounts, Reason, Shown, below, suppress_year_to_date
from groups.models import Group, MonthlyFigure
from groups.monthly import is_final, month_of, next_month

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

    def cells(encoded: Mapping[str, list[object]]) -> dict[Node, Shown]:
        return {node_of(key): decode_cell(cell) for key, cell in encoded.items()}

    return MonthFigures(
        month=month,
        shown={name: cells(tables["cells"][name]) for name, _label in selectors.MONTHLY},
        medians={node_of(key): median for key, median in tables["medians"].items()},
        ways={way: cells(encoded) for way, encoded in tables["ways"].items()},
    )


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


def office_month(geo: Geography, month: datetime.date, *, now: datetime.datetime | None = None) -> OfficeMonth:
    """``geo`` is today's geography. A final month not yet closed is closed now."""
    now = now or timezone.now()
    waiting = selectors.waiting_now(geo)
    if is_final(month, now):
        tables = ClosedMonth.objects.filter(month=month).values_list("tables", flat=True).first()
        if tables is None and close_months(now=now):
            tables = ClosedMonth.objects.filter(month=month).values_list("tables", flat=True).first()
        if tables is not None:
            figures = selectors.with_waiting(figures_of(month, tables), waiting)
            return OfficeMonth(geography=geography_of(tables), figures=figures, waiting=waiting)
    figures = selectors.month_counts(geo, month).figures
    figures.shown[selectors.WAITING[0]] = waiting
    return OfficeMonth(geography=geo, figures=figures, waiting=waiting)
