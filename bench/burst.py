"""bench/burst: the day a campaign runs. A burst of sign-ups through the production stack on one
machine, with faults on the way, and a check, at the end, that nothing was lost or doubled.

The stack is bench/run's (``bench.main.Bench``): gunicorn with selvhjelp/gunicorn_conf.py (two web
processes) and production settings against a PostgreSQL database of its own (``selvhjelp_burst``,
made and dropped here), a private Redis (broker and rate-limit counts), Celery beat, and mail
written by Django's file backend into a temporary folder: the mail sink. Here two Celery workers
run, each as the Procfile starts it, and the database holds ``generate_large_dataset``'s contact
points (one staff member each) and one year of figures, nobody waiting.

People sign up on the public form, each from a client address behind one trusted proxy
(X-Forwarded-For), most at a few popular contact points (a Zipf-like skew). Each reads the form
for some seconds first (the time trap), and later opens the confirmation email from the sink and
presses its button, seconds to minutes after it came; some never do, some withdraw afterwards,
and some send the form twice. During the burst: a Celery worker is killed (SIGKILL) and started
again, Redis is restarted, PostgreSQL drops every connection once (``pg_terminate_backend``), and a
web process is restarted.

At the end, from the database and the mail sink: every sign-up the form accepted is recorded
once; every confirmation email reached the mail backend once (a killed worker may send the one
it was sending twice: docs/deployment.md); every confirmation counts once in the month's figures;
each contact point's staff were told at most once per crossing of its threshold; no answer was a
5xx. It reports the sign-up POST's p95 during the burst and how long after the burst's end the
last confirmation email was sent, judged against issue 23's targets, and writes docs/burst.md
(keeping its hand-written sections). It exits 1 if a check failed. See the README, "Benchmarks".
"""

import argparse
import contextlib
import dataclasses
import heapq
import http.client
import itertools
import math
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from bench.client import Browser, Response
from bench.main import MESSAGE_END, PRIVATE_LINK, ROOT, Bench, children, log, run, wait_for

DATABASE = "selvhjelp_burst"
P95_TARGET_MS = 500.0
DRAIN_TARGET_S = 120.0
CONFIRM_SUBJECT = "Please confirm your email address"  # the people's mail is in English (Accept-Language)
ALREADY_SUBJECT = "A new link to your sign-up"
BEFORE_AFTER_START = "<!-- burst-before-and-after: kept by bench/burst; edit by hand -->"
BEFORE_AFTER_END = "<!-- /burst-before-and-after -->"
NO_BEFORE_AFTER = "(Nothing recorded yet: for each fix, the numbers of a run before and a run after.)"
# What can go wrong on the way, in the order it happens, at these shares of the burst.
FAULTS = {
    "worker": (0.2, "a Celery worker killed (SIGKILL) and started again"),
    "redis": (0.4, "Redis (broker and rate-limit counts) restarted, losing what it held"),
    "postgres": (0.6, "PostgreSQL dropped every connection of the app (pg_terminate_backend)"),
    "web": (0.8, "a gunicorn web process restarted"),
}


@dataclasses.dataclass
class Sizes:
    signups: int
    seconds: float
    contact_points: int
    reading: tuple[float, float]  # seconds a person spends on the form before sending it
    answering: float  # median seconds from an email's arrival to opening it
    faults: tuple[str, ...]


FULL = Sizes(5000, 300, 200, (4, 40), 30, tuple(FAULTS))
SMALL = Sizes(300, 30, 30, (4, 8), 4, ("worker",))


@dataclasses.dataclass
class Person:
    number: int
    address: str
    point: str
    client: str
    twice: bool  # sends the form a second time
    confirms: bool
    withdraws: bool
    browser: Browser
    accepted: bool = False
    accepted_at: float = 0.0  # time.time() when the form first accepted it
    refused: int = 0
    sent_back: int = 0  # the form came back (the time trap, say)
    confirmed: bool = False
    withdrew: bool = False
    link: str = ""
    posted_at: list[float] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Answer:
    what: str
    status: int  # 0: no answer (the connection failed)
    seconds: float
    at: float  # time.time() when it was sent


