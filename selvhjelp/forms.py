"""What every form in the app shares: the Designsystemet layout through
crispy-forms, and the checks every text field gets."""

import unicodedata
from typing import Any, TypeVar

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LINE_BREAKS_AND_TABS = frozenset("\n\r\t")

# A hidden field the page fills in itself (a form's key, what the page saw): when it
# comes back missing or wrong, the page was old or cut short, not filled in wrong.
# It is named "The form" in the list of what to correct.
THE_FORM = _("The form")
OUT_OF_DATE = _("The page was out of date. Open it again and fill in the form once more.")
PAGE_OUT_OF_DATE = {code: OUT_OF_DATE for code in ("required", "invalid", "min_value")}


def no_control_characters(value: str) -> None:
    """Refuse invisible and control characters; line breaks and tabs are fine."""
    if any(
        unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co"} and char not in LINE_BREAKS_AND_TABS for char in value
    ):
        raise ValidationError(_("Please use ordinary letters, numbers and punctuation only."), code="control")


def valid_postcode(value: str) -> str:
    """A Norwegian postcode (four digits), or nothing; a required field says so itself."""
    value = value.strip()
    if value and (len(value) != 4 or not value.isdigit()):
        raise forms.ValidationError(_("A postcode has four digits."))
    return value


class CrispyForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class CrispyModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(no_control_characters)


FieldKind = TypeVar("FieldKind", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[FieldKind]) -> FieldKind:
    """A form's field as the kind it is, to set its choices or limits as the form is made."""
    found = form.fields[name]
    if not isinstance(found, kind):
        raise TypeError(f"{name} is a {type(found).__name__}, not a {kind.__name__}")
    return found
