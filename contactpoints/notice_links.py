"""The links in mail about a notice request: at least 128 bits of randomness, stored as
a hash only, as private links are (``groups/links.py``). A request has one link at a
time: each email makes a new one. It lives as long as the request."""

from django.urls import reverse

from contactpoints.models import NoticeRequest
from selvhjelp.crypto import new_token, token_hash

MAX_TOKEN_LENGTH = 100


def mint(*, request: NoticeRequest) -> str:
    """A new link to the request; the one before it stops working."""
    token = new_token()
    NoticeRequest.objects.filter(pk=request.pk).update(token_hash=token_hash(token))
    return token


def url(token: str) -> str:
    return reverse("notice_request", kwargs={"token": token})


def remove_url(token: str) -> str:
    return reverse("notice_remove", kwargs={"token": token})


def resolve(token: str) -> NoticeRequest | None:
    """The request a link opens, or None if it is unknown or gone."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return NoticeRequest.objects.select_related("municipality__county").filter(token_hash=token_hash(token)).first()
