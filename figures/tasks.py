"""Background work on the figures: closing each month once it is final, and counting what the offices' pages
show live ahead of them."""

from celery import shared_task

from figures import closing


@shared_task
def close_months() -> int:
    return closing.close_months()


@shared_task
def recount_live() -> str:
    return closing.recount_live()
