"""The public sign-up form and the form for changing one's preferences.

There is deliberately no field for a name, phone number, postcode, national
identity number, problem, diagnosis or referrer.
"""

import copy
import functools
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from contactpoints import languages as language_list
from contactpoints.models import ContactPoint
from groups.matching import PREFERENCE_FIELDS, formats_offered
from groups.models import ANY, AgeGroup, Format, SignUp, TimeOfDay
from groups.selectors import meets_as_asked, more_lists
from groups.services.signing_up import Preferences
from selvhjelp import pagecache
from selvhjelp.forms import field_of, no_control_characters


class _Choices(BaseChoiceIterator):
    """Choices made once and shared by every form that offers them: a field takes them as they are,
    without going through them again (``normalize_choices``), and a form's copy of the field shares
    them rather than copying them (they are never changed, only replaced)."""

    def __init__(self, choices: Iterable[tuple[str, object]]) -> None:
        self.choices = list(choices)

    def __iter__(self) -> Iterator[tuple[str, object]]:
        return iter(self.choices)

    def __copy__(self) -> "_Choices":
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> "_Choices":
        return self


@functools.cache
def _format_choices(offered: tuple[str, ...], shown: tuple[str, ...]) -> tuple[_Choices, _Choices]:
    """The ways a form takes (those offered and "Any of these"), and the ways it shows."""
    taken = [choice for choice in Format.choices if choice[0] in (*offered, ANY)]
    return _Choices(taken), _Choices(choice for choice in taken if choice[0] in shown)


class PreferencesMixin(forms.Form):
    nickname = forms.CharField(
        label=_("What may we call you?"),
        help_text=_("Used only to greet you in emails. Any name will do, or leave it empty."),
        max_length=40,
        required=False,
        validators=[no_control_characters],
    )
    format = forms.ChoiceField(
        label=_("How would you like to meet?"), choices=_Choices(Format.choices), initial=ANY, widget=forms.RadioSelect
    )
    time_of_day = forms.ChoiceField(
        label=_("When suits you?"), choices=_Choices(TimeOfDay.choices), initial=ANY, widget=forms.RadioSelect
    )
    languages = forms.MultipleChoiceField(
        label=_("Which languages can you take part in a group in?"),
        help_text=_("Tick all that fit."),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one language you can take part in a group in."),
            "invalid_choice": _("That is not a language this contact point starts groups in. Tick one of those shown."),
        },
    )
    age_group = forms.ChoiceField(
        label=_("Your age group"),
        help_text=_("Groups work best when members are within about 15 years of each other."),
        choices=_Choices(AgeGroup.choices),
        initial=ANY,
        widget=forms.RadioSelect,
    )

    @staticmethod
    def initial_for(signup: SignUp) -> dict[str, object]:
        return {name: getattr(signup, name) for name in ("nickname", *PREFERENCE_FIELDS)}

    def limit_languages(self, contact_point: ContactPoint, *, keep: Iterable[str] = ()) -> None:
        """Offer the languages the contact point starts groups in, each named in itself and in the
        page's language. A language a person ticked before the place stopped offering it stays
        on their list of choices (``keep``), so that changing other wishes does not drop it."""
        every, offered = language_list.every_and_offered(contact_point)
        codes = [*offered, *(code for code in keep if code not in offered and code in every)]
        field = field_of(self, "languages", forms.MultipleChoiceField)
        field.choices = pagecache.per_generation(
            f"groups.language_choices:{get_language()}:{','.join(codes)}",
            lambda: _Choices((code, language_list.label_html(every[code])) for code in codes),
            size=2 << 10,
        )
        if len(codes) == 1 and not self.initial.get("languages"):
            self.initial["languages"] = codes

    def limit_formats(self, contact_point: ContactPoint) -> None:
        """Offer the ways the contact point's groups meet, and "Any of these" when there is more than one."""
        offered = formats_offered(contact_point)
        if not offered:
            return
        shown = [*offered, ANY] if len(offered) > 1 else offered
        field = field_of(self, "format", forms.ChoiceField)
        # "Any of these" is still taken where there is one way, from a page served before the place
        # changed: there it means that way, and matches as it would.
        field.choices, field.widget.choices = _format_choices(tuple(offered), tuple(shown))
        # A wish the place does not offer starts as "Any of these", or as its one way.
        if self.initial.get("format", ANY) not in shown:
            self.initial["format"] = shown[-1]

    def preferences(self) -> Preferences:
        data = self.cleaned_data
        return Preferences(
            format=data["format"],
            time_of_day=data["time_of_day"],
            languages=tuple(sorted(data["languages"])),
            age_group=data["age_group"],
        )


