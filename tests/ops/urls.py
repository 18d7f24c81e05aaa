"""The project's URLs, and a few views that only the ops tests use."""

import logging

from django.http import HttpRequest, HttpResponse
from django.urls import path

from selvhjelp.urls import handler400, handler403, handler404, handler500, urlpatterns
from tests.ops.tasks import log_a_line

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

logger = logging.getLogger("selvhjelp.tests.ops")


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke")


def log_and_queue(request: HttpRequest) -> HttpResponse:
    logger.info("handling the request")
    log_a_line.delay()
    return HttpResponse("queued")


urlpatterns = [
    *urlpatterns,
    path("test-ops/boom/", boom),
    path("test-ops/log-and-queue/", log_and_queue),
]
