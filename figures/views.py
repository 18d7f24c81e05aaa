"""Pages for district and national offices: figures, charts and CSV, never people.

Every view goes through ``office_view``: a user who is not a member of the
office in the URL gets a 404, as if it did not exist.
"""

import datetime
from functools import lru_cache, partial

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import formats, timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import SignedInRequest
from contactpoints.access import office_view as members_of_office
from contactpoints.models import Office
from figures import charts, closing, selectors
from figures.csv import csv_response, file_name
from figures.kept import kept
from selvhjelp.access import View, own_places
from selvhjelp.forms import field_of

MONTHS_BACK = 24


# The templates of the office pages, with every part they include.
TEMPLATES = [
    "base.html",
    "figures/office.html",
    "figures/_office_nav.html",
    "figures/_table.html",
    "figures/_ways.html",
    "figures/_chart.html",
]


def warm_up() -> None:
    """Before a new process serves its first office page: its templates read and compiled, and what the
    pages ask first read from the cache and the closed months (``closing.warm_up``)."""
    for name in TEMPLATES:
        get_template(name)
    closing.warm_up()


def office_view(view: View) -> View:
    return members_of_office(require_GET(view))


@lru_cache(maxsize=64)
def _month_choices(language: str | None, latest: datetime.date) -> tuple[tuple[str, str], ...]:
    """The months to choose from, named in ``language`` (the one active): the same the whole month."""
    return tuple(
        (month.strftime("%Y-%m"), formats.date_format(month, "F Y"))
        for month in selectors.recent_months(MONTHS_BACK, latest)
    )


