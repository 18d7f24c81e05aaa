"""Dates read in Norwegian order in every language: the day before the month.

"12/01/2026" is read as 12 January in Norway, and "Dec. 1, 2026" is not how
English reads here either. English pages say "1 December 2026" and "01.12.2026".
"""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import SimpleTestCase
from django.utils import formats, translation

# Tuesday 1 December 2026, six in the evening in Oslo.
MEETING = datetime.datetime(2026, 12, 1, 18, 0, tzinfo=ZoneInfo("Europe/Oslo"))
OUR_NAMED_FORMATS = ("WEEKDAY_DATETIME_FORMAT", "WEEKDAY_MONTH_DAY_TIME_FORMAT", "WEEKDAY_MONTH_DAY_FORMAT")
TEMPLATES = Path(settings.BASE_DIR) / "templates"
DATE_FILTER = re.compile(r'\|date:"([^"]*)"')
# A month and year read the same in every language.
SAME_IN_EVERY_LANGUAGE = {"F Y"}


def rendered(language: str, text: str) -> str:
    with translation.override(language):
        return Template(text).render(Context({"when": MEETING}))


class DatesInEveryLanguage(SimpleTestCase):
    def test_a_date_reads_day_month_year_in_every_language(self):
        page = '{{ when|date:"DATE_FORMAT" }} | {{ when|date:"SHORT_DATE_FORMAT" }} | {{ when|date:"DATETIME_FORMAT" }}'
        self.assertEqual(rendered("nb", page), "1. desember 2026 | 01.12.2026 | 1. desember 2026 18:00")
        self.assertEqual(rendered("nn", page), "1. desember 2026 | 01.12.2026 | 1. desember 2026 18:00")
        self.assertEqual(rendered("en", page), "1 December 2026 | 01.12.2026 | 1 December 2026 18:00")
        # Northern Sami: the Norwegian order, with month names from bokmål.
        self.assertEqual(rendered("se", page), "1. desember 2026 | 01.12.2026 | 1. desember 2026 18:00")

    def test_a_meeting_names_its_weekday_in_every_language(self):
        page = '{{ when|date:"WEEKDAY_DATETIME_FORMAT" }} | {{ when|date:"WEEKDAY_MONTH_DAY_TIME_FORMAT" }}'
        self.assertEqual(rendered("nb", page), "tirsdag 1. desember 2026, 18:00 | tirsdag 1. desember, 18:00")
        self.assertEqual(rendered("nn", page), "tysdag 1. desember 2026, 18:00 | tysdag 1. desember, 18:00")
        self.assertEqual(rendered("en", page), "Tuesday 1 December 2026, 18:00 | Tuesday 1 December, 18:00")
        self.assertEqual(rendered("en", '{{ when|date:"WEEKDAY_MONTH_DAY_FORMAT" }}'), "Tuesday 1 December")

    def test_every_language_of_the_site_has_the_sites_own_named_formats(self):
        for code, _name in settings.LANGUAGES:
            for name in OUR_NAMED_FORMATS:
                with self.subTest(language=code, format=name):
                    self.assertNotEqual(formats.get_format(name, lang=code), name, "it would print the name")

    def test_the_week_starts_on_monday_and_a_date_is_typed_day_first_in_english_too(self):
        with translation.override("en"):
            self.assertEqual(formats.get_format("FIRST_DAY_OF_WEEK"), 1)
            self.assertIn("%d.%m.%Y", formats.get_format("DATE_INPUT_FORMATS"))
            self.assertNotIn("%m/%d/%Y", formats.get_format("DATE_INPUT_FORMATS"))

    def test_an_email_in_english_gives_the_first_meeting_day_first(self):
        group = SimpleNamespace(first_meeting=MEETING, format="telephone", place_details="", starter_present=False)
        with translation.override("en"):
            text = render_to_string("emails/_meeting.txt", {"group": group})
        self.assertIn("Tuesday 1 December 2026, 18:00", text)

    def test_no_template_spells_out_a_date_format_of_one_language(self):
        """A format spelt out ("j. F Y") gives "1. December 2026" in English: templates name one instead."""
        spelt_out = [
            f"{path.relative_to(TEMPLATES)}: {found}"
            for path in TEMPLATES.rglob("*")
            if path.suffix in {".html", ".txt"}
            for found in DATE_FILTER.findall(path.read_text(encoding="utf-8"))
            if not re.fullmatch(r"[A-Z_]+", found) and found not in SAME_IN_EVERY_LANGUAGE
        ]
        self.assertEqual(spelt_out, [])
