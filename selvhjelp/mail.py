"""The one email helper: every message is rendered from three templates,
``emails/<name>-subject.txt``, ``-body.txt`` and ``-body.html``, in the
recipient's language."""

from collections.abc import Mapping
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def build_message(
    *,
    name: str,
    context: Mapping[str, object],
    to: str,
    locale: str,
    sender_name: str = "",
    reply_to: str = "",
) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(locale):
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        context = {**context, "LANGUAGE_CODE": locale, "title": subject}
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    from_name, from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr((sender_name or from_name, from_address)),
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
