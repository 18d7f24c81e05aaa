"""Which waiting sign-ups fit one group plan, and which plans to suggest.

A sign-up that says "either" fits any plan. A person ticks every language
they can take part in; a plan with one language fits those who ticked it. A
plan may leave its ages open: it then fits only the people who did not give
their age. So everyone in a group who gave an age is in the same age band
(about 15 years), and nobody is in a group they did not ask for.
"""

import datetime
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection
from django.db.models import CharField, Count, Min, OuterRef, Q, QuerySet, Subquery

from contactpoints import languages as language_list
from contactpoints.models import ContactPoint
from groups.models import ANY, GROUP_AGES, LANGUAGE_OPEN_LABEL, AgeGroup, Format, SignUp, TimeOfDay
from selvhjelp.prepared import Prepared

# A person's wishes, as a sign-up holds them, and a group's plan.
PREFERENCE_FIELDS = ("format", "time_of_day", "languages", "age_group")
PLAN_FIELDS = ("format", "time_of_day", "language", "age_group")
# Wishes with one answer, that may be "either".
SINGLE_WISHES = ("format", "time_of_day", "age_group")


@dataclass(frozen=True, kw_only=True)
class Plan:
    """A group: one format, one time of day, one language, one age group or mixed ages.

    A group started before people ticked languages may have its language open
    ("any"): it fits those who ticked all of Norwegian, English and Northern
    Sami, as it fitted those who said any of the three was fine.
    """

    format: str
    time_of_day: str
    language: str
    age_group: str
    # The language's name in the page's language, where the plan was made with the list at hand.
    language_name: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        if self.language == ANY:
            language = str(LANGUAGE_OPEN_LABEL)
        else:
            language = self.language_name or language_list.name(self.language)
        return " · ".join(
            (
                str(dict(Format.choices)[self.format]),
                str(dict(TimeOfDay.choices)[self.time_of_day]),
                language,
                str(dict(GROUP_AGES)[self.age_group]),
            )
        )

    def _languages_needed(self) -> list[str]:
        return sorted(language_list.FIRST_THREE) if self.language == ANY else [self.language]

    def fits(self, wishes: Mapping[str, Any]) -> bool:
        """Whether a sign-up (or a bucket of alike sign-ups) with these wishes fits the plan."""
        return all(wishes[name] in (ANY, getattr(self, name)) for name in SINGLE_WISHES) and set(
            self._languages_needed()
        ) <= set(wishes["languages"])

    def as_query(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in PLAN_FIELDS}

    def q(self) -> Q:
        # The list is JSON text like ["ar", "no"]; a code in quotes is found only as a whole element.
        condition = Q()
        for code in self._languages_needed():
            condition &= Q(languages__icontains=f'"{code}"')
        for name in SINGLE_WISHES:
            condition &= Q(**{f"{name}__in": [ANY, getattr(self, name)]})
        return condition


def _concrete(choices: Iterable[str]) -> list[str]:
    return [value for value in choices if value != ANY]


def formats_offered(contact_point: ContactPoint) -> list[str]:
    formats = []
    if contact_point.offers_in_person:
        formats.append(Format.IN_PERSON.value)
    if contact_point.offers_telephone:
        formats.append(Format.TELEPHONE.value)
    if contact_point.offers_video:
        formats.append(Format.VIDEO.value)
    return formats


def concrete_plans(
    formats: Iterable[str], languages: Iterable[str], names: Mapping[str, str] | None = None
) -> Iterator[Plan]:
    """Every plan with one format, time of day, language and age band, in the order of the choices."""
    names = names or {}
    for fmt, time, language, age in itertools.product(
        formats,
        _concrete(TimeOfDay.values),
        languages,
        _concrete(AgeGroup.values),
    ):
        yield Plan(
            format=fmt, time_of_day=time, language=language, age_group=age, language_name=names.get(language, "")
        )


def language_names() -> dict[str, str]:
    """Every language's name in the page's language: one query, for labelling many plans."""
    return {code: language.name for code, language in language_list.all_languages().items()}


def plans_for(
    contact_point: ContactPoint, languages: Sequence[str] | None = None, names: Mapping[str, str] | None = None
) -> Iterator[Plan]:
    return concrete_plans(
        formats_offered(contact_point),
        language_list.offered(contact_point) if languages is None else languages,
        language_names() if names is None else names,
    )


# Sign-ups alike in every wish: the wishes, how many (n), and since when the first waits.
Bucket = dict[str, Any]


def _buckets(contact_point_id: "int | OuterRef") -> "QuerySet[SignUp, Bucket]":
    return (
        SignUp.objects.waiting()
        .filter(contact_point_id=contact_point_id)
        .values(*PREFERENCE_FIELDS)
        .annotate(n=Count("pk"), since=Min("waiting_since"))
        .order_by()
    )


def waiting_buckets(contact_point: ContactPoint) -> list[Bucket]:
    """Counts of waiting sign-ups per combination of preferences, with when the
    longest-waiting of them joined the queue: one query."""
    return list(_buckets(contact_point.pk))


# ``waiting_buckets``'s query, made by the ORM once per process, for ``waiting_digest`` to digest.
_counts = Prepared(_buckets)


# How PostgreSQL digests the rows of a query (``counted``): in an order of their own, so the same rows
# give the same digest whatever order they come in.
_DIGEST = "SELECT md5(string_agg(counted::text, ',' ORDER BY counted::text)) FROM ({}) counted"


