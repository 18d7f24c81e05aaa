"""What the outbox tells the apps that send mail. It knows nothing of why a
message was sent: each app listens for its own kinds.

- ``sent(sender=Email, email=...)``: the provider took the message.
- ``undeliverable(sender=Email, email=...)``: the provider reported that the
  message bounced, was refused or was reported as spam.
"""

from django.dispatch import Signal

sent = Signal()
undeliverable = Signal()
