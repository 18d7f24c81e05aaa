"""A contact point's card in the directory, and the search form's lists, made once per generation of
the public pages and language in a process (``selvhjelp.pagecache.fragment``): a search, different
every time, puts together parts already made::

    {% load directory_cards %}
    {% directory_card point %}
    {{ form.county|kept_crispy_field }}
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.html import format_html
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
    if isinstance(field.field.widget, forms.TextInput):
        return _kept_text_field(field)
    html = pagecache.fragment(
        ("directory-field", field.html_name, repr(field.value())), lambda: str(as_crispy_field(field))
    )
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - Django's escaped template output


# What a kept search box holds in place of the words typed; escaping leaves it as it is.
TYPED = "kept-search-words-5c1f"


def _kept_text_field(field: BoundField) -> SafeString:
    """The search box, kept once with a stand-in for what was typed, which is put in escaped, as Django's
    widget would: every search is different, the box around it is not."""
    if not pagecache.keeping():
        return as_crispy_field(field)  # nothing kept: no form with a stand-in to make either
    typed = field.field.widget.format_value(field.value())
    if typed is None:  # nothing typed: the box has no value at all
        html = pagecache.fragment(("directory-field", field.html_name, None), lambda: str(as_crispy_field(field)))
        return mark_safe(html)  # noqa: S308  # nosec B308 B703 - Django's escaped template output

    def with_stand_in() -> str:
        form = type(field.form)({field.html_name: TYPED})
        return str(as_crispy_field(form[field.name]))

    html = pagecache.fragment(("directory-field", field.html_name, TYPED), with_stand_in)
    before, stand_in, after = html.partition(f'value="{TYPED}"')
    if not stand_in:
        return as_crispy_field(field)
    # Both parts are Django's escaped template output; what was typed goes between them escaped.
    return format_html('{}value="{}"{}', mark_safe(before), typed, mark_safe(after))  # noqa: S308  # nosec B308 B703
