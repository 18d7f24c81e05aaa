"""Django's database sessions, each read with one fixed SQL statement.

Every signed-in request reads its session first. Django's own store asks the ORM,
which builds the same statement anew each time: more work than the query itself.
This store sends a statement made once per process, with the same conditions
(this key, not yet expired), and is Django's store in everything else: writing,
ending, cleaning up (``SESSION_ENGINE = "selvhjelp.sessions"``).
"""

from functools import cache
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone


@cache
def _select() -> str:
    quote = connections[router.db_for_read(Session)].ops.quote_name
    meta = Session._meta
    columns = {field.name: quote(str(field.column)) for field in meta.concrete_fields}
    data, expires, key = columns["session_data"], columns["expire_date"], columns["session_key"]
    return f"SELECT {data}, {expires} FROM {quote(meta.db_table)} WHERE {key} = %s AND {expires} > %s"  # noqa: S608  # nosec B608 - names from the model


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        with connections[router.db_for_read(self.model)].cursor() as cursor:
            cursor.execute(_select(), [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=str(self.session_key), session_data=row[0], expire_date=row[1])
