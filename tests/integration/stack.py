"""Real processes for the tests that need them: a private Redis, gunicorn and
Celery workers in production settings, sharing the pytest test database."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote, urlsplit

import kombu.pools
import redis
import requests
from django.conf import settings
from django.db import connection

from selvhjelp.celery import app

DEADLINE = 30.0  # for any one thing to happen
REDIS_SERVER = shutil.which("redis-server")
STAFF_EMAIL, STAFF_PASSWORD = "staff@work.example", "a-long-password-1"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REQUEST_KEY = re.compile(r'name="request_key" value="([^"]+)"')
PRIVATE_LINK = re.compile(r"https?://[^\s\"<>]+?(/p/[A-Za-z0-9_-]+/)")
# How Django's file-based backend ends each message it writes.
MESSAGE_END = b"\n" + b"-" * 79 + b"\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float = DEADLINE, interval: float = 0.1) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


def csrf_token(page: requests.Response) -> str:
    match = CSRF_TOKEN.search(page.text)
    assert match, f"no CSRF token on {page.url}"
    return match.group(1)


class RealStack:
    """Start real processes in production settings against the test database:
    a private Redis, gunicorn web processes and Celery workers."""

    def start_stack(
        self, *, webs: int = 2, workers: int = 2, web_workers: int = 1, env: dict[str, str] | None = None
    ) -> None:
        self.assertIsNotNone(REDIS_SERVER, "redis-server is not installed")
        self.tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.mail_dir = self.tmp / "mail"
        self.mail_dir.mkdir()
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []
        self.addCleanup(self.stop_processes)
        self.turn = 0

        self.redis_port = free_port()
        self.start("redis", [REDIS_SERVER, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", ""])
        self.assertTrue(wait_for(self.redis_answers, timeout=10), "Redis did not start")

        self.env = {**self.production_env(), **(env or {})}
        collected = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        self.assertEqual(collected.returncode, 0, collected.stderr)

        self.webs = []
        for number in range(1, webs + 1):
            port = free_port()
            self.start(
                f"web-{number}",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    "python:selvhjelp.gunicorn_conf",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(web_workers),
                    "--threads",
                    "4",
                    "--graceful-timeout",
                    "5",
                    "selvhjelp.wsgi",
                ],
            )
            self.webs.append(f"http://127.0.0.1:{port}")
        for number in range(1, workers + 1):
            self.start(
                f"worker-{number}",
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "selvhjelp",
                    "worker",
                    "--pool=solo",
                    "--without-mingle",
                    "--without-gossip",
                    "--without-heartbeat",
                    "-n",
                    f"scale-{number}@localhost",
                ],
            )
        for web in self.webs:
            self.assertTrue(wait_for(lambda web=web: self.healthy(web)), f"{web} did not start:\n{self.logs()}")
        for name, _process, log in self.processes:
            if name.startswith("worker"):
                ready = wait_for(lambda log=log: " ready." in log.read_text(errors="replace"))
                self.assertTrue(ready, f"{name} did not start:\n{self.logs()}")

    # Processes ------------------------------------------------------------------

    def production_env(self) -> dict[str, str]:
        database = settings.DATABASES["default"]
        credentials = quote(database["USER"]) + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
        host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.endswith("_FILE") and not name.startswith(("SECURE_", "LOG_", "ANYMAIL_"))
        }
        return {
            **inherited,
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEY": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "FIELD_KEYS_DIR": str(settings.FIELD_KEYS_DIR),
            "FIELD_HASH_KEY": settings.FIELD_HASH_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SITE_URL": "https://selvhjelp.example",
            "DATABASE_URL": f"postgres://{credentials}@{host}/{connection.settings_dict['NAME']}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            # The rate limits count here, shared by the web processes, as in production.
            "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "STATIC_ROOT": str(self.tmp / "static"),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
        }

    def start(self, name: str, command: list[str]) -> None:
        log = self.tmp / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter, app and redis-server
                command,
                cwd=settings.BASE_DIR,
                env=getattr(self, "env", None),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped with all its children
            )
        self.processes.append((name, process, log))

    def stop_processes(self) -> None:
        for _name, process, _log in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process, _log in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{log.read_text(errors='replace')[-3000:]}" for name, _p, log in self.processes)

    def log_of(self, name: str) -> str:
        return next(log.read_text(errors="replace") for n, _p, log in self.processes if n == name)

    def redis_answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.redis_port, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def queue_is_idle(self) -> bool:
        client = redis.Redis(port=self.redis_port, socket_timeout=2)
        return client.llen("celery") == 0 and client.hlen("unacked") == 0

    @staticmethod
    def healthy(web: str) -> bool:
        try:
            response = requests.get(f"{web}/helse/", timeout=5)
        except requests.RequestException:
            return False
        return response.status_code == 200 and response.json()["checks"] == {"database": "ok", "broker": "ok"}

    # HTTP, alternating between the web processes ----------------------------------

    @staticmethod
    def visitor() -> requests.Session:
        return requests.Session()

    def send(self, session: requests.Session, method: str, path: str, data=None) -> requests.Response:  # type: ignore[no-untyped-def]
        web = self.webs[self.turn % len(self.webs)]
        self.turn += 1
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{urlsplit(web).netloc}",
            "Accept-Language": "en",
        }
        # The cookies are Secure: a client keeps them for https only, but on
        # the plain hop from the proxy to gunicorn they travel all the same.
        if session.cookies:
            headers["Cookie"] = "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)
        response = session.request(method, web + path, data=data, headers=headers, allow_redirects=False, timeout=15)
        self.assertIn("X-Request-ID", response.headers)
        self.assertIn("Strict-Transport-Security", response.headers)
        return response

    def get(self, session: requests.Session, path: str) -> requests.Response:
        response = self.send(session, "GET", path)
        self.assertEqual(response.status_code, 200, f"GET {path}")
        return response

    def post(self, session: requests.Session, path: str, data: dict, page: requests.Response) -> requests.Response:
        response = self.send(session, "POST", path, {**data, "csrfmiddlewaretoken": csrf_token(page)})
        self.assertEqual(response.status_code, 302, f"POST {path}: {response.status_code}\n{self.logs()}")
        return response

    # The inbox --------------------------------------------------------------------

    def inbox(self) -> list[EmailMessage]:
        """Every message the workers have written, complete ones only."""
        messages = []
        for path in self.mail_dir.iterdir():
            *complete, _rest = path.read_bytes().split(MESSAGE_END)
            messages.extend(message_from_bytes(raw, policy=policy.default) for raw in complete)
        return messages  # type: ignore[return-value]

    def mail_to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.inbox() if message["To"] == address]

    def wait_for_mail(self, addresses: list[str], count: int) -> None:
        arrived = wait_for(lambda: all(len(self.mail_to(a)) >= count for a in addresses))
        self.assertTrue(arrived, f"not everyone got {count} emails: {Counter(m['To'] for m in self.inbox())}")

    @staticmethod
    def link_in(message: EmailMessage) -> str:
        match = PRIVATE_LINK.search(message.get_body(preferencelist=("plain",)).get_content())
        assert match, "the email holds no private link"
        return match.group(1)


def use_broker(*, always_eager: bool, broker_url: str) -> None:
    """Point this process's Celery app at another broker, dropping the
    connections it holds to the one it used before.

    The app's pools are kombu's, shared by broker address for the whole
    process: each is closed and forgotten (``kombu.pools.reset``), so that
    whoever uses that address next (the in-process tasks of the tests that
    follow, say) gets a new pool, not a closed one."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.task_always_eager = always_eager
    app.conf.broker_url = broker_url
