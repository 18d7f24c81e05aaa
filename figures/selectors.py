"""Figures for Selvhjelp Norge's offices: counts by place and month, never people.

Every count goes through ``figures.suppression.suppress`` over the whole
country at once (contact point → municipality → county → district → country),
so a count is shown the same way on every page, chart and CSV file. Groups
started are also split by how they met, for each district and the country,
through ``suppress_split`` in the same call.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contactpoints.models import (
    Application,
    ContactPoint,
    County,
    Municipality,
    NoticeRequest,
    Office,
    applications_handled_by,
)
from figures.suppression import Reason, Shown, Split, suppress, suppress_split
from groups.models import Format, Group, MonthlyFigure, SignUp
from materials.models import Order
from materials.selectors import orders_for_office

# The counts kept per contact point and month (see groups.models.MonthlyFigure),
# and "waiting now", which is counted live.
MONTHLY = [
    ("signed_up", _("Signed up")),
    ("confirmed", _("Confirmed")),
    ("withdrawn", _("Withdrew")),
    ("expired", _("Place ran out")),
    ("moved_out", _("Moved their place away")),
    ("moved_in", _("Moved their place here")),
    ("groups_started", _("Groups started")),
    ("members_at_start", _("Members at start")),
]
WAITING = ("waiting", _("Waiting now"))
COLUMNS = [WAITING, *MONTHLY]
# How a group met, and the field of a contact point that says it offers that way.
WAYS = [
    (Format.IN_PERSON.value, _("In person"), "offers_in_person"),
    (Format.TELEPHONE.value, _("By telephone"), "offers_telephone"),
    (Format.VIDEO.value, _("By video"), "offers_video"),
]
# A place in the tree: ("point", id), ("municipality", id), ("county", id),
# ("district", id or None), or the whole country.
Node = tuple[str, int | None]
COUNTRY: Node = ("country", None)
NO_DISTRICT = ("district", None)
HELP_AFTER_DAYS = 183
STALE_AFTER_DAYS = 365


@dataclass(frozen=True)
class Row:
    key: Node
    name: str
    cells: list[Shown]
    median_days: int | None = None


@dataclass
class Geography:
    """Who belongs where: contact points in municipalities in counties in districts."""

    points: dict[int, tuple[str, int, str]] = field(default_factory=dict)  # id -> (name, municipality id, slug)
    municipalities: dict[int, tuple[str, int]] = field(default_factory=dict)  # id -> (name, county id)
    counties: dict[int, str] = field(default_factory=dict)
    district_of_county: dict[int, int | None] = field(default_factory=dict)
    districts: dict[int, str] = field(default_factory=dict)
    # The ways each contact point in the directory offers (closed or unlisted ones offer none): public facts.
    offers: dict[int, frozenset[str]] = field(default_factory=dict)

    def district(self, point: int) -> Node:
        return ("district", self.district_of_county.get(self.municipalities[self.points[point][1]][1]))

    def parents(self) -> dict[Node, list[Node]]:
        tree: dict[Node, list[Node]] = defaultdict(list)
        for point, (_name, municipality, _slug) in self.points.items():
            tree[("municipality", municipality)].append(("point", point))
        for municipality in {m for (_n, m, _s) in self.points.values()}:
            county = self.municipalities[municipality][1]
            tree[("county", county)].append(("municipality", municipality))
        for county in {self.municipalities[m][1] for (_n, m, _s) in self.points.values()}:
            tree[("district", self.district_of_county.get(county))].append(("county", county))
        tree[COUNTRY] = [key for key in tree if key[0] == "district"]
        return dict(tree)


def geography() -> Geography:
    """Three queries, whatever the size of the country."""
    geo = Geography()
    fields = [field for _way, _label, field in WAYS]
    for pk, name, municipality, slug, active, closed_at, *offered in ContactPoint.objects.values_list(
        "pk", "name", "municipality_id", "slug", "is_active", "closed_at", *fields
    ):
        geo.points[pk] = (name, municipality, slug)
        if active and closed_at is None:  # in the directory
            geo.offers[pk] = frozenset(way for (way, *_), offers in zip(WAYS, offered, strict=True) if offers)
    municipality_ids = {m for (_n, m, _s) in geo.points.values()}

    for pk, name, county in Municipality.objects.filter(pk__in=municipality_ids).values_list("pk", "name", "county_id"):
        geo.municipalities[pk] = (name, county)
    for pk, name, office_id, office_name, national in County.objects.values_list(
        "pk", "name", "offices__pk", "offices__name", "offices__is_national"
    ).order_by("name", "offices__pk"):
        geo.counties[pk] = name
        if office_id and not national and geo.district_of_county.get(pk) is None:
            geo.district_of_county[pk] = office_id
            geo.districts[office_id] = office_name
        geo.district_of_county.setdefault(pk, None)
    return geo


def month_start(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def recent_months(count: int, until: datetime.date | None = None) -> list[datetime.date]:
    month = month_start(until or timezone.localdate())
    months = []
    for _step in range(count):
        months.append(month)
        month = month_start(month - datetime.timedelta(days=1))
    return months


@dataclass
class MonthFigures:
    month: datetime.date
    shown: dict[str, dict[Node, Shown]]
    medians: dict[Node, int | None]
    # Groups started by how they met (a format), in each district and the country.
    ways: dict[str, dict[Node, Shown]] = field(default_factory=dict)


@dataclass
class MonthCounts:
    """A month's counts before anything is hidden, and the suppression they went through: what a
    closed month keeps (``figures.closing``) beside its cells, for the year to date."""

    figures: MonthFigures  # without "waiting now", which is always counted live
    parents: dict[Node, list[Node]]
    leaves: dict[str, dict[Node, int]]  # each count in MONTHLY, per contact point
    split: Split[Node]  # groups started by how they met, per district


def month_counts(geo: Geography, month: datetime.date) -> MonthCounts:
    """Every count of one calendar month but "waiting now", suppressed over the whole country: three queries."""
    parents = geo.parents()
    monthly = {
        row["contact_point_id"]: row
        for row in MonthlyFigure.objects.filter(month=month).values("contact_point_id", *[name for name, _ in MONTHLY])
    }
    shown: dict[str, dict[Node, Shown]] = {}
    ways: dict[str, dict[Node, Shown]] = {}
    leaves_of: dict[str, dict[Node, int]] = {}
    split = _split(geo, parents, groups_by_way(month))
    for name, _label in MONTHLY:
        leaves: dict[Node, int] = {("point", pk): int(monthly.get(pk, {}).get(name, 0)) for pk in geo.points}
        leaves_of[name] = leaves
        if name == "groups_started":
            # Split by how they met in the same call, so that neither gives the other away; the
            # tree comes out as ``suppress`` alone makes it, as the trend shows it.
            shown[name], parts = suppress_split(leaves, parents, split)
            ways = {way: {node: cell for (kind, node), cell in parts.items() if kind == way} for way, *_ in WAYS}
            continue
        # Members at start would tell how many groups started (at least one, and
        # its size) where that number is hidden: it is hidden there too.
        hide = [node for node, cell in shown.get("groups_started", {}).items() if cell.hidden]
        shown[name] = suppress(leaves, parents, hide=hide if name == "members_at_start" else ())
    medians = _medians(geo, parents, _group_medians([month])[month])
    figures = MonthFigures(month=month, shown=shown, medians=medians, ways=ways)
    return MonthCounts(figures=figures, parents=parents, leaves=leaves_of, split=split)


def waiting_now(geo: Geography) -> dict[Node, Shown]:
    """How many wait now, suppressed over the whole country: one query."""
    waiting = dict(SignUp.objects.waiting().values_list("contact_point_id").annotate(n=Count("pk")).order_by())
    return suppress({("point", pk): waiting.get(pk, 0) for pk in geo.points}, geo.parents())


def with_waiting(figures: MonthFigures, waiting: dict[Node, Shown]) -> MonthFigures:
    """A month's figures with "waiting now" from one live suppression; a place it no longer knows says nothing."""
    nodes = figures.shown.get(MONTHLY[0][0], {})
    cells = {node: waiting.get(node, Shown(None, Reason.WITHHELD)) for node in nodes}
    return MonthFigures(
        month=figures.month,
        shown={**figures.shown, WAITING[0]: cells},
        medians=figures.medians,
        ways=figures.ways,
    )


