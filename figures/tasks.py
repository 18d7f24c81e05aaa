"""Background work on the figures: closing each month once it is final."""

from celery import shared_task

from figures import closing


@shared_task
def close_months() -> int:
    return closing.close_months()
