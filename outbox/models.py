"""The outbox: every email the app has decided to send, until it is sent.

The row is written in the same transaction as the change that caused it, so
a decision is never lost; ``claimed_at`` is set before sending, so a message
is sent once. The row names its recipient and its reason by reference only,
so that deleting a person deletes their unsent mail with them; how each kind
is written is up to the app that registered it (``outbox.kinds``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Email(models.Model):
    # A kind registered by an app's ``emails.py`` (``outbox.kinds.register``).
    kind = models.CharField(max_length=20)
    # What the message is about. Each reference cascades: a message goes with
    # the person, group, message or application it belongs to.
    signup = models.ForeignKey("groups.SignUp", null=True, blank=True, on_delete=models.CASCADE, related_name="emails")
    contact_point = models.ForeignKey("contactpoints.ContactPoint", null=True, blank=True, on_delete=models.CASCADE)
    # A work account the message goes to.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="outgoing_emails"
    )
    group = models.ForeignKey("groups.Group", null=True, blank=True, on_delete=models.CASCADE)
    broadcast = models.ForeignKey("groups.Broadcast", null=True, blank=True, on_delete=models.CASCADE)
    application = models.ForeignKey("contactpoints.Application", null=True, blank=True, on_delete=models.CASCADE)
    question = models.ForeignKey("contactpoints.ApplicationQuestion", null=True, blank=True, on_delete=models.CASCADE)
    # Someone who asked to be told when a contact point opens near them.
    notice_request = models.ForeignKey(
        "contactpoints.NoticeRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    dedupe_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A sender claims the row before sending; a claim older than the lease is
    # taken to belong to a worker that died, and the row is sent again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The mail provider's id for the message, to match its bounce reports.
    provider_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # After a failure, not tried again before this (exponential backoff).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        # The table the outbox has always had: moving the model moved no row.
        db_table = "groups_email"
        indexes = [models.Index(fields=["sent_at", "failed_at", "created_at"], name="email_unsent")]

    def __str__(self) -> str:
        return f"{self.kind} email {self.pk}"