def groups_by_way(month: datetime.date) -> dict[int, dict[str, int]]:
    """How the groups that started in a month met, per contact point: one query.

    A group counts as it counts in "Groups started" (``groups.services.hand_off``):
    from its hand-off, if anyone came, in the month it was counted in (``Group.counted_in``).
    A cancelled group never started; one still forming has not yet.
    """
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for point, way, count in (
        Group.objects.filter(
            status__in=[Group.Status.HANDING_OFF, Group.Status.HANDED_OFF],
            handed_off_at__isnull=False,
            members_at_start__gt=0,
            counted_in=month_start(month),
        )
        .values_list("contact_point_id", "format")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        found[point][way] = count
    return found


def _split(geo: Geography, parents: dict[Node, list[Node]], by_point: dict[int, dict[str, int]]) -> Split[Node]:
    """Groups started by way in each district, and which ways anyone can tell were 0 there: those that
    no contact point of the district offers, as the directory shows."""
    districts = parents.get(COUNTRY, [])
    counts: dict[Node, dict[str, int]] = {district: {} for district in districts}
    offered: dict[Node, set[str]] = {district: set() for district in districts}
    for point in geo.points:
        district = geo.district(point)
        for way, count in by_point.get(point, {}).items():
            counts[district][way] = counts[district].get(way, 0) + count
        offered[district] |= geo.offers.get(point, frozenset())
    kinds = tuple(way for way, *_ in WAYS)
    public = {(way, district) for district in districts for way in kinds if way not in offered[district]}
    public |= {(way, COUNTRY) for way in kinds if all((way, district) in public for district in districts)}
    return Split(total=COUNTRY, kinds=kinds, counts=counts, public=frozenset(public))


def _group_medians(months: list[datetime.date]) -> dict[datetime.date, dict[Node, list[int]]]:
    """Each started group's median days waited, by the month it counts in and contact point: one query."""
    found: dict[datetime.date, dict[Node, list[int]]] = defaultdict(lambda: defaultdict(list))
    for point, month, days in Group.objects.filter(
        handed_off_at__isnull=False,
        members_at_start__gt=0,
        median_days_waited__isnull=False,
        counted_in__gte=month_start(min(months)),
        counted_in__lte=month_start(max(months)),
    ).values_list("contact_point_id", "counted_in", "median_days_waited"):
        if month is not None:
            found[month][("point", point)].append(days or 0)
    return found


def _medians(
    geo: Geography, parents: dict[Node, list[Node]], per_point: dict[Node, list[int]]
) -> dict[Node, int | None]:
    """Median days waited, over the groups that started; shown only where 5 or more groups did."""
    collected: dict[Node, list[int]] = {}

    def collect(node: Node) -> list[int]:
        if node not in collected:
            collected[node] = (
                per_point.get(node, [])
                if node not in parents
                else [d for child in parents[node] for d in collect(child)]
            )
        return collected[node]

    nodes = set(parents) | {("point", pk) for pk in geo.points}
    return {node: round(statistics.median(collect(node))) if len(collect(node)) >= 5 else None for node in nodes}


def rows(geo: Geography, figures: MonthFigures, keys: list[Node]) -> list[Row]:
    def name(key: Node) -> str:
        kind, pk = key
        if pk is None:
            return str(_("Counties covered by the national office"))
        if kind == "point":
            return geo.points[pk][0]
        if kind == "municipality":
            return geo.municipalities[pk][0]
        if kind == "county":
            return geo.counties[pk]
        return geo.districts.get(pk, str(_("Counties covered by the national office")))

    return [
        Row(
            key=key,
            name=name(key),
            cells=[figures.shown[column][key] for column, _ in COLUMNS],
            median_days=figures.medians.get(key),
        )
        for key in keys
    ]


def scope(office: Office, geo: Geography) -> list[int]:
    if office.is_national:
        return sorted(geo.counties, key=lambda pk: geo.counties[pk])
    return sorted(
        (pk for pk, district in geo.district_of_county.items() if district == office.pk),
        key=lambda pk: geo.counties[pk],
    )


@dataclass(frozen=True)
class Way:
    """One way of meeting, in an office's area: groups started that way, and contact points offering it."""

    name: str
    groups_started: Shown
    contact_points: int


@dataclass
class Tables:
    counties: list[Row]
    municipalities: list[Row]
    points: list[Row]
    total: Row | None
    ways: list[Way] = field(default_factory=list)
    # Below the ways: all groups started (as in the total row) and every contact point in the directory.
    ways_total: Way | None = None


def tables(geo: Geography, figures: MonthFigures, office: Office) -> Tables:
    county_ids = set(scope(office, geo))
    in_scope = {pk for pk, (_n, m, _s) in geo.points.items() if geo.municipalities[m][1] in county_ids}
    municipality_ids = sorted(
        {geo.points[pk][1] for pk in in_scope},
        key=lambda m: (geo.counties[geo.municipalities[m][1]], geo.municipalities[m][0]),
    )
    total_key: Node = COUNTRY if office.is_national else ("district", office.pk)
    total = None
    if total_key in figures.shown["signed_up"]:
        total = Row(
            key=total_key,
            name=str(_("All of Norway")) if office.is_national else office.name,
            cells=[figures.shown[column][total_key] for column, _ in COLUMNS],
            median_days=figures.medians.get(total_key),
        )
    # A county with no contact point has no figures; it gets no row.
    counties = [("county", pk) for pk in sorted(county_ids, key=lambda pk: geo.counties[pk])]
    ways, ways_total = [], None
    if total is not None:
        offers = [geo.offers[pk] for pk in in_scope if pk in geo.offers]
        ways = [
            Way(str(label), figures.ways[way][total_key], sum(way in offered for offered in offers))
            for way, label, _field in WAYS
        ]
        ways_total = Way(total.name, figures.shown["groups_started"][total_key], len(offers))
    return Tables(
        counties=rows(geo, figures, [key for key in counties if key in figures.shown["signed_up"]]),
        municipalities=rows(geo, figures, [("municipality", pk) for pk in municipality_ids]),
        points=rows(geo, figures, [("point", pk) for pk in sorted(in_scope, key=lambda pk: geo.points[pk][0])]),
        total=total,
        ways=ways,
        ways_total=ways_total,
    )


@dataclass(frozen=True)
class TrendPoint:
    month: datetime.date
    groups_started: Shown
    median_days: int | None


def node_key(node: Node) -> str:
    """A place as a closed month keeps it: "point:12", "district:" (the national office's counties), "country:"."""
    kind, pk = node
    return f"{kind}:{'' if pk is None else pk}"


def node_of(key: str) -> Node:
    kind, _colon, pk = key.partition(":")
    return (kind, int(pk) if pk else None)


def encode_cell(cell: Shown) -> list[object]:
    return [cell.value, cell.reason.value]


def decode_cell(cell: list[object]) -> Shown:
    value, reason = cell
    return Shown(None if value is None else int(str(value)), Reason(reason))


@dataclass(frozen=True)
class OfficeCounts:
    """What an office's page counts anew on every request, in one query."""

    # In how many municipalities of the office's counties people confirmed that they want to hear when a
    # contact point opens: a count of places, never of people, and from 0 to 4 shown as "<5".
    municipalities_asked: Shown
    pending_applications: int  # applications the office decides, waiting for a decision
    open_orders: int  # material orders the office sends, not sent yet


def office_counts(geo: Geography, office: Office) -> OfficeCounts:
    """``OfficeCounts`` of ``office``, the office's counties as in ``geo``: one query."""
    asked, pending, orders = counts(
        NoticeRequest.objects.filter(confirmed_at__isnull=False, municipality__county_id__in=scope(office, geo))
        .values("municipality")
        .distinct(),
        applications_handled_by(office).filter(status=Application.Status.PENDING).values("pk"),
        orders_for_office(office).filter(status=Order.Status.ORDERED).values("pk"),
    )
    return OfficeCounts(
        municipalities_asked=suppress({"asked": asked}, {})["asked"],
        pending_applications=pending,
        open_orders=orders,
    )


def counts(*queries: "QuerySet[Any]") -> list[int]:
    """How many rows each query finds, all in one round trip to the database."""
    made: list[tuple[str, tuple[Any, ...]]] = []
    for query in queries:
        try:
            made.append(query.order_by().query.sql_with_params())
        except EmptyResultSet:  # a filter such as "in no county": no row, and no SQL for it
            made.append(("SELECT 1 WHERE 1 = 0", ()))
    # Only SQL that Django made from the queries, their parameters passed apart.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM ({part}) counted)" for part, _ in made)  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _, params in made for param in params])
        row = cursor.fetchone()
    return [int(count) for count in row]


@dataclass(frozen=True)
class Care:
    """What says whether a contact point in the directory needs an office's help: when its last group
    met (a cancelled one never did), and when staff last confirmed its public details."""

    last_group: datetime.datetime | None
    details_confirmed_at: datetime.datetime | None


def care_of_points() -> dict[int, Care]:
    """Each active contact point's ``Care``: two queries, whatever the size of the country."""
    last_group = dict(
        Group.objects.exclude(status=Group.Status.CANCELLED)  # a cancelled group never started
        .values_list("contact_point_id")
        .annotate(last=Max("first_meeting"))
        .order_by()
    )
    return {
        pk: Care(last_group=last_group.get(pk), details_confirmed_at=confirmed)
        for pk, confirmed in ContactPoint.objects.filter(is_active=True).values_list("pk", "details_confirmed_at")
    }


@dataclass(frozen=True)
class Attention:
    # Each with how many wait now, shown as in the tables ("<5" from 0 to 4).
    needs_help: list[tuple[str, Shown]]
    stale: list[str]


def needing_attention(
    geo: Geography,
    office: Office,
    waiting: dict[Node, Shown],
    care: dict[int, Care],
    *,
    now: datetime.datetime | None = None,
) -> Attention:
    """Contact points where no group started for half a year, with how many wait
    as the tables show it, and those whose public details nobody has confirmed
    for a year. Whether anyone waits is not what puts a contact point on the
    list: that would tell 0 apart from 1 to 4. ``care`` from ``care_of_points``,
    over the same geography: no query."""
    county_ids = set(scope(office, geo))
    now = now or timezone.now()
    points = {
        pk: facts
        for pk, facts in care.items()
        if pk in geo.points and geo.municipalities[geo.points[pk][1]][1] in county_ids
    }
    help_before = now - datetime.timedelta(days=HELP_AFTER_DAYS)
    needs_help = sorted(
        (
            (geo.points[pk][0], waiting.get(("point", pk), Shown(None, Reason.WITHHELD)))
            for pk, facts in points.items()
            if facts.last_group is None or facts.last_group < help_before
        ),
        key=lambda item: item[0],
    )
    stale_before = now - datetime.timedelta(days=STALE_AFTER_DAYS)
    stale = sorted(
        geo.points[pk][0]
        for pk, facts in points.items()
        if facts.details_confirmed_at is None or facts.details_confirmed_at < stale_before
    )
    return Attention(needs_help=needs_help, stale=stale)
