"""Encrypt every stored personal value again under the newest key; with
--new-key, make a new key first (in FIELD_KEYS_DIR)."""

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from selvhjelp import rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (addresses, nicknames, code-app secrets) under the newest key, "
        "so that older keys can be retired. --new-key makes a new key in FIELD_KEYS_DIR first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="make a new key, which encrypts from now on")

    def handle(self, *args: object, **options: object) -> None:
        if options["new_key"]:
            rotation.rotate(now=timezone.now(), force=True)
            self.stdout.write("A new key is made.")
        count = rotation.reencrypt_everything()
        self.stdout.write(f"{count} values re-encrypted.")
