"""Background work is queued after commit, with ids only."""

import logging

from celery import Task, current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task: "Task[..., object] | str", *ids: int) -> None:
    """Queue ``task`` with these ids once the current transaction commits
    (at once outside one); never an address or a name.

    ``task`` is the task, or its name where the task's module imports the
    caller's (a workflow named by the task that runs it later).

    If the broker cannot take it, the work is not lost: every task has a relay
    on the beat schedule that finds what no task did in time. So a broker
    outage is logged and the request goes on.
    """

    transaction.on_commit(lambda: enqueue(task, *ids), robust=True)


def enqueue(task: "Task[..., object] | str", *ids: int) -> None:
    """Queue ``task`` now: for a relay, which writes nothing itself. A broker outage is logged."""
    runner = current_app.tasks[task] if isinstance(task, str) else task
    try:
        runner.delay(*ids)
    except Exception:
        logger.warning("Could not queue %s %s; the relay will do it", runner.name, ids, exc_info=True)
