"""Encryption at rest and keyed hashes for participants' email addresses.

The keys come from ``selvhjelp.keyring``, which turns them over on a schedule.
"""

import hashlib
import hmac
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from selvhjelp import keyring

# 32 bytes: 256 bits of randomness in every private link.
TOKEN_BYTES = 32


@lru_cache(maxsize=4)
def _fernet(version: tuple[float, tuple[str, ...]], key_dir: str) -> MultiFernet:
    keys = keyring.keys()
    if not keys:
        raise ImproperlyConfigured("No field encryption key: set FIELD_ENCRYPTION_KEY or add one to FIELD_KEYS_DIR")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    """The keys, read again whenever one is added or retired (by this process or another)."""
    return _fernet(keyring.version(), str(settings.FIELD_KEYS_DIR))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    return fernet().decrypt(ciphertext.encode()).decode()


def rotate(ciphertext: str) -> str:
    """Re-encrypt under the first (newest) key."""
    return fernet().rotate(ciphertext.encode()).decode()


def normalise_address(address: str) -> str:
    return address.strip().lower()


def address_hash(address: str) -> str:
    """A keyed hash that finds duplicates without storing the address in clear."""
    key = settings.FIELD_HASH_KEY.encode()
    return hmac.new(key, normalise_address(address).encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """Links are stored only as hashes: a copy of the database opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column stored as a Fernet token. It cannot be searched."""

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        if value is None:
            return None
        try:
            return decrypt(value)
        except InvalidToken:
            raise InvalidToken("An encrypted field could not be read with any FIELD_ENCRYPTION_KEY") from None

    def get_prep_value(self, value: object) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))
