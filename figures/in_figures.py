"""Self-help in figures: the public yearly figures, and the same numbers as open files.

Anyone may read these pages: per year, per county and for the whole country, the
groups started, the people who found a group, the people who signed up, the median
wait and the contact points. Never people: every number comes from
``figures.public``, where one suppression over everything published (these pages
and the offices' monthly tables together) has decided how each is shown.

The files are open data under CC BY 4.0. The Excel file speaks the page's
language; the comma file, the JSON and its schema are the same in every language.
"""

import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from figures import charts, public
from figures.csv import csv_response, file_name
from figures.suppression import THRESHOLD, Reason, Shown
from selvhjelp.context_processors import operator_details

LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
COUNTS = ("groups_started", "found_a_group", "signed_up")
# How the files say a count is shown: the number, "<5" (0 to 4), or hidden ("–").
SHOWN_AS = {
    Reason.SHOWN: "number",
    Reason.SMALL: "under_5",
    Reason.COMPLEMENT: "hidden",
    Reason.WITHHELD: "hidden",
}
# The comma file's headers: the JSON's names, the same in every language.
MACHINE_HEADER = [
    "year",
    "through",
    "code",
    "name",
    *[name for count in COUNTS for name in (count, f"{count}_shown")],
    "median_weeks_waited",
    "contact_points",
]


def _published(number: int) -> public.Year:
    """A year with at least one closed month, or a 404."""
    if number not in public.years():
        raise Http404
    year = public.year(number)
    if year is None:
        raise Http404
    return year


def _in_the_files_language(number: int) -> public.Year:
    """The year as the language-independent files name it: in bokmål, the service's own language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _published(number)


def _areas(year: public.Year) -> list[public.Area]:
    """The counties by name, then the whole country: the order of the page's table and of every file."""
    return [*year.counties, year.country]


def _schema_url() -> str:
    return settings.SITE_URL + reverse("in_figures:schema")


def _period(year: public.Year) -> str:
    """ "2025" for a whole year, or "2026, to the end of November", in the page's language."""
    if year.complete:
        return str(year.year)
    return _("%(year)s, to the end of %(month)s") % {
        "year": year.year,
        "month": formats.date_format(year.through, "F"),
    }


def attribution(number: int) -> str:
    """The line to credit the figures with, naming the service and who runs it."""
    details = operator_details()
    return _("Source: %(service)s, run by %(name)s. Self-help in figures %(year)s, %(url)s. Licence: CC BY 4.0.") % {
        "service": details["service"],
        "name": details["name"],
        "year": number,
        "url": settings.SITE_URL + reverse("in_figures:year", args=[number]),
    }


def _count(shown: Shown) -> dict[str, Any]:
    return {"value": shown.value if not shown.hidden else None, "shown": SHOWN_AS[shown.reason]}


def as_json(year: public.Year) -> dict[str, Any]:
    """The year as the JSON file holds it (described by ``schema``)."""
    with translation.override(settings.LANGUAGE_CODE):
        credit = attribution(year.year)
    return {
        "year": year.year,
        "through": f"{year.through:%Y-%m}",
        "complete": year.complete,
        "licence": LICENCE,
        "attribution": credit,
        "schema": _schema_url(),
        "areas": [
            {
                "code": area.code,
                "name": area.name,
                **{count: _count(getattr(area, count)) for count in COUNTS},
                "median_weeks_waited": area.median_weeks,
                "contact_points": area.contact_points,
            }
            for area in _areas(year)
        ],
    }


def _count_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "A count as it is published. A count from 0 to 4 is never shown, nor one that would "
        "let someone work out such a count.",
        "required": ["value", "shown"],
        "additionalProperties": False,
        "properties": {
            "value": {"type": ["integer", "null"], "minimum": THRESHOLD},
            "shown": {
                "enum": ["number", "under_5", "hidden"],
                "description": "number: the value is given. under_5: the count is from 0 to 4 (shown as <5 on "
                "the page). hidden: the count is 5 or more, but hidden (shown as – on the page) so that, "
                "together with other published figures, it cannot be used to work out a count from 0 to 4.",
            },
        },
        "if": {"properties": {"shown": {"const": "number"}}},
        "then": {"properties": {"value": {"type": "integer"}}},
        "else": {"properties": {"value": {"type": "null"}}},
    }


def _area_schema() -> dict[str, Any]:
    count = {"$ref": "#/$defs/count"}
    return {
        "type": "object",
        "required": ["code", "name", *COUNTS, "median_weeks_waited", "contact_points"],
        "additionalProperties": False,
        "properties": {
            "code": {
                "type": "string",
                "pattern": "^[0-9]{2}$",
                "description": "The county's official number; 00 is the whole country.",
            },
            "name": {"type": "string", "description": "The county's name, in Norwegian."},
            "groups_started": {**count, "description": "Self-help groups that held their first meeting."},
            "found_a_group": {
                **count,
                "description": "People who said yes to a group and were there when it started.",
            },
            "signed_up": {
                **count,
                "description": "Sign-ups confirmed from the email. A person on the lists of several contact "
                "points counts once for each.",
            },
            "median_weeks_waited": {
                "type": ["integer", "null"],
                "minimum": 0,
                "description": "The median wait, in whole weeks, from confirming a sign-up to the first "
                f"meeting; null where fewer than {THRESHOLD} groups started.",
            },
            "contact_points": {
                "type": "integer",
                "minimum": 0,
                "description": "Contact points in the directory at the end of the period.",
            },
        },
    }


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a year's JSON file: the same in every language."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _schema_url(),
        "title": "Self-help in figures",
        "description": "Self-organised self-help groups in Norway, per county and for the whole country, "
        "for one year or the year to the end of its last closed month. No figure can point to a person.",
        "type": "object",
        "required": ["year", "through", "complete", "licence", "attribution", "schema", "areas"],
        "additionalProperties": False,
        "properties": {
            "year": {"type": "integer", "minimum": 2000},
            "through": {
                "type": "string",
                "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
                "description": "The last month included (YYYY-MM).",
            },
            "complete": {"type": "boolean", "description": "Whether the whole year is included."},
            "licence": {
                "type": "object",
                "required": ["name", "url"],
                "additionalProperties": False,
                "properties": {"name": {"const": LICENCE["name"]}, "url": {"const": LICENCE["url"]}},
            },
            "attribution": {"type": "string", "description": "How to credit the figures."},
            "schema": {"type": "string", "format": "uri"},
            "areas": {
                "type": "array",
                "description": "The counties by name, then the whole country (code 00).",
                "items": {"$ref": "#/$defs/area"},
            },
        },
        "$defs": {"count": _count_schema(), "area": _area_schema()},
    }


