"""What contactpoints does when the outbox reports on its mail."""

from contactpoints import emails, notices
from outbox.models import Email


def mail_sent(sender: object, email: Email, **kwargs: object) -> None:
    """A notice is told once: once it is sent, nothing of the request is kept."""
    if email.kind == emails.NOTICE and email.notice_request_id:
        notices.forget(request_id=email.notice_request_id)


def mail_undeliverable(sender: object, email: Email, **kwargs: object) -> bool:
    """Mail to someone who asked to be told bounced: the request cannot be answered, so it goes."""
    if email.notice_request_id is None:
        return False
    notices.forget(request_id=email.notice_request_id)
    return True
