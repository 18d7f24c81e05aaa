"""What a copy of the database would show, and what a request did in it; and a connection dropped under it."""

import re

import psycopg
from django.db import connection

TEXT_TYPES = ("char", "text", "json", "bytea", "blob", "clob", "uuid")


def text_columns() -> list[tuple[str, str]]:
    """Every text, JSON and binary column of every table, read from the database."""
    columns = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                kind = connection.introspection.get_field_type(column.type_code, column).lower()
                if any(word in kind for word in TEXT_TYPES) or kind in ("textfield", "charfield", "jsonfield"):
                    columns.append((table, column.name))
    return columns


def text_columns_holding(needle: str) -> list[str]:
    """Every such column of every table that holds ``needle`` anywhere, in any case."""
    hits = []
    quote = connection.ops.quote_name
    cast = "CAST({} AS TEXT)" if connection.vendor == "sqlite" else "{}::text"
    with connection.cursor() as cursor:
        for table, column in text_columns():
            expression = cast.format(quote(column))
            cursor.execute(
                f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER({expression}) LIKE %s",  # noqa: S608 - names from the schema
                [f"%{needle.lower()}%"],
            )
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


def encrypted_fields_holding(needle: str) -> list[str]:
    """Every encrypted field of every model whose value, decrypted, holds ``needle``:
    what a copy of the database and its keys would show."""
    from django.apps import apps

    from selvhjelp.crypto import EncryptedTextField

    hits = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                values = model._default_manager.values_list(field.attname, flat=True)
                if any(needle.lower() in (value or "").lower() for value in values):
                    hits.append(f"{model._meta.db_table}.{field.column}")
    return hits


def statements(queries: list[dict[str, str]]) -> list[str]:
    """The SQL a request ran, with the values taken out: what it did, not with what."""
    normalised = []
    for query in queries:
        sql = re.sub(r"'(?:[^']|'')*'", "?", query["sql"])
        sql = re.sub(r'"s\d+_x\d+"|\bs\d+_x\d+\b', "savepoint", sql)
        normalised.append(re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql))
    return normalised


def drop_this_connection() -> None:
    """What pg_terminate_backend does to the connection this request is using."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