def _open_data(response: HttpResponse) -> HttpResponse:
    # Open data: a researcher's notebook in a browser may read it. No cookie is ever read or set here.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json_response(data: dict[str, Any]) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return _open_data(HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8"))


def _cell(shown: Shown) -> object:
    return shown.value if not shown.hidden else str(shown)


def _excel_rows(year: public.Year) -> list[list[object]]:
    return [
        [
            year.year,
            f"{year.through:%Y-%m}",
            area.code,
            area.name,
            *[_cell(getattr(area, count)) for count in COUNTS],
            "–" if area.median_weeks is None else area.median_weeks,
            area.contact_points,
        ]
        for area in _areas(year)
    ]


def _excel_header() -> list[str]:
    return [
        _("Year"),
        _("To the end of"),
        _("County number"),
        _("County"),
        _("Groups started"),
        _("People who found a group"),
        _("People who signed up"),
        _("Median weeks waited"),
        _("Contact points"),
    ]


def _comma_rows(year: public.Year) -> list[list[object]]:
    """Hidden values empty, and said in ``*_shown``."""
    rows: list[list[object]] = []
    for area in _areas(year):
        counts = [getattr(area, count) for count in COUNTS]
        rows.append(
            [
                year.year,
                f"{year.through:%Y-%m}",
                area.code,
                area.name,
                *[cell for shown in counts for cell in ("" if shown.hidden else shown.value, SHOWN_AS[shown.reason])],
                "" if area.median_weeks is None else area.median_weeks,
                area.contact_points,
            ]
        )
    return rows


# The chart is drawn narrow, each county's name above its bar, so that its words stay readable on a
# phone; on a wide screen it stands beside its explanation.
CHART_WIDTH = 360
CHART_ROW = 46
VALUE_ROOM = 44


def chart(items: list[tuple[str, Shown]]) -> charts.Chart:
    """One bar per county, its name above it and its number (or "<5", "–") beside it."""
    top = max([shown.value for _name, shown in items if shown.value is not None] or [1]) or 1
    bars = []
    for index, (name, shown) in enumerate(items):
        length = 0.0 if shown.value is None else (CHART_WIDTH - VALUE_ROOM) * shown.value / top
        y = index * CHART_ROW + 22
        bars.append(
            charts.Bar(
                label=name,
                text=str(shown),
                x="0",
                y=f"{y:.1f}",
                width=f"{length:.1f}",
                height="16",
                text_x=f"{length + 6:.1f}",
                text_y=f"{y + 8:.1f}",
            )
        )
    return charts.Chart(width=CHART_WIDTH, height=len(items) * CHART_ROW + 4, bars=bars, horizontal=True)


def _page_context(year: public.Year) -> dict[str, Any]:
    return {
        "figures": year,
        "period": _period(year),
        "through_month": formats.date_format(year.through, "F Y"),
        "areas": _areas(year),
        "years": public.years(),
        "chart": chart([(area.name, area.groups_started) for area in year.counties]),
    }


@require_GET
def in_figures(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """The newest published year at /i-tall/, or the year in the URL; each year has a page of its own."""
    if year is None:
        published = public.years()
        if not published:
            return render(request, "figures/in_figures/in_figures.html", {"figures": None, "years": []})
        year = published[0]
    return render(request, "figures/in_figures/in_figures.html", _page_context(_published(year)))


@require_GET
def in_figures_csv(request: HttpRequest, year: int) -> HttpResponse:
    """The year for Norwegian Excel: semicolons, a byte-order mark, headers in the page's language."""
    figures = _published(year)
    name = file_name(_("self-help in figures"), year)
    return _open_data(csv_response(name, _excel_header(), _excel_rows(figures)))


@require_GET
def in_figures_comma_csv(request: HttpRequest, year: int) -> HttpResponse:
    rows = _comma_rows(_in_the_files_language(year))
    return _open_data(csv_response(f"selvhjelp-i-tall-{year}-komma.csv", MACHINE_HEADER, rows, for_excel=False))


@require_GET
def in_figures_json(request: HttpRequest, year: int) -> HttpResponse:
    return _json_response(as_json(_in_the_files_language(year)))


@require_GET
def in_figures_schema(request: HttpRequest) -> HttpResponse:
    return _json_response(schema())


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    """For researchers and journalists: how the figures are made and hidden, the files and the licence."""
    published = public.years()
    example = published[0] if published else timezone.localdate().year
    files = {
        name: settings.SITE_URL + reverse(f"in_figures:{name}", args=[example]) for name in ("csv", "comma_csv", "json")
    }
    context = {
        "example_year": example,
        "files": {**files, "schema": _schema_url()},
        "attribution": attribution(example),
    }
    return render(request, "figures/in_figures/about.html", context)
