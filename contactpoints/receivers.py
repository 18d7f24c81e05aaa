"""What contactpoints does when the outbox reports on its mail, and when what the public pages show changes."""

from contactpoints import emails, notices
from outbox.models import Email
from selvhjelp import pagecache


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


# Fields the app writes on a contact point that no public page shows: saving only these changes no page.
NOT_SHOWN = frozenset({"enough_notified_at", "details_overdue_reported_at"})


def public_pages_changed(sender: object, update_fields: frozenset[str] | None = None, **kwargs: object) -> None:
    """A contact point, a room, a place, an office or a language was saved or deleted: the public pages
    that show it are made afresh (``selvhjelp.pagecache``)."""
    if update_fields is not None and set(update_fields) <= NOT_SHOWN:
        return
    pagecache.bump()


def public_pages_relation_changed(sender: object, action: str, **kwargs: object) -> None:
    """A contact point's languages, or an office's counties, changed."""
    if action in ("post_add", "post_remove", "post_clear"):
        pagecache.bump()