class MonthForm(forms.Form):
    """Figures come per calendar month, never for a free date range."""

    month = forms.TypedChoiceField(label=gettext_lazy("Month"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.months = selectors.recent_months(MONTHS_BACK)
        field_of(self, "month", forms.ChoiceField).choices = _month_choices(get_language(), self.months[0])

    def chosen(self) -> datetime.date:
        value = self.cleaned_data.get("month") if self.is_valid() else None
        if value:
            return datetime.date.fromisoformat(f"{value}-01")
        return self.months[0]


@login_required
@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    offices = list(Office.objects.filter(members=request.user))
    return own_places(request, offices, url_name="figures:office", template="figures/home.html")


def _charts(tables: selectors.Tables, trend: list[selectors.TrendPoint]) -> dict[str, charts.Chart]:
    """Groups started and time to start month by month; the 20 contact points where most wait."""
    waiting_index = 0
    waiting = sorted(
        ((row.name, row.cells[waiting_index]) for row in tables.points),
        key=lambda item: (item[1].value is None, -(item[1].value or 0), item[0]),
    )[:20]
    return {
        "started_chart": charts.vertical([(formats.date_format(p.month, "M y"), p.groups_started) for p in trend]),
        "time_chart": charts.vertical([(formats.date_format(p.month, "M y"), p.median_days) for p in trend]),
        "waiting_chart": charts.horizontal(waiting),
    }


class OfficePage:
    """An office's figures for a month, each made only when the page needs it: the rendered tables and
    charts are kept (``templates/figures/office.html``), so most requests make none of them."""

    def __init__(self, office: Office, shown: closing.OfficeFigures) -> None:
        self.office, self.shown = office, shown

    @cached_property
    def month(self) -> closing.OfficeMonth:
        return self.shown.office_month()

    @cached_property
    def tables(self) -> selectors.Tables:
        return selectors.tables(self.month.geography, self.month.figures, self.office)

    @cached_property
    def trend(self) -> list[selectors.TrendPoint]:
        return self.shown.trend(self.office)

    @cached_property
    def drawn(self) -> dict[str, charts.Chart]:
        return _charts(self.tables, self.trend)

    def chart(self, name: str) -> charts.Chart:
        return self.drawn[name]

    @cached_property
    def attention(self) -> selectors.Attention:
        live = self.shown.live
        return selectors.needing_attention(live.geography, self.office, live.waiting, live.care, now=self.shown.now)

    def context(self) -> dict[str, object]:
        lazy = SimpleLazyObject
        return {
            "tables": lazy(lambda: self.tables),
            "trend": lazy(lambda: self.trend),
            "attention": lazy(lambda: self.attention),
            **{name: lazy(partial(self.chart, name)) for name in ("started_chart", "time_chart", "waiting_chart")},
        }


def _kept_for(office: Office, shown: closing.OfficeFigures, *parts: object) -> str:
    """What a kept page part or file of an office depends on: the office, the figures' version, the
    language, and today (what needs attention is told by the date). Never the user."""
    return closing.digest(
        (
            office.pk,
            office.slug,
            office.name,
            office.is_national,
            shown.version,
            get_language(),
            timezone.localdate(),
            parts,
        )
    )


@office_view
def office(request: SignedInRequest, office: Office) -> HttpResponse:
    form = MonthForm(request.GET or None)
    month = form.chosen()
    shown = closing.office_figures(month)  # a closed month as it closed; the live figures at most a minute old
    page = OfficePage(office, shown)
    context = {
        "office": office,
        "form": form,
        "month": month,
        "month_param": month.strftime("%Y-%m"),
        "month_label": formats.date_format(month, "F Y"),
        "columns": [label for _, label in selectors.COLUMNS],
        "kept_for": _kept_for(office, shown),
        **page.context(),
        **vars(selectors.office_counts(shown.live.geography, office)),  # counted anew, in one query
    }
    return render(request, "figures/office.html", context)


# Each table's CSV: the word for it in the file's name, and what its rows are. Both
# are in the language of the page it was downloaded from, as the headers are.
CSV_TABLES = {
    "counties": (gettext_lazy("counties"), gettext_lazy("County")),
    "municipalities": (gettext_lazy("municipalities"), gettext_lazy("Municipality")),
    "contact-points": (gettext_lazy("contact points"), gettext_lazy("Contact point")),
    "trend": (gettext_lazy("Month by month"), gettext_lazy("Month")),
    "ways": (gettext_lazy("how groups meet"), gettext_lazy("How the group meets")),
}


def _csv_header(table: str) -> list[str]:
    """A table's CSV headers: the month, what its rows are, each count, and the median wait."""
    counts = [str(label) for _key, label in selectors.COLUMNS]
    return [_("Month"), str(CSV_TABLES[table][1]), *counts, _("Median days waited")]


def _csv_table(table: str, month: datetime.date, tables: selectors.Tables) -> tuple[list[str], list[list[object]]]:
    """A table of the month's figures as the page shows it: its CSV headers and rows."""
    if table == "ways":
        ways = [*tables.ways, *([tables.ways_total] if tables.ways_total else [])]
        header = [_("Month"), str(CSV_TABLES[table][1]), _("Groups started"), _("Contact points that offer it")]
        return header, [[f"{month:%Y-%m}", way.name, str(way.groups_started), way.contact_points] for way in ways]
    rows = {"counties": tables.counties, "municipalities": tables.municipalities, "contact-points": tables.points}[
        table
    ]
    if table == "counties" and tables.total:
        rows = [*rows, tables.total]
    return _csv_header(table), [
        [f"{month:%Y-%m}", row.name, *[str(cell) for cell in row.cells], row.median_days or "–"] for row in rows
    ]


@office_view
def office_csv(request: SignedInRequest, office: Office, table: str) -> HttpResponse:
    if table not in CSV_TABLES:
        raise Http404
    month = MonthForm(request.GET or None).chosen()
    shown = closing.office_figures(month)

    def made() -> tuple[bytes, str]:
        response = _csv(office, table, OfficePage(office, shown), month)
        return response.content, response["Content-Disposition"]

    content, disposition = kept(f"csv:{_kept_for(office, shown, table)}", made, lambda file: len(file[0]))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = disposition
    return response


def _csv(office: Office, table: str, page: OfficePage, month: datetime.date) -> HttpResponse:
    name = file_name("selvhjelp", office.slug, CSV_TABLES[table][0], f"{month:%Y-%m}")
    if table == "trend":
        return csv_response(
            name,
            [_("Month"), _("Groups started"), _("Median days waited")],
            ([f"{p.month:%Y-%m}", str(p.groups_started), p.median_days or "–"] for p in page.trend),
        )
    header, rows = _csv_table(table, month, page.tables)
    return csv_response(name, header, rows)
