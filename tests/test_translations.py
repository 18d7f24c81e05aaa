"""Norwegian bokmål is the site's default language, so every word a person reads must exist in bokmål.

These tests read the catalogue the translators keep (``locale/nb/LC_MESSAGES/django.po``), the
compiled file Django actually loads (``django.mo``), and the pages a person sees.
"""

import datetime
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import polib
import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from contactpoints.models import ContactPoint, County, Municipality
from selvhjelp.i18n import norwegian_is_bokmal, text_language
from selvhjelp.mail import build_message

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


# --- Nynorsk, English and Northern Sami -----------------------------------------------------------
#
# English is the source language: the msgids are English, so English needs no catalogue and has
# none (there is no locale/en). Nynorsk is complete, like bokmål. Northern Sami holds only the
# strings with a confident translation; every other string falls back to bokmål.

LOCALE = Path(settings.LOCALE_PATHS[0])
CATALOGUES = ("nb", "nn", "se")
COMPLETE = ("nb", "nn")
PLURAL_FORMS = {
    "nb": "nplurals=2; plural=(n != 1);",
    "nn": "nplurals=2; plural=(n != 1);",
    "se": "nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);",
}
# What a browser sends, by the language the page should then speak.
BROWSER_ASKS = {"nb": "nb-NO,nb;q=0.9", "nn": "nn-NO,nn;q=0.9", "en": "en-GB,en;q=0.9", "se": "se-NO,se;q=0.9"}


# Not named gettext/ngettext, so that makemessages does not take the strings below into the catalogues.
looked_up = translation.gettext
looked_up_plural = translation.ngettext


def catalogue_of(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def compiled_of(language: str) -> polib.MOFile:
    return polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))


def forms_of(entry: polib.POEntry, count: int) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(form, "") for form in range(count)]
    return [entry.msgstr]


def test_the_languages_are_named_in_themselves() -> None:
    assert settings.LANGUAGES == [
        ("nb", "Norsk bokmål"),
        ("nn", "Norsk nynorsk"),
        ("en", "English"),
        ("se", "Davvisámegiella"),
    ]
    assert settings.LANGUAGE_CODE == "nb", "Sami falls back to the default language: it must be bokmål"


@pytest.mark.parametrize("language", CATALOGUES)
def test_each_catalogue_is_labelled(language: str) -> None:
    catalogue = catalogue_of(language)

    assert catalogue.metadata["Language"] == language
    assert catalogue.metadata["Plural-Forms"] == PLURAL_FORMS[language]
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    assert not catalogue.metadata_is_fuzzy


@pytest.mark.parametrize("language", COMPLETE)
def test_every_string_is_translated(language: str) -> None:
    entries = live_entries(catalogue_of(language))

    untranslated = [describe(e) for e in entries if not all(text.strip() for text in forms_of(e, 2))]
    fuzzy = [describe(e) for e in entries if "fuzzy" in e.flags]

    assert entries, f"the {language} catalogue is empty"
    assert untranslated == [], f"a person would read English here ({language})"
    assert fuzzy == [], "fuzzy translations are not shown: check and unmark them"


def test_every_catalogue_holds_the_same_strings() -> None:
    """A string added to the templates and to one catalogue only would be English in the others."""

    def ids(language: str) -> set[tuple[str | None, str]]:
        return {(e.msgctxt, e.msgid) for e in live_entries(catalogue_of(language))}

    assert ids("nn") == ids("nb")
    assert ids("se") == ids("nb")


def test_english_is_the_source_and_needs_no_catalogue() -> None:
    assert not (LOCALE / "en").exists(), "the msgids are English: an en catalogue would only repeat them"
    with translation.override("en"):
        assert looked_up("Find a contact point") == "Find a contact point"


