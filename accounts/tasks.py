"""Background upkeep for work accounts."""

from celery import shared_task
from django.db.models import Exists, OuterRef

from accounts.models import PasswordRequest
from outbox.models import Email


@shared_task
def forget_unanswered_password_requests() -> int:
    """An address typed into "forgot password" goes once its mail is sent (a receiver
    does that); this takes those whose mail was given up, or never made, too."""
    waiting = Email.objects.filter(dedupe_key=OuterRef("outbox_key"), sent_at=None, failed_at=None)
    deleted, _kinds = PasswordRequest.objects.exclude(Exists(waiting)).delete()
    return deleted
