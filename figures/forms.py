"""Forms on the office pages: a question to an organisation that applied, a reason to decline,
and a language on the national office's list."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from contactpoints.models import Language
from selvhjelp.forms import CrispyForm, CrispyModelForm, no_control_characters

LANGUAGE_CODE = re.compile("[a-z]{2,8}")


class QuestionForm(CrispyForm):
    body = forms.CharField(
        label=_("Your question"),
        help_text=_("Sent by email to the organisation's public address. Their answer comes to your email."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        validators=[no_control_characters],
    )


class DeclineForm(CrispyForm):
    reason = forms.CharField(
        label=_("Why the application is declined"),
        help_text=_("Sent to the organisation."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        validators=[no_control_characters],
    )


class LanguageForm(CrispyModelForm):
    """A language on the national list: its code when added, then its names."""

    class Meta:
        model = Language
        fields = ["code", "autonym", "name_nb", "name_nn", "name_en", "order"]
        labels = {"code": _("Language code (ISO 639, for example “ar” or “smj”)")}
        error_messages = {"code": {"unique": _("That code is on the list already.")}}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["code"]  # Sign-ups refer to the code: it never changes.

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().lower()
        if not LANGUAGE_CODE.fullmatch(code) or code == "any":
            raise forms.ValidationError(_("Write the code with 2 to 8 small letters a–z, for example “ar”."))
        return code
