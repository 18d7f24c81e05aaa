"""A connection has PostgreSQL plan a statement the app sends often once, and then runs the plan
(``DATABASE_PREPARED_STATEMENTS``); behind a pooler that cannot keep prepared statements, it can be off."""

import json
import subprocess
import sys

from django.conf import settings
from django.db import connection
from django.test import TestCase

from contactpoints.models import ContactPoint
from tests.ops.production import production_env

_PRINT_OPTIONS = """
import json, sys
from django.conf import settings
json.dump(settings.DATABASES["default"].get("OPTIONS", {}), sys.stdout)
"""


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def options_with(**env: str) -> dict[str, object]:
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", _PRINT_OPTIONS],
        cwd=settings.BASE_DIR,
        env=production_env(DJANGO_SETTINGS_MODULE="selvhjelp.settings", **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


class PreparedStatementTests(TestCase):
    def test_a_statement_sent_again_and_again_is_planned_once_and_its_values_sent_apart(self):
        table = ContactPoint._meta.db_table
        for slug in ("a", "b", "c", "d", "e", "f", "g"):
            list(ContactPoint.objects.filter(slug=slug))
        prepared = [statement for statement in prepared_statements() if table in statement]
        self.assertEqual(len(prepared), 1, prepared)
        self.assertIn("$1", prepared[0])  # one plan for every slug: the value is bound by the server
        self.assertNotIn("'g'", prepared[0])

    def test_a_statement_sent_a_few_times_only_is_not_kept(self):
        for _ in range(4):
            list(ContactPoint.objects.filter(public_phone="22 00 00 00", website="https://example.org"))
        self.assertEqual([statement for statement in prepared_statements() if "public_phone" in statement], [])

    def test_they_are_on_unless_turned_off_for_a_pooler_that_cannot_keep_them(self):
        on = options_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x")
        self.assertEqual((on["server_side_binding"], on["prepare_threshold"]), (True, 5))
        off = options_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x", DATABASE_PREPARED_STATEMENTS="0")
        self.assertNotIn("server_side_binding", off)
        self.assertNotIn("prepare_threshold", off)
