"""Norwegian bokmål: Django's own formats, and the site's named formats with the weekday
(see selvhjelp/formats/__init__.py). Every other format falls through to Django's."""

WEEKDAY_DATETIME_FORMAT = "l j. F Y, H:i"
WEEKDAY_MONTH_DAY_TIME_FORMAT = "l j. F, H:i"
WEEKDAY_MONTH_DAY_FORMAT = "l j. F"
