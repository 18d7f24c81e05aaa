"""What a poster or a card says, in the language staff print it in, and which of its parts
are in bokmål.

Northern Sami is translated only in part (selvhjelp/i18n.py). A part with no Sami
translation is printed in bokmål and marked as bokmål, and the sheet says so in print:
that it is all in bokmål, or, when only some parts are, that the parts in italics are.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop

from contactpoints import ways as ways_of_meeting
from selvhjelp.i18n import language_of

POSTER = {
    "title": gettext_noop("Join a self-help group"),
    "lead": gettext_noop(
        "In a self-help group, a few people meet to talk about what is hard in life and to support each other. "
        "You share what you want to share. Nobody tells you what to do."
    ),
    "free": gettext_noop("It is free. You never pay anything."),
    "choice": gettext_noop("It is your own choice. Nobody can sign you up or send you to a group."),
    "mixed": gettext_noop(
        "The group is mixed. People come with different problems, so you do not have to say what yours is."
    ),
    "how": gettext_noop("You sign up with your email address. You do not need to give your name or say why."),
    # How groups meet at this contact point, its ways listed as on its page (contactpoints/ways.py).
    "meets": gettext_noop("Groups here meet %(ways)s."),
    "scan": gettext_noop("Scan the code with your phone's camera, or go to:"),
    "qr": gettext_noop("QR code for %(address)s"),
    "all_in_bokmal": gettext_noop(
        "This poster is in Norwegian (bokmål). It has not been translated into Northern Sami yet."
    ),
}
CARD = {
    "title": POSTER["title"],
    "lead": POSTER["lead"],
    "free": gettext_noop("Taking part is free and always your own choice. Nobody can sign up someone else."),
    # As the directory's cards say it, short enough to sit beside the code: "Meets in person · by video".
    "meets": ways_of_meeting.CARD,
    "scan": gettext_noop("Scan the code, or go to:"),
    "qr": POSTER["qr"],
    "all_in_bokmal": gettext_noop(
        "This card is in Norwegian (bokmål). It has not been translated into Northern Sami yet."
    ),
}
SOME_IN_BOKMAL = gettext_noop(
    "The text in italics is in Norwegian (bokmål). It has not been translated into Northern Sami yet."
)
# What the sheet says about itself, not what it tells its reader about self-help groups.
ABOUT_THE_SHEET = ("qr", "all_in_bokmal")


@dataclass(frozen=True)
class Part:
    """One text on the sheet, as printed, and the language it is printed in."""

    text: str
    language: str
    # Printed in bokmål on a sheet that is otherwise in the language chosen: set in italics.
    marked: bool = False

    def __str__(self) -> str:
        return self.text

    @property
    def attributes(self) -> SafeString:
        """The attributes of the element it is printed in: ``<h2 class="…"{{ part.attributes }}>``."""
        if self.marked:
            return format_html(' lang="{}" data-in-bokmal', self.language)
        return format_html(' lang="{}"', self.language)


@dataclass(frozen=True)
class Sheet:
    """A poster or card in the language staff chose, part by part."""

    language: str
    parts: Mapping[str, Part]
    # The language most of the sheet is in, for the sheet's own lang attribute.
    text_language: str
    # What the sheet says about the parts in bokmål, or None when it has none.
    note: Part | None


def _part(message: str, language: str, values: Mapping[str, str] | None = None) -> Part:
    with translation.override(language):
        text = gettext(message)
    return Part(text=text % values if values else text, language=language_of(message, language))


def _ways_part(message: str, language: str, ways: Sequence[str]) -> Part:
    """How groups meet: on a poster "Groups here meet in person or by video.", on a card
    "Meets in person · by video"; in ``language`` only if each message in it is."""
    on_a_card = message == ways_of_meeting.CARD
    with translation.override(language):
        said = ways_of_meeting.dotted(ways) if on_a_card else ways_of_meeting.listed(ways)
        text = gettext(message) % {"ways": said}
    messages = [message, *ways, *([ways_of_meeting.OR] if len(ways) > 1 and not on_a_card else [])]
    languages = {language_of(each, language) for each in messages}
    return Part(text=text, language=language if languages == {language} else settings.LANGUAGE_CODE)


def sheet(texts: Mapping[str, str], language: str, *, address: str, ways: Sequence[str] = ()) -> Sheet:
    """The sheet's ``texts`` in ``language``, each marked with the language it is printed in;
    ``ways``, how the contact point's groups meet (``contactpoints.ways.ways``), fill in "meets",
    which is left out without them."""
    texts = {name: message for name, message in texts.items() if name != "meets" or ways}
    parts = {
        name: _ways_part(message, language, ways)
        if name == "meets"
        else _part(message, language, {"address": address} if name == "qr" else None)
        for name, message in texts.items()
    }
    said = [name for name in texts if name not in ABOUT_THE_SHEET]
    in_bokmal = [name for name in said if parts[name].language != language]
    if not in_bokmal:
        return Sheet(language=language, parts=parts, text_language=language, note=None)
    if len(in_bokmal) == len(said):
        bokmal = settings.LANGUAGE_CODE
        return Sheet(language=language, parts=parts, text_language=bokmal, note=parts["all_in_bokmal"])
    for name in in_bokmal:
        parts[name] = Part(text=parts[name].text, language=parts[name].language, marked=True)
    return Sheet(language=language, parts=parts, text_language=language, note=_part(SOME_IN_BOKMAL, language))
