"""Deciding to send an email: a row in the caller's transaction, handed to a
worker after commit (``outbox.tasks.send_email``)."""

from django.db import IntegrityError, transaction
from django.db.models import Model

from outbox.models import Email
from outbox.tasks import send_email
from selvhjelp.queue import enqueue_after_commit


def queue(*, kind: str, dedupe_key: str, **about: Model | None) -> bool:
    """Write an outbox row in the current transaction; send it after commit.

    ``about`` names what the message is about and to whom (``signup``,
    ``user``, ``contact_point``, ``group``, ...), as the row's references.
    Returns False when a message with the same key exists already.
    """
    try:
        with transaction.atomic():
            email = Email.objects.create(kind=kind, dedupe_key=dedupe_key[:100], **about)
    except IntegrityError:
        return False
    # After commit; if the broker is down then, the relay sends it later.
    enqueue_after_commit(send_email, email.pk)
    return True
