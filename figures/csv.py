"""CSV files that open correctly in Norwegian Excel."""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

# A cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def file_name(*words: object) -> str:
    """A CSV file's name from its words, as they read in the page's language: "selvhjelp-ost-fylker-2026-05.csv"."""
    return "-".join(slugify(str(word), allow_unicode=True) for word in words) + ".csv"


def csv_response(
    filename: str, header: list[str], rows: Iterable[list[object]], *, for_excel: bool = True
) -> HttpResponse:
    """UTF-8 with a byte-order mark and semicolons, as Excel in Norway expects; or, not ``for_excel``,
    plain RFC 4180: commas and no byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if for_excel else ",", lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    mark = "\ufeff" if for_excel else ""
    response = HttpResponse((mark + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    # A name in Norwegian may hold æ, ø and å: sent as RFC 6266 says, so that browsers keep them.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