class Schedule:
    """What people do, each at its moment, carried out by a pool of threads (the people's browsers)."""

    def __init__(self, threads: int) -> None:
        self.heap: list[tuple[float, int, Any]] = []
        self.lock = threading.Condition()
        self.counter = itertools.count()
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.busy = 0
        self.stopped = False

    def at(self, moment: float, action: Any) -> None:
        with self.lock:
            heapq.heappush(self.heap, (moment, next(self.counter), action))
            self.lock.notify()

    def idle(self) -> bool:
        with self.lock:
            return not self.heap and self.busy == 0

    def run(self) -> None:
        while not self.stopped:
            with self.lock:
                if not self.heap:
                    self.lock.wait(0.2)
                    continue
                moment, _n, action = self.heap[0]
                wait = moment - time.monotonic()
                if wait > 0:
                    self.lock.wait(min(wait, 0.2))
                    continue
                heapq.heappop(self.heap)
                self.busy += 1
            self.pool.submit(self._do, action)

    def _do(self, action: Any) -> None:
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - one person's trouble is reported, the rest go on
            log(f"an action failed: {type(exc).__name__}: {exc}")
        finally:
            with self.lock:
                self.busy -= 1

    def stop(self) -> None:
        self.stopped = True
        self.pool.shutdown(wait=True, cancel_futures=True)