@pytest.mark.parametrize("language", CATALOGUES)
def test_each_catalogue_compiles(language: str, tmp_path: Path) -> None:
    """msgfmt (gettext, which makemessages needs anyway) checks formats, header and plural forms."""
    source = LOCALE / language / "LC_MESSAGES" / "django.po"
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        result = subprocess.run(  # noqa: S603 - our own file, no shell
            [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    else:  # Without gettext, polib still parses and compiles it.
        polib.pofile(str(source)).save_as_mofile(str(tmp_path / "django.mo"))
    assert polib.mofile(str(tmp_path / "django.mo")).metadata["Language"] == language


@pytest.mark.parametrize("language", ("nn", "se"))
def test_the_compiled_catalogue_is_up_to_date(language: str) -> None:
    """Django reads the .mo: run compilemessages after changing a .po."""

    def key(entry: polib.POEntry | polib.MOEntry) -> tuple[object, ...]:
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural.get(form, "") for form in range(len(entry.msgstr_plural)))
            return (entry.msgctxt, entry.msgid, entry.msgid_plural, forms)
        return (entry.msgctxt, entry.msgid, None, entry.msgstr)

    source = {key(e) for e in catalogue_of(language).translated_entries() if not e.obsolete}
    compiled = {key(e) for e in compiled_of(language) if e.msgid}

    assert compiled == source, f"run: python manage.py compilemessages -l {language}"


@pytest.mark.parametrize("language", ("nn", "se"))
def test_placeholders_survive_nynorsk_and_sami(language: str) -> None:
    broken = []
    for entry in live_entries(catalogue_of(language)):
        expected = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in forms_of(entry, 3 if language == "se" else 2):
            if text and set(PLACEHOLDER.findall(text)) != expected:
                broken.append(f"{describe(entry)} -> {text!r}")

    assert broken == []


def test_nynorsk_email_subjects_say_nothing_to_a_bystander() -> None:
    telling = [
        f"{describe(entry)} -> {entry.msgstr!r}"
        for entry in live_entries(catalogue_of("nn"))
        if any(path.endswith("-subject.txt") for path, _line in entry.occurrences)
        and re.search(r"\b(sjølvhjelp|helse|psyk|terap|diagnos|angst|sorg|avhengig|rus)", entry.msgstr, re.I)
    ]
    assert telling == []


def test_sami_never_falls_back_to_english() -> None:
    """The Sami .mo holds only Sami; what it lacks Django takes from bokmål, the default language.

    An entry in the .po with an empty msgstr is left out of the .mo by msgfmt, so Django looks it up
    in its fallback, the LANGUAGE_CODE catalogue (bokmål), not the English msgid.
    """
    bokmal = {(e.msgctxt, e.msgid): e for e in live_entries(catalogue_of("nb"))}
    compiled = [e for e in compiled_of("se") if e.msgid]

    assert compiled, "no Sami string at all"
    assert len(compiled) < len(bokmal), "Sami is partial: the rest must come from bokmål, not be copied"
    assert [e.msgid for e in compiled if not e.msgstr and not e.msgstr_plural] == []
    copied = [e.msgid for e in compiled if e.msgstr and e.msgstr == bokmal[(e.msgctxt, e.msgid)].msgstr]
    assert copied == [], "bokmål copied into the Sami catalogue: leave the entry empty instead"

    with translation.override("se"):
        assert looked_up("Yes") == "Juo"
        assert looked_up("Hello,") == "Bures,"
        assert looked_up("Find a contact point") == "Finn et kontaktpunkt"
        assert looked_up("Join a self-help group") == "Bli med i en selvhjelpsgruppe"
        assert looked_up("This field is required.") == "Dette må du fylle ut.", (
            "Django's own strings too, in our plain bokmål"
        )
        waiting = [
            looked_up_plural("%(counter)s person is waiting here.", "%(counter)s people are waiting here.", n)
            % {"counter": n}
            for n in (1, 2, 5)
        ]
    assert waiting == ["1 person venter her.", "2 personer venter her.", "5 personer venter her."]


def test_sami_dates_are_written_the_norwegian_way() -> None:
    with translation.override("se"):
        assert date_format(datetime.date(2026, 11, 23)) == "23. november 2026"
        assert date_format(datetime.date(2026, 11, 23), "SHORT_DATE_FORMAT") == "23.11.2026"
        assert translation.get_language_info("se")["name_local"] == "davvisámegiella"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("no", "nb"),
        ("no-NO", "nb"),
        ("no, en;q=0.8", "nb, en;q=0.8"),
        ("en-GB,no;q=0.5", "en-GB,nb;q=0.5"),
        ("nn-NO,no;q=0.9", "nn-NO,nb;q=0.9"),
        ("nb-NO", "nb-NO"),
        ("se-NO,nob", "se-NO,nob"),
    ],
)
def test_plain_norwegian_is_read_as_bokmal(header: str, expected: str) -> None:
    assert norwegian_is_bokmal(header) == expected


