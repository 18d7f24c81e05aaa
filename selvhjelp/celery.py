"""The Celery app: ``celery -A selvhjelp worker`` and ``celery -A selvhjelp beat``."""

import contextlib
import logging.config
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from celery import Celery, signals
from celery.worker.consumer import Consumer as CeleryConsumer

from selvhjelp.logging import request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selvhjelp.settings")
logger = logging.getLogger(__name__)

app = Celery("selvhjelp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Consumer(CeleryConsumer):
    """Celery's consumer (``CELERY_WORKER_CONSUMER``), which connects again after losing the broker
    even where closing the lost connection fails.

    After a lost connection, Celery 5.7 takes the connection apart (``collect``) and then closes it.
    Where the broker was still down (Redis restarting) while the worker held tasks it had not
    acknowledged, the close tries once more to give them back, on the taken-apart connection, and
    raises AttributeError; Celery takes that for an unrecoverable error and the worker exits. Closing
    what is left is only tidying up: its failure is logged, and the consumer connects again, as after
    any connection loss. The tasks it held went with the broker's restart, and the relays find their
    work (docs/deployment.md)."""

    def on_connection_error_after_connected(self, exc: Exception) -> None:
        if self.connection is not None:
            self.connection.close = closing_what_is_left(self.connection.close)
        super().on_connection_error_after_connected(exc)


def closing_what_is_left(close: Callable[[], object]) -> Callable[[], None]:
    def close_what_is_left() -> None:
        try:
            close()
        except AttributeError as exc:  # the connection was taken apart already
            logger.warning("Closing the lost broker connection failed (%s); connecting again", type(exc).__name__)

    return close_what_is_left


# The message header that carries the id of the request that queued a task.
REQUEST_ID_HEADER = "request_id"


@signals.setup_logging.connect
def use_django_logging(**kwargs: object) -> None:
    """Workers log through Django's LOGGING, so that addresses are redacted there too.

    Connecting this signal stops Celery from replacing the root logger's
    handlers with its own, which would bypass the redaction filter.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.worker_init.connect(dispatch_uid="selvhjelp.worker.niceness")
def yield_the_cpu_to_the_web(**kwargs: object) -> None:
    """A worker runs at a lower CPU priority (``WORKER_NICENESS``) than the web processes, as do the
    processes it starts: on a machine running both, a person waiting for a page comes before a sign-up
    waiting to be recorded or an email waiting to be sent. A burst of sign-ups is answered at once and
    recorded as soon as the cores are free; on a machine of its own a worker runs at full speed."""
    from django.conf import settings

    niceness = int(settings.WORKER_NICENESS)
    if niceness > 0:
        os.nice(niceness)
        lower_the_session_too(niceness)


# Where Linux keeps the niceness of a process's session as a whole (sched(7), "autogroup").
AUTOGROUP = Path("/proc/self/autogroup")


def lower_the_session_too(niceness: int) -> None:
    """Where Linux groups processes by session for the CPU (sched(7), "autogroup": most distributions
    turn it on), a process's niceness counts only against the others in its session: a worker started
    in a session of its own (by a service manager or ``setsid``) would still get as much CPU as all the
    web processes together. So a worker that leads its own session lowers the session's niceness as
    well. One that shares its session with others (a shell running the web too, say) leaves it, so as
    not to slow them down; there its own niceness is enough. Without autogroups (or where they cannot
    be changed) there is nothing more to do."""
    if os.getsid(0) != os.getpid():
        return
    with contextlib.suppress(OSError):
        AUTOGROUP.write_text(str(niceness))


@signals.before_task_publish.connect(dispatch_uid="selvhjelp.request_id.publish")
def send_request_id(headers: dict[str, object] | None = None, **kwargs: object) -> None:
    """A task queued while handling a request (or another task) carries that request's id."""
    current = request_id.get()
    if current and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, current)


def _request_id_of(task: object) -> str | None:
    request = getattr(task, "request", None)
    value = getattr(request, REQUEST_ID_HEADER, None) or (getattr(request, "headers", None) or {}).get(
        REQUEST_ID_HEADER
    )
    return value if isinstance(value, str) and value else None


_tokens: dict[str, object] = {}


@signals.task_prerun.connect(dispatch_uid="selvhjelp.request_id.prerun")
def receive_request_id(task_id: str | None = None, task: object = None, **kwargs: object) -> None:
    """Log a task's lines under the id of the request that queued it.

    A task run in-process keeps the id of the request running it; a task with
    none (a beat task) gets a new one, which the tasks it queues carry on.
    """
    rid = _request_id_of(task) or request_id.get() or uuid.uuid4().hex
    if task_id:
        _tokens[task_id] = request_id.set(rid)


@signals.task_postrun.connect(dispatch_uid="selvhjelp.request_id.postrun")
def forget_task_request_id(task_id: str | None = None, **kwargs: object) -> None:
    token = _tokens.pop(task_id, None) if task_id else None
    if token is not None:
        try:
            request_id.reset(token)  # type: ignore[arg-type]
        except ValueError:  # set in another context; nothing of ours to undo
            request_id.set(None)