class Burst(Bench):
    def __init__(self, options: argparse.Namespace) -> None:
        super().__init__(options)
        self.sizes = SMALL if options.small else FULL
        if options.signups:
            self.sizes = dataclasses.replace(self.sizes, signups=options.signups)
        if options.seconds:
            self.sizes = dataclasses.replace(self.sizes, seconds=options.seconds)
        if options.faults is not None:
            self.sizes = dataclasses.replace(self.sizes, faults=tuple(f for f in options.faults if f))
        self.rng = random.Random(options.seed)  # noqa: S311 - made-up people, not security
        self.people: list[Person] = []
        self.by_address: dict[str, Person] = {}
        self.answers: list[Answer] = []
        self.mail: list[tuple[str, str, float]] = []  # to, subject, when its file was written
        self.mail_seen: dict[str, int] = {}  # file name: messages read from it
        self.mail_sizes: dict[str, int] = {}  # file name: its size when it was read
        self.schedule = Schedule(threads=options.threads)
        self.faults_applied: list[tuple[str, float, str]] = []
        self.burst_start = 0.0
        self.burst_end = 0.0  # time.time() when the last sign-up of the burst was answered
        self.burst_start_wall = 0.0  # time.time() when the burst began
        # For each confirmation: when its sign-up was accepted (seconds into the burst), and how long it took.
        self.confirmation_waits: list[tuple[float, float]] = []
        self.staff: dict[str, str] = {}  # contact point slug: its staff member's address
        self.before: dict[str, int] = {}
        self.checks: list[tuple[str, bool, str]] = []
        self.targets: list[tuple[str, bool, str]] = []
        self.worker_names: dict[str, str] = {}
        self.redis_argv: list[str] = []

    # The stack --------------------------------------------------------------------------

    def start_redis(self) -> None:
        super().start_redis()
        if self.options.redis_url:
            return
        port = self.redis_url.rsplit(":", 1)[1].split("/")[0]
        self.redis_argv = [
            *[str(self.processes.running[-1][1].args[0]), "--port", port, "--bind", "127.0.0.1"],
            *["--save", "", "--appendonly", "no"],
        ]

    def start_background(self, env: dict[str, str]) -> None:
        """Two Celery workers, as the Procfile starts them, and beat."""
        for number in (1, 2):
            self.start_worker(f"worker-{number}", env)
        schedule = self.tmp / "celerybeat-schedule"
        self.processes.start(
            "beat",
            [sys.executable, "-m", "celery", "-A", "selvhjelp", "--quiet", "beat", "--schedule", str(schedule)],
            env,
        )

    def start_worker(self, name: str, env: dict[str, str]) -> None:
        concurrency = env.get("WORKER_CONCURRENCY", "2")
        argv = [
            *[sys.executable, "-m", "celery", "-A", "selvhjelp", "--quiet", "worker"],
            *["--concurrency", concurrency, "--without-gossip", "--without-mingle", "-n", f"burst-{name}@%h"],
        ]
        self.processes.start(name, argv, env)
        path = self.processes.log_of(name)
        offset = path.stat().st_size if path.exists() else 0

        def ready() -> bool:
            with path.open("rb") as log_file:
                log_file.seek(offset)
                return b"ready" in log_file.read()

        if not wait_for(ready, timeout=60, interval=0.3):
            raise RuntimeError(f"the Celery worker {name} did not start:\n" + self.tail(name))

    def load_burst_data(self, env: dict[str, str]) -> None:
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--noinput", "--verbosity", "0"], env)
        run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], env)
        size = ["--contact-points", str(self.sizes.contact_points), "--years", "1", "--waiting", "0"]
        self.facts["Data set"] = run([*manage, "generate_large_dataset", *size], env).strip().splitlines()[-1]

    def add_staff(self) -> None:
        """One staff member at each contact point, to be told when enough are waiting."""
        from accounts.models import User
        from contactpoints.models import ContactPoint

        for point in ContactPoint.objects.filter(slug__startswith="generert-"):
            address = f"staff-{point.slug}@example.invalid"
            point.staff.add(User.objects.create_user(email=address))
            self.staff[point.slug] = address

    # The people ---------------------------------------------------------------------------

    def make_people(self) -> None:
        """Who signs up where: contact point k (k = 1, 2, ...) gets a share of 1/k (Zipf), so that a
        few popular places get most. People share client addresses now and then (a carrier's, a
        workplace's), from addresses of the documentation's benchmark range."""
        points = sorted(self.staff, key=lambda slug: int(slug.rsplit("-", 1)[1]))
        weights = [1 / (k + 1) for k in range(len(points))]
        clients = [f"198.18.{n // 250}.{n % 250 + 1}" for n in range(max(1, self.sizes.signups * 2 // 3))]
        for number in range(self.sizes.signups):
            token = f"{self.rng.getrandbits(48):012x}"
            address = f"burst-{number}-{token}@example.invalid"
            client = self.rng.choice(clients)
            person = Person(
                number=number,
                address=address,
                point=self.rng.choices(points, weights)[0],
                client=client,
                twice=(twice := self.rng.random() < 0.05),
                confirms=self.rng.random() < 0.85,
                # Not those who send the form twice: a second form after leaving would be a new sign-up.
                withdraws=not twice and self.rng.random() < 0.1,
                browser=Browser(self.base, headers={"X-Forwarded-For": client, "Accept-Language": "en"}),
            )
            self.people.append(person)
            self.by_address[address] = person

    def send(
        self,
        person: Person,
        what: str,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        page: Response | None = None,
    ) -> Response | None:
        """One request, as a person's browser sends it; a connection that fails is tried again
        (the person presses again) twice."""
        for attempt in range(3):
            started = time.time()
            try:
                if method == "GET":
                    response = person.browser.get(path)
                else:
                    assert page is not None
                    response = person.browser.post(path, data or {}, page)
            except (OSError, http.client.HTTPException):
                self.answers.append(Answer(what, 0, time.time() - started, started))
                time.sleep(1 + attempt)
                continue
            self.answers.append(Answer(what, response.status, response.seconds, started))
            return response
        return None

    def plan_sign_up(self, person: Person, post_at: float) -> None:
        reading = self.rng.uniform(*self.sizes.reading)
        self.schedule.at(post_at - reading, lambda: self.open_form(person, post_at))

    def open_form(self, person: Person, post_at: float) -> None:
        path = f"/kontaktpunkter/{person.point}/meld-interesse/"
        page = self.send(person, "form", "GET", path)
        if page is None or page.status != 200:
            return
        self.schedule.at(max(post_at, time.monotonic() + 3.5), lambda: self.sign_up(person, path, page))

    def sign_up(self, person: Person, path: str, page: Response) -> None:
        # The benchmark's form, with the time stamp of the form this person read.
        data = {**self.signup_form(person.address), "started": page.hidden("started")}
        response = self.send(person, "sign-up", "POST", path, data, page)
        person.posted_at.append(time.time())
        self.burst_end = max(self.burst_end, time.time())
        if response is None:
            return
        if response.status == 302:
            if not person.accepted:
                person.accepted, person.accepted_at = True, time.time()
        elif response.status == 429:
            person.refused += 1
        else:
            person.sent_back += 1

    def answer_mail(self, person: Person, link: str) -> None:
        """A person's confirmation email has come: some time later they open it and press its button."""
        if person.link or not person.confirms:
            person.link = person.link or link
            return
        person.link = link
        delay = min(self.rng.lognormvariate(math.log(self.sizes.answering), 0.8), 8 * self.sizes.answering)
        self.schedule.at(time.monotonic() + delay, lambda: self.open_link(person))

    def open_link(self, person: Person) -> None:
        page = self.send(person, "private page", "GET", person.link)
        if page is None or page.status != 200:
            return
        self.schedule.at(time.monotonic() + self.rng.uniform(2, 6), lambda: self.confirm(person, page))

    def confirm(self, person: Person, page: Response) -> None:
        response = self.send(person, "confirm", "POST", person.link, {"action": "confirm"}, page)
        if response is not None and response.status == 302:
            person.confirmed = True
            if person.withdraws:
                later = self.rng.uniform(1, 3) * self.sizes.answering
                self.schedule.at(time.monotonic() + later, lambda: self.open_withdrawal(person))

    def open_withdrawal(self, person: Person) -> None:
        path = f"{person.link}trekk/"
        page = self.send(person, "leave page", "GET", path)
        if page is None or page.status != 200:
            return
        self.schedule.at(time.monotonic() + self.rng.uniform(2, 5), lambda: self.withdraw(person, path, page))

    def withdraw(self, person: Person, path: str, page: Response) -> None:
        response = self.send(person, "withdraw", "POST", path, {"seen": page.hidden("seen")}, page)
        if response is not None and response.status == 302:
            person.withdrew = True

    # The mail sink ---------------------------------------------------------------------------

    def read_mail(self) -> None:
        """Read what the file backend wrote since last time; hand each confirmation to its person."""
        for path in sorted(self.mail_dir.iterdir()):
            with contextlib.suppress(FileNotFoundError):
                size = path.stat().st_size
                if self.mail_sizes.get(path.name) == size:
                    continue  # read already, and not written to since
                self.mail_sizes[path.name] = size
                *complete, _rest = path.read_bytes().split(MESSAGE_END)
                if len(complete) <= self.mail_seen.get(path.name, 0):
                    continue
                written = path.stat().st_mtime
                for raw in complete[self.mail_seen.get(path.name, 0) :]:
                    message = message_from_bytes(raw, policy=policy.default)
                    to, subject = str(message["To"]), str(message["Subject"])
                    self.mail.append((to, subject, written))
                    person = self.by_address.get(to)
                    if person is not None and subject in (CONFIRM_SUBJECT, ALREADY_SUBJECT):
                        body = message.get_body(preferencelist=("plain",))
                        match = PRIVATE_LINK.search(body.get_content() if body is not None else "")
                        if match and subject == CONFIRM_SUBJECT:
                            self.answer_mail(person, match.group(1))
                self.mail_seen[path.name] = len(complete)

    def watch_mail(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.read_mail()
            except Exception as exc:  # noqa: BLE001 - read again next time
                log(f"reading the mail sink failed: {type(exc).__name__}: {exc}")
            stop.wait(0.5)

    # Faults -------------------------------------------------------------------------------------------

    def apply_fault(self, name: str) -> None:
        started = time.monotonic()
        if name == "worker":
            process = next(p for n, p, _path in self.processes.running if n == "worker-1")
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            self.processes.running = [entry for entry in self.processes.running if entry[0] != "worker-1"]
            time.sleep(2)
            self.start_worker("worker-1", self.env())
            detail = "worker-1's process group killed; started again"
        elif name == "redis":
            self.processes.stop("redis")
            time.sleep(2)
            self.processes.start("redis", self.redis_argv, os.environ.copy())
            import redis

            wait_for(redis.Redis.from_url(self.redis_url, socket_connect_timeout=1).ping, timeout=15)
            detail = "stopped, 2 s down, started empty"
        elif name == "postgres":
            with self.admin_connection() as conn:
                dropped = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.database],
                ).fetchone()[0]
            detail = f"{dropped} connections dropped"
        elif name == "web":
            workers = children(self.processes.pid_of("gunicorn"))
            os.kill(workers[0], signal.SIGTERM)
            wait_for(lambda: workers[0] not in children(self.processes.pid_of("gunicorn")), timeout=40)
            wait_for(lambda: len(children(self.processes.pid_of("gunicorn"))) >= len(workers), timeout=40)
            detail = f"one of {len(workers)} workers stopped (SIGTERM: its requests finish), the master started another"
        else:
            raise ValueError(name)
        at = started - self.burst_start
        self.faults_applied.append((FAULTS[name][1], at, f"{detail}, {time.monotonic() - started:.1f} s"))
        log(f"fault at {at:.0f} s: {FAULTS[name][1]} ({detail})")

    # The run -------------------------------------------------------------------------------------

    def figures(self) -> dict[str, int]:
        from django.db import close_old_connections
        from django.db.models import Sum

        from groups import monthly
        from groups.models import MonthlyFigure

        close_old_connections()
        totals = MonthlyFigure.objects.filter(
            contact_point__slug__startswith="generert-", month=monthly.month_of()
        ).aggregate(signed_up=Sum("signed_up"), confirmed=Sum("confirmed"), withdrawn=Sum("withdrawn"))
        return {name: int(value or 0) for name, value in totals.items()}

    def burst(self) -> None:
        sizes = self.sizes
        self.make_people()
        lead = sizes.reading[1] + 2
        self.burst_start = time.monotonic() + lead
        self.burst_start_wall = time.time() + lead
        # A campaign's burst: more at first, fewer later (the moments, as shares of the burst, squared in part).
        for person in self.people:
            share = self.rng.random() ** 1.4
            post_at = self.burst_start + share * sizes.seconds
            self.plan_sign_up(person, post_at)
            if person.twice:
                again = min(sizes.seconds * 0.999, share * sizes.seconds + self.rng.uniform(5, 60))
                self.schedule.at(
                    self.burst_start + again - sizes.reading[0],
                    lambda p=person, a=again: self.open_form(p, self.burst_start + a),
                )
        for name in sizes.faults:
            self.schedule.at(self.burst_start + FAULTS[name][0] * sizes.seconds, lambda n=name: self.apply_fault(n))
        stop = threading.Event()
        runner = threading.Thread(target=self.schedule.run, daemon=True)
        watcher = threading.Thread(target=self.watch_mail, args=(stop,), daemon=True)
        runner.start()
        watcher.start()
        log(f"the burst: {sizes.signups} sign-ups in {sizes.seconds:g} s at {sizes.contact_points} contact points")
        try:
            deadline = self.burst_start + sizes.seconds + self.options.drain_timeout
            waiting = True
            while waiting and time.monotonic() < deadline:
                time.sleep(1)
                waiting = not (self.schedule.idle() and time.monotonic() > self.burst_start + sizes.seconds)
            log("everyone has done what they meant to do; waiting for the last mail")
            wait_for(self.settled, timeout=max(30.0, deadline - time.monotonic()), interval=2)
        finally:
            stop.set()
            watcher.join()
            self.schedule.stop()
        self.read_mail()

    def settled(self) -> bool:
        """Nothing waits to be recorded or sent, and the sink has not changed for a while."""
        from django.db import close_old_connections

        from groups.models import IncomingSignUp
        from outbox.models import Email

        close_old_connections()  # one that PostgreSQL dropped is opened again
        if self.processes.died():
            return True  # nothing more will come: judged below
        mail = len(self.mail)
        busy = IncomingSignUp.objects.exists() or Email.objects.filter(sent_at=None, failed_at=None).exists()
        if busy or not self.schedule.idle() or mail != getattr(self, "mail_then", -1):
            self.quiet_since, self.mail_then = time.monotonic(), mail
            return False
        return time.monotonic() - self.quiet_since > 10

    # The checks ----------------------------------------------------------------------------------

    def check(self, what: str, ok: bool, detail: str) -> None:
        self.checks.append((what, ok, detail))

    def judge(self) -> None:
        from contactpoints.models import ContactPoint
        from groups import emails
        from groups.models import IncomingSignUp, NoticeHold, SignUp
        from outbox.models import Email
        from selvhjelp.crypto import address_hash

        kills = self.sizes.faults.count("worker")
        accepted = [p for p in self.people if p.accepted]
        rows = Counter(
            SignUp.objects.filter(contact_point__slug__startswith="generert-").values_list(
                "contact_point__slug", "email_hash"
            )
        )
        lost, doubled, kept_after_leaving = [], [], []
        known = set()
        for person in accepted:
            key = (person.point, address_hash(person.address))
            known.add(key)
            expected = 0 if person.withdrew else 1
            if rows[key] < expected:
                lost.append(person.number)
            elif rows[key] > 1:
                doubled.append(person.number)
            elif rows[key] > expected:
                kept_after_leaving.append(person.number)
        strangers = sum(n for key, n in rows.items() if key not in known)
        left = IncomingSignUp.objects.count()
        self.check(
            "every sign-up the form accepted is recorded exactly once",
            not lost and not doubled and not strangers and not left and not kept_after_leaving,
            f"{len(accepted)} accepted: {len(lost)} lost, {len(doubled)} doubled, {len(kept_after_leaving)} kept"
            f" after withdrawing, {strangers} recorded that the form did not accept, {left} never recorded",
        )

        to_people = Counter((to, subject) for to, subject, _w in self.mail if to in self.by_address)
        missing = [p.number for p in accepted if to_people[(p.address, CONFIRM_SUBJECT)] == 0]
        extra = sum(
            max(
                0,
                to_people[(p.address, CONFIRM_SUBJECT)]
                + to_people[(p.address, ALREADY_SUBJECT)]
                - (2 if p.twice else 1),
            )
            for p in accepted
        )
        unasked = sum(n for (to, _s), n in to_people.items() if not self.by_address[to].accepted)
        unsent = Email.objects.filter(sent_at=None).count()
        staff = set(self.staff.values())
        told = Counter(to for to, _s, _w in self.mail if to in staff)
        notices = Counter(
            Email.objects.filter(kind=emails.ENOUGH_WAITING, user__isnull=False).values_list(
                "contact_point__slug", flat=True
            )
        )
        staff_extra = sum(max(0, told[address] - notices[slug]) for slug, address in self.staff.items())
        staff_missing = sum(max(0, notices[slug] - told[address]) for slug, address in self.staff.items())
        self.check(
            f"every email handed to the mail backend exactly once (at most {kills} duplicate"
            f"{'s' if kills != 1 else ''}: one per killed worker)",
            not missing and extra + staff_extra <= kills and not unasked and not unsent,
            f"{len(accepted)} people to confirm: {len(missing)} without a confirmation, {extra} given a"
            f" duplicate, {unasked} mailed whom the form did not accept; {sum(notices.values())} notices to"
            f" staff: {staff_extra} sent twice, {staff_missing} left unsent because, when their turn came, people"
            f" had left and it no longer held (as the app means); {unsent} outbox messages never sent",
        )

        figures = self.figures()
        confirmed = sum(p.confirmed for p in self.people)
        left_after_confirming = sum(p.withdrew and p.confirmed for p in self.people)
        counted = {name: figures[name] - self.before.get(name, 0) for name in figures}
        self.check(
            "every sign-up and confirmation counted once in the month's figures",
            counted == {"signed_up": len(accepted), "confirmed": confirmed, "withdrawn": left_after_confirming},
            f"signed up {counted['signed_up']} (accepted {len(accepted)}), confirmed {counted['confirmed']} (pressed"
            f" {confirmed}), withdrawn {counted['withdrawn']} (after confirming: {left_after_confirming})",
        )

        # A notice each time enough came to wait; again only after leavers took it below the threshold.
        leaving_at = Counter(p.point for p in self.people if p.withdrew and p.confirmed)
        too_often = [slug for slug, n in notices.items() if n > 1 + leaving_at[slug]]
        held = NoticeHold.objects.filter(contact_point__slug__startswith="generert-").count()
        crossed = ContactPoint.objects.filter(slug__startswith="generert-", enough_notified_at__isnull=False).count()
        self.check(
            "staff at each contact point told at most once per crossing",
            not too_often,
            f"{sum(notices.values())} notices at {len(notices)} contact points ({crossed} above their threshold now,"
            f" {sum(1 for n in notices.values() if n > 1)} told again after people left), {len(too_often)} told more"
            f" than once per crossing; {held} held because sign-ups came unusually fast there",
        )

        died = self.processes.died()
        self.check(
            "every process of the stack outlived the faults (the killed worker started again)",
            not died,
            f"stopped on their own: {', '.join(died)}"
            if died
            else f"all {len(self.processes.running)} running at the end",
        )

        statuses = Counter(a.status for a in self.answers)
        errors = sum(n for status, n in statuses.items() if status >= 500)
        self.check(
            "no 5xx",
            errors == 0,
            ", ".join(f"{n} × {status or 'no answer'}" for status, n in sorted(statuses.items()))
            + f" (every request; {statuses[0]} without an answer were sent again)",
        )

        # The targets.
        posts = sorted(a.seconds for a in self.answers if a.what == "sign-up" and a.status)
        p95 = posts[min(len(posts) - 1, int(0.95 * len(posts)))] * 1000 if posts else float("nan")
        self.p95 = p95
        self.targets.append(
            ("sign-up POST p95 during the burst", p95 < P95_TARGET_MS, f"{p95:.0f} ms (< {P95_TARGET_MS:.0f} ms)")
        )
        first: dict[str, float] = {}  # each person's confirmation, its first copy
        for to, subject, written in self.mail:
            if to in self.by_address and subject == CONFIRM_SUBJECT:
                first[to] = min(written, first.get(to, written))
        self.drain = max(0.0, max(first.values(), default=self.burst_end) - self.burst_end)
        self.confirmation_waits = [
            (p.accepted_at - self.burst_start_wall, first[p.address] - p.accepted_at)
            for p in accepted
            if p.address in first
        ]
        self.unconfirmed = len(missing)
        self.last_mail = max((w for _t, _s, w in self.mail), default=self.burst_end) - self.burst_end
        self.targets.append(
            (
                "every confirmation sent within 2 minutes of the burst's end",
                self.drain <= DRAIN_TARGET_S and not missing,
                f"the last {self.drain:.0f} s after (≤ {DRAIN_TARGET_S:.0f} s; a duplicate's copy not counted)"
                + (f"; {len(missing)} never sent while the run waited" if missing else ""),
            )
        )

    # The report ------------------------------------------------------------------------------------

    def refusals(self) -> str:
        people = len(self.people)
        refused = [p for p in self.people if p.refused and not p.accepted]
        by_point = Counter(p.point for p in refused)
        busiest = Counter(p.point for p in self.people).most_common(5)
        rows = "\n".join(f"| {slug} | {n} | {by_point[slug]} |" for slug, n in busiest)
        sent_back = sum(1 for p in self.people if p.sent_back and not p.accepted)
        return (
            f"{len(refused)} of {people} people ({100 * len(refused) / max(people, 1):.0f} %) were turned away by"
            f' the form\'s limits (429, "please try again later", their answers kept), at'
            f" {len(by_point)} contact points; {sent_back} had the form sent back for another reason. The"
            f" limits: {self.limit_facts}. The busiest contact points:\n\n"
            "| contact point | people who came | turned away |\n| --- | --- | --- |\n" + rows
        )

    def report(self) -> str:  # type: ignore[override]
        def table(rows: list[tuple[str, bool, str]]) -> str:
            return "\n".join(f"| {what} | {'held' if ok else '**failed**'} | {detail} |" for what, ok, detail in rows)

        def targets(rows: list[tuple[str, bool, str]]) -> str:
            return "\n".join(f"| {what} | {'met' if ok else '**not met**'} | {detail} |" for what, ok, detail in rows)

        statuses = Counter((a.what, a.status) for a in self.answers)
        kinds = sorted({what for what, _s in statuses})
        answers = "\n".join(
            f"| {what} | "
            + ", ".join(f"{n} × {s or 'none'}" for (w, s), n in sorted(statuses.items()) if w == what)
            + "".join(f" | {self.percentile(what, share):.0f}" for share in (50, 95, 99))
            + " |"
            for what in kinds
        )
        faults = (
            "\n".join(f"| {at:.0f} s | {what} | {detail} |" for what, at, detail in self.faults_applied)
            or "| – | none | |"
        )
        facts = "\n".join(f"| {name} | {value} |" for name, value in self.facts.items())
        people = self.people
        before_after = self.kept(BEFORE_AFTER_START, BEFORE_AFTER_END, NO_BEFORE_AFTER)
        return f"""# The day a campaign runs: a burst of sign-ups

Made by `bench/burst` ({self.facts["Date"]}); run it again to replace everything
here except the section *Before and after*, which is written by hand and kept.
How it works: the README, section "Benchmarks", and `bench/burst.py`. The
targets are issue 23's. The page benchmarks are in [benchmarks.md](benchmarks.md).

## The machine and the stack

| | |
| --- | --- |
{facts}

## What happened

{len(people)} people signed up within {self.sizes.seconds:g} s at {self.sizes.contact_points} contact
points, most at a few (contact point k drew a share of 1/k), each from a client
address behind one trusted proxy ({len({p.client for p in people})} addresses, some
shared), each after reading the form for {self.sizes.reading[0]:g}–{self.sizes.reading[1]:g} s.
{sum(p.twice for p in people)} sent the form a second time. Of those the form
accepted, {sum(p.confirms for p in people if p.accepted)} meant to confirm: each opened the email from
the mail sink some seconds to minutes after it came (median {self.sizes.answering:g} s), then
pressed its button; {sum(p.withdrew for p in people)} withdrew afterwards.

Faults, at seconds into the burst:

| at | what | how |
| --- | --- | --- |
{faults}

## Checks (from the database and the mail sink)

| check | | measured |
| --- | --- | --- |
{table(self.checks)}

## Targets

| target | | measured |
| --- | --- | --- |
{targets(self.targets)}

The last email of any kind (staff's notices included) was written {self.last_mail:.0f} s after
the burst's end.

## How long each confirmation took

From the form accepting a sign-up to its confirmation email being written, by
when in the burst the sign-up came (seconds from the burst's start).

| sign-ups accepted at | how many | median wait s | longest wait s | written after the burst's end |
| --- | ---: | ---: | ---: | ---: |
{self.waits_by_slice()}

## Answers

Every request the people sent, by what it was; the times are as the client saw
them, in ms (status 'none': the connection failed, and the person pressed again).

| request | statuses | p50 | p95 | p99 |
| --- | --- | --- | --- | --- |
{answers}

## Turned away

{self.refusals()}

## Before and after

{BEFORE_AFTER_START}
{before_after}
{BEFORE_AFTER_END}
"""

    def waits_by_slice(self) -> str:
        """The confirmations' waits in ten slices of the burst, and how many of each came after its end."""
        width = self.sizes.seconds / 10
        end = self.burst_end - self.burst_start_wall
        slices: dict[int, list[tuple[float, float]]] = {}
        for at, wait in self.confirmation_waits:
            slices.setdefault(min(9, max(0, int(at // width))), []).append((at, wait))
        rows = []
        for n, confirmations in sorted(slices.items()):
            waits = sorted(wait for _at, wait in confirmations)
            late = sum(1 for at, wait in confirmations if at + wait > end)
            rows.append(
                f"| {n * width:.0f}–{(n + 1) * width:.0f} s | {len(waits)} | {waits[len(waits) // 2]:.0f}"
                f" | {waits[-1]:.0f} | {late} |"
            )
        return "\n".join(rows) or "| – | 0 | | | |"

    def percentile(self, what: str, share: int) -> float:
        times = sorted(a.seconds for a in self.answers if a.what == what and a.status)
        if not times:
            return float("nan")
        return times[min(len(times) - 1, int(share / 100 * len(times)))] * 1000

    def main(self) -> int:  # type: ignore[override]
        started = time.monotonic()
        try:
            self.make_secrets()
            self.machine_facts()
            self.facts.pop("Load generator", None)
            log(f"temporary folder {self.tmp}")
            self.create_database()
            self.start_redis()
            env = self.env()
            log(f"database {self.database}: migrate, collectstatic, generate_large_dataset")
            self.load_burst_data(env)
            self.setup_django(env)
            from django.conf import settings

            self.limit_facts = (
                f"{settings.SIGNUP_LIMIT_PER_CONTACT_POINT} per contact point and {settings.SIGNUP_LIMIT_PER_CLIENT}"
                f" per client address in {settings.SIGNUP_LIMIT_WINDOW_SECONDS // 60} minutes"
            )
            self.add_staff()
            self.before = self.figures()
            self.start_gunicorn("gunicorn", env)
            self.start_background(env)
            self.facts["Stack"] = (
                "gunicorn (selvhjelp/gunicorn_conf.py: 2 workers × 4 threads), 2 Celery workers"
                f" (concurrency {env.get('WORKER_CONCURRENCY', '2')}, as in the Procfile), beat, a private Redis,"
                " mail to Django's file backend; production settings; the load from the same machine"
            )
            self.burst()
            self.judge()
            self.facts["Run took"] = f"{(time.monotonic() - started) / 60:.1f} min"
            text = self.report()
            self.options.output.parent.mkdir(parents=True, exist_ok=True)
            self.options.output.write_text(text)
            for what, ok, detail in self.checks:
                print(f"{'HELD   ' if ok else 'FAILED '} {what}: {detail}")
            for what, ok, detail in self.targets:
                print(f"{'MET    ' if ok else 'NOT MET'} {what}: {detail}")
            print(self.refusals().split("\n")[0])
            log(f"wrote {self.options.output} in {(time.monotonic() - started) / 60:.1f} min")
            return 0 if all(ok for _w, ok, _d in self.checks) else 1
        finally:
            self.clean_up()


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/burst", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--small", action="store_true", help="300 sign-ups in 30 s at 30 contact points, one worker killed (CI)"
    )
    parser.add_argument("--signups", type=int, default=0, help="how many people sign up (default 5000)")
    parser.add_argument("--seconds", type=float, default=0, help="the burst's length (default 300)")
    parser.add_argument(
        "--faults",
        type=lambda text: text.split(","),
        default=None,
        help=f"which faults, comma-separated, or '' for none (default: all: {','.join(FAULTS)})",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "burst.md")
    parser.add_argument(
        "--database-server",
        default=os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432"),
        help="the PostgreSQL server; the database is made and dropped on it",
    )
    parser.add_argument("--database", default=os.environ.get("BURST_DATABASE", DATABASE))
    parser.add_argument("--redis-url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--drain-timeout", type=float, default=600, help="seconds to wait for the last mail")
    parser.add_argument("--threads", type=int, default=64, help="the people's browsers working at once")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep-logs", action="store_true", help="keep the temporary folder (logs, mail)")
    options = parser.parse_args(argv)
    if options.small and options.output == parser.get_default("output"):
        options.output = Path(tempfile.gettempdir()) / "selvhjelp-burst-small.md"
    options.gunicorn_arg = []
    options.wait_quiet = 0
    return options


def main() -> int:
    burst = Burst(parse(sys.argv[1:]))

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    return burst.main()


if __name__ == "__main__":
    sys.exit(main())
