"""The second factor: a code app (TOTP) on the person's phone."""

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice


def secret(device: TOTPDevice) -> str:
    """The key as code apps take it when it is typed in: base32."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def confirmed_device(user: object) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def ensure_device(user: object) -> TOTPDevice:
    """The account's code app; one is set up when it has none (for demo logins)."""
    return confirmed_device(user) or TOTPDevice.objects.create(user=user, name="app", confirmed=True)
