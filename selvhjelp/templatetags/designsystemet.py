"""Template helpers for rendering Django form fields with Designsystemet."""

from typing import cast

from crispy_forms.templatetags.crispy_forms_tags import CrispyFormNode
from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString, mark_safe

from selvhjelp import pagecache

register = template.Library()


@register.simple_tag(takes_context=True)
def unfilled_form(context: template.Context, form: forms.Form) -> SafeString:
    """``{% crispy form %}``, made once per process for a form shown unfilled whose fields are the same
    for everyone (no choices from the database): by its class, its initial values and the language,
    with a stand-in for the form token, which each page puts its own in for.
    A form sent back, with what was typed and its errors, is rendered each time."""
    token = pagecache.form_token_of(context)
    with context.push(form=form):
        if form.is_bound or token is None:
            return _rendered(context)
        key = ("unfilled-form", type(form).__qualname__, form.prefix, tuple(sorted(form.initial.items())))
        with context.push(csrf_token=pagecache.FORM_TOKEN_STAND_IN):
            kept = pagecache.made_once(key, lambda: _rendered(context))
        return mark_safe(pagecache.with_form_token(kept, token))  # noqa: S308  # nosec B308 B703 - made by crispy, a token of letters and digits


def _rendered(context: template.Context) -> SafeString:
    """What ``{% crispy form %}`` gives: its template's output, marked safe by Django as it renders it."""
    return cast(SafeString, CrispyFormNode("form", None).render(context))


def _described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def ds_widget(field: BoundField) -> SafeString:
    """The field's input with Designsystemet's class and its descriptions tied to it."""
    attrs: dict[str, str | bool] = {"class": "ds-input"}
    described_by = _described_by(field)
    if described_by:
        attrs["aria-describedby"] = described_by
    if field.errors:
        attrs["aria-invalid"] = "true"
    if isinstance(field.field.widget, forms.Select):
        attrs["class"] = "ds-input"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def ds_described_by(field: BoundField) -> str:
    return _described_by(field)


@register.filter
def ds_kind(field: BoundField) -> str:
    widget = field.field.widget
    # CheckboxSelectMultiple is a RadioSelect to Django: ask about it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"
