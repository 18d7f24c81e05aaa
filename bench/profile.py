"""Reading py-spy's raw output (``py-spy record --format raw --full-filenames``).

Each line is one stack, root first, frames ``function (file:line)`` joined by
``;``, then the number of samples. Two kinds of profile are read:

- ``cpu`` (``--gil``): only the thread holding a process's GIL is sampled, so
  the samples add up to the Python CPU time of the gunicorn workers: what
  limits throughput on a machine with few cores.
- ``wall`` (``--idle``): every thread, running or waiting, so waiting for
  PostgreSQL (a query, a row lock, a commit) and for the GIL shows too: what
  makes a request slow. Threads that wait for a request to arrive are left
  out by keeping only stacks inside Django's request handler.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
HANDLER = "django/core/handlers/base.py"
# Where a sample is spent: the innermost frame that is the app's own code or
# matches one of these, in this order.
AREAS = [
    ("psycopg: talking to PostgreSQL", ("/psycopg/", "/psycopg_binary/", "/psycopg_pool/")),
    ("ORM: building queries, making model objects", ("/django/db/",)),
    ("Redis and Celery: publishing a task", ("/kombu/", "/celery/", "/redis/")),
    ("encryption, hashing, random tokens", ("/cryptography/", "/hashlib", "/hmac.py", "/random.py", "/secrets.py")),
    ("templates (Django, crispy-forms)", ("/django/template/", "/crispy_forms/", "/django/templatetags/")),
    ("forms", ("/django/forms/",)),
    ("translations, formats", ("/django/utils/translation/", "/django/utils/formats.py", "/gettext.py")),
    ("logging", ("/logging/",)),
    ("URL resolving and reversing", ("/django/urls/",)),
    ("sessions, auth, CSRF, CSP, messages", ("/django/contrib/", "/csp/", "/django/middleware/")),
]
APP = "the app's own Python"
OTHER = "the rest of Django and Python"
# Frames that wrap every request; they say nothing about where the time goes.
WRAPPERS = {("__call__", "selvhjelp/middleware.py"), ("<module>", "selvhjelp/wsgi.py")}


@dataclass(frozen=True)
class Frame:
    function: str
    file: str
    line: int

    def short_file(self, root: str) -> str:
        if self.file.startswith(root):
            return self.file[len(root) :].lstrip("/")
        if "site-packages/" in self.file:
            return self.file.split("site-packages/", 1)[1]
        if "/lib/python3" in self.file:
            return self.file.split("/lib/", 1)[1]
        return self.file

    def label(self, root: str) -> str:
        return f"{self.function} ({self.short_file(root)})"


@dataclass
class Profile:
    kind: str
    samples: int = 0
    request_samples: int = 0
    startup_samples: int = 0
    areas: Counter[str] = field(default_factory=Counter)
    app_inclusive: Counter[str] = field(default_factory=Counter)
    leaf: Counter[str] = field(default_factory=Counter)
    sql_sites: Counter[str] = field(default_factory=Counter)


def parse_frame(text: str) -> Frame | None:
    match = FRAME.match(text.strip())
    if not match:
        return None  # e.g. 'process 123:"gunicorn: worker"'
    return Frame(match["function"], match["file"], int(match["line"] or 0))


def is_app_file(path: str, root: str) -> bool:
    return path.startswith(root) and "/.venv/" not in path and "site-packages" not in path


def area_of(frames: list[Frame], root: str) -> str:
    for frame in reversed(frames):
        if is_app_file(frame.file, root):
            return APP
        for name, needles in AREAS:
            if any(needle in frame.file for needle in needles):
                return name
    return OTHER


def read(path: Path, root: str, kind: str) -> Profile:
    profile = Profile(kind=kind)
    for raw in path.read_text(errors="replace").splitlines():
        stack_text, _, count_text = raw.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame for frame in map(parse_frame, stack_text.split(";")) if frame is not None]
        in_request = any(HANDLER in f.file and f.function.endswith("get_response") for f in frames)
        starting = any(f.function == "load_wsgi" or f.file.endswith("selvhjelp/wsgi.py") for f in frames)
        if kind == "wall" and not in_request:
            continue  # a thread waiting for work
        profile.samples += count
        if starting and not in_request:
            profile.startup_samples += count
        if not in_request:
            continue
        profile.request_samples += count
        profile.areas[area_of(frames, root)] += count
        seen: set[str] = set()
        for frame in frames:
            short = frame.short_file(root)
            if is_app_file(frame.file, root) and (frame.function, short) not in WRAPPERS:
                label = frame.label(root)
                if label not in seen:
                    seen.add(label)
                    profile.app_inclusive[label] += count
        profile.leaf[frames[-1].label(root)] += count
        # Where SQL is sent from: the innermost frame outside the ORM and the driver.
        if any(needle in frames[-1].file for needle in AREAS[0][1]):
            site = next((f for f in reversed(frames) if "/django/db/" not in f.file and "psycopg" not in f.file), None)
            if site is not None:
                profile.sql_sites[f"{site.function} ({site.short_file(root)}:{site.line})"] += count
    return profile


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def markdown(profile: Profile, *, top: int = 8) -> str:
    total = profile.request_samples
    if not total:
        return "py-spy took no samples inside a request.\n"
    if profile.kind == "cpu":
        lines = [
            f"**CPU** (`--gil`): {profile.samples} samples of the gunicorn workers' Python CPU time; "
            f"{percent(total, profile.samples)} inside Django's request handler, "
            f"{percent(profile.startup_samples, profile.samples)} starting new workers "
            "(gunicorn replaces a worker after `max_requests`), the rest gunicorn itself "
            "(reading requests, writing responses, the access log).",
        ]
    else:
        lines = [
            f"**Wall clock** (`--idle`): {total} samples of threads inside a request, "
            "running or waiting (for PostgreSQL, a row lock, the GIL).",
        ]
    lines += ["", "| where the request time goes | share |", "| --- | ---: |"]
    lines += [f"| {area} | {percent(count, total)} |" for area, count in profile.areas.most_common()]
    lines += ["", "| the app's functions (callees included) | share |", "| --- | ---: |"]
    lines += [f"| `{name}` | {percent(count, total)} |" for name, count in profile.app_inclusive.most_common(top)]
    if profile.sql_sites:
        lines += ["", "| where the SQL is sent from | share |", "| --- | ---: |"]
        lines += [f"| `{name}` | {percent(count, total)} |" for name, count in profile.sql_sites.most_common(5)]
    lines += ["", "| innermost functions (self time) | share |", "| --- | ---: |"]
    lines += [f"| `{name}` | {percent(count, total)} |" for name, count in profile.leaf.most_common(top)]
    return "\n".join(lines) + "\n"
