"""English as it is read in Norway: the day before the month, dots in short dates, a
24-hour clock and Monday first. "1 December 2026" and "01.12.2026", never
"Dec. 1, 2026" or "12/01/2026", which a Norwegian reader takes for 12 January.
Numbers keep Django's English separators."""

# Dates may be typed ISO or day first, in every language: never month first.
from selvhjelp.formats.day_first import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# The site's own named formats (see selvhjelp/formats/__init__.py).
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"
WEEKDAY_MONTH_DAY_TIME_FORMAT = "l j F, H:i"
WEEKDAY_MONTH_DAY_FORMAT = "l j F"


TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # '14:30:59'
    "%H:%M:%S.%f",  # '14:30:59.000200'
    "%H:%M",  # '14:30'
]
