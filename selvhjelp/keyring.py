"""The keys that encrypt personal data at rest, and how they change.

Keys live outside the database (a copy of the database must never hold the key
that reads it): in ``FIELD_KEYS_DIR``, one Fernet key per file named by the
moment it was made (``20261202T040000Z.key``), and, set by the operator, in
``FIELD_ENCRYPTION_KEY``. The newest key encrypts; every key decrypts.

Deleting a row does not wipe the disk at once: its bytes stay in the table
file until the space is reused, in the WAL, on replicas and in backups. So
the keys turn over on a schedule (``rotate_field_keys``): a new key is made and
every live value is encrypted again under it; once a key has been superseded
for longer than backups and WAL archives are kept (``FIELD_KEY_RETIRE_AFTER_DAYS``),
its file is deleted (``retire_field_keys``). Then whatever that key encrypted,
wherever a copy of it lies, can no longer be read.
"""

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class KeyFile:
    path: Path
    made_at: datetime.datetime

    @property
    def key(self) -> str:
        return self.path.read_text().strip()


def key_dir() -> Path:
    return Path(settings.FIELD_KEYS_DIR)


def key_files() -> list[KeyFile]:
    """The keys in FIELD_KEYS_DIR, newest first."""
    found = []
    for path in key_dir().glob("*.key"):
        try:
            made = datetime.datetime.strptime(path.stem, STAMP).replace(tzinfo=datetime.UTC)
        except ValueError:
            continue  # not one of ours
        found.append(KeyFile(path=path, made_at=made))
    return sorted(found, key=lambda key_file: key_file.made_at, reverse=True)


def version() -> tuple[float, tuple[str, ...]]:
    """Changes whenever a key is added or removed: processes reload their keys then."""
    try:
        changed = os.stat(key_dir()).st_mtime
    except FileNotFoundError:
        changed = 0.0
    return changed, tuple(settings.FIELD_ENCRYPTION_KEYS)


def keys() -> list[str]:
    """Every key, the one that encrypts first."""
    return [key_file.key for key_file in key_files()] + list(settings.FIELD_ENCRYPTION_KEYS)


def make_key(now: datetime.datetime) -> KeyFile:
    """A new key, which from now on encrypts."""
    directory = key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{now.astimezone(datetime.UTC):{STAMP}}.key"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(Fernet.generate_key().decode() + "\n")
    return KeyFile(path=path, made_at=now)


def rotation_due(now: datetime.datetime) -> bool:
    files = key_files()
    return not files or now - files[0].made_at >= datetime.timedelta(days=settings.FIELD_KEY_ROTATE_DAYS)


def retirable(now: datetime.datetime) -> list[KeyFile]:
    """Keys superseded longer ago than backups and WAL archives are kept."""
    files = key_files()
    keep_for = datetime.timedelta(days=settings.FIELD_KEY_RETIRE_AFTER_DAYS)
    # A key is superseded when the next newer one was made.
    return [old for newer, old in zip(files, files[1:], strict=False) if now - newer.made_at >= keep_for]
