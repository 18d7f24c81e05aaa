"""Turning the field encryption keys over: every live encrypted value
re-encrypted under the newest key, and keys deleted once superseded for longer
than backups and WAL archives keep deleted rows (see ``selvhjelp.keyring``)."""

import datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model

from selvhjelp import crypto, keyring


def encrypted_columns() -> list[tuple[type[Model], str]]:
    """Every encrypted column of every model, whichever app it belongs to."""
    return [
        (model, field.get_attname_column()[1] or field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, crypto.EncryptedTextField)
    ]


def _names(model: type[Model], column: str) -> tuple[str, str, str]:
    """The table, its key and the column, quoted for SQL."""
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), quote(model._meta.pk.get_attname_column()[1] or "id"), quote(column)


def _stored(model: type[Model], column: str) -> list[tuple[int, str]]:
    """The stored ciphertexts, as they are in the table."""
    table, pk, quoted = _names(model, column)
    with connection.cursor() as cursor:
        # Identifiers from the model's own meta, quoted; no input reaches this SQL.
        cursor.execute(f"SELECT {pk}, {quoted} FROM {table} WHERE {quoted} IS NOT NULL")  # noqa: S608  # nosec B608
        return list(cursor.fetchall())


def reencrypt_everything() -> int:
    """Encrypt every live value again under the newest key. Returns how many changed.

    A value changed meanwhile (a person edits their nickname) is left as the
    person wrote it: the update applies only to the ciphertext it read.
    """
    newest = Fernet(keyring.keys()[0].encode())
    changed = 0
    for model, column in encrypted_columns():
        table, pk, quoted = _names(model, column)
        for row_id, stored in _stored(model, column):
            try:
                newest.decrypt(stored.encode())
                continue  # under the newest key already
            except InvalidToken:
                pass
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {quoted} = %s WHERE {pk} = %s AND {quoted} = %s",  # noqa: S608  # nosec B608
                    [crypto.rotate(stored), row_id, stored],
                )
                changed += cursor.rowcount
    return changed


def rotate(*, now: datetime.datetime, force: bool = False) -> bool:
    """Make a new key when the newest is FIELD_KEY_ROTATE_DAYS old (or ``force``),
    and encrypt everything again under it. Returns whether a key was made."""
    made = force or keyring.rotation_due(now)
    if made:
        keyring.make_key(now)
    reencrypt_everything()
    return made


class StillInUse(Exception):
    """A value in the database can be read only with a key about to be retired."""


def retire(*, now: datetime.datetime) -> list[Path]:
    """Delete the keys superseded for longer than FIELD_KEY_RETIRE_AFTER_DAYS, once
    nothing live needs them. Returns the files deleted."""
    old = keyring.retirable(now)
    if not old:
        return []
    reencrypt_everything()
    gone = {key_file.key for key_file in old}
    remaining = MultiFernet([Fernet(key.encode()) for key in keyring.keys() if key not in gone])
    for model, column in encrypted_columns():
        for row_id, stored in _stored(model, column):
            try:
                remaining.decrypt(stored.encode())
            except InvalidToken:
                raise StillInUse(f"{model._meta.label} {row_id} needs a key about to be retired") from None
    for key_file in old:
        key_file.path.unlink()
    return [key_file.path for key_file in old]
