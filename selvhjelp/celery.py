"""The Celery app: ``celery -A selvhjelp worker`` and ``celery -A selvhjelp beat``."""

import contextlib
import logging.config
import os
import uuid
from pathlib import Path

from celery import Celery, signals
from celery.worker.consumer import Consumer as CeleryConsumer

from selvhjelp import giving_way
from selvhjelp.logging import request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selvhjelp.settings")
logger = logging.getLogger(__name__)

app = Celery("selvhjelp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Consumer(CeleryConsumer):
    """Celery's consumer (``CELERY_WORKER_CONSUMER``), which outlives a broker restart.

    After losing the connection, Celery 5.7 takes it apart (``collect``), as before, and then also
    closes it, which drops the connection pools of its channels. Where the worker held tasks it had not
    acknowledged when Redis restarted, both then fail on the taken-apart connection with AttributeError,
    which Celery takes for an unrecoverable error, and the worker exits: the close itself, giving the
    tasks back while Redis is still down, and, once connected again, acknowledging a task that was
    running meanwhile, on the old channel. So the lost connection is left as Celery 5.6 left it, taken
    apart and not closed: its channels keep their pools, the acknowledgement reaches the new Redis, and
    the consumer connects again as after any connection loss. What the restart took from the queue,
    the relays find (docs/deployment.md)."""

    def on_connection_error_after_connected(self, exc: Exception) -> None:
        if self.connection is not None:
            self.connection.close = leave_the_lost_connection
        super().on_connection_error_after_connected(exc)


def leave_the_lost_connection() -> None:
    logger.info("The broker connection was lost; connecting again, the old connection left to be collected")


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


@signals.worker_init.connect(dispatch_uid="selvhjelp.worker.giving_way")
def give_way_to_the_web(**kwargs: object) -> None:
    """A worker's processes (this one, and its pool's, which start from it) give way to the web while it
    keeps the cores busy (``selvhjelp.giving_way``)."""
    giving_way.watch_as_worker()


@signals.task_prerun.connect(dispatch_uid="selvhjelp.worker.give_way_before_a_task")
def give_way_before_a_task(task: object = None, **kwargs: object) -> None:
    if run_by_a_worker(task):
        giving_way.give_way()


def run_by_a_worker(task: object) -> bool:
    """Whether a task runs in a worker, not in-process as part of its caller's work."""
    return not getattr(getattr(task, "request", None), "is_eager", False)


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


@signals.task_prerun.connect(dispatch_uid="selvhjelp.database.prerun")
@signals.task_postrun.connect(dispatch_uid="selvhjelp.database.postrun")
def close_old_database_connections(task: object = None, **kwargs: object) -> None:
    """Before and after each task, as Django does before and after each request: a connection that has
    failed, or is older than ``CONN_MAX_AGE``, is closed, and the next query opens a new one; any other
    is kept (``CELERY_DB_REUSE_MAX``), and checked before its next use. A task run in-process is part of
    the caller's work and leaves its connection alone."""
    if not run_by_a_worker(task):
        return
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:  # a task run inside a transaction (a test's) leaves it be
            connection.close_if_unusable_or_obsolete()


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
