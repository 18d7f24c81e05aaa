"""The kinds of mail the app sends. Each app registers its own kinds with the
function that renders them (``<app>/emails.py``), so the outbox sends any of
them without knowing what they are about."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.mail import EmailMultiAlternatives

if TYPE_CHECKING:
    from outbox.models import Email

# Given the outbox row, the message to send, or None when there is nothing to
# send any more (the person or the reason is gone).
Renderer = Callable[["Email"], EmailMultiAlternatives | None]

_renderers: dict[str, Renderer] = {}


def register(kind: str, render: Renderer) -> str:
    """Register a kind of mail and how it is rendered; returns the kind, to keep as a constant."""
    if kind in _renderers and _renderers[kind] is not render:
        raise ValueError(f"The kind of mail {kind!r} is registered twice")
    if len(kind) > 20:
        raise ValueError(f"The kind of mail {kind!r} is longer than the 20 characters stored")
    _renderers[kind] = render
    return kind


def render(email: "Email") -> EmailMultiAlternatives | None:
    try:
        renderer = _renderers[email.kind]
    except KeyError:
        raise LookupError(f"No app registered the kind of mail {email.kind!r}") from None
    return renderer(email)


def registered() -> frozenset[str]:
    return frozenset(_renderers)
