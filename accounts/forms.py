from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _


class PasswordForm(auth_forms.AuthenticationForm):
    """The first step: email address and password. Addresses are stored in lower case."""

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


def username_for_lockouts(request: object, credentials: dict | None = None) -> str:
    """The account a failed sign-in is counted against (AXES_USERNAME_CALLABLE): as the
    form reads it, lower case, and never longer than an address can be, whatever was sent."""
    sent = (credentials or {}).get("username") or getattr(request, "POST", {}).get("username", "")
    return str(sent).strip().lower()[:254]


class CodeForm(forms.Form):
    """The second step: a six-digit code from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The six digits your code app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class NewCodeForm(forms.Form):
    """Setting up the code app: the first code it shows proves it was set up right."""

    code = forms.CharField(
        label=_("The code your app shows"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError(_("Write the six digits the app shows, with no letters."))
        return code


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(label=_("Your work email address"), max_length=254)
