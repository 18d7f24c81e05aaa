"""The application an organisation sends to become a contact point, and the request to be told
when a contact point opens where there is none."""

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from contactpoints.directory import fold, names_of
from contactpoints.models import Application, ContactPoint, County, Municipality
from contactpoints.notices import has_contact_point
from contactpoints.ways import WAYS
from selvhjelp.forms import CrispyForm, CrispyModelForm, field_of, no_control_characters, valid_postcode


def municipality_label(municipality: Municipality) -> str:
    """How a municipality is written in the list to choose from: by all its official names, and unique even
    where two share a name: "Tromsø – Romsa (Troms)", "Herøy (Nordland)"."""
    if municipality.name.endswith(")"):
        return municipality.display_name  # the name already says where it is
    return f"{municipality.display_name} ({municipality.county.name})"


def _written_forms(municipality: Municipality) -> set[str]:
    """The ways a person may write a municipality, folded: as listed, and as the list used to write it."""
    return {fold(municipality_label(municipality)), fold(f"{municipality.name} ({municipality.county.name})")}


def find_municipality(text: str) -> Municipality:
    """The current municipality a person typed, by number, by name (also its Sami or Kven name), or as listed."""
    text = " ".join(text.split())
    current = Municipality.objects.filter(is_current=True).select_related("county")
    if text.isdigit():
        found = list(current.filter(number=text.zfill(4)))
    else:
        # Folded, so that "Tromso" is Tromsø and "Karasjohka" Kárášjohka, as in the directory.
        wanted = fold(text)
        found = [m for m in current if wanted in _written_forms(m)]
        if not found:
            found = [m for m in current if wanted in {fold(name) for name in names_of(m.name, m.other_names)}]
    if len(found) == 1:
        return found[0]
    if found:
        raise forms.ValidationError(
            _("There is more than one %(name)s. Choose one from the list: %(choices)s.")
            % {"name": text, "choices": ", ".join(municipality_label(m) for m in found)}
        )
    raise forms.ValidationError(
        _("There is no municipality called “%(name)s”. Check the spelling, or write its four-digit number.")
        % {"name": text}
    )


class ApplicationForm(CrispyModelForm):
    municipality_name = forms.CharField(
        label=_("Municipality"),
        help_text=_("Where you are. Start typing and choose from the list, or write the municipality number."),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "municipalities", "autocomplete": "off"}),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Application
        fields = [
            "organisation",
            "kind",
            "street_address",
            "postcode",
            "post_town",
            "public_email",
            "public_phone",
            "website",
            "first_staff_email",
            "offers_in_person",
            "offers_telephone",
            "offers_video",
            "about",
        ]
        labels = {
            "organisation": _("Name of the organisation or the place"),
            "kind": _("What kind of place it is"),
            "street_address": _("Visiting address"),
            "postcode": _("Postcode"),
            "post_town": _("Post town"),
            "public_email": _("Public email address"),
            "public_phone": _("Public telephone"),
            "first_staff_email": _("Your work email address"),
            "offers_in_person": _("Groups that meet in person"),
            "offers_telephone": _("Groups that meet by telephone"),
            "offers_video": _("Groups that meet by video"),
            "about": _("Anything the regional coordinator should know"),
        }
        help_texts = {
            "street_address": _("Not needed if your groups meet only by telephone or video."),
            "organisation": _("As people know it, for example “Nordby frivilligsentral”."),
            "public_email": _(
                "Shown on your public page, for people who want to ask before they sign up. "
                "The regional coordinator also writes here about this application."
            ),
            "first_staff_email": _(
                "The first staff member's account. You get an email to set a password; "
                "you can then invite your colleagues."
            ),
            "about": _("For example who you are, and who will look after the contact point."),
        }
        widgets = {
            "about": forms.Textarea(attrs={"rows": 4}),
            "public_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "first_staff_email": forms.EmailInput(attrs={"autocomplete": "work email"}),
            "public_phone": forms.TextInput(attrs={"autocomplete": "tel"}),
        }

    field_order = ["organisation", "kind", "municipality_name"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "kind", forms.ChoiceField).choices = Application._meta.get_field("kind").choices or []
        self.helper.layout = Layout(
            Fieldset(_("Your organisation"), "organisation", "kind", "municipality_name"),
            Fieldset(
                _("What people will see"),
                "street_address",
                "postcode",
                "post_town",
                "public_email",
                "public_phone",
                "website",
            ),
            Fieldset(_("How groups can meet"), "offers_in_person", "offers_telephone", "offers_video"),
            Fieldset(_("You"), "first_staff_email", "about"),
        )

    def clean_municipality_name(self) -> str:
        text = self.cleaned_data["municipality_name"]
        self.instance.municipality = find_municipality(text)
        return text

    def clean_postcode(self) -> str:
        return valid_postcode(self.cleaned_data["postcode"])

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not any(data.get(field) for field, _way in WAYS):
            raise forms.ValidationError(_("Offer groups in person, by telephone or by video (one or more)."))
        # Only groups that meet in person need an address: a place whose groups meet by telephone or video needs none.
        if data.get("offers_in_person") and not (data.get("street_address") and data.get("postcode")):
            self.add_error("street_address", _("Give the address where groups can meet, with its postcode."))
        return data


def municipality_choices() -> list[str]:
    return [municipality_label(m) for m in Municipality.objects.filter(is_current=True).select_related("county")]


# A field nobody sees, hears or reaches by keyboard, as on the sign-up form: programs that fill in
# every field fill it in, and what they send is answered as if it were taken, and dropped.
HONEYPOT_FIELD = "comment"


class NoticeForm(CrispyForm):
    """Ask to be told, once, when a contact point opens in a municipality that has none."""

    municipality = forms.CharField(label=_("Your municipality"), max_length=10, widget=forms.Select)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send you a link to confirm. Nobody else will see your address."),
        max_length=254,
        validators=[no_control_characters],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    for_myself = forms.BooleanField(
        label=_("I am asking for myself"),
        error_messages={"required": _("You can only ask for yourself. Nobody can ask on behalf of someone else.")},
    )

    def __init__(self, *args: object, county: County | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.filter(is_current=True, county__is_current=True).exclude(
            pk__in=ContactPoint.objects.listed().values("municipality")
        )
        if county is not None:
            municipalities = municipalities.filter(county=county)
        field = field_of(self, "municipality", forms.CharField)
        field.widget.choices = [(m.number, municipality_label(m)) for m in municipalities.select_related("county")]
        # Set by clean(): the hidden field was filled in, so a program sent this.
        self.sent_by_a_program = False

    def clean_municipality(self) -> Municipality:
        number = self.cleaned_data["municipality"].strip()
        municipality = (
            Municipality.objects.filter(is_current=True, number=number).select_related("county").first()
            if number.isdigit()
            else None
        )
        if municipality is None:
            raise forms.ValidationError(_("We do not know that municipality. Choose yours from the list."))
        if has_contact_point(municipality):
            raise forms.ValidationError(
                _("%(name)s has a contact point already. Find it in the directory and sign up there.")
                % {"name": municipality.display_name},
                code="has_contact_point",
            )
        return municipality

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        self.sent_by_a_program = bool(self.data.get(HONEYPOT_FIELD))
        return cleaned
