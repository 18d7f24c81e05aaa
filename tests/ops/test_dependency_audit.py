"""The dependency audit in .ci/run: no known vulnerability without a written, dated exception."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

AUDIT = Path(settings.BASE_DIR) / ".ci" / "audit.py"


def report(*dependencies: dict[str, object]) -> dict[str, object]:
    return {"dependencies": list(dependencies), "fixes": []}


def vulnerable(name: str = "django", version: str = "5.2.0", vuln_id: str = "PYSEC-2026-1") -> dict[str, object]:
    return {
        "name": name,
        "version": version,
        "vulns": [{"id": vuln_id, "fix_versions": ["5.2.1"], "aliases": ["CVE-2026-0001"], "description": "..."}],
    }


def clean(name: str = "celery") -> dict[str, object]:
    return {"name": name, "version": "5.7.0", "vulns": []}


EXCEPTION = """
[[exception]]
id = "CVE-2026-0001"
package = "django"
added = 2026-11-01
review_by = {review_by}
reason = "{reason}"
"""


class DependencyAuditTests(SimpleTestCase):
    def audit(self, *reports, exceptions: str = "", today: str = "2026-11-29", **env: str):
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for number, content in enumerate(reports):
                path = Path(folder) / f"report-{number}.json"
                path.write_text(json.dumps(content))
                paths += ["--report", str(path)]
            exceptions_file = Path(folder) / "audit-exceptions.toml"
            exceptions_file.write_text(exceptions)
            return subprocess.run(  # noqa: S603 - our own interpreter and script
                [sys.executable, str(AUDIT), *paths, "--exceptions", str(exceptions_file), "--today", today],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
                env={**os.environ, "AUDIT_REQUIRED": "0", **env},
            )

    def test_a_known_vulnerability_fails_and_names_the_fixed_version(self):
        result = self.audit(report(vulnerable(), clean()))
        self.assertEqual(result.returncode, 1)
        self.assertIn("django 5.2.0: PYSEC-2026-1 (fixed in 5.2.1)", result.stdout)

    def test_a_written_exception_lets_it_pass_until_its_review_date(self):
        exception = EXCEPTION.format(review_by="2027-01-31", reason="Only the admin's X, which we do not use.")
        result = self.audit(report(vulnerable(), clean()), exceptions=exception)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("accepted until 2027-01-31", result.stdout)

        lapsed = self.audit(report(vulnerable(), clean()), exceptions=exception, today="2027-02-01")
        self.assertEqual(lapsed.returncode, 1)
        self.assertIn("to be reviewed by 2027-01-31", lapsed.stderr)

    def test_an_exception_without_a_reason_or_date_is_refused(self):
        for exception in (
            EXCEPTION.format(review_by="2027-01-31", reason=" "),
            EXCEPTION.format(review_by='"soon"', reason="Because."),
            '[[exception]]\nid = "CVE-2026-0001"\n',
        ):
            with self.subTest(exception):
                self.assertEqual(self.audit(report(clean()), exceptions=exception).returncode, 1)

    def test_a_package_that_could_not_be_audited_fails_when_the_service_answers_for_others(self):
        skipped = {"name": "private-thing", "skip_reason": "Dependency not found on PyPI and could not be audited"}
        result = self.audit(report(clean(), skipped))
        self.assertEqual(result.returncode, 1)
        self.assertIn("private-thing", result.stdout)

    def test_no_answer_from_any_service_is_said_plainly_and_fails_when_required(self):
        skipped = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}
        result = self.audit(report(skipped))
        self.assertEqual(result.returncode, 0)
        self.assertIn("NOT AUDITED", result.stderr)
        self.assertEqual(self.audit(report(skipped), AUDIT_REQUIRED="1").returncode, 1)

    def test_the_virtual_environments_own_installer_is_reported_but_not_ours_to_pin(self):
        result = self.audit(report(vulnerable(name="pip", version="23.2.1"), clean()))
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn("not ours to pin", result.stdout)

    def test_the_exceptions_in_the_repository_are_well_formed(self):
        exceptions = (Path(settings.BASE_DIR) / "audit-exceptions.toml").read_text()
        self.assertEqual(self.audit(report(clean()), exceptions=exceptions).returncode, 0)
