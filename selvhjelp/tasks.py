"""The platform's scheduled upkeep: keys that turn over, and deleted rows cleared from the tables."""

from celery import shared_task
from django.db import connection
from django.utils import timezone

from selvhjelp import rotation


@shared_task
def turn_over_field_keys() -> int:
    """A new key when the newest is due, everything re-encrypted, superseded keys retired."""
    now = timezone.now()
    rotation.rotate(now=now)
    return len(rotation.retire(now=now))


@shared_task
def vacuum_deleted_rows() -> bool:
    """Let PostgreSQL reuse the space of deleted rows now, rather than whenever
    autovacuum comes to it, so deleted people's rows are overwritten sooner."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return True
