"""Closed months: the offices' monthly tables and the public year to date, frozen once a month is final."""

from django.db import models


class ClosedMonth(models.Model):
    """One final month as it was published, made once by ``figures.closing`` and never changed.

    ``tables`` holds the geography at closing, every cell the offices' tables show
    for the month, the true counts of counties, districts and the country that the
    year-to-date suppression needs, and the public year to date (see ``figures.closing``).
    Only counts of places, never of people.
    """

    month = models.DateField(unique=True)
    made_at = models.DateTimeField()
    tables = models.JSONField()

    class Meta:
        ordering = ["month"]

    def __str__(self) -> str:
        return f"closed month {self.month:%Y-%m}"
