"""A worker gives way to the web: it waits while other processes keep the cores busy, never for long,
and never for its own work."""

import os
import subprocess
import sys
import time

from django.test import SimpleTestCase, override_settings

from selvhjelp import giving_way
from selvhjelp.giving_way import LONGEST_WAIT, STEP, Cores, GivingWay

# The process id of the Celery workers' processes on the made-up machine, as if there were one.
WORKER = 4242


class Machine:
    """Two cores whose use the test sets for each step of time: the others' share and the worker's."""

    cores = 2

    def __init__(self, others: float, ours: float = 0.0) -> None:
        self.now = 1000.0
        self.others, self.ours = others, ours
        self.used = Cores(busy=0.0, total=0.0, workers={WORKER: 0.0})
        self.waits: list[float] = []

    def read(self, workers: list[int]) -> Cores:
        return Cores(
            busy=self.used.busy,
            total=self.used.total,
            workers={pid: used for pid, used in self.used.workers.items() if pid in workers},
        )

    def clock(self) -> float:
        return self.now

    def pass_time(self, seconds: float) -> None:
        """Time passes with the cores used as set: by the others, and by the worker itself."""
        ours = self.ours * self.cores * seconds
        self.used = Cores(
            busy=self.used.busy + self.others * self.cores * seconds + ours,
            total=self.used.total + self.cores * seconds,
            workers={WORKER: self.used.workers[WORKER] + ours},
        )
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.pass_time(seconds)

    def worker(self) -> GivingWay:
        return GivingWay(above=0.5, read=self.read, find_workers=lambda: [WORKER], sleep=self.sleep, clock=self.clock)


def a_worker_that_looked_a_moment_ago(machine: Machine) -> GivingWay:
    worker = machine.worker()
    worker.give_way()  # The first look: nothing to compare with yet.
    machine.pass_time(STEP)
    return worker


class GivingWayTests(SimpleTestCase):
    def test_a_worker_waits_while_the_web_keeps_the_cores_busy(self):
        machine = Machine(others=0.8)
        worker = a_worker_that_looked_a_moment_ago(machine)
        self.assertAlmostEqual(worker.give_way(), LONGEST_WAIT)
        self.assertTrue(machine.waits)

    def test_it_never_waits_longer_than_a_second_in_a_row_and_then_does_some_work(self):
        machine = Machine(others=1.0)
        worker = a_worker_that_looked_a_moment_ago(machine)
        self.assertAlmostEqual(worker.give_way(), LONGEST_WAIT)
        # The next piece of work, straight after the wait, goes ahead.
        machine.pass_time(STEP / 10)
        self.assertEqual(worker.give_way(), 0.0)

    def test_it_goes_on_as_soon_as_the_cores_are_free(self):
        machine = Machine(others=0.9)
        worker = a_worker_that_looked_a_moment_ago(machine)
        original_sleep = machine.sleep

        def burst_ends(seconds: float) -> None:
            original_sleep(seconds)
            machine.others = 0.1

        machine.sleep = burst_ends  # type: ignore[method-assign]
        worker.sleep = burst_ends
        waited = worker.give_way()
        self.assertGreater(waited, 0)
        self.assertLessEqual(waited, 2 * STEP)

    def test_it_does_not_wait_on_a_quiet_machine(self):
        machine = Machine(others=0.2)
        worker = a_worker_that_looked_a_moment_ago(machine)
        self.assertEqual(worker.give_way(), 0.0)
        self.assertEqual(machine.waits, [])

    def test_the_workers_own_processes_do_not_count_as_the_web(self):
        """Workers alone on a machine, using every core, never wait for themselves or each other."""
        machine = Machine(others=0.0, ours=1.0)
        worker = a_worker_that_looked_a_moment_ago(machine)
        self.assertEqual(worker.give_way(), 0.0)

    def test_a_look_long_ago_says_nothing_about_now(self):
        machine = Machine(others=0.9)
        worker = machine.worker()
        worker.give_way()
        machine.pass_time(60)
        self.assertEqual(worker.give_way(), 0.0, "a worker that was idle for a minute starts at once")

    def test_a_machine_it_cannot_read_is_not_waited_for(self):
        worker = GivingWay(above=0.5, read=lambda workers: None, find_workers=list, sleep=self.fail)
        worker.give_way()
        self.assertEqual(worker.give_way(), 0.0)

    def test_only_a_worker_gives_way(self):
        self.assertIsNone(giving_way._this_worker)  # the test process is no worker
        self.assertEqual(giving_way.give_way(), 0.0)

    @override_settings(WORKER_GIVES_WAY_ABOVE=0)
    def test_an_operator_can_turn_it_off(self):
        giving_way.watch_as_worker()
        self.addCleanup(setattr, giving_way, "_this_worker", None)
        self.assertIsNone(giving_way._this_worker)

    def test_it_finds_every_celery_worker_on_this_machine_and_reads_its_cpu(self):
        worker = subprocess.Popen(  # noqa: S603 - this interpreter, a fixed program
            [
                sys.executable,
                "-c",
                "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\ntime.sleep(30)",
                "celery",
                "worker",
            ]
        )
        self.addCleanup(worker.wait)
        self.addCleanup(worker.kill)
        time.sleep(0.5)
        found = giving_way.celery_workers()
        self.assertIn(worker.pid, found)
        self.assertNotIn(os.getpid(), found, "the tests are no worker")
        cores = giving_way.machine_cores([worker.pid])
        self.assertIsNotNone(cores)
        self.assertGreater(cores.total, cores.busy)
        self.assertGreater(cores.workers[worker.pid], 0)


class AWorkerGivesWayTests(SimpleTestCase):
    def test_a_starting_worker_and_its_pool_give_way_to_the_web(self):
        output = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
            [
                sys.executable,
                "-c",
                "import os, django; django.setup();"
                "from celery import signals; from selvhjelp import celery, giving_way;"
                "signals.worker_init.send(sender=None);"
                "print(giving_way._this_worker is not None, giving_way._this_worker.above)",
            ],
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.split()
        self.assertEqual(output[-2:], ["True", "0.5"])
