"""Reads about sign-ups. Each returns counts or words, never people."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, connection
from django.db.models import Case, Count, IntegerField, Model, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contactpoints import directory
from contactpoints import languages as language_list
from contactpoints.models import ContactPoint
from groups import matching
from groups.models import (
    AgeGroup,
    Format,
    Group,
    Invitation,
    NoticeHold,
    ProgressSnapshot,
    SignUp,
    TimeOfDay,
)
from outbox.models import Email
from selvhjelp import pagecache
from selvhjelp.counts import SMALLEST_COUNT_SHOWN
from selvhjelp.prepared import Prepared

# The public page says how many wait as the offices' figures do: never an
# exact count below SMALLEST_COUNT_SHOWN, and from a snapshot taken at most
# once a day, after this time of day.
SNAPSHOT_AFTER = datetime.time(4, 0)


@dataclass(frozen=True)
class Progress:
    """What the public page may say: ``waiting`` is None for "fewer than 5"; ``needed``
    (how many more) is said only beside an exact count."""

    waiting: int | None
    needed: int | None
    short: bool  # too few for a group yet: the page points to the nationwide lists
    taken_at: datetime.datetime


def _latest_snapshot_time(now: datetime.datetime) -> datetime.datetime:
    today = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), SNAPSHOT_AFTER))
    return today if now >= today else today - datetime.timedelta(days=1)


def _snapshot(contact_point: ContactPoint) -> ProgressSnapshot:
    """Today's snapshot, taken now if the latest is from before this morning's time."""
    now = timezone.now()
    snapshot = ProgressSnapshot.objects.filter(contact_point=contact_point).first()
    if snapshot is not None and snapshot.taken_at >= _latest_snapshot_time(now):
        return snapshot
    waiting = matching.best_count(contact_point)
    try:
        snapshot, _created = ProgressSnapshot.objects.update_or_create(
            contact_point=contact_point, defaults={"waiting": waiting, "taken_at": now}
        )
    except IntegrityError:  # taken at this very moment by another request
        snapshot = ProgressSnapshot.objects.get(contact_point=contact_point)
    return snapshot


def progress(contact_point: ContactPoint) -> Progress:
    """For the public page: how many wait for the best-filled group, and how many more are
    needed; from a daily snapshot, and "fewer than 5" below five."""
    snapshot = _snapshot(contact_point)
    short = snapshot.waiting < contact_point.threshold
    if snapshot.waiting < SMALLEST_COUNT_SHOWN:
        return Progress(waiting=None, needed=None, short=short, taken_at=snapshot.taken_at)
    needed = max(0, contact_point.threshold - snapshot.waiting)
    return Progress(waiting=snapshot.waiting, needed=needed, short=short, taken_at=snapshot.taken_at)


def place_in_words(signup: SignUp) -> str:
    """Where a person stands in the queue, told in words rather than a precise number."""
    ahead = (
        SignUp.objects.waiting()
        .filter(contact_point_id=signup.contact_point_id, waiting_since__lt=signup.waiting_since)
        .count()
    )
    return _in_words(ahead)


def _in_words(ahead: int) -> str:
    place = ahead + 1
    for bound in (5, 10, 20):
        if place <= bound:
            return _("You are among the first %(count)s on the list.") % {"count": bound}
    return _("More than 20 people have waited longer than you. Thank you for your patience.")


@dataclass(frozen=True)
class Split:
    """How many wait, for one preference, per answer (e.g. format: in person 3, telephone 1, either 2)."""

    label: str
    counts: list[tuple[str, int]]


@dataclass(frozen=True)
class WaitingOverview:
    total: int
    splits: list[Split]
    ready: list[tuple[matching.Plan, int]]
    best: int
    suggestions: list[matching.Suggestion]
    # How many wait per language; a person counts under each language they ticked.
    languages: list[tuple[str, int]]


def waiting_overview(contact_point: ContactPoint) -> WaitingOverview:
    """What staff see about the people waiting: numbers only, from one query.

    The overview follows from that query's counts and the contact point's settings alone, so each
    process keeps what it worked out under a digest of exactly those (and the page's language): the
    same counts give the same overview, and any change to them gives a new digest. PostgreSQL makes the
    counts' digest (``matching.waiting_digest``), so while they stay the same a page reads one short row
    instead of the counts. What is kept holds counts and group plans, never a person; the key holds the
    digest only."""
    every, offered = language_list.every_and_offered(contact_point)
    names = {code: language.name for code, language in every.items()}
    if not pagecache.keeping():
        return _overview(contact_point, matching.waiting_buckets(contact_point), offered, names)
    inputs = (
        contact_point.pk,
        matching.formats_offered(contact_point),
        contact_point.threshold,
        contact_point.seats,
        offered,
        names,
        translation.get_language(),
        # The counts themselves are read only when their digest is new.
        matching.waiting_digest(contact_point),
    )
    return pagecache.kept_by_content(
        "waiting-overview",
        inputs,
        lambda: _overview(contact_point, matching.waiting_buckets(contact_point), offered, names),
        size=lambda overview: 4096 + 256 * len(overview.ready),
    )


def _overview(
    contact_point: ContactPoint, buckets: list[matching.Bucket], offered: list[str], names: dict[str, str]
) -> WaitingOverview:
    per_language = language_counts(buckets, offered, names)
    total = sum(int(b["n"]) for b in buckets)
    splits = []
    for name, label, choices in (
        ("format", _("How to meet"), Format),
        ("time_of_day", _("Time of day"), TimeOfDay),
        ("languages", _("Language"), None),
        ("age_group", _("Age group"), AgeGroup),
    ):
        if choices is None:
            splits.append(Split(label=str(label), counts=per_language))
            continue
        counts = [
            (str(choice_label), sum(int(b["n"]) for b in buckets if b[name] == value))
            for value, choice_label in choices.choices
        ]
        splits.append(Split(label=str(label), counts=counts))
    plan_counts = matching.plan_counts(contact_point, buckets, languages=offered, names=names)
    ready = sorted(
        ((plan, n) for plan, n in plan_counts.items() if n >= contact_point.threshold), key=lambda item: -item[1]
    )
    return WaitingOverview(
        total=total,
        splits=splits,
        ready=ready,
        best=max(plan_counts.values(), default=0),
        suggestions=matching.suggestions(contact_point, buckets, languages=offered, names=names),
        languages=per_language,
    )


def language_counts(buckets: list[matching.Bucket], offered: list[str], names: dict[str, str]) -> list[tuple[str, int]]:
    """How many wait who ticked each language: the contact point's languages, then any other
    a person ticked. A person who ticked two languages counts under each."""
    ticked = {code for bucket in buckets for code in bucket["languages"]}
    others = sorted(ticked - set(offered), key=lambda code: (list(names).index(code) if code in names else 999, code))
    codes = [*offered, *others]
    return [(names.get(code, code), sum(int(b["n"]) for b in buckets if code in b["languages"])) for code in codes]


@dataclass(frozen=True)
class GroupSummary:
    group: Group
    accepted: int
    pending: int


def _counted(groups: "QuerySet[Group]") -> "QuerySet[Group]":
    """Each group with its invitations counted: said yes (``n_accepted``), not answered yet (``n_pending``)."""
    status = f"{connection.ops.quote_name('status')} = %s"

    def invitations(answer: str) -> RawSQL:
        return _correlated(Invitation, "COUNT(*)", of=Group, by="group_id", condition=status, params=(str(answer),))

    return groups.annotate(
        n_accepted=invitations(Invitation.Status.ACCEPTED), n_pending=invitations(Invitation.Status.PENDING)
    )


def _with_counts(groups: "QuerySet[Group]") -> "QuerySet[Group]":
    return _counted(groups.select_related("room"))


def _summary(group: Group) -> GroupSummary:
    return GroupSummary(group=group, accepted=group.n_accepted, pending=group.n_pending)  # type: ignore[attr-defined]


def group_summary(group: Group) -> GroupSummary:
    return _summary(_with_counts(Group.objects.filter(pk=group.pk)).get())


# Every visit to a group's page asks for it: SQL the ORM builds once per process.
_group_at = Prepared(lambda point, pk: _with_counts(Group.objects.filter(contact_point=point, pk=pk)))


def group_summary_at(contact_point: ContactPoint, pk: int) -> GroupSummary:
    """A group of ``contact_point``, with its room and its invitations counted: one query.
    Raises ``Group.DoesNotExist`` for a group that is not the contact point's."""
    group = _group_at.first(contact_point.pk, pk)
    if group is None:
        raise Group.DoesNotExist(f"no group {pk} at {contact_point.slug}")
    group.contact_point = contact_point
    return _summary(group)


# What the dashboard's table of groups shows of each group.
SUMMARY_FIELDS = ("first_meeting", "status", "members_at_start", "declined", "expired", "seats")


# How many of its latest groups a contact point's dashboard lists.
DASHBOARD_GROUPS = 50


def group_summaries(contact_point: ContactPoint) -> list[GroupSummary]:
    """The contact point's latest groups as its dashboard lists them: each with the fields the table
    shows (``SUMMARY_FIELDS``) and its invitations counted, from one query."""
    return [_summary(group) for group in _latest_groups.all(contact_point.pk)]


# ``group_summaries``'s query, made by the ORM once per process.
_latest_groups = Prepared(
    lambda point: _counted(Group.objects.filter(contact_point=point).only(*SUMMARY_FIELDS)).order_by("-first_meeting")[
        :DASHBOARD_GROUPS
    ]
)


def _correlated(
    model: type[Model], column: str, *, of: type[Model], by: str, condition: str = "", params: tuple[str, ...] = ()
) -> RawSQL:
    """``column`` of ``model``'s rows whose ``by`` is the row of ``of`` the outer query reads (and where
    ``condition``, on ``params``): plain SQL, which the database plans at a fraction of what the ORM's
    subqueries and grouped joins cost to build. It names the app's own tables and columns only."""
    quote = connection.ops.quote_name
    table, outer = quote(model._meta.db_table), quote(of._meta.db_table)
    where = f"{table}.{quote(by)} = {outer}.{quote('id')}"
    if condition:
        where += f" AND {table}.{condition}"
    sql = f"SELECT {column} FROM {table} WHERE {where}"  # noqa: S608  # nosec B608
    return RawSQL(sql, params, output_field=IntegerField())  # noqa: S611  # nosec B611


def with_dashboard_counts(points: "QuerySet[ContactPoint]") -> "QuerySet[ContactPoint]":
    """Contact points each with the counts its dashboard starts from, in the same query
    (``dashboard_counts``): emails that could not be delivered, the open hold on its notice, its groups;
    and the digest of the people waiting, counted (``matching.waiting_digest``)."""
    quote = connection.ops.quote_name
    return matching.with_waiting_digest(points).annotate(
        undelivered_emails=_correlated(
            Email, "COUNT(*)", of=ContactPoint, by="contact_point_id", condition=f"{quote('failed_at')} IS NOT NULL"
        ),
        open_hold_id=_correlated(
            NoticeHold, quote("id"), of=ContactPoint, by="contact_point_id", condition=f"{quote('released_at')} IS NULL"
        ),
        group_count=_correlated(Group, "COUNT(*)", of=ContactPoint, by="contact_point_id"),
    )


@dataclass(frozen=True)
class DashboardCounts:
    hold: NoticeHold | None
    undelivered: int
    groups: int  # of every status


def dashboard_counts(contact_point: ContactPoint) -> DashboardCounts:
    """What the dashboard warns of, and whether there are groups to list, from a contact point read
    ``with_dashboard_counts``; the hold is read on its own only where there is one."""
    hold_id = contact_point.open_hold_id  # type: ignore[attr-defined]
    return DashboardCounts(
        hold=None if hold_id is None else NoticeHold.objects.filter(pk=hold_id).first(),
        undelivered=contact_point.undelivered_emails,  # type: ignore[attr-defined]
        groups=contact_point.group_count,  # type: ignore[attr-defined]
    )


# Other contact points offered to a person whose contact point closes.
NEARBY_OFFERS = 5


@dataclass(frozen=True)
class MoveOffers:
    nearby: list[ContactPoint]
    nationwide: list[ContactPoint]

    def allows(self, contact_point: ContactPoint) -> bool:
        return any(point.pk == contact_point.pk for point in [*self.nearby, *self.nationwide])


# The field of a contact point that offers each way a person may ask to meet.
OFFERS: dict[str, str] = {
    Format.IN_PERSON: "offers_in_person",
    Format.TELEPHONE: "offers_telephone",
    Format.VIDEO: "offers_video",
}


def _offering(points: "QuerySet[ContactPoint]", way: str) -> "QuerySet[ContactPoint]":
    """Those of ``points`` that offer ``way``, the way a sign-up asked to meet; all of them for "any"."""
    field = OFFERS.get(way)
    return points.filter(**{field: True}) if field else points


def move_offers(signup: SignUp) -> MoveOffers:
    """Where a person waiting at a closed contact point may move their place.

    Contact points that take sign-ups and offer the way of meeting the person
    asked for: those in the same municipality first, then the rest of the
    county, a few in all; and, apart, the nationwide lists (telephone or video
    groups) that meet that way. Someone who asked to meet in person is offered
    every nationwide list: none meets in person, and moving there is their choice.
    """
    source = signup.contact_point
    if not source.is_closed or not signup.is_waiting:
        return MoveOffers(nearby=[], nationwide=[])
    open_points = ContactPoint.objects.taking_signups().exclude(pk=source.pk).select_related("municipality__county")
    nearby = _offering(
        open_points.filter(nationwide=False, municipality__county_id=source.municipality.county_id), signup.format
    )
    nationwide: QuerySet[ContactPoint] = open_points.filter(directory.NATIONWIDE)
    if signup.format != Format.IN_PERSON:
        nationwide = _offering(nationwide, signup.format)
    nearby = nearby.annotate(
        elsewhere=Case(
            When(municipality_id=source.municipality_id, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("elsewhere", "name")
    return MoveOffers(nearby=list(nearby[:NEARBY_OFFERS]), nationwide=list(nationwide.order_by("name")))


# --- When a local list stays short ---------------------------------------------

# The people offered a nationwide list: those who asked for telephone, video or any way of meeting.
MOVE_FORMATS = (Format.TELEPHONE, Format.VIDEO, Format.ANY)


def nationwide_lists() -> "QuerySet[ContactPoint]":
    """Listed contact points that run telephone or video groups for the whole country: those the directory offers."""
    return directory.nationwide_lists()


def move_targets(*, signup: SignUp) -> list[ContactPoint]:
    """The nationwide lists this sign-up could move to, meeting the way it asked for; empty when it cannot move."""
    if signup.status != SignUp.Status.WAITING or signup.format not in MOVE_FORMATS or signup.contact_point.nationwide:
        return []
    # The same address cannot be on one list twice.
    already = SignUp.objects.filter(email_hash=signup.email_hash).values("contact_point_id")
    return list(
        _offering(nationwide_lists(), signup.format).exclude(pk=signup.contact_point_id).exclude(pk__in=already)
    )


def list_is_short(contact_point: ContactPoint) -> bool:
    """Not enough are waiting for any one group to start."""
    return matching.best_count(contact_point) < contact_point.threshold


def move_options(signup: SignUp) -> list[ContactPoint]:
    """For the person's own page: the nationwide lists they were offered and can still move to."""
    if signup.move_offered_at is None:
        return []
    return move_targets(signup=signup)


def nationwide_suggestions(contact_point: ContactPoint, progress: Progress) -> list[ContactPoint]:
    """For a local contact point's public page: the nationwide lists (telephone, video), while its own list is short."""
    if contact_point.nationwide or not progress.short:
        return []
    return list(nationwide_lists().exclude(pk=contact_point.pk))


# --- Several lists, one form ---------------------------------------------------

# How many more lists one sign-up form may put a person on: one nearby, one nationwide.
MORE_LISTS = 2


@dataclass(frozen=True)
class MoreLists:
    """The other lists the sign-up form at a contact point offers: contact points in the
    same county that take sign-ups, and the nationwide telephone and video lists."""

    nearby: list[ContactPoint]
    nationwide: list[ContactPoint]


def more_lists(contact_point: ContactPoint) -> MoreLists:
    """The lists a person signing up at ``contact_point`` may also put themselves on: nearby, those in
    its municipality first; then the nationwide ones; each by name. Read from what the process keeps
    (``_open_lists``), so a sign-up reads no table for them."""
    by_county, nationwide = _open_lists()
    nearby: list[ContactPoint] = []
    if not contact_point.nationwide:
        county = contact_point.municipality.county_id
        nearby = sorted(
            (point for point in by_county.get(county, ()) if point.pk != contact_point.pk),
            key=lambda point: point.municipality_id != contact_point.municipality_id,
        )
    return MoreLists(nearby=nearby, nationwide=[point for point in nationwide if point.pk != contact_point.pk])


def _open_lists() -> tuple[dict[int, list[ContactPoint]], list[ContactPoint]]:
    """The listed contact points that take sign-ups, by name: the local ones by county, and the nationwide
    lists. Made from the directory's index (``directory.listed_index``), once per generation in a process."""

    def build() -> tuple[dict[int, list[ContactPoint]], list[ContactPoint]]:
        by_county: dict[int, list[ContactPoint]] = {}
        nationwide: list[ContactPoint] = []
        for entry in directory.listed_index():
            point = entry.point
            if point.signups_paused_at is not None:
                continue
            if directory.is_nationwide_list(point):
                nationwide.append(point)
            if not point.nationwide:
                by_county.setdefault(point.municipality.county_id, []).append(point)
        return by_county, nationwide

    return pagecache.per_generation("groups.open_lists", build, size=64 << 10)


def meets_as_asked(contact_point: ContactPoint, way: str) -> bool:
    """Whether ``contact_point`` runs groups that meet ``way`` (any way fits everywhere)."""
    return way == Format.ANY or way in matching.formats_offered(contact_point)


@dataclass(frozen=True)
class Place:
    """One list a person is on, as their own page shows it."""

    signup: SignUp
    in_words: str


def places_of(signup: SignUp) -> list[Place]:
    """Every list the person behind ``signup`` is on (the same address), this one first,
    each with its place in the queue in words; from one query."""
    ahead = (
        SignUp.objects.waiting()
        .filter(contact_point_id=OuterRef("contact_point_id"), waiting_since__lt=OuterRef("waiting_since"))
        .order_by()
        .values("contact_point_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        SignUp.objects.filter(email_hash=signup.email_hash)
        .exclude(status=SignUp.Status.ACCEPTED)
        .select_related("contact_point")
        .annotate(ahead=Coalesce(Subquery(ahead, output_field=IntegerField()), 0))
        .order_by("created_at", "pk")
    )
    places = []
    for other in sorted(rows, key=lambda row: row.pk != signup.pk):
        if other.status == SignUp.Status.WAITING:
            words = _in_words(other.ahead)
        elif other.status == SignUp.Status.INVITED:
            words = _("You are invited to a group here. The email with the invitation has a link to answer it.")
        else:
            words = _("Not confirmed yet.")
        places.append(Place(signup=other, in_words=words))
    return places


def made_together(signup: SignUp) -> "QuerySet[SignUp]":
    """The unconfirmed sign-ups one form made with ``signup`` (itself included): one
    confirmation confirms them all. They share the address and the moment they were made."""
    return SignUp.objects.filter(
        email_hash=signup.email_hash, created_at=signup.created_at, status=SignUp.Status.UNCONFIRMED
    ).order_by("pk")


def lists_left(signup: SignUp) -> list[str]:
    """The names of the lists a person left by saying yes to a group on this one."""
    ids = SignUp.objects.filter(pk=signup.pk).values_list("left_lists", flat=True).first() or []
    return list(ContactPoint.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True))