def waiting_digest(contact_point: ContactPoint) -> str:
    """A digest of what ``waiting_buckets`` would return, made by PostgreSQL: the same counts give the
    same digest and any change to them a new one, and reading it costs one short row, not the counts.
    A contact point read ``with_waiting_digest`` has it already."""
    if hasattr(contact_point, WAITING_DIGEST):
        return str(getattr(contact_point, WAITING_DIGEST) or "")
    sql, params = _counts.sql(contact_point.pk)
    with connection.cursor() as cursor:
        cursor.execute(_DIGEST.format(sql), params)
        row = cursor.fetchone()
    return str(row[0] or "") if row else ""


# The annotation ``with_waiting_digest`` adds.
WAITING_DIGEST = "waiting_counts_digest"


def with_waiting_digest(points: "QuerySet[ContactPoint]") -> "QuerySet[ContactPoint]":
    """Contact points each with ``waiting_digest`` read in the same query: one round trip fewer."""
    digest = Subquery(
        _buckets(OuterRef("pk")), template=f"({_DIGEST.format('%(subquery)s')})", output_field=CharField()
    )
    return points.annotate(**{WAITING_DIGEST: digest})


def plan_counts(
    contact_point: ContactPoint,
    buckets: list[Bucket] | None = None,
    *,
    languages: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[Plan, int]:
    """How many waiting sign-ups fit each plan: each bucket adds its count to every plan it fits,
    so a person who ticked two languages counts under each."""
    buckets = waiting_buckets(contact_point) if buckets is None else buckets
    counts = dict.fromkeys(plans_for(contact_point, languages, names), 0)
    offered = {
        "format": formats_offered(contact_point),
        "time_of_day": _concrete(TimeOfDay.values),
        "age_group": _concrete(AgeGroup.values),
    }
    for bucket in buckets:
        choices = [offered[name] if bucket[name] == ANY else [bucket[name]] for name in SINGLE_WISHES]
        for (fmt, time, age), language in itertools.product(itertools.product(*choices), bucket["languages"]):
            plan = Plan(format=str(fmt), time_of_day=str(time), language=str(language), age_group=str(age))
            if plan in counts:
                counts[plan] += int(bucket["n"])
    return counts


# Where a plan may be left open, when nobody it seats asked for anything else.
OPEN_WHERE_NOBODY_MINDS = ("age_group",)


@dataclass(frozen=True, kw_only=True)
class Suggestion:
    """A plan staff could start now: how many fit it, and how many it would seat."""

    plan: Plan
    fit: int
    seats: int


def suggest(
    buckets: Sequence[Bucket],
    *,
    formats: Sequence[str],
    languages: Sequence[str],
    threshold: int,
    seats: int,
    limit: int = 3,
    names: Mapping[str, str] | None = None,
) -> list[Suggestion]:
    """At most ``limit`` plans that can start now, the one that seats most first.

    Every concrete plan (one format, time, language and age band) is a
    candidate. Where nobody a plan fits gave an age, the plan leaves the ages
    open: it fits the same people, so it seats as many. Of
    plans that fit the same people, or only some of the people a better plan
    fits, the better one is kept. Ties go to the plan whose longest-waiting
    person has waited longest, then to the order of the choices.
    """
    ranked: list[tuple[tuple[int, datetime.datetime, int], Suggestion, frozenset[int]]] = []
    for order, plan in enumerate(concrete_plans(formats, languages, names)):
        fitting = frozenset(i for i, bucket in enumerate(buckets) if plan.fits(bucket))
        fit = sum(int(buckets[i]["n"]) for i in fitting)
        if fit < threshold:
            continue
        for name in OPEN_WHERE_NOBODY_MINDS:
            if all(buckets[i][name] == ANY for i in fitting):
                plan = replace(plan, **{name: ANY})
        since = min(_since(buckets[i]) for i in fitting)
        ranked.append(
            ((-min(fit, seats), since, order), Suggestion(plan=plan, fit=fit, seats=min(fit, seats)), fitting)
        )
    chosen: list[tuple[Suggestion, frozenset[int]]] = []
    for _key, suggestion, fitting in sorted(ranked, key=lambda item: item[0]):
        if any(fitting <= better for _s, better in chosen):
            continue
        chosen.append((suggestion, fitting))
        if len(chosen) == limit:
            break
    return [suggestion for suggestion, _fitting in chosen]


def _since(bucket: Bucket) -> datetime.datetime:
    since = bucket["since"]
    return since if isinstance(since, datetime.datetime) else datetime.datetime.max.replace(tzinfo=datetime.UTC)


def suggestions(
    contact_point: ContactPoint,
    buckets: Sequence[Bucket] | None = None,
    *,
    languages: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> list[Suggestion]:
    """The plans to suggest to a contact point's staff now."""
    return suggest(
        waiting_buckets(contact_point) if buckets is None else buckets,
        formats=formats_offered(contact_point),
        languages=language_list.offered(contact_point) if languages is None else languages,
        threshold=contact_point.threshold,
        seats=contact_point.seats,
        names=language_names() if names is None else names,
    )


def best_count(contact_point: ContactPoint) -> int:
    """How many are waiting for the plan that has the most people."""
    return max(plan_counts(contact_point).values(), default=0)
