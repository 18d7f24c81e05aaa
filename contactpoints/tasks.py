"""Background work for contact points. Idempotent: each run does only what is due."""

from celery import shared_task

from contactpoints import services


@shared_task
def check_details() -> tuple[int, int]:
    return services.check_details()
