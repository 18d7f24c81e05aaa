"""Which waiting sign-ups fit one group plan. "Either" fits anything."""

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Q

from contactpoints.models import ContactPoint
from groups.models import ANY, AgeGroup, Format, GroupLanguage, SignUp, TimeOfDay

PREFERENCE_FIELDS = ("format", "time_of_day", "language", "age_group")


@dataclass(frozen=True, kw_only=True)
class Plan:
    """A concrete group: one format, one time of day, one language, one age group."""

    format: str
    time_of_day: str
    language: str
    age_group: str

    @property
    def label(self) -> str:
        return " · ".join(
            str(choices(getattr(self, name)).label)
            for name, choices in (
                ("format", Format),
                ("time_of_day", TimeOfDay),
                ("language", GroupLanguage),
                ("age_group", AgeGroup),
            )
        )

    def as_query(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in PREFERENCE_FIELDS}

    def q(self) -> Q:
        condition = Q()
        for name in PREFERENCE_FIELDS:
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
    return formats


def plans_for(contact_point: ContactPoint) -> Iterator[Plan]:
    for fmt, time, language, age in itertools.product(
        formats_offered(contact_point),
        _concrete(TimeOfDay.values),
        _concrete(GroupLanguage.values),
        _concrete(AgeGroup.values),
    ):
        yield Plan(format=fmt, time_of_day=time, language=language, age_group=age)


def waiting_buckets(contact_point: ContactPoint) -> list[dict[str, str | int]]:
    """Counts of waiting sign-ups per combination of preferences: one query."""
    return list(
        SignUp.objects.waiting()
        .filter(contact_point=contact_point)
        .values(*PREFERENCE_FIELDS)
        .annotate(n=Count("pk"))
        .order_by()
    )


def plan_counts(contact_point: ContactPoint, buckets: list[dict[str, str | int]] | None = None) -> dict[Plan, int]:
    """How many waiting sign-ups fit each plan: each bucket adds its count to every plan it fits."""
    buckets = waiting_buckets(contact_point) if buckets is None else buckets
    counts = dict.fromkeys(plans_for(contact_point), 0)
    offered = {
        "format": formats_offered(contact_point),
        "time_of_day": _concrete(TimeOfDay.values),
        "language": _concrete(GroupLanguage.values),
        "age_group": _concrete(AgeGroup.values),
    }
    for bucket in buckets:
        choices = [offered[name] if bucket[name] == ANY else [bucket[name]] for name in PREFERENCE_FIELDS]
        for fmt, time, language, age in itertools.product(*choices):
            plan = Plan(format=str(fmt), time_of_day=str(time), language=str(language), age_group=str(age))
            if plan in counts:
                counts[plan] += int(bucket["n"])
    return counts


def best_count(contact_point: ContactPoint) -> int:
    """How many are waiting for the plan that has the most people."""
    return max(plan_counts(contact_point).values(), default=0)
