"""A worker gives way to the web: before each task, and between the sign-ups one task records, it waits
while other processes keep the machine's cores busy, as the web does answering a burst of sign-ups.

A lower CPU priority (``WORKER_NICENESS``) does not do this on its own. On a virtual machine, whose
cores share physical cores, a worker that runs only where a core would be idle still slows the web
down: by a quarter, in ``bench/run``'s burst of sign-ups. So a worker looks at how busy the cores were
since it last looked, leaving its own processes out, and while the others used more than
``WORKER_GIVES_WAY_ABOVE`` of them, it waits. It never waits longer than ``LONGEST_WAIT`` in a row, and
then does at least one more piece of work: a burst delays the background work, never stops it.

Only a worker gives way (``watch_as_worker``, from ``selvhjelp/celery.py``); elsewhere (the web, tasks
run in-process, management commands) ``give_way`` returns at once.
"""

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# How often a worker looks at the cores (at most), and how long each wait is.
STEP = 0.1
# The longest a worker waits in a row before it does the next piece of work anyway.
LONGEST_WAIT = 1.0
# A look older than this says nothing about now: the worker looks again and goes on.
STALE = 1.0

PROC = Path("/proc")
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Cores:
    """What the machine's cores did since it started, in seconds summed over all cores."""

    busy: float  # running any process (the hypervisor's other guests' time not included)
    total: float  # all the time there was, idle included
    ours: float  # running this worker's own processes


def machine_cores(root: int) -> Cores | None:
    """The machine's cores as Linux counts them (``/proc/stat``), and the CPU time of the worker whose
    main process is ``root`` and of its pool's processes; None where this cannot be read."""
    try:
        fields = [int(value) for value in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:9]]
        user, nice, system, idle, iowait, irq, softirq, steal = fields
        children = (PROC / str(root) / "task" / str(root) / "children").read_text().split()
        ours = sum(_cpu_ticks(int(pid)) for pid in [root, *map(int, children)])
    except (OSError, ValueError):
        return None
    busy = user + nice + system + irq + softirq
    total = busy + idle + iowait + steal
    return Cores(busy=busy / TICKS_PER_SECOND, total=total / TICKS_PER_SECOND, ours=ours / TICKS_PER_SECOND)


def _cpu_ticks(pid: int) -> int:
    try:
        after_name = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0  # a pool process that has just gone
    return int(after_name[11]) + int(after_name[12])  # utime, stime


class GivingWay:
    """One worker process's looks at the cores. ``read`` and ``sleep`` are given for tests."""

    def __init__(
        self,
        *,
        root: int,
        above: float,  # a share of all the cores, 0 to 1
        read: Callable[[int], Cores | None] = machine_cores,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.root, self.above = root, above
        self.read, self.sleep, self.clock = read, sleep, clock
        self.last: tuple[float, Cores] | None = None

    def others_share(self) -> float | None:
        """How much of all the cores processes other than this worker's used since the last look (0 to
        1); None where there is no recent look to compare with. Looks again."""
        now, cores = self.clock(), self.read(self.root)
        last = self.last
        self.last = None if cores is None else (now, cores)
        if last is None or cores is None or now - last[0] > STALE:
            return None
        total = cores.total - last[1].total
        if total <= 0:
            return None
        # A pool process that ended takes its CPU time with it: never count less than nothing as ours.
        others = (cores.busy - last[1].busy) - max(cores.ours - last[1].ours, 0)
        return max(others, 0) / total

    def give_way(self) -> float:
        """Wait while the other processes keep the cores busy, up to ``LONGEST_WAIT``; returns how long."""
        if self.last is not None and self.clock() - self.last[0] < STEP:
            return 0.0  # Looked just now.
        steps, most = 0, round(LONGEST_WAIT / STEP)
        while steps < most and (share := self.others_share()) is not None and share > self.above:
            self.sleep(STEP)
            steps += 1
        if steps == most:
            self.others_share()  # Looked now: the next piece of work goes ahead, whatever the cores do.
        return steps * STEP


_this_worker: GivingWay | None = None


def watch_as_worker(root: int) -> None:
    """This process does a worker's tasks, for the worker whose main process is ``root``: from now on
    it gives way to the web (unless ``WORKER_GIVES_WAY_ABOVE`` is 0)."""
    global _this_worker
    percent = int(settings.WORKER_GIVES_WAY_ABOVE)
    _this_worker = GivingWay(root=root, above=percent / 100) if percent > 0 else None


def give_way() -> float:
    """In a worker: wait while the web (or anything else) keeps the cores busy, at most ``LONGEST_WAIT``.
    Elsewhere: nothing. Returns how long it waited."""
    return _this_worker.give_way() if _this_worker is not None else 0.0
