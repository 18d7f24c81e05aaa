"""Background work for contact points. Idempotent: each run does only what is due."""

from celery import shared_task

from contactpoints import notices, services


@shared_task
def check_details() -> tuple[int, int]:
    return services.check_details()


@shared_task
def expire_notice_requests() -> int:
    return notices.delete_expired()
