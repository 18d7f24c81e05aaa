"""Health checks for a load balancer or an orchestrator.

``/helse/live/`` answers while the process can serve requests at all.
``/helse/`` also asks the database and the task broker, and answers 503 when
either does not answer, so that traffic goes elsewhere. Neither says why: the
reason goes to the log (its type only), never to the caller.
"""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)

OK, UNAVAILABLE, SKIPPED = "ok", "unavailable", "skipped"
BROKER_TIMEOUT_SECONDS = 2


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as exc:
        logger.warning("Health check: the database did not answer (%s)", type(exc).__name__)
        return False


def broker_answers() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=BROKER_TIMEOUT_SECONDS,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
        return True
    except Exception as exc:
        logger.warning("Health check: the task broker did not answer (%s)", type(exc).__name__)
        return False


def broker_configured() -> bool:
    # Without CELERY_BROKER_URL tasks run in-process: there is no broker to ask.
    return not settings.CELERY_TASK_ALWAYS_EAGER


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": OK if database_answers() else UNAVAILABLE,
        "broker": (OK if broker_answers() else UNAVAILABLE) if broker_configured() else SKIPPED,
    }
    healthy = UNAVAILABLE not in checks.values()
    return JsonResponse({"status": OK if healthy else UNAVAILABLE, "checks": checks}, status=200 if healthy else 503)


@never_cache
@require_GET
def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": OK})
