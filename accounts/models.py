"""Accounts for people who work with selvhjelp: contact-point staff, district
and national offices, administrators. Participants never have an account.

Their second factor is kept so that a copy of the database signs nobody in: a
code app's key only encrypted (``CodeApp``), recovery codes only as keyed
hashes (``RecoveryCodes``). Both are django-otp's own devices, rows and all,
so its throttling and its rule that a code is taken once hold as they are.
"""

import hashlib
import hmac
from binascii import unhexlify
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from selvhjelp.crypto import EncryptedTextField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A work account, signed in with its email address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    # The language the person last signed in with: mail to them uses it.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


# What django-otp's own key column holds once the key is encrypted in
# ``CodeApp.sealed_key``. It is not hexadecimal, so whatever reads a key
# through a plain ``TOTPDevice`` fails at once instead of checking codes
# against a key anybody could compute.
SEALED = "sealed"


class CodeApp(TOTPDevice):
    """A code app (TOTP): django-otp's ``TOTPDevice`` with its key encrypted at
    rest with the field encryption keys (``selvhjelp.keyring``). django-otp checks codes exactly as for any
    TOTPDevice (``verify_token``: throttling, drift, a code taken once); only
    the key it reads (``bin_key``) comes from the encrypted column."""

    key: str  # django-otp's own column: SEALED once saved
    sealed_key = EncryptedTextField(help_text="The key, hex-encoded, encrypted with FIELD_ENCRYPTION_KEY.")

    class Meta:
        verbose_name = "code app"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.sealed_key.encode())

    def clean_fields(self, exclude: Any = None) -> None:
        # django-otp's own column holds SEALED, which is no key; the key is in sealed_key.
        super().clean_fields(exclude={*(exclude or ()), "key"})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.key != SEALED:
            # A new key (django-otp makes one for every new device) never reaches its own column.
            self.sealed_key, self.key = self.key, SEALED
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "key", "sealed_key"}
        super().save(*args, **kwargs)


def recovery_code_hash(code: str) -> str:
    """A recovery code as it is stored: a keyed hash (FIELD_HASH_KEY, never in the
    database), 64 bits of it, to fit django-otp's column. The codes are made in
    lower case; they may be typed in any case."""
    message = f"selvhjelp.recovery-code:{code.strip().lower()}".encode()
    return hmac.new(settings.FIELD_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()[:16]


class RecoveryCodes(StaticDevice):
    """One-time recovery codes: django-otp's ``StaticDevice`` whose tokens are
    stored as ``recovery_code_hash``; a code typed is hashed before it is looked up."""

    class Meta:
        proxy = True
        verbose_name = "recovery codes"

    def verify_token(self, token: object) -> bool:
        return bool(super().verify_token(recovery_code_hash(str(token))))


class PasswordRequest(models.Model):
    """An address someone typed into "forgot password", kept encrypted until
    the mail it may get is sent: the page stores this and queues the mail for
    every address alike, and only the worker that writes the mail finds out
    whether the address has an account (``accounts.emails``)."""

    # The outbox message's dedupe_key: the mail that answers this request.
    outbox_key = models.CharField(max_length=100, unique=True)
    address = EncryptedTextField()

    def __str__(self) -> str:
        return f"password request {self.pk}"
