"""Self-help in figures: the public yearly figures, and the same numbers as open files.

Every test makes anonymous monthly counts for contact points, closes the months as
the scheduled job does (``close_months``, with a ``now`` after them), and reads the
pages and files as anyone can.
"""

import csv
import datetime
import io
import re
import zoneinfo
from html.parser import HTMLParser
from typing import Any

from django.test import Client
from django.urls import reverse

from contactpoints.models import ContactPoint, County, Municipality
from figures.closing import close_months
from groups.models import MonthlyFigure
from tests.base import Personas

LANGUAGES = ("nb", "nn", "en", "se")
COUNTS = ("groups_started", "found_a_group", "signed_up")
# What the files say of a hidden count, as the page shows it.
MARKS = {"under_5": "<5", "hidden": "–"}
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def moment(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=OSLO)


def read(language: str, path: str) -> Any:
    return Client().get(path, headers={"Accept-Language": language})


class TableRows(HTMLParser):
    """The rows of the page's table of figures, by area code: the name and each cell as shown."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.code: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr" and dict(attrs).get("data-code"):
            self.code = dict(attrs)["data-code"]
            self.rows[self.code] = []
        elif tag in ("th", "td") and self.code:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.code and self.cell is not None:
            self.rows[self.code].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr":
            self.code = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def page_rows(response: Any) -> dict[str, list[str]]:
    """Each area's figures as the page shows them: groups, found a group, signed up, median, contact points."""
    parser = TableRows()
    parser.feed(response.content.decode())
    return {code: cells[1:] for code, cells in parser.rows.items()}


def excel_rows(response: Any) -> dict[str, list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "the Excel file starts with a byte-order mark"
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    return {row[2]: row[4:] for row in rows[1:]}


def as_shown(value: object, shown: str) -> str:
    return str(value) if shown == "number" else MARKS[shown]


def comma_rows(response: Any) -> dict[str, list[str]]:
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    return {
        row["code"]: [
            *[as_shown(row[count], row[f"{count}_shown"]) for count in COUNTS],
            row["median_weeks_waited"] or "–",
            row["contact_points"],
        ]
        for row in rows
    }


def json_rows(data: dict[str, Any]) -> dict[str, list[str]]:
    return {
        area["code"]: [
            *[as_shown(area[count]["value"], area[count]["shown"]) for count in COUNTS],
            "–" if area["median_weeks_waited"] is None else str(area["median_weeks_waited"]),
            str(area["contact_points"]),
        ]
        for area in data["areas"]
    }


# --- A small check of a document against a JSON Schema: the keywords the schema uses, and no more. ---

TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is_type(value: object, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, TYPES[name])


KNOWN = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "format", "type", "required", "properties",
    "additionalProperties", "items", "enum", "const", "minimum", "pattern", "if", "then", "else",
}  # fmt: skip


