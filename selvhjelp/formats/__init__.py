"""Date and number formats (FORMAT_MODULE_PATH): for languages Django does not know
(Northern Sami), for English as it is read in Norway (day before month), and the
site's own named formats in every language.

A date reads in Norwegian order in every language: "1. desember 2026" in bokmål and
nynorsk, "1 December 2026" in English, "01.12.2026" short. Templates name a format
(``|date:"DATE_FORMAT"``) rather than spell one out, so that each language gets its own.

Django's named formats have no weekday; the site adds three, defined for every
language here (``get_format`` reads any name a language's format module defines):

- ``WEEKDAY_DATETIME_FORMAT``: "tirsdag 1. desember 2026, 18:00" / "Tuesday 1 December 2026, 18:00"
- ``WEEKDAY_MONTH_DAY_TIME_FORMAT``: "tirsdag 1. desember, 18:00"
- ``WEEKDAY_MONTH_DAY_FORMAT``: "tirsdag 1. desember"
"""
