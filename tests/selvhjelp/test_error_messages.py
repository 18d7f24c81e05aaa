"""Every error a form on the site shows is in plain words, in bokmål and in nynorsk.

Every form a person or staff member fills in is sent empty, with wrong kinds of
values (too long, not a number, not an address, a choice that is not offered),
and with values out of range, plus the mistakes its own checks look for. Each
error it answers with must come from the project's catalogue, written for this
site, and never be Django's stock translation (“Feltet er påkrevet.”). Django's
own messages are rewritten through ``selvhjelp.stock_messages``.

The admin is not covered.
"""

import datetime
import re
import time
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import django
import polib
from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.test import RequestFactory
from django.urls import get_resolver
from django.utils import timezone, translation

from accounts.forms import CodeForm, ForgotPasswordForm, NewCodeForm, PasswordForm
from contactpoints.forms import ApplicationForm, NoticeForm
from contactpoints.views import DirectoryForm
from figures.forms import DeclineForm, LanguageForm, QuestionForm
from figures.views import MonthForm
from groups.forms import PreferencesForm, SignUpForm, started_stamp
from groups.models import Format, Group
from materials.forms import MaterialForm, OrderForm, PrintLanguageForm
from materials.models import Material
from selvhjelp import stock_messages
from staff.forms import (
    ChangeMeetingForm,
    CloseForm,
    ColleagueForm,
    ContactPointForm,
    GroupForm,
    MessageForm,
    PauseForm,
    RoomForm,
    SeatsForm,
)
from tests.base import Personas, signup_data

OUR_APPS = ("selvhjelp", "outbox", "accounts", "contactpoints", "groups", "staff", "figures", "materials")
# Shared bases: no page shows them as they are.
BASES = {"CrispyForm", "CrispyModelForm", "PreferencesMixin", "MeetingForm"}
# %(name)s, %(name)d, %s, %d: whatever Django or we put in.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdr]")
DJANGO = Path(django.__file__).parent
DJANGO_CATALOGUES = ("conf/locale", "contrib/auth/locale")
# 02:30 on the night the clocks go forward in Norway does not exist.
NO_SUCH_TIME = "2027-03-28T02:30"


def as_pattern(text: str) -> re.Pattern[str] | None:
    """A message with its placeholders filled in by anything; None for one too short to tell apart."""
    literal = PLACEHOLDER.split(text)
    if len("".join(literal).strip()) < 8:
        return None
    return re.compile(".+?".join(re.escape(part) for part in literal) + r"\Z", re.S)


