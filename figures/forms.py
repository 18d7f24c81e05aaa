"""Forms on the office pages: a question to an organisation that applied, and a reason to decline."""

from django import forms
from django.utils.translation import gettext_lazy as _

from selvhjelp.forms import CrispyForm, no_control_characters


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
