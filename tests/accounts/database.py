"""What a copy of the database would show: every text column of every table, searched."""

from django.db import connection

TEXT_TYPES = ("char", "text", "json")


def text_columns_holding(needle: str) -> list[str]:
    """Every text column of every table that holds ``needle`` anywhere, in any case."""
    hits = []
    quote = connection.ops.quote_name
    cast = "CAST({} AS TEXT)" if connection.vendor == "sqlite" else "{}::text"
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                kind = connection.introspection.get_field_type(column.type_code, column).lower()
                if not any(word in kind for word in TEXT_TYPES):
                    continue
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER({cast.format(quote(column.name))}) LIKE %s",  # noqa: S608 - names from the schema
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{column.name}")
    return hits
