"""Northern Sami (davvisámegiella), as written in Norway: the Norwegian conventions.

Month and day names come from Django's catalogue, which for Sami falls back to bokmål.
"""

# Dates may be typed ISO or day first, in every language: never month first.
from selvhjelp.formats.day_first import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401

DATE_FORMAT = "j. F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j. F Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j. F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# The site's own named formats (see selvhjelp/formats/__init__.py).
WEEKDAY_DATETIME_FORMAT = "l j. F Y, H:i"
WEEKDAY_MONTH_DAY_TIME_FORMAT = "l j. F, H:i"
WEEKDAY_MONTH_DAY_FORMAT = "l j. F"


DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
