"""A connection has PostgreSQL plan a statement the app sends often once, and then runs the plan
(``DATABASE_PREPARED_STATEMENTS``); behind a pooler that cannot keep prepared statements, it can be off."""

from django.db import connection
from django.test import TestCase

from contactpoints.models import ContactPoint
from tests.ops.production import settings_in_production


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def options_with(**env: str) -> dict[str, object]:
    databases = settings_in_production("DATABASES", DATABASE_URL="postgres://postgres@127.0.0.1:5432/x", **env)
    return databases["DATABASES"]["default"].get("OPTIONS", {})  # type: ignore[index]


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
        on = options_with()
        self.assertEqual((on["server_side_binding"], on["prepare_threshold"]), (True, 5))
        off = options_with(DATABASE_PREPARED_STATEMENTS="0")
        self.assertNotIn("server_side_binding", off)
        self.assertNotIn("prepare_threshold", off)
