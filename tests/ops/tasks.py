"""A task that only writes a log line, for the request-id tests."""

import logging

from celery import shared_task

logger = logging.getLogger("selvhjelp.tests.ops.task")


@shared_task
def log_a_line() -> None:
    logger.info("the task ran")
