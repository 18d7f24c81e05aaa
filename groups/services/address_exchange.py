"""After the first meeting: members who were there, and want to, share their
addresses with each other. Only the person's own button shares theirs; the
others who shared see it on their own page, and nobody else ever does. Every
address kept for this is deleted ``ADDRESS_EXCHANGE_DAYS`` after the meeting."""

import datetime

from django.db import transaction
from django.utils import timezone

from groups.models import AddressExchange


def share(*, exchange: AddressExchange) -> bool:
    """I was at the first meeting and want to share my address with the others who were."""
    now = timezone.now()
    with transaction.atomic():
        return bool(
            AddressExchange.objects.filter(pk=exchange.pk, shared_at=None, expires_at__gt=now).update(shared_at=now)
        )


def stop_sharing(*, exchange: AddressExchange) -> bool:
    with transaction.atomic():
        return bool(AddressExchange.objects.filter(pk=exchange.pk).exclude(shared_at=None).update(shared_at=None))


def delete_expired(*, now: datetime.datetime | None = None) -> int:
    """The exchange is over: every address kept for it goes."""
    deleted, _kinds = AddressExchange.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