def texts(entry: polib.POEntry, *, translated: bool) -> list[str]:
    if not translated:
        return [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
    if entry.msgid_plural:
        return [text for text in entry.msgstr_plural.values() if text]
    return [entry.msgstr] if entry.msgstr else []


@cache
def patterns(files: tuple[Path, ...], *, translated: bool) -> dict[str, re.Pattern[str]]:
    """The messages of some catalogues, as patterns, keyed by the English msgid."""
    found: dict[str, re.Pattern[str]] = {}
    for path in files:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            for text in texts(entry, translated=translated):
                if pattern := as_pattern(text):
                    found.setdefault(text, pattern)
    return found


def django_catalogues(language: str) -> tuple[Path, ...]:
    return tuple(DJANGO / where / language / "LC_MESSAGES" / "django.po" for where in DJANGO_CATALOGUES)


def ours(language: str) -> tuple[Path, ...]:
    return (Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po",)


def matching(message: str, found: dict[str, re.Pattern[str]]) -> list[str]:
    return [text for text, pattern in found.items() if pattern.match(message)]


def listed_stock_messages() -> set[str]:
    plural = {text for pair in stock_messages.PLURAL_MESSAGES for text in pair}
    return set(stock_messages.MESSAGES) | plural


def form_classes() -> set[type[forms.BaseForm]]:
    """Every form class of the site's pages: the URLconf imports every view and, through them, every form."""
    get_resolver().url_patterns  # noqa: B018 - imports every view
    found: set[type[forms.BaseForm]] = set()
    pending = list(forms.BaseForm.__subclasses__())
    while pending:
        kind = pending.pop()
        pending.extend(kind.__subclasses__())
        module = kind.__module__
        if module.split(".")[0] in OUR_APPS and ".admin" not in module and kind.__name__ not in BASES:
            found.add(kind)
    return found


# Values of the wrong kind, too small and too big, for each kind of field.
def wrong(field: forms.Field) -> object:
    if isinstance(field, forms.MultipleChoiceField):
        return ["nonsense"]
    if isinstance(field, forms.ModelChoiceField):
        return "999999999"
    if isinstance(field, forms.ChoiceField):
        return "nonsense"
    if isinstance(field, forms.IntegerField):
        return "twelve"
    if isinstance(field, forms.DateTimeField):
        return "next tuesday"
    if isinstance(field, forms.UUIDField):
        return "not-a-key"
    if isinstance(field, forms.EmailField):
        return "kari-at-example.org"
    if isinstance(field, forms.URLField):
        return "our web page"
    if isinstance(field, forms.BooleanField):
        return ""
    assert isinstance(field, forms.CharField), f"no wrong value for a {type(field).__name__}"
    return "x" * ((field.max_length or 5000) + 1)


def too_small(field: forms.Field) -> object:
    if isinstance(field, forms.IntegerField):
        return -1 if field.min_value is None else int(field.min_value) - 1
    if isinstance(field, forms.DateTimeField):
        return "2020-01-01T18:00"
    if isinstance(field, forms.MultipleChoiceField):
        return "not a list"
    if isinstance(field, forms.ModelChoiceField):
        return "a room"
    if isinstance(field, forms.EmailField | forms.URLField):
        return "x" * 300 + ".example.org"
    if isinstance(field, forms.CharField):
        return "Nordby\x00sentral"
    return wrong(field)


def too_big(field: forms.Field) -> object:
    if isinstance(field, forms.IntegerField):
        return 40000 if field.max_value is None else int(field.max_value) + 1
    if isinstance(field, forms.DateTimeField):
        return NO_SUCH_TIME
    if isinstance(field, forms.CharField) and not isinstance(field, forms.EmailField | forms.URLField):
        return "Nordby\u200bsentral"  # a zero-width space, as copied from a word processor
    return wrong(field)


Maker = Callable[[dict[str, object]], forms.BaseForm]


class EveryFormOfTheSite(Personas):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.poster = Material.objects.create(title="Plakat", languages=["nb", "en"])
        cls.room = cls.point_b.rooms.create(name="Møterommet", address="Storgata 1", capacity=10)

    def makers(self) -> dict[type[forms.BaseForm], Maker]:
        """How each form of the site is made, as its page makes it."""
        group = Group(
            contact_point=self.point_b,
            format=Format.TELEPHONE,
            first_meeting=timezone.now() + datetime.timedelta(days=3),
            place_details="Ring 22 00 00 00",
            seats=6,
        )
        request = RequestFactory().post("/sign-in/")
        return {
            PasswordForm: lambda data: PasswordForm(request, data=data),
            CodeForm: CodeForm,
            NewCodeForm: NewCodeForm,
            ForgotPasswordForm: ForgotPasswordForm,
            SetPasswordForm: lambda data: SetPasswordForm(self.staff_a, data),
            ApplicationForm: ApplicationForm,
            DirectoryForm: DirectoryForm,
            SignUpForm: lambda data: SignUpForm(data, contact_point=self.point_b),
            PreferencesForm: lambda data: PreferencesForm(data, contact_point=self.point_b),
            ContactPointForm: lambda data: ContactPointForm(data, instance=self.point_a),
            RoomForm: RoomForm,
            GroupForm: lambda data: GroupForm(data, contact_point=self.point_b),
            SeatsForm: SeatsForm,
            MessageForm: MessageForm,
            PauseForm: PauseForm,
            ColleagueForm: ColleagueForm,
            CloseForm: CloseForm,
            ChangeMeetingForm: lambda data: ChangeMeetingForm(data, group=group),
            QuestionForm: QuestionForm,
            DeclineForm: DeclineForm,
            MonthForm: MonthForm,
            OrderForm: lambda data: OrderForm(data, materials=[self.poster]),
            MaterialForm: MaterialForm,
            PrintLanguageForm: PrintLanguageForm,
            LanguageForm: LanguageForm,
            NoticeForm: lambda data: NoticeForm(data, county=None),
        }

    def mistakes(self) -> dict[type[forms.BaseForm], list[dict[str, object]]]:
        """What each form's own checks look for, beyond the kind of each value."""
        future = (timezone.localtime() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT18:00")
        group = {"time_of_day": "evening", "language": "no", "age_group": "any", "first_meeting": future}
        return {
            PasswordForm: [{"username": "staff-a@work.example", "password": "not-the-password"}],
            NewCodeForm: [{"code": "abc123"}],
            SetPasswordForm: [
                {"new_password1": "a-long-password-1", "new_password2": "a-long-password-2"},
                {"new_password1": "short", "new_password2": "short"},
                {"new_password1": "123456789012", "new_password2": "123456789012"},
                {"new_password1": "qwerty123456", "new_password2": "qwerty123456"},
                {"new_password1": "staff-a@work.example", "new_password2": "staff-a@work.example"},
            ],
            ApplicationForm: [
                {"municipality_name": "Atlantis", "offers_in_person": "on", "public_email": "post@a.example"},
                {"municipality_name": "0301", "offers_in_person": "", "offers_telephone": ""},
            ],
            ContactPointForm: [
                {"threshold": "8", "seats": "6", "offers_in_person": "on", "languages": ["no"]},
                {"threshold": "5", "seats": "6", "offers_in_person": "on", "languages": ["no", "xx"]},
            ],
            SignUpForm: [
                signup_data(started=started_stamp(time.time() - 3 * 24 * 3600)),
                signup_data(started=started_stamp()),
                signup_data(languages=["xx"]),
            ],
            LanguageForm: [
                {"code": "ar", "autonym": "x", "name_nb": "x", "name_nn": "x", "name_en": "x", "order": "1"},
                {"code": "A1", "autonym": "x", "name_nb": "x", "name_nn": "x", "name_en": "x", "order": "1"},
            ],
            RoomForm: [{"name": "Rom", "address": "Gata 1", "capacity": "1"}],
            GroupForm: [
                {**group, "format": "in_person", "seats": "4", "request_key": str(uuid.uuid4())},
                {**group, "format": "telephone", "seats": "8", "request_key": str(uuid.uuid4())},
            ],
            ChangeMeetingForm: [{"first_meeting": future, "place_details": "", "seen_changes": "0"}],
            MessageForm: [{"body": "Hei"}],
            OrderForm: [
                {
                    "organisation": "Sentral A",
                    "contact_person": "Kari",
                    "email": "kari@example.org",
                    "postal_address": "Gata 1",
                    "postcode": "12a4",
                    "place": "Oslo",
                    "request_key": str(uuid.uuid4()),
                }
            ],
        }

    def sent(self) -> Iterator[tuple[str, forms.BaseForm]]:
        """Every form, sent empty, wrong, too small, too big, and with its own mistakes."""
        for kind, make in self.makers().items():
            blank = make({})
            fields = blank.fields
            yield f"{kind.__name__} empty", blank
            for name, values in (("wrong", wrong), ("too small", too_small), ("too big", too_big)):
                yield f"{kind.__name__} {name}", make({key: values(field) for key, field in fields.items()})
            for index, data in enumerate(self.mistakes().get(kind, [])):
                yield f"{kind.__name__} mistake {index}", make(data)

    def errors(self, language: str) -> dict[str, set[str]]:
        """Every error message shown, in a language, with the forms that show it."""
        shown: dict[str, set[str]] = {}
        with translation.override(language):
            for where, form in self.sent():
                for messages in form.errors.values():
                    for message in messages:
                        shown.setdefault(str(message), set()).add(where)
        return shown

    def test_every_form_of_the_site_is_checked(self):
        self.assertEqual(
            {kind.__name__ for kind in form_classes()} - {kind.__name__ for kind in self.makers()},
            set(),
            "a new form: add it to makers() so that its errors are checked too",
        )

    def test_every_stock_message_a_form_shows_is_listed_to_be_rewritten(self):
        stock = patterns(django_catalogues("en"), translated=False)
        listed = listed_stock_messages()
        # A message may fit more than one of Django's patterns ("Enter a valid %(protocol)s address."):
        # it is listed when the one it came from is.
        found = {message: matching(message, stock) for message in self.errors("en")}
        unlisted = {message: msgids for message, msgids in found.items() if msgids and not listed & set(msgids)}
        self.assertEqual(unlisted, {}, "add these to selvhjelp/stock_messages.py, with plain words for them")

    def test_the_listed_stock_messages_are_spelt_as_django_spells_them(self):
        django_msgids = {
            entry.msgid_plural or entry.msgid: entry
            for path in django_catalogues("en")
            for entry in polib.pofile(str(path))
        }
        singular = {entry.msgid for entry in django_msgids.values()}
        pairs = {(entry.msgid, entry.msgid_plural) for entry in django_msgids.values() if entry.msgid_plural}
        self.assertEqual(set(stock_messages.MESSAGES) - singular, set())
        self.assertEqual(set(stock_messages.PLURAL_MESSAGES) - pairs, set())

    def test_every_error_is_in_our_own_plain_words_in_bokmal_and_nynorsk(self):
        for language in ("nb", "nn"):
            with self.subTest(language=language):
                stock = patterns(django_catalogues(language), translated=True)
                own = patterns(ours(language), translated=True)
                errors = self.errors(language)
                self.assertGreater(len(errors), 30)
                stock_wording = {m: sorted(w)[:3] for m, w in errors.items() if matching(m, stock)}
                not_ours = {m: sorted(w)[:3] for m, w in errors.items() if not matching(m, own)}
                self.assertEqual(stock_wording, {}, f"Django's own wording in {language}")
                self.assertEqual(not_ours, {}, f"not from the {language} catalogue")

    def test_a_time_that_does_not_exist_when_the_clocks_change_is_explained(self):
        with translation.override("en"):
            form = self.makers()[ChangeMeetingForm]({"first_meeting": NO_SUCH_TIME, "seen_changes": "0"})
            self.assertIn("time zone Europe/Oslo", form.errors["first_meeting"][0])