class PagesInEveryLanguageTests(TestCase):
    def test_a_browser_asking_for_norwegian_gets_bokmal(self) -> None:
        for header in ("no", "no-NO", "no,en;q=0.9", "no-NO,no;q=0.9,en-US;q=0.8,en;q=0.7"):
            with self.subTest(header):
                response = self.client.get("/", HTTP_ACCEPT_LANGUAGE=header)
                self.assertContains(response, '<html lang="nb"')
                self.assertContains(response, "Bli med i en selvhjelpsgruppe")

    def test_the_front_page_speaks_each_language(self) -> None:
        heading = {
            "nb": "Bli med i en selvhjelpsgruppe",
            "nn": "Bli med i ei sjølvhjelpsgruppe",
            "en": "Join a self-help group",
            "se": "Bli med i en selvhjelpsgruppe",  # no Sami yet: bokmål, never English
        }
        for language, header in BROWSER_ASKS.items():
            with self.subTest(language):
                response = self.client.get("/", HTTP_ACCEPT_LANGUAGE=header)
                self.assertEqual(response.status_code, 200)
                # Northern Sami's page is in bokmål, marked so (tests/selvhjelp/test_i18n.py).
                self.assertContains(response, f'<html lang="{text_language(language)}"')
                self.assertContains(response, heading[language])
                for code, name in settings.LANGUAGES:
                    self.assertContains(response, f'lang="{code}" hreflang="{code}"')
                    self.assertContains(response, name)
                if language != "en":
                    self.assertNotContains(response, "Join a self-help group")

    def test_the_language_chosen_with_the_switcher_sticks(self) -> None:
        response = self.client.get(reverse("choose_language", args=["se"]), {"neste": "/"}, follow=True)

        self.assertContains(response, f'<html lang="{text_language("se")}"')
        self.assertContains(response, 'lang="se" hreflang="se" aria-current="true"')

    def test_the_accessibility_statement_in_each_language(self) -> None:
        expected = {
            "nb": ("Tilgjengelighetserklæring", "Hva vi har testet, og hvordan"),
            "nn": ("Tilgjengeerklæring", "Kva vi har testa, og korleis"),
            "en": ("Accessibility statement", "What we tested, and how"),
            "se": ("Tilgjengelighetserklæring", "Hva vi har testet, og hvordan"),
        }
        for language, header in BROWSER_ASKS.items():
            with self.subTest(language):
                response = self.client.get(reverse("accessibility"), HTTP_ACCEPT_LANGUAGE=header)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f'<html lang="{text_language(language)}"')
                title, tested = expected[language]
                self.assertContains(response, f'<h1 class="ds-heading" data-size="xl">{title}</h1>', html=False)
                self.assertContains(response, tested)
                for fact in ("WCAG 2.1", "AA", "axe-core 4", "Chromium", "320", "1280", "JavaScript"):
                    self.assertContains(response, fact)
                self.assertContains(response, 'href="https://www.uutilsynet.no/"')
                self.assertContains(response, f'href="{reverse("directory")}"')
                self.assertContains(response, '<time datetime="2026-11-23">')

    def test_every_page_links_to_the_accessibility_statement(self) -> None:
        response = self.client.get(reverse("privacy"))

        self.assertContains(response, f'href="{reverse("accessibility")}"')


@pytest.mark.parametrize(
    ("locale", "greeting", "sentence"),
    [
        ("nb", "Hei Kari,", "Bekreft at du vil stå på listen hos Sentral A."),
        ("nn", "Hei Kari,", "Stadfest at du vil stå på lista hos Sentral A."),
        ("en", "Hello Kari,", "Please confirm that you want to be on the list at Sentral A."),
        ("se", "Bures Kari,", "Bekreft at du vil stå på listen hos Sentral A."),
    ],
)
def test_an_email_is_written_in_the_recipients_language(locale: str, greeting: str, sentence: str) -> None:
    """The same call the outbox makes, with the language stored on the sign-up."""
    context = {
        "contact_point": SimpleNamespace(name="Sentral A"),
        "signup": SimpleNamespace(nickname="Kari"),
        "confirm_hours": 48,
        "link": "https://selvhjelp.example/p/token/",
    }
    with translation.override("en"):  # whatever the sender's request speaks
        message = build_message(name="confirm", context=context, to="kari@example.org", locale=locale)

    html = message.alternatives[0][0]
    subjects = {
        "nb": "Bekreft e-postadressen din",
        "nn": "Stadfest e-postadressa di",
        "en": "Please confirm your email address",
        "se": "Bekreft e-postadressen din",
    }
    assert message.subject == subjects[locale]
    assert greeting in message.body and sentence in message.body
    assert f'lang="{locale}"' in html
    assert greeting in html
    if locale != "en":
        assert "Please confirm" not in message.body
