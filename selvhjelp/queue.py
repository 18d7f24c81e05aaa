"""Background work is queued after commit, with ids only; or, where many
requests leave work of one kind, one task is woken to do all of it."""

import datetime
import logging
from dataclasses import dataclass

from celery import Task, current_app
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

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


def enqueue(task: "Task[..., object] | str", *ids: int) -> bool:
    """Queue ``task`` now: for a relay, which writes nothing itself. A broker outage is logged;
    returns whether the broker took it."""
    runner = current_app.tasks[task] if isinstance(task, str) else task
    try:
        runner.delay(*ids)
    except Exception:
        logger.warning("Could not queue %s %s; the relay will do it", runner.name, ids, exc_info=True)
        return False
    return True


def wake_after_commit(task: "Task[..., object] | str", *, flag: str, seconds: int) -> None:
    """Wake ``task``, which takes no arguments and does all the work of its kind
    that is waiting, once the current transaction commits (at once outside one):
    unless it was woken already and has not started yet.

    ``flag`` is a cache key set (with an end, ``seconds``) when the task is
    queued; the task clears it with ``woken`` before it looks for work. So work
    written before a wake that found the flag set is seen by the task that set
    it, and a burst of requests queues one task instead of one each. If the
    cache does not answer, the task is queued anyway; if the broker does not,
    the flag is cleared for the next request, and the task's relay on the beat
    schedule finds the work in time.
    """

    transaction.on_commit(lambda: _wake(task, flag, seconds), robust=True)


def _wake(task: "Task[..., object] | str", flag: str, seconds: int) -> None:
    try:
        if not cache.add(flag, 1, timeout=seconds):
            return  # Woken already, and not yet started: it will find this work too.
    except Exception as exc:
        logger.warning("The cache did not answer (%s); queueing the task anyway", type(exc).__name__)
    if not enqueue(task):
        woken(flag)  # The next request tries again.


def woken(flag: str) -> None:
    """Said by a task ``wake_after_commit`` woke, before it looks for work: from now on, new work wakes it again."""
    try:
        cache.delete(flag)
    except Exception as exc:
        logger.warning("The cache did not answer (%s)", type(exc).__name__)


@dataclass(frozen=True)
class BrokerState:
    # How many tasks wait in the queue for a worker.
    waiting: int
    # When the broker last started, where it says (Redis does); tasks queued before then may have
    # gone with it (a Redis without persistence keeps nothing over a restart).
    started: datetime.datetime | None


def broker_state() -> BrokerState | None:
    """What the broker's queue holds, and since when; None where tasks run in-process, or the broker
    does not answer."""
    if current_app.conf.task_always_eager:
        return None
    try:
        with current_app.connection_for_read() as connection:
            channel = connection.default_channel
            declared = channel.queue_declare(queue=current_app.conf.task_default_queue, passive=True)
            client = getattr(channel, "client", None)  # Redis's; other brokers do not say when they started
            uptime = int(client.info("server")["uptime_in_seconds"]) if client is not None else None
    except Exception as exc:
        logger.warning("The broker did not say how many tasks wait (%s)", type(exc).__name__)
        return None
    # Its uptime is in whole seconds: a second more, so as never to take a task queued since for lost.
    started = None if uptime is None else timezone.now() - datetime.timedelta(seconds=uptime + 1)
    return BrokerState(waiting=int(declared.message_count), started=started)
