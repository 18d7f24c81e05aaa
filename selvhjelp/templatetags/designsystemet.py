"""Template helpers for rendering Django form fields with Designsystemet."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()


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
