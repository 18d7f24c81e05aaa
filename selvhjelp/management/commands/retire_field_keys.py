"""Delete the field encryption keys superseded for longer than backups keep deleted rows."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from selvhjelp import rotation


class Command(BaseCommand):
    help = (
        "Delete the keys in FIELD_KEYS_DIR superseded more than FIELD_KEY_RETIRE_AFTER_DAYS ago, "
        "after re-encrypting every live value; whatever they encrypted can then be read nowhere."
    )

    def handle(self, *args: object, **options: object) -> None:
        retired = rotation.retire(now=timezone.now())
        for path in retired:
            self.stdout.write(f"Retired {path.name}.")
        if not retired:
            self.stdout.write("No key is due to be retired.")
        if settings.FIELD_ENCRYPTION_KEYS and not settings.DEBUG:
            self.stdout.write(
                "FIELD_ENCRYPTION_KEY still holds keys of its own: once the keys in FIELD_KEYS_DIR have been "
                "in use longer than FIELD_KEY_RETIRE_AFTER_DAYS, remove them there too."
            )
