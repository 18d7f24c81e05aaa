"""Private links: at least 128 bits of randomness, stored as hashes, expiring."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from groups.models import AddressExchange, PrivateLink, SignUp
from selvhjelp.crypto import new_token, token_hash

MAX_TOKEN_LENGTH = 100


def lifetime() -> datetime.timedelta:
    # A link lives as long as the sign-up it opens can: renewals send new links.
    return datetime.timedelta(days=settings.SIGNUP_EXPIRY_DAYS + settings.SIGNUP_EXPIRY_WARNING_DAYS)


def mint(*, signup: SignUp) -> str:
    token = new_token()
    now = timezone.now()
    PrivateLink.objects.create(signup=signup, token_hash=token_hash(token), created_at=now, expires_at=now + lifetime())
    return token


def url(token: str) -> str:
    return reverse("signup_page", kwargs={"token": token})


def resolve(token: str) -> SignUp | None:
    """The sign-up a link opens, or None if the link is unknown or expired."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    link = (
        PrivateLink.objects.select_related("signup__contact_point")
        .filter(token_hash=token_hash(token), expires_at__gt=timezone.now())
        .first()
    )
    return link.signup if link else None


def mint_exchange(*, exchange_id: int) -> str:
    """A new link to a member's address exchange; the one it replaces stops working."""
    token = new_token()
    AddressExchange.objects.filter(pk=exchange_id).update(token_hash=token_hash(token))
    return token


def exchange_url(token: str) -> str:
    return reverse("address_exchange", kwargs={"token": token})


def resolve_exchange(token: str) -> AddressExchange | None:
    """The exchange a link opens, or None if the link is unknown or its time is over."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        AddressExchange.objects.select_related("group__contact_point")
        .filter(token_hash=token_hash(token), expires_at__gt=timezone.now())
        .first()
    )
