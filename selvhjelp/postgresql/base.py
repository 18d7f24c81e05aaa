"""Django's PostgreSQL backend, with a check of a kept connection that costs no round trip.

A process keeps its connection between requests (``DATABASE_CONN_MAX_AGE``) and checks it before a
request's first query (``CONN_HEALTH_CHECKS``), so that a connection the server has ended is replaced
rather than failing the request. Django checks by sending ``SELECT 1``: one round trip more on every
page. A server that ends a connection (an operator's ``pg_terminate_backend``, a restart, a failover)
says so on it and closes it, so here a kept connection with something waiting to be read, which an
idle connection never has otherwise, is not used again. Everything else is Django's backend.
"""

import select
from typing import Any

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection: Any = self.connection
        if connection is None or connection.closed or connection.pgconn.status != pq.ConnStatus.OK:
            return False
        try:
            said_something, _writable, _failed = select.select([connection.pgconn.socket], [], [], 0)
        except (OSError, ValueError):
            return False
        return not said_something
