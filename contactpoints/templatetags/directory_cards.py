"""A contact point's card in the directory, and the search form's lists, made once per generation of
the public pages and language in a process (``selvhjelp.pagecache.fragment``): a search, different
every time, puts together parts already made::

    {% load directory_cards %}
    {% directory_card point %}
    {{ form.county|kept_crispy_field }}
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from contactpoints.models import ContactPoint
from selvhjelp import pagecache

register = template.Library()


@register.simple_tag
def directory_card(point: ContactPoint) -> SafeString:
    """The card: its name, place, kind, ways of meeting, and whether it is pausing sign-ups. Every one of
    these bumps the generation when it changes (``contactpoints/receivers.py``)."""
    html = pagecache.fragment(
        ("directory-card", point.pk),
        lambda: render_to_string("contactpoints/_directory_card.html", {"point": point}),
    )
    # A template Django rendered, and so escaped, kept as it made it.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - Django's escaped template output


@register.filter
def kept_crispy_field(field: BoundField) -> SafeString:
    """``field|as_crispy_field`` for the search form's lists (county, way of meeting, language): each the
    same for everyone who chose the same, so kept like a card under its name and value. A field with an
    error is made afresh."""
    if field.errors:
        return as_crispy_field(field)
    html = pagecache.fragment(
        ("directory-field", field.html_name, repr(field.value())), lambda: str(as_crispy_field(field))
    )
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - Django's escaped template output
