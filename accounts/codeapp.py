"""The second factor: a code app (TOTP) on the person's phone, and recovery codes.

Both are django-otp devices kept in accounts' own forms (``accounts.models``):
the code app's key encrypted, the recovery codes hashed. Codes are checked
here, against those devices only, never through ``django_otp.match_token``:
it would read django-otp's plain models, which hold no key and no code.
"""

import base64
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken

from accounts.models import CodeApp, RecoveryCodes, User, recovery_code_hash

RECOVERY_CODES = 10


def secret(device: CodeApp) -> str:
    """The key as code apps take it when it is typed in: base32."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def confirmed_device(user: User) -> CodeApp | None:
    return CodeApp.objects.filter(user=user, confirmed=True).first()


def ensure_device(user: User) -> CodeApp:
    """The account's code app; one is set up when it has none (for demo logins)."""
    return confirmed_device(user) or CodeApp.objects.create(user=user, name="app", confirmed=True)


def device_being_set_up(user: User) -> CodeApp:
    """The code app an account is setting up: the same key until its first code is right."""
    device, _created = CodeApp.objects.get_or_create(user=user, confirmed=False, defaults={"name": "app"})
    return device


def device_for_code(user: User, code: str) -> Device | None:
    """The device that takes ``code`` (the code app's, or a recovery code), or None.

    Each device is locked while it checks, so that two requests cannot both take
    one code; django-otp's ``verify_token`` counts failures and slows down tries.
    """
    with transaction.atomic():
        for devices in (
            CodeApp.objects.filter(user=user, confirmed=True),
            RecoveryCodes.objects.filter(user=user, confirmed=True),
        ):
            for device in devices.select_for_update():
                if device.verify_token(code):
                    return device
    return None


def paused_for(user: User) -> str | None:
    """Why no code can be tried now, after several wrong ones (django-otp's growing pause), or None."""
    device = confirmed_device(user)
    allowed, data = device.verify_is_allowed() if device is not None else (True, None)
    if allowed or not data or not data.get("locked_until"):
        return None
    seconds = max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes. Wait %(seconds)s second, then try the code your app shows.",
        "Too many wrong codes. Wait %(seconds)s seconds, then try the code your app shows.",
        seconds,
    ) % {"seconds": seconds}


def refusal(user: User, code: str) -> str:
    """After a code was tried and refused, what to tell the person in plain words."""
    device = confirmed_device(user)
    if device is not None and code.isdigit() and device.last_t >= 0:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
        totp.time = device.t0 + device.last_t * device.step  # the step of the last code taken
        if int(code) == totp.token():
            return _(
                "That code has been used already. Wait for the next code in your app: a new one comes every 30 seconds."
            )
    return _("That code did not work. Codes change every 30 seconds; try the one shown now.")


def new_recovery_codes(user: User) -> list[str]:
    """New recovery codes in place of any the account had; only their hashes are kept."""
    RecoveryCodes.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name="recovery")
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_code_hash(code)) for code in codes)
    return codes