def schema_errors(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str = "$") -> list[str]:
    """What is wrong with ``value`` under ``schema`` (draft 2020-12, the keywords in ``KNOWN``)."""
    unknown = set(schema) - KNOWN
    assert not unknown, f"the check does not know {unknown}"
    errors: list[str] = []
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        errors += schema_errors(value, target, root, where)
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, name) for name in names):
            return [*errors, f"{where}: {value!r} is not {names}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "minimum" in schema and _is_type(value, "integer") and value < schema["minimum"]:
        errors.append(f"{where}: {value} is below {schema['minimum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        errors += [f"{where}: {name} is missing" for name in schema.get("required", []) if name not in value]
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(item, properties[name], root, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: {name} is not allowed")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += schema_errors(item, schema["items"], root, f"{where}[{index}]")
    if "if" in schema:
        branch = "then" if not schema_errors(value, schema["if"], root, where) else "else"
        errors += schema_errors(value, schema.get(branch, {}), root, where)
    return errors


class InFiguresTestCase(Personas):
    """Oslo, Finnmark and Vestland, one contact point each, with figures for every month of 2025.

    Oslo started 3 groups that year, all in March; Finnmark 6 and Vestland 9 every month."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        vestland = County.objects.create(number="46", name="Vestland")
        bergen = Municipality.objects.create(number="4601", name="Bergen", county=vestland)
        cls.point_c = ContactPoint.objects.create(
            slug="sentral-c", name="Sentral C", kind=ContactPoint.Kind.OTHER, municipality=bergen
        )
        for month in range(1, 13):
            oslo_groups = 3 if month == 3 else 0
            for point, groups, members, confirmed in (
                (cls.point_a, oslo_groups, 5 * oslo_groups, 40),
                (cls.point_b, 6, 30, 55),
                (cls.point_c, 9, 44, 70),
            ):
                MonthlyFigure.objects.create(
                    contact_point=point,
                    month=datetime.date(2025, month, 1),
                    groups_started=groups,
                    members_at_start=members,
                    confirmed=confirmed,
                    signed_up=confirmed + 2,
                )
        close_months(now=moment(2026, 1, 5))

    def year_page(self, language: str = "en", year: int = 2025) -> Any:
        return read(language, reverse("in_figures:year", args=[year]))

    def files(self, language: str, year: int = 2025) -> dict[str, Any]:
        names = {"page": "year", "excel": "csv", "comma": "comma_csv", "json": "json"}
        return {what: read(language, reverse(f"in_figures:{name}", args=[year])) for what, name in names.items()}


class WhatThePageShowsTests(InFiguresTestCase):
    def test_a_county_with_3_groups_shows_less_than_5_on_the_page_and_in_every_file(self) -> None:
        for language in LANGUAGES:
            with self.subTest(language):
                files = self.files(language)
                self.assertEqual(page_rows(files["page"])["03"][0], "<5")
                self.assertEqual(excel_rows(files["excel"])["03"][0], "<5")
                oslo = next(
                    row for row in csv.DictReader(io.StringIO(files["comma"].content.decode())) if row["code"] == "03"
                )
                self.assertEqual((oslo["groups_started"], oslo["groups_started_shown"]), ("", "under_5"))
                area = next(area for area in files["json"].json()["areas"] if area["code"] == "03")
                self.assertEqual(area["groups_started"], {"value": None, "shown": "under_5"})
                self.assertNotIn(">3<", files["page"].content.decode().split('data-code="03"')[1].split("</tr>")[0])

    def test_the_numbers_agree_on_the_page_and_in_every_file_in_all_four_languages(self) -> None:
        seen = []
        for language in LANGUAGES:
            with self.subTest(language):
                files = self.files(language)
                tables = [
                    page_rows(files["page"]),
                    excel_rows(files["excel"]),
                    comma_rows(files["comma"]),
                    json_rows(files["json"].json()),
                ]
                for table in tables[1:]:
                    self.assertEqual(table, tables[0])
                seen.append(tables[0])
        self.assertEqual(seen, [seen[0]] * len(LANGUAGES))
        # The counties by name, then the whole country; a shown number is the real one.
        self.assertEqual(list(seen[0]), ["56", "03", "46", "00"])
        self.assertEqual(seen[0]["46"][:3], ["108", "528", "840"])
        self.assertEqual(seen[0]["03"][2], "480")

    def test_the_page_names_each_figure_and_says_what_it_counts_and_what_not(self) -> None:
        page = self.year_page()
        for heading in ("Groups started", "People who found a group", "People who signed up", "Median weeks waited"):
            self.assertContains(page, heading)
        self.assertContains(page, "A person on the lists of several contact points counts once for each.")
        self.assertContains(page, "It does not count people who never confirmed.")
        self.assertContains(page, "&lt;5 means that the number is from 0 to 4.")
        self.assertContains(page, "– means that the number is hidden")
        self.assertContains(page, "No figure here can point to a person.")
        self.assertContains(page, f'href="{reverse("in_figures:about")}"')
        self.assertContains(page, "These figures are for the whole of 2025.")

    def test_the_chart_is_an_image_with_a_title_and_the_numbers_beside_the_bars(self) -> None:
        page = self.year_page().content.decode()
        chart = page[page.index("<svg") : page.index("</svg>")]
        self.assertIn('role="img"', chart)
        self.assertIn("<title", chart)
        self.assertIn("<desc", chart)
        self.assertIn('class="chart-value">108</text>', chart)
        self.assertIn('class="chart-value">&lt;5</text>', chart)

    def test_the_front_page_shows_the_newest_year_and_links_to_every_year(self) -> None:
        MonthlyFigure.objects.create(contact_point=self.point_c, month=datetime.date(2026, 2, 1), groups_started=8)
        close_months(now=moment(2026, 4, 3))
        page = read("en", reverse("in_figures:in_figures"))
        self.assertContains(page, "Self-help in figures 2026")
        self.assertContains(page, f'href="{reverse("in_figures:year", args=[2025])}"')
        self.assertContains(page, f'href="{reverse("in_figures:year", args=[2026])}" aria-current="page"')
        self.assertContains(page, "These figures are to the end of March 2026.")
        data = read("en", reverse("in_figures:json", args=[2026])).json()
        self.assertEqual((data["through"], data["complete"]), ("2026-03", False))
        # The year before stays as it was, at its own address.
        self.assertContains(self.year_page(), "These figures are for the whole of 2025.")

    def test_a_year_with_no_closed_month_is_not_found(self) -> None:
        # November's figures exist, but November has not ended.
        MonthlyFigure.objects.create(contact_point=self.point_a, month=datetime.date(2026, 11, 1), groups_started=5)
        close_months(now=moment(2026, 11, 20))
        for year in (2024, 2027, 1):
            for name in ("year", "csv", "comma_csv", "json"):
                with self.subTest(year=year, name=name):
                    response = read("en", reverse(f"in_figures:{name}", args=[year]))
                    self.assertEqual(response.status_code, 404)
                    self.assertNotIn("csv", response.get("Content-Type", ""))

    def test_the_pages_set_no_cookie_and_carry_no_csrf_token(self) -> None:
        # Nothing here is sent anywhere, and the language is chosen with plain links.
        for path in (
            reverse("in_figures:in_figures"),
            reverse("in_figures:year", args=[2025]),
            reverse("in_figures:about"),
        ):
            response = read("en", path)
            self.assertEqual(dict(response.cookies), {}, path)
            self.assertNotIn("<form", response.content.decode())
            self.assertNotIn("csrfmiddlewaretoken", response.content.decode())

    def test_the_open_files_set_no_cookie_and_carry_no_token(self) -> None:
        for path in [*(reverse(f"in_figures:{n}", args=[2025]) for n in ("csv", "comma_csv", "json"))]:
            response = Client().get(path)
            self.assertEqual(dict(response.cookies), {}, path)
            self.assertNotIn(b"csrf", response.content)
        self.assertEqual(dict(Client().get(reverse("in_figures:schema")).cookies), {})

    def test_the_pages_and_files_answer_only_reading(self) -> None:
        for path in (reverse("in_figures:in_figures"), reverse("in_figures:json", args=[2025])):
            self.assertEqual(Client().post(path).status_code, 405)


class NothingPublishedTests(Personas):
    def test_with_no_closed_month_the_page_says_that_nothing_is_published_yet(self) -> None:
        page = read("en", reverse("in_figures:in_figures"))
        self.assertContains(page, "No figures are published yet.")
        self.assertNotContains(page, "<table")
        self.assertContains(read("en", reverse("in_figures:about")), "CC BY 4.0")


class OpenFilesTests(InFiguresTestCase):
    def test_the_json_is_the_same_in_all_four_languages(self) -> None:
        for name, args in (("json", [2025]), ("comma_csv", [2025]), ("schema", [])):
            with self.subTest(name):
                bodies = {read(language, reverse(f"in_figures:{name}", args=args)).content for language in LANGUAGES}
                self.assertEqual(len(bodies), 1)

    def test_the_json_follows_its_schema(self) -> None:
        schema = read("en", reverse("in_figures:schema")).json()
        self.assertEqual(schema["$schema"], "https://json-schema.org/draft/2020-12/schema")
        data = read("nn", reverse("in_figures:json", args=[2025])).json()
        self.assertEqual(schema_errors(data, schema, schema), [])
        self.assertEqual(data["schema"], schema["$id"])
        self.assertEqual(data["licence"], {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"})
        self.assertEqual((data["year"], data["through"], data["complete"]), (2025, "2025-12", True))
        # The check finds what is wrong: a small count given as a number, a hidden one with a value.
        oslo = next(area for area in data["areas"] if area["code"] == "03")
        oslo["groups_started"] = {"value": 3, "shown": "number"}
        oslo["signed_up"] = {"value": 40, "shown": "hidden"}
        self.assertEqual(len(schema_errors(data, schema, schema)), 2)

    def test_the_json_names_the_service_that_made_it(self) -> None:
        with self.settings(SERVICE_NAME="Gruppeporten", OPERATOR_NAME="Nordlys Frivillig AS"):
            data = read("en", reverse("in_figures:json", args=[2025])).json()
            about = read("en", reverse("in_figures:about"))
        self.assertIn("Gruppeporten", data["attribution"])
        self.assertIn("Nordlys Frivillig AS", data["attribution"])
        self.assertContains(about, "Nordlys Frivillig AS")

    def test_the_excel_file_has_semicolons_a_byte_order_mark_and_headers_in_the_pages_language(self) -> None:
        response = read("en", reverse("in_figures:csv", args=[2025]))
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeffYear;To the end of;County number;County;Groups started;"))
        self.assertIn("self-help-in-figures-2025.csv", response["Content-Disposition"])
        self.assertIn("2025;2025-12;46;Vestland;108;528;840;–;", text)

    def test_the_comma_file_has_no_byte_order_mark_and_the_names_of_the_json(self) -> None:
        response = read("en", reverse("in_figures:comma_csv", args=[2025]))
        text = response.content.decode("utf-8")
        self.assertEqual(
            text.splitlines()[0],
            "year,through,code,name,groups_started,groups_started_shown,found_a_group,found_a_group_shown,"
            "signed_up,signed_up_shown,median_weeks_waited,contact_points",
        )
        self.assertIn("2025,2025-12,46,Vestland,108,number,528,number,840,number,,", text)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")


class AboutTests(InFiguresTestCase):
    def test_the_about_page_says_how_figures_are_made_and_hidden_and_names_the_files_and_licence(self) -> None:
        page = read("en", reverse("in_figures:about"))
        self.assertContains(page, "A month is final a day after it ends.")
        self.assertContains(page, "Every number from 0 to 4 is shown as &lt;5.")
        self.assertContains(page, "One suppression decides every published table together")
        for name, args in (("csv", [2025]), ("comma_csv", [2025]), ("json", [2025]), ("schema", [])):
            self.assertContains(page, reverse(f"in_figures:{name}", args=args))
        self.assertContains(page, 'href="https://creativecommons.org/licenses/by/4.0/"')


class LinksTests(Personas):
    def test_the_home_page_and_every_footer_link_to_self_help_in_figures(self) -> None:
        link = f'href="{reverse("in_figures:in_figures")}"'
        home = read("en", reverse("home")).content.decode()
        self.assertEqual(home.count(link), 2)  # in the page, and in the footer
        self.assertContains(read("en", reverse("privacy")), link)
