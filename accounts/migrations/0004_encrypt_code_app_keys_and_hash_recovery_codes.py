"""Code-app keys and recovery codes stored in the clear until now: each key
moves, encrypted, into the code app's own row (accounts.CodeApp), and each
recovery code is replaced by its keyed hash (accounts.models.recovery_code_hash).
Nobody has to set anything up again, and signed-in sessions stay signed in."""

from django.db import migrations

from accounts.models import recovery_code_hash

# accounts.models.SEALED: what django-otp's own key column holds once the key is encrypted.
SEALED = "sealed"


def encrypt_keys_and_hash_codes(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    CodeApp = apps.get_model("accounts", "CodeApp")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for device in TOTPDevice.objects.exclude(key=SEALED).iterator():
        # Only the code app's own row is written (raw): django-otp's row stays, with
        # its id (in sessions), its throttling and the last code taken.
        CodeApp(totpdevice_ptr_id=device.pk, sealed_key=device.key).save_base(raw=True, force_insert=True)
        TOTPDevice.objects.filter(pk=device.pk).update(key=SEALED)
    for token in StaticToken.objects.iterator():
        StaticToken.objects.filter(pk=token.pk).update(token=recovery_code_hash(token.token))


def decrypt_keys_and_remove_codes(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    CodeApp = apps.get_model("accounts", "CodeApp")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for device in CodeApp.objects.iterator():
        TOTPDevice.objects.filter(pk=device.pk).update(key=device.sealed_key)
    # A hash cannot be turned back into its code, and code that compares codes
    # in the clear would take the stored hash itself as a code: they go.
    StaticToken.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_code_apps_recovery_codes_and_password_requests"),
        ("otp_static", "0003_add_timestamps"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(encrypt_keys_and_hash_codes, decrypt_keys_and_remove_codes)]