PREFERENCE_LAYOUT = ("nickname", "format", "time_of_day", "languages", "age_group")

# The time trap: when the page with the form was served, signed, travels in a
# hidden field. A form sent back within seconds was filled in by a program; one
# sent back after many hours, or without a good stamp, is asked for again.
STARTED_FIELD = "started"
# The honeypot: a field nobody sees, hears or reaches by keyboard. Programs
# that fill in every field fill it in. Its name is one that browsers and
# password managers never fill in by themselves.
HONEYPOT_FIELD = "comment"


def started_stamp(at: float | None = None) -> str:
    """A signed stamp of when the form was served (``at``, seconds since the epoch)."""
    moment = int(time.time() if at is None else at)
    return signing.Signer(salt="groups.signup.started").sign(str(moment))


def stamp_age(stamp: str) -> float | None:
    """Seconds since the stamp was made; None for a stamp that is not ours."""
    try:
        return time.time() - int(signing.Signer(salt="groups.signup.started").unsign(stamp))
    except (signing.BadSignature, ValueError):
        return None


NOT_A_LIST = _("That list cannot be chosen here. Choose one of those shown, or none.")


@dataclass(frozen=True)
class _ListsOffered:
    """The other lists the form at one contact point offers, each kind as choices (None: none to offer),
    and the contact points behind them by the value a choice sends."""

    nearby: _Choices | None
    nationwide: _Choices | None
    points: dict[str, ContactPoint]


def _lists_offered(contact_point: ContactPoint, ways: tuple[str, ...]) -> _ListsOffered:
    """What ``more_lists`` offers at ``contact_point`` to a form whose ways to meet are ``ways``: worked out
    once per generation in a process (a change to any contact point makes a new one), not for every form."""

    def build() -> _ListsOffered:
        lists = more_lists(contact_point)
        nearby, nationwide = (
            [point for point in points if any(meets_as_asked(point, way) for way in ways)]
            for points in (lists.nearby, lists.nationwide)
        )
        return _ListsOffered(
            nearby=_choices(nearby),
            nationwide=_choices(nationwide),
            points={str(point.pk): point for point in [*nearby, *nationwide]},
        )

    return pagecache.per_generation(f"groups.lists_offered:{contact_point.pk}:{','.join(ways)}", build, size=4 << 10)


def _choices(points: list[ContactPoint]) -> _Choices | None:
    if not points:
        return None
    return _Choices([("", NO_THANK_YOU), *((str(point.pk), point.name) for point in points)])


