"""Norwegian bokmål is the site's default language, so every word a person reads must exist in bokmål.

These tests read the catalogue the translators keep (``locale/nb/LC_MESSAGES/django.po``), the
compiled file Django actually loads (``django.mo``), and the pages a person sees.
"""

import re
from pathlib import Path

import polib
from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from contactpoints.models import ContactPoint, County, Municipality

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "nb" / "LC_MESSAGES"
SOURCE = CATALOGUE / "django.po"
COMPILED = CATALOGUE / "django.mo"

# %(name)s, %(count)d ... as Python and Django's {% blocktranslate %} write them.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]")

# A subject line is read by anyone who glances at the screen: it must not say what the mail is about.
# Matched at the start of a word, so that "rus" (rusavhengighet) does not catch "trust".
BYSTANDER_WORDS = re.compile(
    r"\b(self-help|selvhjelp|health|helse|mental|psyk|therap|terap|diagnos|depres|angst|anxiety|grief|sorg"
    r"|addict|avhengig|rus)",
    re.IGNORECASE,
)


def source_catalogue() -> polib.POFile:
    return polib.pofile(str(SOURCE))


def live_entries(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete]


def translations_of(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(form, "") for form in range(2)]
    return [entry.msgstr]


def describe(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:3])
    return f"{entry.msgid!r} ({where})"


def test_the_catalogue_is_labelled_bokmal() -> None:
    catalogue = source_catalogue()

    assert catalogue.metadata["Language"] == "nb"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    assert not catalogue.metadata_is_fuzzy, "the header is still marked fuzzy"


def test_every_bokmal_string_is_translated() -> None:
    catalogue = source_catalogue()
    entries = live_entries(catalogue)

    untranslated = [describe(e) for e in entries if not all(text.strip() for text in translations_of(e))]
    fuzzy = [describe(e) for e in entries if "fuzzy" in e.flags]
    plural_forms_missing = [describe(e) for e in entries if e.msgid_plural and sorted(e.msgstr_plural) != [0, 1]]

    assert entries, "the bokmål catalogue is empty"
    assert untranslated == [], "a person would read English here"
    assert fuzzy == [], "fuzzy translations are not shown: check and unmark them"
    assert plural_forms_missing == [], "bokmål has two plural forms: one and many"


def test_the_compiled_catalogue_matches_the_source() -> None:
    """Django reads the .mo, not the .po: forgetting compilemessages would ship English."""
    assert COMPILED.exists(), "run: python manage.py compilemessages -l nb"

    def key(entry: polib.POEntry | polib.MOEntry) -> tuple[object, ...]:
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural.get(form, "") for form in range(2))
            return (entry.msgctxt, entry.msgid, entry.msgid_plural, forms)
        return (entry.msgctxt, entry.msgid, None, entry.msgstr)

    source = {key(e) for e in source_catalogue().translated_entries() if not e.obsolete}
    compiled = {key(e) for e in polib.mofile(str(COMPILED)) if e.msgid}

    assert compiled - source == set(), "the .mo holds translations the .po no longer has"
    assert source - compiled == set(), "the .po has translations not compiled yet"


def test_placeholders_survive_translation() -> None:
    broken = []
    for entry in live_entries(source_catalogue()):
        expected = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in translations_of(entry):
            if text and set(PLACEHOLDER.findall(text)) != expected:
                broken.append(f"{describe(entry)} -> {text!r}")

    assert broken == [], "a missing placeholder loses a name or number; an unknown one crashes the page"


def test_email_subjects_say_nothing_to_a_bystander() -> None:
    subjects = [
        entry
        for entry in live_entries(source_catalogue())
        if any(path.endswith("-subject.txt") for path, _line in entry.occurrences)
    ]
    telling = [
        f"{describe(entry)} -> {text!r}"
        for entry in subjects
        for text in [entry.msgid, *translations_of(entry)]
        if BYSTANDER_WORDS.search(text)
    ]

    assert subjects, "no email subject found in the catalogue"
    assert telling == []


class PagesInBokmalTests(TestCase):
    def test_the_front_page_speaks_bokmal_by_default(self) -> None:
        response = self.client.get("/")

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="nb"')
        self.assertContains(response, "Bli med i en selvhjelpsgruppe")
        self.assertContains(response, "Ingen ser e-postadressen din, heller ikke de ansatte på kontaktpunktet.")
        self.assertNotContains(response, "Join a self-help group")

    def test_the_front_page_speaks_english_when_asked(self) -> None:
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="en")

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="en"')
        self.assertContains(response, "Join a self-help group")
        self.assertNotContains(response, "Bli med i en selvhjelpsgruppe")

    def test_the_signup_form_in_bokmal_names_the_contact_point(self) -> None:
        """A translated sentence with a placeholder still carries the contact point's name."""
        municipality = Municipality.objects.create(
            number="0301", name="Oslo", county=County.objects.create(number="03", name="Oslo")
        )
        ContactPoint.objects.create(
            slug="sentral-a", name="Sentral A", kind=ContactPoint.Kind.FRIVILLIGSENTRAL, municipality=municipality
        )

        response = self.client.get(reverse("signup", args=["sentral-a"]))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Meld deg på hos Sentral A")
        self.assertContains(response, "Hva kan vi kalle deg?")
        self.assertContains(response, "Jeg er 18 år eller eldre")
