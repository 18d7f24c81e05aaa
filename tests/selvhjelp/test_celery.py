"""A worker yields the CPU to the web processes on a machine running both, and outlives a broker restart."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from celery.worker.consumer import Consumer as CeleryConsumer
from django.conf import settings
from django.test import SimpleTestCase
from kombu.utils.imports import symbol_by_name

from selvhjelp.celery import Consumer, app, leave_the_lost_connection

RUN_AS_A_WORKER_STARTS = (
    "import os, django; django.setup();"
    "from selvhjelp.celery import app, yield_the_cpu_to_the_web, AUTOGROUP;"
    "from celery import signals;"
    "signals.worker_init.send(sender=None);"
    "text = AUTOGROUP.read_text() if AUTOGROUP.exists() else '';"
    "print((text.split() or ['-'])[-1]);"
    "print(os.getpriority(os.PRIO_PROCESS, 0))"
)
# Linux's per-session CPU groups (sched(7), "autogroup"), where this machine has them. A process
# in no autogroup of its own (in the session of init, say) reads the file as empty.
AUTOGROUP = Path("/proc/self/autogroup")


def niceness_of_this_session() -> str:
    """The niceness of the tests' own session's CPU group, or ``-`` where it has none."""
    text = AUTOGROUP.read_text() if AUTOGROUP.exists() else ""
    return (text.split() or ["-"])[-1]


def a_starting_worker(*, own_session: bool = False, **env: str) -> tuple[int, str]:
    """A process that starts as a worker does: its niceness, and its session's (``-`` without autogroups)."""
    output = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", RUN_AS_A_WORKER_STARTS],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        start_new_session=own_session,
    ).stdout
    session, own = output.strip().splitlines()[-2:]
    return int(own), session


def niceness_of_a_starting_worker(**env: str) -> int:
    return a_starting_worker(**env)[0]


class WorkerNicenessTests(SimpleTestCase):
    def test_a_worker_runs_below_the_web_by_default(self):
        self.assertEqual(settings.WORKER_NICENESS, 19)
        self.assertEqual(niceness_of_a_starting_worker(), min(19, os.getpriority(os.PRIO_PROCESS, 0) + 19))

    def test_an_operator_can_keep_a_worker_at_the_webs_priority(self):
        self.assertEqual(niceness_of_a_starting_worker(WORKER_NICENESS="0"), os.getpriority(os.PRIO_PROCESS, 0))

    def test_a_worker_in_a_session_of_its_own_lowers_the_sessions_share_of_the_cpu_too(self):
        # Under autogroups a process's niceness counts only inside its session: a worker started
        # by a service manager would otherwise get as much CPU as the web processes together.
        if not AUTOGROUP.exists():
            self.skipTest("this kernel groups no processes by session; the niceness alone counts")
        own, session = a_starting_worker(own_session=True)
        self.assertEqual(own, min(19, os.getpriority(os.PRIO_PROCESS, 0) + 19))
        self.assertEqual(session, "19")

    def test_a_worker_sharing_its_session_with_others_leaves_the_session_as_it_was(self):
        before = niceness_of_this_session()
        own, session = a_starting_worker()
        self.assertEqual(own, min(19, os.getpriority(os.PRIO_PROCESS, 0) + 19))
        self.assertEqual(session, before)
        self.assertEqual(niceness_of_this_session(), before, "the tests' own session")


class LostBrokerTests(SimpleTestCase):
    """A worker connects again after the broker restarts while it holds tasks (a real Redis restarted
    under a busy worker: tests/integration/test_faults.py, and bench/burst in a burst)."""

    def test_a_worker_uses_the_consumer_that_outlives_a_broker_restart(self):
        self.assertIs(symbol_by_name(app.conf.worker_consumer), Consumer)

    def test_the_lost_connection_is_left_open_for_the_tasks_still_running_to_acknowledge_on(self):
        consumer = Consumer.__new__(Consumer)
        lost = mock.Mock()
        consumer.connection = lost
        with mock.patch.object(CeleryConsumer, "on_connection_error_after_connected") as celerys:
            consumer.on_connection_error_after_connected(ConnectionError())
        celerys.assert_called_once()
        self.assertIs(lost.close, leave_the_lost_connection, "Celery 5.7 closes it next: left to be collected")
