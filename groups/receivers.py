"""What groups does when the outbox reports on its mail."""

from groups import emails
from groups.services.signing_up import remove_undeliverable
from groups.tasks import finish_hand_off
from outbox.models import Email
from selvhjelp.queue import enqueue_after_commit


def mail_sent(sender: object, email: Email, **kwargs: object) -> None:
    """Once the last getting-started guide of a group is sent, its members' records can go."""
    if email.kind == emails.GUIDE and email.group_id:
        enqueue_after_commit(finish_hand_off, email.group_id)


def mail_undeliverable(sender: object, email: Email, **kwargs: object) -> bool:
    """Mail to a person bounced or was reported as spam: they cannot be reached,
    so their sign-up is removed and counted, and never mailed again."""
    if email.signup_id is None:
        return False
    return remove_undeliverable(signup_id=email.signup_id)
