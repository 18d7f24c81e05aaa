"""Forms for ordering materials, listing them, and choosing a poster's language."""

import uuid

from crispy_forms.layout import Layout
from django import forms
from django.conf import settings
from django.forms.boundfield import BoundField
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from contactpoints.models import ContactPoint
from materials.models import LANGUAGE_CODES, LANGUAGES, MAX_QUANTITY, Material
from materials.services import Line, Recipient
from selvhjelp.forms import (
    PAGE_OUT_OF_DATE,
    THE_FORM,
    CrispyForm,
    CrispyModelForm,
    no_control_characters,
    valid_postcode,
)

RECIPIENT_FIELDS = ("organisation", "contact_person", "email", "postal_address", "postcode", "place", "notes")


class OrderForm(CrispyForm):
    organisation = forms.CharField(label=_("Organisation"), max_length=200, validators=[no_control_characters])
    contact_person = forms.CharField(label=_("Contact person"), max_length=200, validators=[no_control_characters])
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We write here if something about the order is unclear."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    postal_address = forms.CharField(
        label=_("Postal address"),
        max_length=200,
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=4,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    place = forms.CharField(label=_("Place"), max_length=100, validators=[no_control_characters])
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=1000,
        validators=[no_control_characters],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    request_key = forms.UUIDField(widget=forms.HiddenInput, label=THE_FORM, error_messages=PAGE_OUT_OF_DATE)

    def __init__(self, *args: object, materials: list[Material], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.materials = materials
        self.quantity_fields: list[tuple[Material, list[str]]] = []
        for material in materials:
            names = []
            for code, label in material.language_choices:
                name = f"quantity_{material.pk}_{code}"
                self.fields[name] = forms.IntegerField(
                    label=label,
                    required=False,
                    min_value=0,
                    max_value=MAX_QUANTITY,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
                names.append(name)
            self.quantity_fields.append((material, names))
        self.fields["request_key"].initial = uuid.uuid4()
        self.helper.form_show_errors = False  # The page shows one summary for the whole form.
        self.helper.layout = Layout(*RECIPIENT_FIELDS, "request_key")

    @staticmethod
    def initial_for(contact_point: ContactPoint, user: object) -> dict[str, str]:
        """What the contact point has told us already, so that staff only check it."""
        return {
            "organisation": contact_point.name,
            "contact_person": user.get_full_name(),  # type: ignore[attr-defined]
            "email": user.email,  # type: ignore[attr-defined]
            "postal_address": contact_point.street_address,
            "postcode": contact_point.postcode,
            "place": contact_point.post_town,
        }

    def quantity_groups(self) -> list[tuple[Material, list[BoundField]]]:
        return [(material, [self[name] for name in names]) for material, names in self.quantity_fields]

    def clean_postcode(self) -> str:
        return valid_postcode(self.cleaned_data["postcode"])

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not self.lines() and not any(
            name in self.errors for _material, names in self.quantity_fields for name in names
        ):
            raise forms.ValidationError(_("Write how many you want of at least one material."))
        return data

    def lines(self) -> list[Line]:
        data = self.cleaned_data
        return [
            Line(material=material, language=name.rsplit("_", 1)[1], quantity=data[name])
            for material, names in self.quantity_fields
            for name in names
            if data.get(name)
        ]

    def recipient(self) -> Recipient:
        return Recipient(**{name: self.cleaned_data[name] for name in RECIPIENT_FIELDS})


class MaterialForm(CrispyModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages available"), choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Material
        fields = ["title", "description", "languages", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"is_active": _("Contact points can order it.")}

    def clean_languages(self) -> list[str]:
        chosen = set(self.cleaned_data["languages"])
        return [code for code in LANGUAGE_CODES if code in chosen]


class PrintLanguageForm(forms.Form):
    """The language a poster or card is printed in: staff choose it, whatever the page speaks."""

    language = forms.ChoiceField(label=_("Language on the poster"), choices=settings.LANGUAGES, required=False)

    def chosen(self) -> str:
        if self.is_valid() and self.cleaned_data["language"]:
            return str(self.cleaned_data["language"])
        current = get_language()
        return current if current in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
