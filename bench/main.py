"""bench/run: how fast, how small, how it grows. Writes docs/benchmarks.md.

One machine, the production stack: gunicorn (selvhjelp/gunicorn_conf.py) with
DEBUG=0 on a PostgreSQL database of its own (selvhjelp_bench, made and
dropped here), loaded with seed_demo and generate_large_dataset; Redis (a
private redis-server when one is installed), one Celery worker and beat; mail
written by Django's file backend into a temporary folder. A second database
(selvhjelp_bench_1y: the same logins and contact points, one year of history
instead of ten) is served at the end, with a worker, beat and cache of its
own, to see whether the office pages grow with history.

The load comes from wrk, a separate process, at a few concurrency levels, for
each page and for a bare view served by the same gunicorn (bench/urls.py), so
that every page is judged against what this machine and configuration can do
at all. The targets are issue 22's (TARGETS). See the README ("Benchmarks")
and docs/benchmarks.md.
"""

import argparse
import contextlib
import dataclasses
import datetime
import json
import os
import platform
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench import profile as profiles
from bench import weight
from bench.client import Browser
from selvhjelp.giving_way import TICKS_PER_SECOND, machine_seconds, process_fields

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "selvhjelp_bench"
HISTORY_SUFFIX = "_1y"  # the second database: one year of history
LUA = ROOT / "bench" / "wrk" / "bench.lua"
PY_SPY = ROOT / "bench" / ".venv" / "bin" / "py-spy"
ANALYSIS_START = "<!-- analysis: kept by bench/run; edit by hand -->"
ANALYSIS_END = "<!-- /analysis -->"
BEFORE_AFTER_START = "<!-- before-and-after: kept by bench/run; edit by hand -->"
BEFORE_AFTER_END = "<!-- /before-and-after -->"
NO_ANALYSIS = "(Not written yet: read the tables and the profiles above, and say what they show.)"
NO_BEFORE_AFTER = (
    "(Nothing recorded yet. For each change made to meet a target: what changed (commit), and the"
    " numbers it moved, before and after, from the Targets table of a run before and a run after.)"
)
# How Django's file backend ends each message it writes.
MESSAGE_END = b"\n" + b"-" * 79 + b"\n"
PRIVATE_LINK = re.compile(r"https?://[^\s\"<>]+?(/p/[A-Za-z0-9_-]+/)")
REQUEST_KEY = re.compile(r'name="request_key" value="([^"]+)"')

STAFF_POINT = "grunerlokka-frivilligsentral"  # staff dashboard; the sign-up POST; page weight
THRESHOLD_POINT = "frisklivssentralen-tromso"  # the threshold notice and the group start
DISTRICT = "ost"
NATIONAL = "nasjonalt"

# Issue 22's targets, as ratios to the bare view at the same concurrency, judged
# at the levels named ("levels"; a level not measured, as in --smoke, is not judged).
PUBLIC, SEARCH, SIGNUP, STAFF, OFFICE = "public", "search", "sign-up", "staff", "office"
TARGETS: dict[str, dict[str, float | tuple[int, ...]]] = {
    PUBLIC: {"min_rps_ratio": 0.6, "max_p95_ratio": 3.0, "levels": (1, 8, 32)},
    SEARCH: {"min_rps_ratio": 0.25, "levels": (1, 8, 32)},
    SIGNUP: {"min_rps_ratio": 0.2, "max_p95_ratio": 5.0, "levels": (1, 8, 32)},
    STAFF: {"max_p95_ratio": 5.0, "levels": (1, 8, 32)},
    OFFICE: {"max_p95_ratio": 10.0, "levels": (1, 8)},
}
HISTORY_TARGET = 1.5  # office pages' p95 at c=1, ten years of history against one year, either way
WORKER_RSS_TARGET = 150.0  # MB per gunicorn worker after the run
THRESHOLD_MAIL_TARGET = 60.0
GROUP_MAIL_TARGET = 10.0
FIRST_VISIT_TARGET = 150_000
REPEAT_VISIT_TARGET = 20_000

# generate_large_dataset's sizes; the history database gets the same with HISTORY_YEARS.
DATASETS = {
    "full": {"contact_points": 500, "years": 10, "waiting": 50000},
    "small": {"contact_points": 50, "years": 2, "waiting": 2000},
}
HISTORY_YEARS = 1


def dataset_args(size: dict[str, int], years: int | None = None) -> list[str]:
    return [
        *["--contact-points", str(size["contact_points"]), "--years", str(years or size["years"])],
        *["--waiting", str(size["waiting"])],
    ]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


# --- Processes -------------------------------------------------------------------


# Seconds of unmeasured load before each measured run of a page (``Bench.measure``).
WARM_UP_SECONDS = 1


class Processes:
    """Everything started here runs in its own process group and is stopped here."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: list[tuple[str, subprocess.Popen[bytes], Path]] = []

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        path = self.log_dir / f"{name}.log"
        with path.open("ab") as output:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter, gunicorn, celery, redis-server, py-spy
                argv, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running.append((name, process, path))
        return process

    def log_of(self, name: str) -> Path:
        return next(path for n, _p, path in reversed(self.running) if n == name)

    def pid_of(self, name: str) -> int:
        return next(process.pid for n, process, _path in reversed(self.running) if n == name)

    def died(self) -> list[str]:
        """Those that stopped on their own (one stopped here is forgotten)."""
        return [
            f"{name} (exit {process.returncode})" for name, process, _path in self.running if process.poll() is not None
        ]

    def stop(self, name: str) -> None:
        """Stop one of them (its whole process group) and forget it."""
        for entry in [entry for entry in self.running if entry[0] == name]:
            process = entry[1]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            self.running.remove(entry)

    def stop_all(self) -> None:
        for _name, process, _path in reversed(self.running):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for _name, process, _path in reversed(self.running):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.running.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, interval: float = 0.1) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if condition():
                return True
        time.sleep(interval)
    return False


def run(argv: list[str], env: dict[str, str], timeout: float = 600) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def tool_output(argv: list[str]) -> str:
    """What a tool on the PATH (wrk, git) prints; empty if it fails."""
    path = shutil.which(argv[0])
    if path is None:
        return ""
    result = subprocess.run(  # noqa: S603 - wrk and git, read only
        [path, *argv[1:]], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process, the children it has reaped, and the children still running."""
    fields = process_fields(pid)
    if not fields:
        return 0.0
    own = sum(int(value) for value in fields[11:15]) / TICKS_PER_SECOND  # utime, stime, cutime, cstime
    return own + sum(tree_cpu(child) for child in children(pid))


def postmasters() -> list[int]:
    """PostgreSQL's main processes on this machine (their trees hold every backend)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    parent = process_fields(int(entry.name))
                    if parent and _comm(int(parent[1])) != "postgres":
                        found.append(int(entry.name))
    return found


def _comm(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "comm").read_text().strip()
    except OSError:
        return ""


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores)."""
    seconds = machine_seconds()
    return seconds[0] if seconds is not None else 0.0


def share_busy(seconds: float, *, but: int | None = None) -> float:
    """The share of all the cores busy over the next ``seconds``, without the process tree of ``but``."""

    def busy() -> float:
        return machine_busy() - (tree_cpu(but) if but is not None else 0.0)

    before, started = busy(), time.monotonic()
    time.sleep(seconds)
    return (busy() - before) / ((time.monotonic() - started) * (os.cpu_count() or 1))


def rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


# --- Mail --------------------------------------------------------------------------


@dataclass
class Mail:
    path: Path
    written: float
    to: str
    subject: str
    text: str


def inbox(mail_dir: Path) -> list[Mail]:
    """Every complete message the file backend has written, with the time its file was written."""
    messages = []
    for path in sorted(mail_dir.iterdir()):
        with contextlib.suppress(FileNotFoundError):
            written = path.stat().st_mtime
            *complete, _rest = path.read_bytes().split(MESSAGE_END)
            for raw in complete:
                message = message_from_bytes(raw, policy=policy.default)
                body = message.get_body(preferencelist=("plain",))
                text = body.get_content() if body is not None else ""
                messages.append(Mail(path, written, str(message["To"]), str(message["Subject"]), text))
    return messages


# --- Load ----------------------------------------------------------------------------