NO_THANK_YOU = _("No, thank you")
# The fields that put a person on one more list: nearby, and nationwide.
MORE_LIST_FIELDS = ("also_nearby", "also_nationwide")


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

    # Optional: the lists of one more contact point nearby and of one nationwide list.
    also_nearby = forms.ChoiceField(
        label=_("A contact point nearby"),
        help_text=_("Another contact point in your county. You keep your place here too."),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": NOT_A_LIST},
    )
    also_nationwide = forms.ChoiceField(
        label=_("A list for the whole country"),
        help_text=_("These groups meet by telephone or video."),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": NOT_A_LIST},
    )

    field_order = ["email", "for_myself", "adult", "privacy"]

    def __init__(self, *args: object, contact_point: ContactPoint, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.limit_formats(contact_point)
        self.limit_languages(contact_point)
        self.contact_point = contact_point
        self.more_points: dict[str, ContactPoint] = {}
        if self.is_bound and not self.chose_more_lists():
            # Nothing to check against the lists offered: they are looked up only if the form is shown again.
            for name in MORE_LIST_FIELDS:
                del self.fields[name]
        else:
            self.more_offered  # noqa: B018 - offered before the form is checked
        # Set by clean(): the honeypot was filled in, so a program sent this.
        self.sent_by_a_program = False

    def chose_more_lists(self) -> bool:
        """Whether what was sent chooses another list, or sends something else than one answer "no"."""
        data = self.data
        sent = [data.getlist(name) if hasattr(data, "getlist") else [data.get(name)] for name in MORE_LIST_FIELDS]
        return any(len(values) > 1 or any(values) for values in sent)

    @cached_property
    def helper(self) -> FormHelper:
        """How the form is laid out: made only when it is shown, not for a form that is only checked."""
        helper = FormHelper()
        helper.form_tag = False
        more = self.more_offered
        helper.layout = Layout(
            Fieldset(_("About you"), "email", "for_myself", "adult", "privacy"),
            Fieldset(_("Your wishes for the group"), *PREFERENCE_LAYOUT),
            *([Fieldset(_("Also put me on the list at"), *more)] if more else []),
        )
        return helper

    @cached_property
    def more_offered(self) -> list[str]:
        """Offer the lists a person may also join from here; a field with none to offer is left out."""
        # Only lists that meet one of the ways this form lets a person choose.
        ways = tuple(value for value, _label in field_of(self, "format", forms.ChoiceField).widget.choices)
        offered = _lists_offered(self.contact_point, ways)
        self.more_points = offered.points
        names = []
        for name, choices in (("also_nearby", offered.nearby), ("also_nationwide", offered.nationwide)):
            if choices is None:
                self.fields.pop(name, None)
                continue
            if name not in self.fields:  # left out while the form was checked
                self.fields[name] = copy.deepcopy(self.base_fields[name])
            field_of(self, name, forms.ChoiceField).choices = choices
            names.append(name)
        return names

    def clean_more_lists(self) -> None:
        """One list of each kind at most, and only one that meets the way the person asked for."""
        way = self.cleaned_data.get("format", ANY)
        for name in MORE_LIST_FIELDS:
            if name not in self.fields or name not in self.cleaned_data:
                continue
            if hasattr(self.data, "getlist") and len(self.data.getlist(name)) > 1:
                self.add_error(name, _("Choose one list at most."))
                continue
            point = self.more_points.get(self.cleaned_data[name])
            if point is not None and not meets_as_asked(point, way):
                self.add_error(
                    name,
                    _("%(name)s has no groups that meet the way you chose. Choose another, or none.")
                    % {"name": point.name},
                )

    def more(self) -> list[ContactPoint]:
        """The other contact points whose lists the person chose, nearby first."""
        chosen = (self.cleaned_data.get(name) for name in MORE_LIST_FIELDS)
        return [self.more_points[value] for value in chosen if value]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        self.clean_more_lists()
        if self.data.get(HONEYPOT_FIELD):
            self.sent_by_a_program = True
        elif not self.errors:
            # Only once the rest is right: a person correcting a mistake is not
            # also told to wait.
            self.check_time_trap()
        return cleaned

    def check_time_trap(self) -> None:
        age = stamp_age(self.data.get(STARTED_FIELD, ""))
        if age is None or age > settings.SIGNUP_FORM_MAX_HOURS * 3600:
            raise ValidationError(
                _(
                    "This page was open for a long time, so we need you to send it once more. "
                    "Please look over your answers and press “Sign up”."
                ),
                code="stale",
            )
        if age < settings.SIGNUP_FORM_MIN_SECONDS:
            raise ValidationError(
                _(
                    "That was very quick. To keep out sign-ups sent by programs, we ask you to look over "
                    "your answers and press “Sign up” once more."
                ),
                code="too_fast",
            )

    def started_value(self) -> str:
        """The stamp to send with the form. A good one that came back is kept,
        so that a person asked to press the button again is not found too quick again."""
        if self.is_bound:
            stamp = str(self.data.get(STARTED_FIELD, ""))
            age = stamp_age(stamp)
            if age is not None and age <= settings.SIGNUP_FORM_MAX_HOURS * 3600:
                return stamp
        return started_stamp()


class PreferencesForm(PreferencesMixin):
    def __init__(self, *args: object, contact_point: ContactPoint, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.limit_formats(contact_point)
        self.limit_languages(contact_point, keep=self.initial.get("languages") or ())
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*PREFERENCE_LAYOUT)
