"""Known vulnerabilities in our dependencies: none, unless written down with a date.

Runs pip-audit over the pinned requirements (requirements.txt and
requirements-dev.txt) and over everything they installed into this virtual
environment, and fails when a package has a known vulnerability that
audit-exceptions.toml does not name. Each exception there says why, since
when, and by when it is looked at again; a lapsed review date fails too.

pip-audit asks a vulnerability service about each package: PyPI's JSON API
(https://pypi.org/pypi/NAME/VERSION/json) first, then OSV (api.osv.dev).
Where neither answers (a machine that reaches only the package index), the
audit says plainly that nothing was audited; with AUDIT_REQUIRED=1 that
fails too.

    .venv/bin/python .ci/audit.py                  # audit, as .ci/run does
    .venv/bin/python .ci/audit.py --report r.json  # judge a saved pip-audit JSON report
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ["requirements.txt", "requirements-dev.txt"]
SERVICES = ["pypi", "osv"]
# The virtual environment's own installers come from Python (ensurepip), not from our pins.
NOT_OURS = {"pip", "setuptools"}
FIELDS = {"id", "package", "added", "review_by", "reason"}


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    id: str
    fixed_in: tuple[str, ...]
    aliases: tuple[str, ...]


class Refused(Exception):
    pass


def load_exceptions(path: Path, today: datetime.date) -> dict[str, dict[str, object]]:
    """The written exceptions, by id; a malformed or lapsed one is refused."""
    if not path.exists():
        return {}
    entries = tomllib.loads(path.read_text()).get("exception", [])
    found = {}
    for entry in entries:
        missing = FIELDS - set(entry)
        if missing:
            raise Refused(f"{path.name}: an exception lacks {', '.join(sorted(missing))}: {entry}")
        if not isinstance(entry["added"], datetime.date) or not isinstance(entry["review_by"], datetime.date):
            raise Refused(f"{path.name}: {entry['id']}: added and review_by are dates (YYYY-MM-DD)")
        if not str(entry["reason"]).strip():
            raise Refused(f"{path.name}: {entry['id']}: say why the vulnerability is accepted")
        if entry["review_by"] < today:
            raise Refused(
                f"{path.name}: the exception for {entry['id']} ({entry['package']}) was to be reviewed by "
                f"{entry['review_by']}: upgrade, or review it and set a new date"
            )
        found[str(entry["id"])] = entry
    return found


def run_pip_audit(service: str, *target: str) -> dict[str, object] | None:
    """pip-audit's JSON report, or None when the service could not be asked at all."""
    command = [sys.executable, "-m", "pip_audit", *target, "-s", service, "-f", "json", "--progress-spinner", "off"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        lines = result.stderr.strip().splitlines()
        print(f"  pip-audit -s {service} {' '.join(target)}: {lines[-1] if lines else 'no answer'}", file=sys.stderr)
        return None


def audit_targets() -> list[list[str]]:
    pinned = ["--no-deps", "--disable-pip"]
    for name in REQUIREMENTS:
        pinned += ["-r", name]
    # Everything the pins installed here, their own dependencies included.
    return [pinned, ["--local"]]


def read(report: dict[str, object]) -> tuple[list[Finding], list[tuple[str, str]], int]:
    """Findings, packages that could not be audited (with why), and how many were audited."""
    findings, skipped, audited = [], [], 0
    for dependency in report.get("dependencies", []):  # type: ignore[union-attr]
        name = dependency["name"]
        if "skip_reason" in dependency:
            skipped.append((name, dependency["skip_reason"]))
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            findings.append(
                Finding(
                    name,
                    dependency.get("version", "?"),
                    vuln["id"],
                    tuple(vuln.get("fix_versions", [])),
                    tuple(vuln.get("aliases", [])),
                )
            )
    return findings, skipped, audited


def judge(reports: list[dict[str, object]], exceptions: dict[str, dict[str, object]]) -> int:
    findings, skipped, audited = [], [], 0
    for report in reports:
        more_findings, more_skipped, more_audited = read(report)
        findings += more_findings
        skipped += more_skipped
        audited += more_audited
    if not audited:
        print(
            "pip-audit: NOT AUDITED. No vulnerability service answered from this machine, so none of the "
            f"{len(skipped)} packages was checked for known vulnerabilities. Run .ci/audit.py where "
            "https://pypi.org/pypi/NAME/VERSION/json or https://api.osv.dev answers.",
            file=sys.stderr,
        )
        return 1 if os.environ.get("AUDIT_REQUIRED") == "1" else 0

    failures = []
    for finding in sorted(set(findings), key=lambda f: (f.package, f.id)):
        names = {finding.id, *finding.aliases}
        excepted = next((exceptions[name] for name in names if name in exceptions), None)
        fix = f"fixed in {', '.join(finding.fixed_in)}" if finding.fixed_in else "no fixed version yet"
        line = f"{finding.package} {finding.version}: {finding.id} ({fix})"
        if excepted is not None:
            print(f"  accepted until {excepted['review_by']}: {line} - {excepted['reason']}")
        elif finding.package in NOT_OURS:
            print(f"  not ours to pin (the virtual environment's installer): {line}")
        else:
            failures.append(line)
    unaudited = sorted({name for name, _ in skipped if name not in NOT_OURS})
    if failures:
        print("pip-audit: known vulnerabilities. Upgrade the pin to a fixed version and run the tests, or write")
        print("a dated exception in audit-exceptions.toml:")
        for line in failures:
            print(f"  {line}")
    if unaudited:
        print(f"pip-audit: these packages could not be audited: {', '.join(unaudited)}")
        for name, reason in skipped:
            if name in unaudited:
                print(f"  {name}: {reason}")
    if failures or unaudited:
        return 1
    print(f"pip-audit: {audited} packages audited, no known vulnerability without a written exception.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exceptions", type=Path, default=ROOT / "audit-exceptions.toml")
    parser.add_argument("--report", type=Path, action="append", help="judge this pip-audit JSON report instead")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.datetime.now(datetime.UTC).date())
    args = parser.parse_args()
    try:
        exceptions = load_exceptions(args.exceptions, args.today)
    except Refused as refusal:
        print(refusal, file=sys.stderr)
        return 1
    if args.report:
        return judge([json.loads(path.read_text()) for path in args.report], exceptions)

    unanswered: list[dict[str, object]] = []
    for service in SERVICES:
        answered = [report for target in audit_targets() if (report := run_pip_audit(service, *target)) is not None]
        if any(read(report)[2] for report in answered):
            print(f"pip-audit: asked {service}")
            return judge(answered, exceptions)
        unanswered = unanswered or answered
    return judge(unanswered, exceptions)


if __name__ == "__main__":
    sys.exit(main())
