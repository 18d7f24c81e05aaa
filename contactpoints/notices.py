"""Word when a place opens: someone whose search found no contact point in their
municipality leaves an address to be told, once, when one opens there or in the county.

The request is confirmed from the person's own inbox (opening the link changes
nothing; the button on its page confirms). When a contact point in the same
municipality or county is published, or listed again, each confirmed request gets
one email naming it, and the request is deleted as soon as that email is sent
(``contactpoints.receivers``). An unconfirmed request goes after
``SIGNUP_CONFIRM_HOURS``, a confirmed one after twelve months. The address is kept
encrypted on the request alone; the outbox row only refers to the request.

The form does the same work for every address (``ask``): one insert that does
nothing for an address already asking there, one read, one email queued. Only the
person reading that email learns which it was.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contactpoints import emails
from contactpoints.models import ContactPoint, Municipality, NoticeRequest
from outbox import services as outbox
from selvhjelp.crypto import address_hash, new_token, normalise_address

# A confirmed request is kept this long at most; the person can ask again.
KEPT_FOR = datetime.timedelta(days=365)


def has_contact_point(municipality: Municipality) -> bool:
    """A listed contact point in the municipality: the person can sign up there instead."""
    return ContactPoint.objects.listed().filter(municipality=municipality).exists()


def ask(*, municipality: Municipality, email: str, locale: str) -> None:
    """Take in a request and send one email: a link to confirm it, or, for an address
    that already asks here, a note saying so with the link to remove it."""
    address = normalise_address(email)
    with transaction.atomic():
        NoticeRequest.objects.bulk_create(
            [NoticeRequest(municipality=municipality, email=address, email_hash=address_hash(address), locale=locale)],
            ignore_conflicts=True,
        )
        request = NoticeRequest.objects.get(municipality=municipality, email_hash=address_hash(address))
        # Each ask gets its own email; the form's rate limit keeps that from becoming a flood.
        outbox.queue(kind=emails.NOTICE_CONFIRM, dedupe_key=f"notice-ask:{new_token()}", notice_request=request)


def confirm(*, request: NoticeRequest) -> None:
    NoticeRequest.objects.filter(pk=request.pk, confirmed_at=None).update(confirmed_at=timezone.now())
    request.refresh_from_db()


def remove(*, request: NoticeRequest) -> None:
    """The person no longer wants to be told: the request and any unsent email go at once."""
    NoticeRequest.objects.filter(pk=request.pk).delete()


def notify(*, contact_point: ContactPoint) -> int:
    """Queue one notice to every confirmed request in the contact point's municipality or
    county, in the caller's transaction. A request is told once: its notice has one key.
    A nationwide list is not a place opening nearby, and tells nobody."""
    if contact_point.nationwide:
        return 0
    municipality = contact_point.municipality
    requests = NoticeRequest.objects.filter(confirmed_at__isnull=False).filter(
        Q(municipality=municipality) | Q(municipality__county_id=municipality.county_id)
    )
    queued = 0
    for request in requests.only("pk"):
        queued += outbox.queue(
            kind=emails.NOTICE, dedupe_key=f"notice:{request.pk}", notice_request=request, contact_point=contact_point
        )
    return queued


def forget(*, request_id: int) -> None:
    """Delete a request: its notice is sent, or its address cannot be reached."""
    NoticeRequest.objects.filter(pk=request_id).delete()


def delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete requests unconfirmed after ``SIGNUP_CONFIRM_HOURS`` and confirmed ones after a year."""
    now = now or timezone.now()
    unconfirmed = Q(confirmed_at=None, created_at__lt=now - datetime.timedelta(hours=settings.SIGNUP_CONFIRM_HOURS))
    _, deleted = NoticeRequest.objects.filter(unconfirmed | Q(confirmed_at__lt=now - KEPT_FOR)).delete()
    return deleted.get(NoticeRequest._meta.label, 0)
