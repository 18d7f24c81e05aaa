"""The public sign-up form and the form for changing one's preferences.

There is deliberately no field for a name, phone number, postcode, national
identity number, problem, diagnosis or referrer.
"""

import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contactpoints.models import ContactPoint
from groups.matching import PREFERENCE_FIELDS, formats_offered
from groups.models import ANY, AgeGroup, Format, GroupLanguage, SignUp, TimeOfDay
from groups.services import Preferences

LINE_BREAKS_AND_TABS = frozenset("\n\r\t")


def no_control_characters(value: str) -> None:
    """Refuse invisible and control characters; line breaks and tabs are fine."""
    if any(
        unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co"} and char not in LINE_BREAKS_AND_TABS for char in value
    ):
        raise ValidationError(_("Please use ordinary letters, numbers and punctuation only."), code="control")


class PreferencesMixin(forms.Form):
    nickname = forms.CharField(
        label=_("What may we call you?"),
        help_text=_("Used only to greet you in emails. Any name will do, or leave it empty."),
        max_length=40,
        required=False,
        validators=[no_control_characters],
    )
    format = forms.ChoiceField(
        label=_("How would you like to meet?"), choices=Format.choices, initial=ANY, widget=forms.RadioSelect
    )
    time_of_day = forms.ChoiceField(
        label=_("When suits you?"), choices=TimeOfDay.choices, initial=ANY, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("Which language should the group speak?"),
        choices=GroupLanguage.choices,
        initial=ANY,
        widget=forms.RadioSelect,
    )
    age_group = forms.ChoiceField(
        label=_("Your age group"),
        help_text=_("Groups work best when members are within about 15 years of each other."),
        choices=AgeGroup.choices,
        initial=ANY,
        widget=forms.RadioSelect,
    )

    @staticmethod
    def initial_for(signup: SignUp) -> dict[str, str]:
        return {name: getattr(signup, name) for name in ("nickname", *PREFERENCE_FIELDS)}

    def limit_formats(self, contact_point: ContactPoint) -> None:
        offered = formats_offered(contact_point)
        if len(offered) == 1:
            self.fields["format"].choices = [c for c in Format.choices if c[0] in (*offered, ANY)]

    def preferences(self) -> Preferences:
        data = self.cleaned_data
        return Preferences(
            format=data["format"],
            time_of_day=data["time_of_day"],
            language=data["language"],
            age_group=data["age_group"],
        )


PREFERENCE_LAYOUT = ("nickname", "format", "time_of_day", "language", "age_group")


class SignUpForm(PreferencesMixin):
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send you a link to confirm. Nobody else will see your address."),
        max_length=254,
        validators=[no_control_characters],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    for_myself = forms.BooleanField(
        label=_("I am signing up for myself"),
        error_messages={"required": _("You can only sign up yourself. Nobody can sign up someone else.")},
    )
    adult = forms.BooleanField(
        label=_("I am 18 or older"),
        error_messages={"required": _("You must be 18 or older to join a group.")},
    )
    privacy = forms.BooleanField(
        label=_("I have read how my information is used"),
        error_messages={"required": _("Please read how your information is used and tick the box.")},
    )

    field_order = ["email", "for_myself", "adult", "privacy"]

    def __init__(self, *args: object, contact_point: ContactPoint, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.limit_formats(contact_point)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("About you"), "email", "for_myself", "adult", "privacy"),
            Fieldset(_("Your wishes for the group"), *PREFERENCE_LAYOUT),
        )


class PreferencesForm(PreferencesMixin):
    def __init__(self, *args: object, contact_point: ContactPoint, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.limit_formats(contact_point)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*PREFERENCE_LAYOUT)
