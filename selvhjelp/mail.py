"""The one email helper: every message is rendered from three templates,
``emails/<name>-subject.txt``, ``-body.txt`` and ``-body.html``, in the
recipient's language.

Every message comes from the service: "<sender> via <service>" when it is
written for someone (a contact point, an office), otherwise "<service>"; the
address is DEFAULT_FROM_EMAIL's. Every body ends with who runs the service
(``emails/_operator.txt``, and ``emails/_layout.html`` for the HTML part).
"""

from collections.abc import Mapping
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from selvhjelp import i18n
from selvhjelp.context_processors import operator_details


def sender(name: str = "") -> str:
    """The display name of a message's From: "<name> via <service>", or the service alone."""
    return f"{name} via {settings.SERVICE_NAME}" if name else settings.SERVICE_NAME


def build_message(
    *,
    name: str,
    context: Mapping[str, object],
    to: str,
    locale: str,
    sender_name: str = "",
    reply_to: str = "",
) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, "operator": operator_details(), **context}
    with translation.override(locale):
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        context = {**context, "LANGUAGE_CODE": locale, "title": subject}
        text = render_to_string(f"emails/{name}-body.txt", context).rstrip("\n")
        text = f"{text}\n\n{render_to_string('emails/_operator.txt', context).strip()}\n"
        html: str = render_to_string(f"emails/{name}-body.html", context)
        if not i18n.is_translated(locale):  # Northern Sami: say the text is bokmål, mark its Sami words
            text = f"{render_to_string('emails/_not_translated.txt', context).strip()}\n\n{text}"
            html = i18n.mark_own_words(html, locale)
    _, from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr((sender(sender_name), from_address)),
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
