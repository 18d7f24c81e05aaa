"""Anonymous monthly counts, written in the same transaction as the event.

A month is final some hours after it ends (``settings.MONTH_FINAL_AFTER_HOURS``):
its figures are then closed and published (``figures.closing``), and nothing
recorded later may change them. What happens later but belongs to a final
month, such as a group handed off late, counts in the month that is still open.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from groups.models import MonthlyFigure


def month_of(moment: datetime.datetime | None = None) -> datetime.date:
    local = timezone.localtime(moment or timezone.now())
    return local.date().replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def final_from(month: datetime.date) -> datetime.datetime:
    """The moment a month becomes final: some hours after the first moment of the month that follows it."""
    following = timezone.make_aware(datetime.datetime.combine(next_month(month), datetime.time()))
    return following + datetime.timedelta(hours=settings.MONTH_FINAL_AFTER_HOURS)


def is_final(month: datetime.date, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= final_from(month)


def count(*, contact_point_id: int, when: datetime.datetime | None = None, **increments: int) -> datetime.date:
    """Add to a month's figures for a contact point, e.g. ``count(contact_point_id=1, confirmed=1)``.

    The month is that of ``when`` (now if not given), unless that month is final
    already: then it counts in the current month. Returns the month it counted in.
    """
    now = timezone.now()
    month = month_of(when or now)
    if is_final(month, now):
        month = month_of(now)
    rows = MonthlyFigure.objects.filter(contact_point_id=contact_point_id, month=month)
    changes = {name: F(name) + amount for name, amount in increments.items()}
    if rows.update(**changes):
        return month
    try:
        with transaction.atomic():
            MonthlyFigure.objects.create(contact_point_id=contact_point_id, month=month, **increments)
    except IntegrityError:
        # Another transaction created this month's row in the meantime.
        rows.update(**changes)
    return month
