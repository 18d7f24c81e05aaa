"""Forms for contact-point staff. None of them can describe or add a person."""

import datetime
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contactpoints import languages as language_list
from contactpoints.models import GROUP_SIZE_MAX, GROUP_SIZE_MIN, ContactPoint, Room
from groups.matching import PLAN_FIELDS, Plan, formats_offered
from groups.models import ANY, GROUP_AGES, Format, Group, TimeOfDay
from groups.services.forming import GroupDetails, Meeting
from selvhjelp.forms import (
    PAGE_OUT_OF_DATE,
    THE_FORM,
    CrispyForm,
    CrispyModelForm,
    field_of,
    no_control_characters,
    valid_postcode,
)


class ContactPointForm(CrispyModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    languages = forms.MultipleChoiceField(
        label=_("Languages you can start groups in"),
        help_text=_("People who sign up here choose among these."),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one language you can start groups in."),
            "invalid_choice": _("That language is not on the list. Tick one of those shown."),
        },
    )

    class Meta:
        model = ContactPoint
        fields = [
            "description",
            "street_address",
            "postcode",
            "post_town",
            "opening_hours",
            "public_email",
            "public_phone",
            "website",
            "offers_in_person",
            "offers_telephone",
            "offers_video",
            "show_progress",
            "threshold",
            "seats",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = field_of(self, "languages", forms.MultipleChoiceField)
        field.choices = [
            (code, language_list.label_html(language)) for code, language in language_list.active_languages().items()
        ]
        if self.instance.pk:
            self.initial["languages"] = language_list.offered(self.instance)

    def model_fields(self) -> list[str]:
        """The fields saved on the contact point's own row (its languages are saved apart)."""
        return [name for name in self.fields if name != "languages"]

    def clean_postcode(self) -> str:
        return valid_postcode(self.cleaned_data["postcode"])

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not any(data.get(way) for way in ("offers_in_person", "offers_telephone", "offers_video")):
            raise forms.ValidationError(_("Offer groups in person, by telephone or by video (one or more)."))
        threshold, seats = data.get("threshold"), data.get("seats")
        if isinstance(threshold, int) and isinstance(seats, int) and seats < threshold:
            self.add_error("seats", _("A group needs at least as many seats as it takes to start it."))
        return data


SEATS_IN_A_ROOM = _("Give the number of seats, between 2 and 200.")


class RoomForm(CrispyModelForm):
    class Meta:
        model = Room
        fields = ["name", "address", "capacity", "accessibility"]
        widgets = {"accessibility": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"capacity": {"min_value": SEATS_IN_A_ROOM, "max_value": SEATS_IN_A_ROOM}}

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if not 2 <= capacity <= 200:
            raise forms.ValidationError(SEATS_IN_A_ROOM)
        return capacity


Label = TypeVar("Label")


def _concrete(choices: Sequence[tuple[str, Label]]) -> list[tuple[str, Label]]:
    return [choice for choice in choices if choice[0] != ANY]


class MeetingForm(CrispyForm):
    """When and where a group first meets: used to start a group and to move it."""

    first_meeting = forms.DateTimeField(
        label=_("First meeting"),
        help_text=_("The date and time the group first meets."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    )
    room = forms.ModelChoiceField(
        label=_("Room"), queryset=Room.objects.none(), required=False, empty_label=_("No room (telephone or video)")
    )
    place_details = forms.CharField(
        label=_("Where, or how to call in"),
        help_text=_("For a telephone group: the number to call and any code. For a room: how to find it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        validators=[no_control_characters],
    )
    joining_link = forms.URLField(
        label=_("Link to the video meeting"),
        help_text=_(
            "Only for a video group. Choose a video tool that runs in a web browser and that members can join "
            "without an account or an app. The link goes only to those who say yes, never to everyone invited."
        ),
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[no_control_characters],
    )
    joining_details = forms.CharField(
        label=_("How to join"),
        help_text=_("Only for a video group. For example: open the link in a browser, no account needed; any code."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        validators=[no_control_characters],
    )
    follow_up = forms.DateTimeField(
        label=_("Follow-up meeting"),
        help_text=_(
            "When someone from the contact point meets the group again, for example six weeks later. "
            "It is in the invitation, the calendar file and the getting-started guide."
        ),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        required=False,
    )

    def __init__(self, *args: object, contact_point: ContactPoint, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.contact_point = contact_point
        field_of(self, "room", forms.ModelChoiceField).queryset = contact_point.rooms.all()

    def clean_first_meeting(self) -> object:
        value = self.cleaned_data["first_meeting"]
        if value <= timezone.now():
            raise forms.ValidationError(_("The first meeting must be in the future."))
        return value

    def check_place(self, data: dict[str, object], format: object) -> None:
        """A group in a room needs a room or directions; a telephone group needs a way to call in;
        a video group a link, and no other group one."""
        if format == Format.IN_PERSON and not data.get("room") and not data.get("place_details"):
            self.add_error("room", _("Choose a room, or say where the group meets."))
        if format == Format.TELEPHONE and not data.get("place_details"):
            self.add_error("place_details", _("Say how the members call in."))
        if format == Format.VIDEO and not data.get("joining_link") and "joining_link" not in self.errors:
            self.add_error("joining_link", _("Give the link to the video meeting."))
        if format != Format.VIDEO:
            for name in ("joining_link", "joining_details"):
                if data.get(name):
                    self.add_error(name, _("Only a video group has a link to join. Leave this empty."))
        first, follow_up = data.get("first_meeting"), data.get("follow_up")
        if isinstance(first, datetime.datetime) and isinstance(follow_up, datetime.datetime) and follow_up <= first:
            self.add_error("follow_up", _("The follow-up meeting must be after the first meeting."))

    def meeting_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in Meeting.FIELDS if name in self.cleaned_data}

    def without_joining(self) -> None:
        """Groups that cannot meet by video have no link to join."""
        for name in ("joining_link", "joining_details"):
            del self.fields[name]


class GroupForm(MeetingForm):
    """Staff choose how, when and where. Who is chosen by the app."""

    format = forms.ChoiceField(label=_("How the group meets"), choices=_concrete(Format.choices))
    time_of_day = forms.ChoiceField(label=_("Time of day"), choices=_concrete(TimeOfDay.choices))
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[],
        help_text=_("Only people who ticked this language are invited."),
    )
    age_group = forms.ChoiceField(
        label=_("Age group"),
        choices=GROUP_AGES,
        help_text=_("Mixed ages: only people who did not give their age are invited."),
    )
    seats = forms.IntegerField(label=_("Seats"), min_value=GROUP_SIZE_MIN, max_value=GROUP_SIZE_MAX)
    starter_present = forms.BooleanField(
        label=_("A starter from the contact point comes to the first meetings"), required=False
    )
    request_key = forms.UUIDField(widget=forms.HiddenInput, label=THE_FORM, error_messages=PAGE_OUT_OF_DATE)

    field_order = [
        "format",
        "time_of_day",
        "language",
        "age_group",
        "first_meeting",
        "room",
        "place_details",
        "joining_link",
        "joining_details",
        "follow_up",
        "seats",
        "starter_present",
        "request_key",
    ]

    def __init__(self, *args: object, contact_point: ContactPoint, **kwargs: object) -> None:
        super().__init__(*args, contact_point=contact_point, **kwargs)
        offered = formats_offered(contact_point)
        field_of(self, "format", forms.ChoiceField).choices = [c for c in _concrete(Format.choices) if c[0] in offered]
        if Format.VIDEO not in offered:
            self.without_joining()
        every, offered_languages = language_list.every_and_offered(contact_point)
        field_of(self, "language", forms.ChoiceField).choices = [(code, every[code].name) for code in offered_languages]
        rooms = list(contact_point.rooms.all())
        if rooms and contact_point.offers_in_person:
            self.fields["room"].initial = rooms[0].pk
        # A group takes at least as many seats as it takes to start one: the
        # browser is told so too (min), not only the service after submitting.
        seats = field_of(self, "seats", forms.IntegerField)
        seats.min_value = contact_point.threshold
        # In place of the smallest size of any group, so that one number too few gets one message.
        seats.validators = [v for v in seats.validators if not isinstance(v, MinValueValidator)]
        seats.validators.append(MinValueValidator(contact_point.threshold))
        seats.widget.attrs["min"] = str(contact_point.threshold)
        self.fields["seats"].initial = contact_point.seats
        self.fields["request_key"].initial = uuid.uuid4()

    @staticmethod
    def initial_from(query: Mapping[str, str]) -> dict[str, object]:
        """A suggestion's plan, and a first meeting a week from today at a time that
        fits it, for staff to check and change: two clicks start the group."""
        initial: dict[str, object] = {name: query[name] for name in PLAN_FIELDS if name in query}
        if initial:
            hour = 12 if initial.get("time_of_day") == TimeOfDay.DAYTIME else 18
            day = timezone.localdate() + datetime.timedelta(days=7)
            initial["first_meeting"] = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
        return initial

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        self.check_place(data, data.get("format"))
        return data

    def plan(self) -> Plan:
        data = self.cleaned_data
        return Plan(
            format=data["format"],
            time_of_day=data["time_of_day"],
            language=data["language"],
            age_group=data["age_group"],
        )

    def details(self) -> GroupDetails:
        data = self.cleaned_data
        return GroupDetails(
            plan=self.plan(), seats=data["seats"], starter_present=data["starter_present"], **self.meeting_fields()
        )


class SeatsForm(CrispyForm):
    seats = forms.IntegerField(label=_("Seats"), min_value=GROUP_SIZE_MIN, max_value=GROUP_SIZE_MAX)


class MessageForm(CrispyForm):
    body = forms.CharField(
        label=_("Message"),
        help_text=_(
            "Sent by email to everyone waiting at your contact point, for example about an information meeting. "
            "Do not write anything about health. You will only see how many it went to."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        validators=[no_control_characters],
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if len(body) < 10:
            raise forms.ValidationError(_("Write a little more, so that people understand the message."))
        return body


class PauseForm(CrispyForm):
    message = forms.CharField(
        label=_("Message on your public page"),
        help_text=_("For example: “We are closed for the summer. Sign up again from 15 August.”"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        validators=[no_control_characters],
    )


class ColleagueForm(CrispyForm):
    email = forms.EmailField(
        label=_("Your colleague's work email address"),
        help_text=_("They get an email to set a password and sign in."),
        max_length=254,
        validators=[no_control_characters],
    )


class CloseForm(CrispyForm):
    understood = forms.BooleanField(
        label=_("I understand that the contact point closes for good"),
        error_messages={"required": _("Tick the box to close the contact point.")},
    )


class ChangeMeetingForm(MeetingForm):
    """A new time or place for a forming group's first meeting; who is invited stays the same."""

    # The group's number of changes when the form was made: a form made before
    # someone else's change is refused, not allowed to undo it.
    seen_changes = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, label=THE_FORM, error_messages=PAGE_OUT_OF_DATE
    )

    def __init__(self, *args: object, group: Group, **kwargs: object) -> None:
        initial = {name: getattr(group, name) for name in Meeting.FIELDS} | {
            "room": group.room_id,
            "seen_changes": group.changes,
        }
        super().__init__(*args, contact_point=group.contact_point, initial=initial, **kwargs)
        self.group = group
        if group.format != Format.VIDEO:
            self.without_joining()

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        self.check_place(data, self.group.format)
        return data

    def meeting(self) -> Meeting:
        return Meeting(**self.meeting_fields())