@dataclass
class Scenario:
    key: str
    label: str
    path: str
    group: str | None  # which target applies
    cookie: str = ""
    method: str = "GET"
    expect: int = 200
    note: str = ""
    spread: int = 0  # POST to this many generated contact points in turn
    log_path: str = ""  # a regex for the access log; default: the path
    queries: bool = False  # GET the path with ?q= and a different query each request (bench.lua "queries")
    history: bool = False  # also measured on the one-year database (c=1)

    def log_pattern(self) -> re.Pattern[str]:
        return re.compile(self.log_path or re.escape(urlsplit(self.path).path))


@dataclass
class Result:
    scenario: str
    concurrency: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int
    statuses: dict[str, int] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU per request, by whom
    restarts: int = 0  # gunicorn workers booted during the run (max_requests)
    busy: float = 0.0  # share of the machine's cores in use


def wrk(url: str, concurrency: int, seconds: float, *, cookie: str = "", args: list[str] | None = None) -> dict:
    threads = max(1, min(2, concurrency))
    argv = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    argv += [url, "--", *(args or ["get"])]
    output = subprocess.run(  # noqa: S603 - wrk from Debian, on our own URL
        argv, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    return json.loads(line.removeprefix("BENCH_JSON "))


ACCESS_LINE = re.compile(r"(GET|POST|HEAD) (\S+) (\d{3}) ")


def worker_boots(log_path: Path, offset: int) -> int:
    with log_path.open("rb") as handle:
        handle.seek(offset)
        return handle.read().count(b"Booting worker with pid")


def access_statuses(log_path: Path, offset: int, path: re.Pattern[str]) -> Counter[str]:
    """Status codes gunicorn's access log gave for paths matching ``path`` since ``offset``."""
    statuses: Counter[str] = Counter()
    with log_path.open("rb") as handle:
        handle.seek(offset)
        for line in handle.read().decode(errors="replace").splitlines():
            for match in ACCESS_LINE.finditer(line):
                if path.fullmatch(match.group(2)):
                    statuses[match.group(3)] += 1
    return statuses


# --- The benchmark -------------------------------------------------------------------------


class Bench:
    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.tmp = Path(tempfile.mkdtemp(prefix="selvhjelp-bench-"))
        self.mail_dir = self.tmp / "mail"
        self.mail_dir.mkdir()
        (self.tmp / "logs").mkdir()
        self.processes = Processes(self.tmp / "logs")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database = options.database
        self.history_database = options.database + HISTORY_SUFFIX
        self.database_url = options.database_server.rstrip("/") + f"/{self.database}"
        self.history_database_url = options.database_server.rstrip("/") + f"/{self.history_database}"
        self.redis_url = ""
        self.password = secrets.token_urlsafe(18)
        self.logins: dict[tuple[str, str], str] = {}
        # Each demo login's code-app key (base32), as seed_demo prints it.
        self.code_keys: dict[str, str] = {}
        self.facts: dict[str, str] = {}
        self.results: list[Result] = []
        self.mail: dict[str, float | str] = {}
        self.page: weight.PageWeight | None = None
        self.queries: list[tuple[str, int, float, float]] = []
        self.profiles: dict[str, str] = {}
        self.verdicts: list[tuple[str, bool | None, str]] = []
        self.timings: dict[str, float] = {}
        self.notes: list[str] = []
        self.drains: list[tuple[str, int, int, float, bool, float, float]] = []
        self.csrf_cookie = ""
        self.csrf_token = ""
        self.databases_created: list[str] = []
        self.browsers: dict[tuple[str, str], Browser] = {}
        self.stamp = ""  # the sign-up form's time stamp, from a form served early in the run
        self.stamp_at = 0.0
        self.signup_runs = 0
        self.query_file = self.tmp / "queries.txt"
        self.query_count = 0
        self.group_path = ""
        self.restarts_total = 0
        self.worker_rss: list[float] = []
        self.history: list[tuple[Scenario, Result, Result]] = []  # scenario, ten years, one year
        self.history_bare: tuple[Result, Result] | None = None

    # Set-up ---------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        dropped = (
            "SECURE_",
            "LOG_",
            "ANYMAIL_",
            "EMAIL_",
            "DJANGO_",
            "CELERY_",
            "DATABASE_URL",
            "SIGNUP_",
            "TRUSTED_PROXY_COUNT",
            "SITE_URL",
            "SECRET_KEY",
            "FIELD_",
            "ALLOWED_HOSTS",
            "CSRF_",
            "STATIC_ROOT",
            "WEB_BIND",
        )
        inherited = {k: v for k, v in os.environ.items() if not k.endswith("_FILE") and not k.startswith(dropped)}
        return {
            **inherited,
            **self.secrets,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": self.base,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.redis_url,
            # The sign-up form's defences as in production, the app's defaults:
            # the rate limits count in Redis (a database of its own), the time
            # trap is on. The load gets past them as people would: behind one
            # trusted proxy, each sign-up from its own client address
            # (X-Forwarded-For), spread over many contact points, with a form
            # served more than SIGNUP_FORM_MIN_SECONDS before.
            "CACHE_URL": self.cache_url,
            "TRUSTED_PROXY_COUNT": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "STATIC_ROOT": str(self.tmp / "static"),
            "WEB_BIND": f"127.0.0.1:{self.port}",
        }

    def make_secrets(self) -> None:
        from cryptography.fernet import Fernet

        self.secrets = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "FIELD_HASH_KEY": secrets.token_hex(32),
        }

    def start_redis(self) -> None:
        import redis

        server = shutil.which("redis-server")
        if self.options.redis_url or not server:
            self.redis_url = self.options.redis_url or "redis://127.0.0.1:6379/15"
            self.facts["Redis"] = f"{self.redis_url} (shared server)"
        else:
            port = free_port()
            self.processes.start(
                "redis",
                [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                os.environ.copy(),
            )
            self.redis_url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(self.redis_url, socket_connect_timeout=1)
        if not wait_for(client.ping, timeout=15):
            raise RuntimeError(f"Redis does not answer at {self.redis_url}")
        version = client.info("server")["redis_version"]
        self.facts["Redis"] = f"{version}, " + ("a private redis-server" if server else self.redis_url)

    def admin_connection(self):  # type: ignore[no-untyped-def]
        import dj_database_url
        import psycopg

        db = dj_database_url.parse(self.database_url)
        return psycopg.connect(
            dbname="postgres",
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            autocommit=True,
            connect_timeout=5,
        )

    def create_database(self) -> None:
        with self.admin_connection() as conn:
            for name in (self.database, self.history_database):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database}"')
            self.databases_created.append(self.database)
            self.facts["PostgreSQL"] = conn.execute("SHOW server_version").fetchone()[0]

    def drop_database(self) -> None:
        if not self.databases_created:
            return
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        for name in list(self.databases_created):
            try:
                with self.admin_connection() as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                self.databases_created.remove(name)
                log(f"dropped database {name}")
            except Exception as exc:
                log(f"could not drop database {name}: {exc}")

    def load_data(self, env: dict[str, str]) -> None:
        """Both databases: migrated and seeded once, copied, then each given its history."""
        manage = [PYTHON, "manage.py"]
        run([*manage, "migrate", "--noinput", "--verbosity", "0"], env)
        run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], env)
        started = time.monotonic()
        output = run([*manage, "seed_demo", f"--password={self.password}"], env)
        for line in output.splitlines():
            parts = line.split("\t")
            if len(parts) == 4:
                self.logins[(parts[0], parts[2])] = parts[1]
                self.code_keys[parts[1]] = parts[3]
        self.timings["seed_demo"] = time.monotonic() - started
        # The one-year database: a copy, so the same logins and code apps, then the same
        # generated contact points (the same seed) and as many waiting, with one year of figures.
        with self.admin_connection() as conn:
            conn.execute(f'CREATE DATABASE "{self.history_database}" TEMPLATE "{self.database}"')
            self.databases_created.append(self.history_database)
        size = DATASETS[self.options.dataset]
        started = time.monotonic()
        summary = run([*manage, "generate_large_dataset", *dataset_args(size)], env)
        self.timings["generate_large_dataset"] = time.monotonic() - started
        self.facts["Data set"] = summary.strip().splitlines()[-1]
        history_env = {**env, "DATABASE_URL": self.history_database_url}
        summary = run([*manage, "generate_large_dataset", *dataset_args(size, HISTORY_YEARS)], history_env)
        self.facts["One-year data set"] = (
            f"`{self.history_database}`: " + summary.strip().splitlines()[-1] + " (the same logins, offices and seed)"
        )

    def setup_django(self, env: dict[str, str]) -> None:
        """This process reads and writes the benchmark database directly, for set-up and checks."""
        for name in [name for name in os.environ if name not in env]:
            del os.environ[name]  # what env() leaves out (such as SIGNUP_*): the app's defaults, as in gunicorn
        os.environ.update(env)
        os.environ["LOG_LEVEL"] = "WARNING"
        import django

        django.setup()

    def start_gunicorn(self, name: str, env: dict[str, str]) -> None:
        self.processes.start(
            name,
            [
                *[PYTHON, "-m", "gunicorn", "--config", "python:selvhjelp.gunicorn_conf"],
                *self.options.gunicorn_arg,
                "selvhjelp.wsgi",
            ],
            env,
        )

        def healthy() -> bool:
            response = Browser(self.base).get("/helse/")
            return response.status == 200 and json.loads(response.body)["checks"] == {
                "database": "ok",
                "broker": "ok",
            }

        if not wait_for(healthy, timeout=60, interval=0.3):
            raise RuntimeError("gunicorn did not become healthy:\n" + self.tail(name))

    def start_app(self, env: dict[str, str]) -> None:
        self.start_gunicorn("gunicorn", env)
        self.start_background(env)
        config = run(
            [
                PYTHON,
                "-c",
                "import selvhjelp.gunicorn_conf as c; print(c.workers, c.threads, c.worker_class, c.max_requests)",
            ],
            env,
        ).split()
        self.facts["gunicorn"] = (
            f"{config[0]} workers × {config[1]} threads ({config[2]}), "
            f"max_requests {config[3]} (selvhjelp/gunicorn_conf.py)"
        )
        if self.options.gunicorn_arg:
            self.facts["gunicorn"] += ", overridden by " + " ".join(f"`{a}`" for a in self.options.gunicorn_arg)
        concurrency = env.get("WORKER_CONCURRENCY", "2")
        self.facts["Celery worker"] = (
            f"1 worker, concurrency {concurrency} (prefork), at its default lower CPU priority "
            "(`WORKER_NICENESS`), giving way to the web (`WORKER_GIVES_WAY_ABOVE`); beat, as in production"
        )

    def start_background(self, env: dict[str, str]) -> None:
        """The Celery worker and beat, as in production: the periodic work (the relays, the offices'
        live count) runs during the load."""
        concurrency = env.get("WORKER_CONCURRENCY", "2")
        self.processes.start(
            "worker",
            [
                *[PYTHON, "-m", "celery", "-A", "selvhjelp", "--quiet", "worker"],
                *["--concurrency", concurrency, "--without-gossip", "--without-mingle", "-n", "bench@%h"],
            ],
            env,
        )
        worker_log = self.processes.log_of("worker")
        if not wait_for(lambda: "ready" in worker_log.read_text(errors="replace"), timeout=60, interval=0.3):
            raise RuntimeError("the Celery worker did not start:\n" + self.tail("worker"))
        schedule = self.tmp / f"celerybeat-schedule-{len(self.processes.running)}"
        beat = [PYTHON, "-m", "celery", "-A", "selvhjelp", "--quiet", "beat", "--schedule", str(schedule)]
        self.processes.start("beat", beat, env)

    def tail(self, name: str) -> str:
        return self.processes.log_of(name).read_text(errors="replace")[-4000:]

    def machine_facts(self) -> None:
        import django
        import gunicorn

        meminfo = Path("/proc/meminfo").read_text()
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))  # type: ignore[union-attr]
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        wrk_version = tool_output(["wrk", "--version"]).split("[")[0]
        commit = tool_output(["git", "rev-parse", "--short", "HEAD"])
        dirty = tool_output(["git", "status", "--porcelain", "--untracked-files=no"])
        self.facts = {
            "Date": datetime.datetime.now(datetime.UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "CPU": f"{os.cpu_count()} (nproc), {cpu.group(1).strip() if cpu else platform.processor()}",
            "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
            "OS": f"{platform.system()} {platform.release()}",
            "Python": platform.python_version(),
            "Django": django.get_version(),
            "gunicorn version": gunicorn.__version__,
            "Load generator": wrk_version.strip() + " on the same machine",
            "Code": f"{commit}" + (" with uncommitted changes" if dirty else ""),
            **self.facts,
        }

    # Data for the scenarios ----------------------------------------------------------

    def prepare(self) -> None:
        """Waiting people where the scenarios need them, like those generate_large_dataset makes."""
        from contactpoints.models import ContactPoint

        staff_point = ContactPoint.objects.get(slug=STAFF_POINT)
        self.add_waiting(staff_point, 100, prefix="staffpage", mixed=True)
        threshold_point = ContactPoint.objects.get(slug=THRESHOLD_POINT)
        ContactPoint.objects.filter(pk=threshold_point.pk).update(enough_notified_at=None)
        self.add_waiting(threshold_point, threshold_point.threshold - 1, prefix="below")

    def add_waiting(self, point, count: int, *, prefix: str, mixed: bool = False) -> None:  # type: ignore[no-untyped-def]
        import random

        from django.utils import timezone

        from demo.management.commands.generate_large_dataset import made_up_signup
        from groups.models import ANY, Format, SignUp

        rng = random.Random(len(prefix))  # noqa: S311 - made-up data
        now = timezone.now()
        rows = []
        for number in range(count):
            address = f"{prefix}-{number}@example.invalid"
            since = now - datetime.timedelta(days=rng.randint(1, 170) if mixed else 30 - number)
            wishes = (lambda values: rng.choice(values)) if mixed else (lambda values: ANY)
            signup = made_up_signup(point, address, since, wishes)
            if not mixed:
                signup.format = Format.IN_PERSON
            rows.append(signup)
        SignUp.objects.bulk_create(rows)

    def generated_points(self) -> int:
        from contactpoints.models import ContactPoint

        return ContactPoint.objects.filter(slug__startswith="generert-").count()

    def first_generated_point(self) -> str:
        from contactpoints.models import ContactPoint

        points = ContactPoint.objects.filter(slug__startswith="generert-").order_by("pk")
        return points.values_list("slug", flat=True)[0]

    def dataset_facts(self) -> None:
        from contactpoints.models import ContactPoint
        from groups.models import Group, MonthlyFigure, SignUp

        self.facts["Data set"] = (
            f"{ContactPoint.objects.count()} contact points, {MonthlyFigure.objects.count()} monthly figures, "
            f"{Group.objects.count()} groups, {SignUp.objects.filter(status='waiting').count()} waiting sign-ups "
            f"(seed_demo {self.timings['seed_demo']:.0f} s, "
            f"generate_large_dataset {self.timings['generate_large_dataset']:.0f} s)"
        )

    # Mail through the real worker ----------------------------------------------------------

    def wait_for_mail(self, condition, timeout: float) -> list[Mail]:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [mail for mail in inbox(self.mail_dir) if condition(mail)]
            if found:
                return found
            time.sleep(0.05)
        return []

    def measure_mail(self) -> None:
        from contactpoints.models import ContactPoint
        from groups.models import Invitation
        from outbox.models import Email

        point = ContactPoint.objects.get(slug=THRESHOLD_POINT)
        staff_email = self.logins[("staff", THRESHOLD_POINT)]
        signup_path = f"/kontaktpunkter/{THRESHOLD_POINT}/meld-interesse/"

        # The person whose confirmation crosses the threshold signs up on the form, after
        # reading it for as long as the time trap asks ...
        address = "crossing@example.invalid"
        person = Browser(self.base)
        form = person.get(signup_path)
        self.stamp, self.stamp_at = form.hidden("started"), time.monotonic()
        data = self.signup_form(address)
        sent = time.time()
        response = person.post(signup_path, data, form)
        assert response.status == 302, f"sign-up answered {response.status}: {response.text[:2000]}"
        mails = self.wait_for_mail(lambda mail: mail.to == address, timeout=60)
        if not mails:
            raise RuntimeError("the confirmation email never came:\n" + self.tail("worker"))
        self.mail["signup_to_confirmation_email"] = mails[0].written - sent
        # ... and confirms through the link in it: the button, not the link, confirms.
        link = PRIVATE_LINK.search(mails[0].text).group(1)  # type: ignore[union-attr]
        page = person.get(link)
        before_staff = {mail.path for mail in inbox(self.mail_dir) if mail.to == staff_email}
        confirmed_at = time.time()
        response = person.post(link, {"action": "confirm"}, page)
        answered_at = time.time()
        assert response.status == 302, f"confirming answered {response.status}"
        notices = self.wait_for_mail(lambda mail: mail.to == staff_email and mail.path not in before_staff, timeout=120)
        if not notices:
            raise RuntimeError("staff were never told that enough are waiting:\n" + self.tail("worker"))
        self.mail["threshold_to_staff_email"] = notices[0].written - confirmed_at
        self.mail["threshold_response"] = answered_at - confirmed_at
        self.mail["threshold_subject"] = notices[0].subject

        # Enough people for a group of eight, then staff start it on their form.
        waiting = point.signups.filter(status="waiting").count()
        self.add_waiting(point, max(0, 10 - waiting), prefix="more")
        staff = self.signed_in("staff", THRESHOLD_POINT)
        start_path = f"/ansatt/{THRESHOLD_POINT}/ny-gruppe/"
        form = staff.get(start_path)
        first_meeting = datetime.datetime.now() + datetime.timedelta(days=7)  # noqa: DTZ005 - local time, as typed
        known = {mail.path for mail in inbox(self.mail_dir)}
        started_at = time.time()
        response = staff.post(
            start_path,
            {
                "format": "in_person",
                "time_of_day": "evening",
                "language": "no",
                "age_group": "30-44",
                "first_meeting": first_meeting.strftime("%Y-%m-%dT%H:%M"),
                "room": "",
                "place_details": "Storgata 50, andre etasje",
                "seats": "8",
                "request_key": REQUEST_KEY.search(form.text).group(1),  # type: ignore[union-attr]
            },
            form,
        )
        answered_at = time.time()
        assert response.status == 302, f"starting a group answered {response.status}: {response.text[:2000]}"
        self.group_path = urlsplit(response.header("Location")).path  # the forming group's page, for the load
        # Followed, as a browser follows it: the page says once that the group started, and the message's
        # cookie is gone. Kept, the cookie would have every request of the load shown the message again.
        staff.get(self.group_path)
        group_id = int(self.group_path.rstrip("/").rsplit("/", 1)[1])
        invited = Invitation.objects.filter(group_id=group_id).count()

        def all_written() -> bool:
            return len([mail for mail in inbox(self.mail_dir) if mail.path not in known]) >= invited

        if not wait_for(all_written, timeout=120, interval=0.05):
            raise RuntimeError("the invitations were never all written:\n" + self.tail("worker"))
        new = [mail for mail in inbox(self.mail_dir) if mail.path not in known]
        self.mail["invited"] = invited
        self.mail["invitation_emails"] = len(new)
        self.mail["start_to_all_invitations"] = max(mail.written for mail in new) - started_at
        self.mail["start_to_first_invitation"] = min(mail.written for mail in new) - started_at
        self.mail["start_response"] = answered_at - started_at
        sent_rows = Email.objects.filter(group_id=group_id, kind="invitation").exclude(sent_at=None).count()
        self.mail["invitation_rows_sent"] = sent_rows

    @property
    def cache_url(self) -> str:
        """The broker's Redis server, the next database."""
        base, _slash, number = self.redis_url.rpartition("/")
        return f"{base}/{(int(number or 0) + 1) % 16}"

    def aged_stamp(self) -> str:
        """The time stamp of a sign-up form served early in the run, once it is old enough for the time
        trap (the app's SIGNUP_FORM_MIN_SECONDS): a person who read the form, not a program."""
        from django.conf import settings

        wait = settings.SIGNUP_FORM_MIN_SECONDS + 0.5 - (time.monotonic() - self.stamp_at)
        if wait > 0:
            time.sleep(wait)
        return self.stamp

    def signup_form(self, address: str) -> dict[str, str]:
        return {
            "started": self.aged_stamp(),
            "email": address,
            "for_myself": "on",
            "adult": "on",
            "privacy": "on",
            "nickname": "",
            "format": "any",
            "time_of_day": "any",
            "languages": "no",
            "age_group": "any",
        }

    def mail_idle(self) -> bool:
        import redis

        from outbox.models import Email

        client = redis.Redis.from_url(self.redis_url, socket_timeout=2)
        queued = client.llen("celery") + client.hlen("unacked")
        return queued == 0 and not Email.objects.filter(sent_at=None, failed_at=None).exists()

    # Page weight and queries ----------------------------------------------------------------

    def measure_weight(self) -> None:
        self.page = weight.measure(self.base, f"/kontaktpunkter/{STAFF_POINT}/meld-interesse/")

    def count_queries(self, scenarios: list[Scenario]) -> None:
        """SQL per page, in this process through Django's test client (one warm request each)."""
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django_otp import DEVICE_ID_SESSION_KEY

        from accounts.codeapp import ensure_device
        from accounts.middleware import SEEN_AT, SIGNED_IN_AT

        settings.ALLOWED_HOSTS.append("testserver")
        users = get_user_model().objects
        sessions = {
            "staff": users.get(email=self.logins[("staff", STAFF_POINT)]),
            "group": users.get(email=self.logins[("staff", THRESHOLD_POINT)]),
            "district": users.get(email=self.logins[("district", DISTRICT)]),
            "national": users.get(email=self.logins[("national", NATIONAL)]),
            "csv": users.get(email=self.logins[("national", NATIONAL)]),
        }
        for scenario in scenarios:
            client = Client(headers={"X-Forwarded-For": "192.0.2.1"})
            user = sessions.get(scenario.key)
            if user is not None:
                # Signed in with both steps, as the code step leaves a session (its code was taken by wrk's browsers).
                client.force_login(user)
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = ensure_device(user).persistent_id
                session[SIGNED_IN_AT] = session[SEEN_AT] = int(time.time())
                session.save()
            for attempt in range(2):  # the first warms the caches
                address = f"queries-{attempt}-{uuid.uuid4().hex[:8]}@example.invalid"
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    if scenario.method == "POST":
                        response = client.post(scenario.path, self.signup_form(address))
                    elif scenario.queries:
                        response = client.get(scenario.path, {"q": self.sample_queries(1)[0]})
                    else:
                        response = client.get(scenario.path)
                    elapsed = time.perf_counter() - started
            assert response.status_code == scenario.expect, f"{scenario.path}: {response.status_code}"
            database_time = sum(float(query["time"]) for query in captured.captured_queries)
            self.queries.append((scenario.label, len(captured.captured_queries), database_time, elapsed))

    # Load ----------------------------------------------------------------------------------

    def signed_in(self, role: str, scope: str, database: str = "") -> Browser:
        """A browser signed in as a demo login through the real sign-in pages, with its password and
        its code app's current code; one per login and database, kept for the run."""
        key = (f"{role}@{database or self.database}", scope)
        if key not in self.browsers:
            browser = Browser(self.base)
            email = self.logins[(role, scope)]
            browser.log_in(email, self.password, self.code_keys[email])
            self.browsers[key] = browser
        return self.browsers[key]

    def write_queries(self) -> None:
        """The directory searches: every current municipality's names (Norwegian, Sami, Kven) and every
        contact point's name, shuffled, URL-encoded, one a line, for bench.lua's "queries"."""
        from contactpoints.directory import names_of
        from contactpoints.models import ContactPoint, Municipality

        names: set[str] = set()
        for name, other_names in Municipality.objects.filter(is_current=True).values_list("name", "other_names"):
            names.update(names_of(name, other_names))
        names.update(ContactPoint.objects.values_list("name", flat=True))
        queries = sorted(name.strip() for name in names if name.strip())
        random.Random(22).shuffle(queries)  # noqa: S311 - an order for the load, not a secret
        self.query_file.write_text("".join(quote(query, safe="") + "\n" for query in queries))
        self.query_count = len(queries)
        sami = sum(
            1 for _n, other in Municipality.objects.filter(is_current=True).values_list("name", "other_names") if other
        )
        self.facts["Directory searches"] = (
            f"{len(queries)} different queries: the names of the current municipalities "
            f"({sami} of them with Sami or Kven names too) and of the contact points"
        )

    def sample_queries(self, count: int) -> list[str]:
        from urllib.parse import unquote

        lines = self.query_file.read_text().splitlines()
        return [unquote(line) for line in lines[:count]]

    def scenarios(self) -> list[Scenario]:
        staff = self.signed_in("staff", STAFF_POINT)
        group_staff = self.signed_in("staff", THRESHOLD_POINT)
        district = self.signed_in("district", DISTRICT)
        national = self.signed_in("national", NATIONAL)
        point = self.first_generated_point()
        return [
            Scenario("bare", "bare view (baseline)", "/bench/bare/", None),
            Scenario("home", "home page", "/", PUBLIC),
            Scenario("directory", "directory, no query", "/kontaktpunkter/", PUBLIC),
            Scenario("point", "contact point page", f"/kontaktpunkter/{point}/", PUBLIC),
            Scenario(
                "search",
                "directory search",
                "/kontaktpunkter/",
                SEARCH,
                queries=True,
                note=f"a different query each request, from {self.query_count} names",
            ),
            Scenario(
                "signup",
                "sign-up POST",
                "/kontaktpunkter/generert-0/meld-interesse/",
                SIGNUP,
                method="POST",
                expect=302,
                note="a new address from a new client address each request, at the generated contact points in turn",
                spread=self.generated_points(),
                log_path=r"/kontaktpunkter/generert-\d+/meld-interesse/",
            ),
            Scenario("staff", "staff home (dashboard)", f"/ansatt/{STAFF_POINT}/", STAFF, staff.cookie_header()),
            Scenario(
                "group",
                "group page (forming)",
                self.group_path,
                STAFF,
                group_staff.cookie_header(),
                note="the group the benchmark's staff started (inviting members)",
            ),
            Scenario(
                "district",
                "district office page",
                f"/kontor/{DISTRICT}/",
                OFFICE,
                district.cookie_header(),
                history=True,
            ),
            Scenario(
                "national",
                "national office page",
                f"/kontor/{NATIONAL}/",
                OFFICE,
                national.cookie_header(),
                history=True,
            ),
            Scenario(
                "csv",
                "CSV export (national)",
                f"/kontor/{NATIONAL}/contact-points.csv",
                OFFICE,
                national.cookie_header(),
                history=True,
            ),
        ]

    def check(self, scenario: Scenario) -> None:
        """Each scenario answers as it should before it is timed; also warms the caches."""
        base = self.base
        searches = self.sample_queries(10)
        for number in range(10):
            if scenario.method == "POST":
                path = scenario.path.replace("generert-0", f"generert-{number}") if scenario.spread else scenario.path
                # A person of their own, from an address of their own (documentation's 198.51.100.0/24).
                person = Browser(base, headers={"X-Forwarded-For": f"198.51.100.{number + 1}"})
                page = person.get(path)
                address = f"check-{number}-{uuid.uuid4().hex[:12]}@example.invalid"
                response = person.post(path, self.signup_form(address), page)
            else:
                # As wrk sends it: the same cookies every time, whatever the answer sets.
                path = f"{scenario.path}?q={quote(searches[number], safe='')}" if scenario.queries else scenario.path
                response = Browser(base).get(path, headers={"Cookie": scenario.cookie} if scenario.cookie else None)
            if response.status != scenario.expect:
                raise RuntimeError(f"{path} answered {response.status}, expected {scenario.expect}")

    def wrk_for(self, scenario: Scenario, concurrency: int, seconds: float, run_id: str) -> dict:
        base = self.base
        if scenario.queries:
            return wrk(base + scenario.path, concurrency, seconds, args=["queries", str(self.query_file)])
        if scenario.method != "POST":
            return wrk(base + scenario.path, concurrency, seconds, cookie=scenario.cookie)
        self.signup_runs += 1
        client_base = str(8 * self.signup_runs % 256)  # client addresses of their own in each run
        args = ["signup", run_id, quote(self.csrf_token), quote(self.aged_stamp(), safe=""), client_base]
        if scenario.spread:
            args += ["/kontaktpunkter/generert-%d/meld-interesse/", str(scenario.spread)]
        return wrk(base + scenario.path, concurrency, seconds, cookie=self.csrf_cookie, args=args)

    def quiet(self) -> None:
        """How busy the machine is before the load, without us; wait for it to be quiet if asked to."""
        deadline = time.monotonic() + self.options.wait_quiet
        while True:  # everything but this process and what it started (gunicorn, the worker, redis)
            busy = share_busy(3, but=os.getpid())
            if busy < 0.15 or time.monotonic() >= deadline:
                break
            log(f"the machine is {100 * busy:.0f} % busy with other work; waiting")
        self.facts["Machine busy before the load"] = f"{100 * busy:.0f} % of the cores (other work)"
        if busy >= 0.15:
            log(f"WARNING: the machine is {100 * busy:.0f} % busy with other work; the numbers will be lower")

    def cpu_snapshot(self, server: str = "gunicorn") -> dict[str, float]:
        children_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "app": tree_cpu(self.processes.pid_of(server)),
            "worker": tree_cpu(self.processes.pid_of("worker")),
            "postgres": sum(tree_cpu(pid) for pid in postmasters()),
            "wrk": children_usage.ru_utime + children_usage.ru_stime,
            "busy": machine_busy(),
            "time": time.monotonic(),
        }

    def load(self, scenarios: list[Scenario]) -> None:
        for scenario in scenarios:
            self.check(scenario)
        signup = next((scenario for scenario in scenarios if scenario.method == "POST"), None)
        if signup is not None:  # not measured with --only, unless named
            browser = Browser(self.base)
            form = browser.get(signup.path)
            self.csrf_cookie = f"csrftoken={browser.cookies['csrftoken']}"
            self.csrf_token = form.csrf_token()
        for concurrency in self.options.concurrency:
            for scenario in scenarios:
                self.results.append(self.measure(scenario, concurrency))

    def measure(self, scenario: Scenario, concurrency: int, *, server: str = "gunicorn") -> Result:
        """One wrk run of a scenario, with the statuses gunicorn logged and the CPU it cost."""
        access_log = self.processes.log_of(server)
        cores = os.cpu_count() or 1
        run_id = f"{scenario.key[:6]}{concurrency}x{uuid.uuid4().hex[:6]}"
        if scenario.method != "POST":
            # The same load for a moment first, not counted: every thread's connection has had PostgreSQL
            # plan the page's statements and every process has made what it keeps, so the run measures
            # the page as it is served all day, not its first requests. (Sign-ups are measured from cold.)
            self.wrk_for(scenario, concurrency, WARM_UP_SECONDS, run_id)
        offset = access_log.stat().st_size
        before = self.cpu_snapshot(server)
        outcome = self.wrk_for(scenario, concurrency, self.options.duration, run_id)
        after = self.cpu_snapshot(server)
        time.sleep(0.3)  # the last access-log lines
        statuses = access_statuses(access_log, offset, scenario.log_pattern())
        errors = sum(outcome["errors"].values())
        wrong = sum(n for status, n in statuses.items() if int(status) != scenario.expect)
        used = {name: after[name] - before[name] for name in after}
        requests = max(outcome["requests"], 1)
        cpu_ms = {name: 1000 * used[name] / requests for name in ("app", "postgres", "worker", "wrk")}
        cpu_ms["other"] = max(0.0, 1000 * used["busy"] / requests - sum(cpu_ms.values()))
        result = Result(
            scenario=scenario.key,
            concurrency=concurrency,
            rps=outcome["rps"],
            p50_ms=outcome["p50_us"] / 1000,
            p95_ms=outcome["p95_us"] / 1000,
            p99_ms=outcome["p99_us"] / 1000,
            requests=outcome["requests"],
            errors=errors + wrong,
            statuses=dict(statuses),
            cpu_ms=cpu_ms,
            busy=used["busy"] / (used["time"] * cores),
            restarts=worker_boots(access_log, offset),
        )
        log(
            f"c={concurrency:<3} {scenario.label:<32} {result.rps:8.1f} req/s  "
            f"p50 {result.p50_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms  "
            f"CPU/req app {cpu_ms['app']:.1f} ms, PostgreSQL {cpu_ms['postgres']:.1f} ms  "
            f"statuses {dict(statuses)}"
        )
        if scenario.method == "POST":
            self.drain(f"{scenario.label}, c={concurrency}", run_id, result.requests)
        return result

    def drain(self, what: str, run_id: str, requests: int) -> None:
        """Let the worker send what the sign-ups queued before the next run; time it."""
        started = time.time()
        idle = wait_for(self.mail_idle, timeout=self.options.drain_timeout, interval=0.5)
        elapsed = time.time() - started
        written = sorted(mail.written for mail in inbox(self.mail_dir) if mail.to.startswith(f"bench-{run_id}-"))
        span = written[-1] - written[0] if len(written) > 1 else 0.0
        settled = self.settle()
        self.drains.append((what, requests, len(written), span, idle, elapsed, settled))
        log(
            f"{what}: {len(written)} emails; the queue was {'empty' if idle else 'NOT empty'} {elapsed:.1f} s later, "
            f"the machine quiet {settled:.1f} s after that"
        )

    def settle(self, timeout: float = 30) -> float:
        """After the sign-ups, wait for the machine as a whole to be quiet again (under 10 % of the cores
        for a second), up to ``timeout``: PostgreSQL vacuums and analyses the tables the run wrote, and the
        next page is measured on a quiet machine, as the first was. How long that took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout and share_busy(1) >= 0.10:
            pass
        return time.monotonic() - started

    # History: the office pages on one year of data ------------------------------------------

    def measure_history(self, scenarios: list[Scenario], env: dict[str, str]) -> None:
        """The office pages at c=1 on the one-year database, served by a gunicorn of its own (the
        main one stopped, so the machine is shared as before), against the same pages at c=1 on ten years."""
        pages = [scenario for scenario in scenarios if scenario.key == "bare" or scenario.history]
        ten = {}
        for scenario in pages:
            found = [r for r in self.results if r.scenario == scenario.key and r.concurrency == 1]
            ten[scenario.key] = found[0] if found else self.measure(scenario, 1)
        self.processes.stop("gunicorn")
        self.processes.stop("beat")
        self.processes.stop("worker")
        # The one-year data with a worker and beat of its own, and a cache of its own: nothing counted
        # or kept for the ten years is read for the one.
        base, _slash, number = self.cache_url.rpartition("/")
        history_cache = f"{base}/{(int(number) + 1) % 16}"
        history_env = {**env, "DATABASE_URL": self.history_database_url, "CACHE_URL": history_cache}
        self.start_gunicorn("gunicorn-1y", history_env)
        self.start_background(history_env)
        log(f"gunicorn on {self.history_database}: the office pages at c=1")
        roles = {"district": ("district", DISTRICT), "national": ("national", NATIONAL), "csv": ("national", NATIONAL)}
        for scenario in pages:
            cookie = ""
            if scenario.key in roles:
                cookie = self.signed_in(*roles[scenario.key], database=self.history_database).cookie_header()
            one_year = dataclasses.replace(scenario, cookie=cookie)
            self.check(one_year)
            result = self.measure(one_year, 1, server="gunicorn-1y")
            if scenario.key == "bare":
                self.history_bare = (ten["bare"], result)
            else:
                self.history.append((scenario, ten[scenario.key], result))

    # Judging -----------------------------------------------------------------------------------

    def result(self, key: str, concurrency: int) -> Result:
        return next(r for r in self.results if r.scenario == key and r.concurrency == concurrency)

    @staticmethod
    def wanted(group: str) -> str:
        target = TARGETS[group]
        wanted = []
        if "min_rps_ratio" in target:
            wanted.append(f"≥ {target['min_rps_ratio']:g}× the bare view's requests/s")
        if "max_p95_ratio" in target:
            wanted.append(f"p95 ≤ {target['max_p95_ratio']:g}× the bare view's")
        levels = ", ".join(str(level) for level in target["levels"])  # type: ignore[union-attr]
        return f"{' and '.join(wanted)}, at c = {levels}"

    def level_failures(self, scenario: Scenario, concurrency: int) -> list[str] | None:
        """What misses the scenario's target at this concurrency; None if it is not judged there."""
        if scenario.group is None:
            return None
        target = TARGETS[scenario.group]
        if concurrency not in target["levels"]:  # type: ignore[operator]
            return None
        bare, mine = self.result("bare", concurrency), self.result(scenario.key, concurrency)
        failures = []
        if "min_rps_ratio" in target and mine.rps < float(target["min_rps_ratio"]) * bare.rps:  # type: ignore[arg-type]
            failures.append(f"c={concurrency}: {mine.rps / bare.rps:.2f}× the throughput")
        if "max_p95_ratio" in target and mine.p95_ms > float(target["max_p95_ratio"]) * bare.p95_ms:  # type: ignore[arg-type]
            failures.append(f"c={concurrency}: p95 {mine.p95_ms / bare.p95_ms:.1f}×")
        if mine.errors:
            failures.append(f"c={concurrency}: {mine.errors} wrong answers")
        return failures

    def judge_load(self, scenarios: list[Scenario]) -> list[Scenario]:
        """The pages' targets; the pages that missed one (to profile)."""
        missed = []
        for scenario in scenarios:
            if scenario.group is None:
                continue
            judged = [
                found
                for concurrency in self.options.concurrency
                if (found := self.level_failures(scenario, concurrency)) is not None
            ]
            failures = [failure for found in judged for failure in found]
            levels = TARGETS[scenario.group]["levels"]
            measured = [level for level in self.options.concurrency if level in levels]  # type: ignore[operator]
            missing = [level for level in levels if level not in measured]  # type: ignore[union-attr]
            detail = "; ".join(failures) or (
                f"at c = {', '.join(map(str, measured))}" if measured else "not measured at these levels"
            )
            if missing and measured:
                detail += f"; c = {', '.join(map(str, missing))} not measured"
            self.verdicts.append(
                (f"{scenario.label}: {self.wanted(scenario.group)}", not failures if judged else None, detail)
            )
            if failures:
                missed.append(scenario)
        return missed

    def judge(self) -> None:
        """The other targets: history, memory, restarts, mail, page weight."""
        years = DATASETS[self.options.dataset]["years"]
        for scenario, ten, one in self.history:
            ratio = ten.p95_ms / one.p95_ms if one.p95_ms else float("inf")
            ok = max(ratio, 1 / ratio if ratio else float("inf")) <= HISTORY_TARGET and not ten.errors + one.errors
            wrong = f"; {ten.errors + one.errors} wrong answers" if ten.errors + one.errors else ""
            self.verdicts.append(
                (
                    f"{scenario.label}, {years} years of history against {HISTORY_YEARS}: "
                    f"p95 at c=1 differs ≤ {HISTORY_TARGET:g}×",
                    ok,
                    f"{ten.p95_ms:.1f} ms / {one.p95_ms:.1f} ms = {ratio:.2f}×{wrong}",
                )
            )
        if self.worker_rss:
            self.verdicts.append(
                (
                    f"gunicorn worker memory after the run: ≤ {WORKER_RSS_TARGET:g} MB RSS each",
                    max(self.worker_rss) <= WORKER_RSS_TARGET,
                    ", ".join(f"{rss:.0f}" for rss in self.worker_rss) + " MB",
                )
            )
        self.verdicts.append(
            (
                "no gunicorn worker restarts during the run",
                self.restarts_total == 0,
                f"{self.restarts_total} worker(s) started during the load and the profiles",
            )
        )
        threshold = float(self.mail["threshold_to_staff_email"])
        self.verdicts.append(
            (
                f"threshold crossed → staff email written: < {THRESHOLD_MAIL_TARGET:g} s",
                threshold < THRESHOLD_MAIL_TARGET,
                f"{threshold:.2f} s",
            )
        )
        group = float(self.mail["start_to_all_invitations"])
        self.verdicts.append(
            (
                f"start group → all {self.mail['invited']} invitations written: < {GROUP_MAIL_TARGET:g} s",
                group < GROUP_MAIL_TARGET and self.mail["invited"] == 8,
                f"{group:.2f} s",
            )
        )
        assert self.page is not None
        self.verdicts += [
            (
                f"sign-up page, first visit: < {FIRST_VISIT_TARGET // 1000} kB",
                self.page.first_bytes < FIRST_VISIT_TARGET,
                f"{self.page.first_bytes / 1000:.1f} kB in {self.page.first_requests} requests",
            ),
            (
                f"sign-up page, repeat visit: < {REPEAT_VISIT_TARGET // 1000} kB",
                self.page.repeat_bytes < REPEAT_VISIT_TARGET,
                f"{self.page.repeat_bytes / 1000:.1f} kB in {self.page.repeat_requests} request(s)",
            ),
            (
                "sign-up page: zero requests to other hosts",
                not self.page.third_party_loads,
                f"{len(self.page.third_party_loads)}",
            ),
        ]

    # Profiling ------------------------------------------------------------------------------------

    def profile(self, scenarios: list[Scenario]) -> None:
        """Sample the gunicorn workers with py-spy while wrk loads a page: CPU first, then wall clock."""
        if not PY_SPY.exists():
            self.notes.append("py-spy is not installed (bench/requirements.txt): no profiles were taken.")
            return
        concurrency = 8 if 8 in self.options.concurrency else max(self.options.concurrency)
        seconds = max(3, min(5, int(self.options.duration)))
        master = self.processes.pid_of("gunicorn")
        for scenario in scenarios:
            parts = []
            for kind, flag in (("cpu", "--gil"), ("wall", "--idle")):
                output = self.tmp / f"profile-{scenario.key}-{kind}.txt"
                spy = self.processes.start(
                    f"py-spy-{scenario.key}-{kind}",
                    [
                        *[str(PY_SPY), "record", "--pid", str(master), "--subprocesses", flag, "--nonblocking"],
                        *["--full-filenames", "--rate", "100", "--format", "raw", "--duration", str(seconds + 1)],
                        *["--output", str(output)],
                    ],
                    os.environ.copy(),
                )
                time.sleep(0.7)
                run_id = f"prof{kind}{uuid.uuid4().hex[:6]}"
                self.wrk_for(scenario, concurrency, seconds, run_id)
                spy.wait(timeout=60)
                if scenario.method == "POST":
                    wait_for(self.mail_idle, timeout=self.options.drain_timeout, interval=0.5)
                if output.exists():
                    parts.append(profiles.markdown(profiles.read(output, str(ROOT), kind)))
                else:
                    self.notes.append(f"py-spy wrote no {kind} profile for {scenario.label}.")
            self.profiles[scenario.key] = f"wrk at c={concurrency}, {seconds} s for each profile.\n\n" + "\n".join(
                parts
            )
            log(f"profiled {scenario.label}")

    # Report ---------------------------------------------------------------------------------------

    def table(self, scenarios: list[Scenario]) -> str:
        lines = [
            "| page | c | req/s | × bare | p50 ms | p95 ms | p95 × bare | answers | restarts | target |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
        ]
        for scenario in scenarios:
            for concurrency in self.options.concurrency:
                bare, mine = self.result("bare", concurrency), self.result(scenario.key, concurrency)
                failures = self.level_failures(scenario, concurrency)
                verdict = "–" if failures is None else "**not met**" if failures else "met"
                if failures is None and scenario.group is not None:
                    verdict = "not judged at this c"
                statuses = ", ".join(f"{n}×{status}" for status, n in sorted(mine.statuses.items()))
                if mine.errors:
                    statuses += f" ({mine.errors} wrong)"
                lines.append(
                    f"| {scenario.label} | {concurrency} | {mine.rps:.0f} | {mine.rps / bare.rps:.2f} | "
                    f"{mine.p50_ms:.1f} | {mine.p95_ms:.1f} | {mine.p95_ms / bare.p95_ms:.1f} | "
                    f"{statuses} | {mine.restarts} | {verdict} |"
                )
        return "\n".join(lines)

    def cpu_table(self, scenarios: list[Scenario]) -> str:
        lines = [
            "| page | c | gunicorn (the app) | PostgreSQL | Celery worker | wrk | the rest | cores busy |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for scenario in scenarios:
            for concurrency in self.options.concurrency:
                cpu = self.result(scenario.key, concurrency)
                used = cpu.cpu_ms
                lines.append(
                    f"| {scenario.label} | {concurrency} | {used['app']:.2f} | {used['postgres']:.2f} | "
                    f"{used['worker']:.2f} | {used['wrk']:.2f} | {used['other']:.2f} | {100 * cpu.busy:.0f} % |"
                )
        return "\n".join(lines)

    def report(self, scenarios: list[Scenario]) -> str:
        facts = "\n".join(f"| {name} | {value} |" for name, value in self.facts.items())
        verdicts = "\n".join(
            f"| {what} | {'met' if ok else '**not met**' if ok is False else '–'} | {detail} |"
            for what, ok, detail in self.verdicts
        )
        assert self.page is not None
        page_rows = "\n".join(
            f"| `{item.url}` | {item.kind} | {item.status} | {item.encoding} | {item.decoded_bytes:,} | "
            f"{item.wire_bytes:,} | {item.cache_control or '–'} | {item.policy} | "
            f"{f'{item.repeat_status}, {item.repeat_bytes:,}' if item.repeat_status else '–'} |"
            for item in self.page.fetched
        )
        query_rows = "\n".join(
            f"| {label} | {count} | {db * 1000:.1f} | {total * 1000:.1f} |" for label, count, db, total in self.queries
        )
        drains = "\n".join(
            f"| {what} | {requests} | {emails} | {emails / span if span else 0:.0f} | "
            f"{elapsed:.1f}{'' if idle else ' (still not empty)'} | {settled:.1f} |"
            for what, requests, emails, span, idle, elapsed, settled in self.drains
        )
        profile_text = "\n".join(
            f"### {next(s.label for s in scenarios if s.key == key)}\n\n{text}" for key, text in self.profiles.items()
        )
        if not profile_text:
            profile_text = "Every target was met: nothing was profiled.\n"
        analysis = self.kept(ANALYSIS_START, ANALYSIS_END, NO_ANALYSIS)
        before_after = self.kept(BEFORE_AFTER_START, BEFORE_AFTER_END, NO_BEFORE_AFTER)
        years = DATASETS[self.options.dataset]["years"]
        history_rows = []
        if self.history_bare is not None:
            ten, one = self.history_bare
            history_rows.append(
                f"| bare view (baseline) | {ten.p95_ms:.1f} | {one.p95_ms:.1f} | {ten.p95_ms / one.p95_ms:.2f} | – |"
            )
        for scenario, ten, one in self.history:
            ok = next(ok for what, ok, _d in self.verdicts if what.startswith(f"{scenario.label}, {years} years"))
            statuses = ", ".join(f"{n}×{status}" for status, n in sorted(one.statuses.items()))
            history_rows.append(
                f"| {scenario.label} | {ten.p95_ms:.1f} | {one.p95_ms:.1f} ({statuses}) | "
                f"{ten.p95_ms / one.p95_ms:.2f} | {'met' if ok else '**not met**'} |"
            )
        history = "\n".join(history_rows)
        return f"""# Benchmarks

Made by `bench/run` ({self.facts["Date"]}); run it again to replace everything
here except the sections *Before and after* and *What the numbers say*, which
are written by hand and kept. How it works: the README, section "Benchmarks".
The targets are issue 22's. A burst of sign-ups on a campaign day, with faults
on the way (`bench/burst`, issue 23), is in [burst.md](burst.md).

## The machine

| | |
| --- | --- |
{facts}

## Targets

| target | met? | measured |
| --- | --- | --- |
{verdicts}

## Pages under load

wrk from the same machine, {self.options.duration:g} s per run, keep-alive
connections, each page's run after {WARM_UP_SECONDS} s of the same load that is not
counted (the sign-up POST excepted); c is the number of connections. "× bare" compares with the bare
view (`/bench/bare/`, a constant response through the same middleware)
measured just before, at the same c, by the same gunicorn. Answers are from
gunicorn's access log: every request got the status it should. "Restarts" is
how many gunicorn workers were started during the run: gunicorn replaces a
worker after `max_requests` requests, and while the new one starts (imports
the app, warms its caches) the other worker serves alone, which shows in p95.
The office pages (and the national CSV) are judged at c = 1 and 8 only. The
directory search sends a different query each request, drawn in turn from
{self.query_count} municipality names (Norwegian, Sami, Kven) and contact
point names; it has a throughput target only. The sign-up POST goes through
the form's defences as in production (the rate limits per client address and
per contact point, the time trap, the confirmation email queued for the
worker): each request comes from its own client address (`X-Forwarded-For`
from one trusted proxy), at the generated contact points in turn, with a form
served more than the time trap's seconds before.

{self.table(scenarios)}

### The office pages on one year of history

The same office pages, at c=1, {self.options.duration:g} s each, on a second
database (`{self.history_database}`): a copy made after `seed_demo` (the same
logins and offices), given the same generated contact points and as many
waiting sign-ups by `generate_large_dataset` with `--years {HISTORY_YEARS}`
instead of `--years {years}`. At the end of the run, the
main gunicorn stopped and a new one started on it. The {years}-year numbers are
the c=1 runs above (measured then, if c=1 was not among the levels).

| page | p95 ms, {years} years | p95 ms, {HISTORY_YEARS} year (answers) | ratio | target |
| --- | ---: | ---: | ---: | --- |
{history}

### Where the CPU goes

CPU milliseconds per request, from /proc, during the same runs: gunicorn's
processes (workers that were replaced included), every PostgreSQL process on
the machine, the Celery worker, wrk, and the rest of the machine's busy time
(Redis, the kernel, and anything else running). "Cores busy" is the share of
all {os.cpu_count()} cores in use during the run.

{self.cpu_table(scenarios)}

## Mail through the worker

Times are from the moment the request was sent to the moment Django's file
backend wrote the message (its file's mtime), through Redis and one Celery
worker.

| | seconds |
| --- | ---: |
| sign-up POST → confirmation email written | {self.mail["signup_to_confirmation_email"]:.2f} |
| confirmation that crosses the threshold → staff email written | {self.mail["threshold_to_staff_email"]:.2f} |
| (of which the confirmation request itself) | {self.mail["threshold_response"]:.2f} |
| staff start a group → first invitation written | {self.mail["start_to_first_invitation"]:.2f} |
| staff start a group → all {self.mail["invited"]} invitations written | {self.mail["start_to_all_invitations"]:.2f} |
| (of which the start-group request itself) | {self.mail["start_response"]:.2f} |

Under load: the confirmation emails of each sign-up run, as the one worker
wrote them (while the run went on, then after it), how long after the
run ended the queue was empty, and how long after that the machine was quiet
(under 10 % of the cores: PostgreSQL vacuums what the run wrote), before the
next page was measured.

| run | sign-ups | emails written | emails/s | queue empty after, s | then quiet after, s |
| --- | ---: | ---: | ---: | ---: | ---: |
{drains}

## Page weight: the sign-up page

`{self.page.url}` with everything it loads, `Accept-Encoding: gzip, br`.
Bytes on the wire include the response headers; kB = 1000 bytes.
First visit: **{self.page.first_bytes / 1000:.1f} kB** in {self.page.first_requests} requests.
Repeat visit: **{self.page.repeat_bytes / 1000:.1f} kB** in {self.page.repeat_requests} request(s).
Requests to other hosts: **{len(self.page.third_party_loads)}**
{"".join(f"`{url}` " for url in self.page.third_party_loads)}(links to other sites, which
load nothing until followed: {len(self.page.third_party_links)}).
The HTML, gzipped, would be {self.page.html_gzip_bytes:,} bytes.

| URL | loaded as | status | encoding | bytes | on the wire | Cache-Control | next visit | status, bytes |
| --- | --- | ---: | --- | ---: | ---: | --- | --- | --- |
{page_rows}

## SQL per page

One warm request each through Django's test client in the benchmark process
(same settings and database), for reference.

| page | queries | time in the database, ms | whole request, ms |
| --- | ---: | ---: | ---: |
{query_rows}

## Profiles of the pages that missed a target

py-spy sampled the gunicorn workers while wrk loaded the page.

{profile_text}
{"".join(f"{note}{chr(10)}" for note in self.notes)}
## Before and after

{BEFORE_AFTER_START}
{before_after}
{BEFORE_AFTER_END}

## What the numbers say

{ANALYSIS_START}
{analysis}
{ANALYSIS_END}
"""

    def kept(self, start: str, end: str, default: str) -> str:
        """A hand-written section of the last report, between its markers."""
        path = self.options.output
        if path.exists():
            text = path.read_text()
            if start in text and end in text:
                return text.split(start, 1)[1].split(end, 1)[0].strip()
        return default

    # All of it ----------------------------------------------------------------------------------------

    def main(self) -> int:
        started = time.monotonic()
        try:
            self.make_secrets()
            self.machine_facts()
            log(f"temporary folder {self.tmp}")
            self.create_database()
            self.start_redis()
            env = self.env()
            log(
                f"databases {self.database} and {self.history_database}: "
                "migrate, collectstatic, seed_demo, generate_large_dataset"
            )
            self.load_data(env)
            self.setup_django(env)
            self.dataset_facts()
            self.prepare()
            self.start_app(env)
            log(f"gunicorn at {self.base}; {self.facts['gunicorn']}")
            log("mail through the worker")
            self.measure_mail()
            log(
                f"threshold → staff email {self.mail['threshold_to_staff_email']:.2f} s; "
                f"start group → {self.mail['invited']} invitations {self.mail['start_to_all_invitations']:.2f} s"
            )
            self.measure_weight()
            assert self.page is not None
            log(f"sign-up page: {self.page.first_bytes} B first visit, {self.page.repeat_bytes} B repeat visit")
            self.write_queries()
            scenarios = self.scenarios()
            if self.options.only:
                scenarios = [scenario for scenario in scenarios if scenario.key in {"bare", *self.options.only}]
            self.count_queries(scenarios)
            self.quiet()
            log(f"load: {len(scenarios)} scenarios × c={self.options.concurrency}, {self.options.duration:g} s each")
            access_log = self.processes.log_of("gunicorn")
            load_offset = access_log.stat().st_size
            self.load(scenarios)
            missed = self.judge_load(scenarios)
            to_profile = scenarios[1:] if self.options.profile_all else missed
            if self.options.smoke and not self.options.profile_all:
                to_profile = to_profile[:1]  # enough to see that profiling works
            if to_profile and not self.options.no_profile:
                self.profile(to_profile)
            self.restarts_total = worker_boots(access_log, load_offset)
            gunicorn_pid = self.processes.pid_of("gunicorn")
            self.worker_rss = [rss_mb(pid) for pid in children(gunicorn_pid)]
            worker_pid = self.processes.pid_of("worker")
            self.facts["Memory after the run (RSS)"] = (
                f"gunicorn: master {rss_mb(gunicorn_pid):.0f} MB, workers "
                + ", ".join(f"{rss:.0f}" for rss in self.worker_rss)
                + f" MB; Celery worker: {rss_mb(worker_pid) + sum(rss_mb(pid) for pid in children(worker_pid)):.0f} MB"
                + " in all"
            )
            self.measure_history(scenarios, env)
            self.judge()
            self.facts["Benchmark took"] = f"{(time.monotonic() - started) / 60:.1f} min"
            text = self.report(scenarios)
            self.options.output.parent.mkdir(parents=True, exist_ok=True)
            self.options.output.write_text(text)
            print(self.table(scenarios))
            print()
            for what, ok, detail in self.verdicts:
                print(f"{'MET    ' if ok else 'NOT MET' if ok is False else '–      '}  {what}  ({detail})")
            log(f"wrote {self.options.output} in {(time.monotonic() - started) / 60:.1f} min")
            return 0
        finally:
            self.clean_up()

    def clean_up(self) -> None:
        """Stop everything started here, drop the databases made here, and remove the temporary folder."""
        self.processes.stop_all()
        self.drop_database()
        if self.options.keep_logs:
            log(f"logs kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=6, help="seconds per wrk run (default 6)")
    parser.add_argument(
        "--concurrency",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 8, 32],
        help="connections, comma-separated (default 1,8,32)",
    )
    parser.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        default="full",
        help="full (default: 500 contact points, 10 years, 50,000 waiting) or small",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--database-server",
        default=os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432"),
        help=f"the PostgreSQL server; the databases DATABASE and DATABASE{HISTORY_SUFFIX} are made and dropped on it",
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE", DATABASE),
        help=f"the benchmark's database name (default {DATABASE}); the one-year copy is this{HISTORY_SUFFIX}",
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""), help="default: a private redis")
    parser.add_argument("--drain-timeout", type=float, default=180)
    parser.add_argument(
        "--gunicorn-arg",
        action="append",
        default=[],
        help="an extra gunicorn option, to try another configuration (e.g. --gunicorn-arg=--max-requests=0)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        help="wait up to this many seconds for the machine to be quiet (other work under 15%% of the cores)",
    )
    parser.add_argument("--no-profile", action="store_true", help="do not profile the pages that miss a target")
    parser.add_argument("--profile-all", action="store_true", help="profile every page")
    parser.add_argument(
        "--only",
        type=lambda text: set(text.split(",")),
        default=set(),
        help="measure only these pages (and the bare view), by key, comma-separated: "
        "home, directory, point, search, signup, staff, group, district, national, csv; "
        "writes to a temporary file unless --output is given",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the temporary folder (logs, mail)")
    parser.add_argument(
        "--smoke", action="store_true", help="a quick check: 1 s runs at c=8, small data set, one profile"
    )
    options = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,59}", options.database):
        parser.error("--database: lower-case letters, digits and _ only")
    if options.only and options.output == parser.get_default("output"):
        options.output = Path(tempfile.gettempdir()) / "selvhjelp-bench-only.md"
    if options.smoke:
        options.duration, options.concurrency, options.dataset = 1, [8], "small"
        if options.output == parser.get_default("output"):
            options.output = Path(tempfile.gettempdir()) / "selvhjelp-bench-smoke.md"
    return options


def main() -> int:
    options = parse(sys.argv[1:])
    bench = Bench(options)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    return bench.main()


if __name__ == "__main__":
    sys.exit(main())
