"""Anonymous monthly counts, written in the same transaction as the event."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from groups.models import MonthlyFigure


def month_of(moment: datetime.datetime | None = None) -> datetime.date:
    local = timezone.localtime(moment or timezone.now())
    return local.date().replace(day=1)


def count(*, contact_point_id: int, when: datetime.datetime | None = None, **increments: int) -> None:
    """Add to this month's figures for a contact point, e.g. ``count(contact_point_id=1, confirmed=1)``."""
    month = month_of(when)
    rows = MonthlyFigure.objects.filter(contact_point_id=contact_point_id, month=month)
    changes = {name: F(name) + amount for name, amount in increments.items()}
    if rows.update(**changes):
        return
    try:
        with transaction.atomic():
            MonthlyFigure.objects.create(contact_point_id=contact_point_id, month=month, **increments)
    except IntegrityError:
        # Another transaction created this month's row in the meantime.
        rows.update(**changes)
