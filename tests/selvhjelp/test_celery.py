"""A worker yields the CPU to the web processes on a machine running both."""

import os
import subprocess
import sys

from django.conf import settings
from django.test import SimpleTestCase

RUN_AS_A_WORKER_STARTS = (
    "import os, django; django.setup();"
    "from selvhjelp.celery import app, yield_the_cpu_to_the_web;"
    "from celery import signals;"
    "signals.worker_init.send(sender=None);"
    "print(os.getpriority(os.PRIO_PROCESS, 0))"
)


def niceness_of_a_starting_worker(**env: str) -> int:
    output = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", RUN_AS_A_WORKER_STARTS],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return int(output.strip().splitlines()[-1])


class WorkerNicenessTests(SimpleTestCase):
    def test_a_worker_runs_below_the_web_by_default(self):
        self.assertEqual(settings.WORKER_NICENESS, 10)
        self.assertEqual(niceness_of_a_starting_worker(), os.getpriority(os.PRIO_PROCESS, 0) + 10)

    def test_an_operator_can_keep_a_worker_at_the_webs_priority(self):
        self.assertEqual(niceness_of_a_starting_worker(WORKER_NICENESS="0"), os.getpriority(os.PRIO_PROCESS, 0))
