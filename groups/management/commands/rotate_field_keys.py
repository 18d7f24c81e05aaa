"""Re-encrypt every stored address under the first FIELD_ENCRYPTION_KEY."""

from django.core.management.base import BaseCommand

from groups.models import IncomingSignUp, SignUp


class Command(BaseCommand):
    help = "Re-encrypt participants' addresses with the newest key, so that older keys can be retired."

    def handle(self, *args: object, **options: object) -> None:
        count = 0
        for model in (SignUp, IncomingSignUp):
            for pk, email in model.objects.values_list("pk", "email").iterator(chunk_size=500):
                # Saving the decrypted value encrypts it again under the first key.
                count += model.objects.filter(pk=pk).update(email=email)
        self.stdout.write(f"{count} addresses re-encrypted.")
