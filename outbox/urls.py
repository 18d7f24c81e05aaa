"""Bounce and complaint reports from the mail provider (shared secret:
ANYMAIL_WEBHOOK_SECRET). Only tracking: the app receives no mail."""

from anymail.webhooks.brevo import BrevoTrackingWebhookView
from anymail.webhooks.mailjet import MailjetTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.urls import path

from outbox.webhooks import webhook

urlpatterns = [
    path("brevo/tracking/", webhook(BrevoTrackingWebhookView), name="brevo_tracking"),
    path("mailjet/tracking/", webhook(MailjetTrackingWebhookView), name="mailjet_tracking"),
    path("postmark/tracking/", webhook(PostmarkTrackingWebhookView), name="postmark_tracking"),
]
