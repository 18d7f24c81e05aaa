"""A worker gives way to the web: before each task, and between the sign-ups one task records, it waits
while other processes keep the machine's cores busy, as the web does answering a burst of sign-ups.

A lower CPU priority (``WORKER_NICENESS``) does not do this on its own. On a virtual machine, whose
cores share physical cores, a worker that runs only where a core would be idle still slows the web
down: by a quarter, in ``bench/run``'s burst of sign-ups. So a worker looks at how busy the cores were
since it last looked, leaving out every Celery worker's processes (workers never give way to each
other), and while the others used more than ``WORKER_GIVES_WAY_ABOVE`` of them, it waits. It never
waits longer than ``LONGEST_WAIT`` in a row, and then does at least one more piece of work: a burst
delays the background work, never stops it.

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
# How often a worker looks for the machine's Celery workers again (they start and stop rarely).
FIND_WORKERS_EVERY = 5.0

PROC = Path("/proc")
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Cores:
    """What the machine's cores did since it started, in seconds summed over all cores."""

    busy: float  # running any process (the hypervisor's other guests' time not included)
    total: float  # all the time there was, idle included
    workers: dict[int, float]  # the CPU time of each Celery worker process, by its process id


def machine_seconds() -> tuple[float, float] | None:
    """How long the machine's cores have been busy, and how long there was, since it started, in
    seconds summed over all cores (``/proc/stat``; the hypervisor's other guests' time not busy);
    None where this cannot be read."""
    try:
        fields = [int(value) for value in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:9]]
        user, nice, system, idle, iowait, irq, softirq, steal = fields
    except (OSError, ValueError):
        return None
    busy = user + nice + system + irq + softirq
    return busy / TICKS_PER_SECOND, (busy + idle + iowait + steal) / TICKS_PER_SECOND


def process_fields(pid: int) -> list[str]:
    """The fields of ``/proc/PID/stat`` after the process's name (state, parent, ...); empty where the
    process has gone."""
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def machine_cores(workers: list[int]) -> Cores | None:
    """The machine's cores (``machine_seconds``), and the CPU time of each of these worker processes
    still running; None where this cannot be read."""
    seconds = machine_seconds()
    if seconds is None:
        return None
    used = {}
    for pid in workers:
        if fields := process_fields(pid):
            used[pid] = (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND  # utime, stime
    return Cores(busy=seconds[0], total=seconds[1], workers=used)


def celery_workers() -> list[int]:
    """Every Celery worker process on this machine, this one's and any other's: a worker's pool
    processes carry its command line. Workers never give way to each other, only to the rest."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in words and any(word == b"celery" or word.endswith(b"/celery") for word in words):
            found.append(int(entry.name))
    return found


class GivingWay:
    """One worker process's looks at the cores. ``read``, ``find_workers``, ``sleep`` and ``clock`` are
    given for tests."""

    def __init__(
        self,
        *,
        above: float,  # a share of all the cores, 0 to 1
        read: Callable[[list[int]], Cores | None] = machine_cores,
        find_workers: Callable[[], list[int]] = celery_workers,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.above = above
        self.read, self.find_workers, self.sleep, self.clock = read, find_workers, sleep, clock
        self.last: tuple[float, Cores] | None = None
        self.workers: list[int] = []
        self.workers_found_at: float | None = None

    def others_share(self) -> float | None:
        """How much of all the cores processes other than Celery workers used since the last look (0 to
        1); None where there is no recent look to compare with. Looks again."""
        now = self.clock()
        if self.workers_found_at is None or now - self.workers_found_at > FIND_WORKERS_EVERY:
            self.workers, self.workers_found_at = self.find_workers(), now
        cores = self.read(self.workers)
        last = self.last
        self.last = None if cores is None else (now, cores)
        if last is None or cores is None or now - last[0] > STALE:
            return None
        before = last[1]
        total = cores.total - before.total
        if total <= 0:
            return None
        # Only the workers seen both times: one that started or ended since counts as the others, once.
        workers = sum(
            max(used - before.workers[pid], 0) for pid, used in cores.workers.items() if pid in before.workers
        )
        others = (cores.busy - before.busy) - workers
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


def watch_as_worker() -> None:
    """This process does a worker's tasks (and its pool's processes, which start from it): from now on
    it gives way to the web (unless ``WORKER_GIVES_WAY_ABOVE`` is 0)."""
    global _this_worker
    percent = int(settings.WORKER_GIVES_WAY_ABOVE)
    _this_worker = GivingWay(above=percent / 100) if percent > 0 else None


def give_way() -> float:
    """In a worker: wait while the web (or anything else) keeps the cores busy, at most ``LONGEST_WAIT``.
    Elsewhere: nothing. Returns how long it waited."""
    return _this_worker.give_way() if _this_worker is not None else 0.0
