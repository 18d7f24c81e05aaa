"""Self-help in figures: what anyone may read, per year and county, never people.

Everything here is read from the closed months (``figures.closing``): a month's
figures are final once it has closed, and the sums for a year to the end of a
closed month were decided together with the offices' monthly tables, by one
suppression over everything published (``figures.suppression.suppress_year_to_date``).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext

from figures.models import ClosedMonth
from figures.selectors import COUNTRY, decode_cell, node_key, node_of
from figures.suppression import Shown

COUNTRY_CODE = "00"


@dataclass(frozen=True)
class Area:
    """One county, or the whole country, in one year (to the end of its last closed month)."""

    code: str  # the county's official number ("03"), or "00" for the whole country
    name: str
    groups_started: Shown
    found_a_group: Shown  # members at the first meeting of the groups that started
    signed_up: Shown  # sign-ups confirmed from the email
    median_weeks: int | None  # median weeks waited, where 5 or more groups started; else None
    contact_points: int  # contact points in the directory at the end of the period


@dataclass(frozen=True)
class Year:
    year: int
    through: datetime.date  # the first day of the last month included (December for a whole year)
    counties: list[Area]  # by name
    country: Area
    made_at: datetime.datetime  # when the last month included closed

    @property
    def complete(self) -> bool:
        return self.through.month == 12


def years() -> list[int]:
    """Every year with at least one closed month, newest first."""
    return sorted({month.year for month in ClosedMonth.objects.values_list("month", flat=True)}, reverse=True)


def year(number: int) -> Year | None:
    """A year's figures as published now, or None if none of its months has closed."""
    closed = (
        ClosedMonth.objects.filter(month__year=number)
        .order_by("-month")
        .values_list(
            "month",
            "made_at",
            KeyTransform("public", "tables"),
            KeyTransform("counties", KeyTransform("geography", "tables")),
        )
        .first()
    )
    if closed is None:
        return None
    through, made_at, public, counties = closed
    areas = [
        _area(counties[str(pk)][1], counties[str(pk)][0], public[key])
        for key in public
        if (pk := node_of(key)[1]) is not None and node_of(key)[0] == "county"
    ]
    return Year(
        year=number,
        through=through,
        counties=sorted(areas, key=lambda area: area.name),
        country=_area(COUNTRY_CODE, gettext("All of Norway"), public[node_key(COUNTRY)]),
        made_at=made_at,
    )


def _area(code: str, name: str, figures: dict[str, Any]) -> Area:
    return Area(
        code=code,
        name=name,
        groups_started=decode_cell(figures["groups_started"]),
        found_a_group=decode_cell(figures["members_at_start"]),
        signed_up=decode_cell(figures["confirmed"]),
        median_weeks=figures["median_weeks"],
        contact_points=figures["contact_points"],
    )
