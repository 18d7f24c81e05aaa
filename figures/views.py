"""Pages for district and national offices: figures, charts and CSV, never people.

Every view goes through ``office_view``: a user who is not a member of the
office in the URL gets a 404, as if it did not exist.
"""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.http import SignedInRequest
from contactpoints.access import office_view as members_of_office
from contactpoints.models import Application, Office, applications_handled_by
from figures import charts, closing, selectors
from figures.csv import csv_response, file_name
from materials.selectors import open_order_count
from selvhjelp.access import View, own_places
from selvhjelp.forms import field_of

MONTHS_BACK = 24


def office_view(view: View) -> View:
    return members_of_office(require_GET(view))


class MonthForm(forms.Form):
    """Figures come per calendar month, never for a free date range."""

    month = forms.TypedChoiceField(label=gettext_lazy("Month"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.months = selectors.recent_months(MONTHS_BACK)
        field_of(self, "month", forms.ChoiceField).choices = [
            (month.strftime("%Y-%m"), formats.date_format(month, "F Y")) for month in self.months
        ]

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


@office_view
def office(request: SignedInRequest, office: Office) -> HttpResponse:
    form = MonthForm(request.GET or None)
    month = form.chosen()
    closing.close_months()  # a final month is shown as it closed, once and for all
    geo = selectors.geography()
    shown = closing.office_month(geo, month)
    tables = selectors.tables(shown.geography, shown.figures, office)
    trend = selectors.trend(geo, office, selectors.recent_months(12, month))
    context = {
        "office": office,
        "form": form,
        "month": month,
        "month_param": month.strftime("%Y-%m"),
        "month_label": formats.date_format(month, "F Y"),
        "columns": [label for _, label in selectors.COLUMNS],
        "tables": tables,
        "trend": trend,
        **_charts(tables, trend),
        "attention": selectors.needing_attention(geo, office, shown.waiting),
        "municipalities_asked": selectors.municipalities_asked(geo, office),
        "pending_applications": applications_handled_by(office).filter(status=Application.Status.PENDING).count(),
        "open_orders": open_order_count(office),
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
    closing.close_months()
    geo = selectors.geography()
    name = file_name("selvhjelp", office.slug, CSV_TABLES[table][0], f"{month:%Y-%m}")
    if table == "trend":
        trend = selectors.trend(geo, office, selectors.recent_months(12, month))
        return csv_response(
            name,
            [_("Month"), _("Groups started"), _("Median days waited")],
            ([f"{p.month:%Y-%m}", str(p.groups_started), p.median_days or "–"] for p in trend),
        )
    shown = closing.office_month(geo, month)
    header, rows = _csv_table(table, month, selectors.tables(shown.geography, shown.figures, office))
    return csv_response(name, header, rows)
