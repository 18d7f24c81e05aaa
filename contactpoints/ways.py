"""The ways a contact point's groups meet: in person, by telephone, by video.

Every card, page, email and printed sheet says them the same way, from here
(templates through ``{% load ways_of_meeting %}``): a card, on the screen or printed,
"Meets in person · by video", a page's facts "In person or by video", a poster "Groups here
meet in person or by video.", and over the lists for the whole country "Groups by telephone
or video, for the whole country".
"""

from collections.abc import Iterable, Sequence
from typing import Protocol

from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_noop


class Offering(Protocol):
    """A contact point, or an application to become one."""

    @property
    def offers_in_person(self) -> bool: ...
    @property
    def offers_telephone(self) -> bool: ...
    @property
    def offers_video(self) -> bool: ...


# Each way, as it follows "Meets" or "Groups here meet", in the order they are always listed.
WAYS = (
    ("offers_in_person", gettext_noop("in person")),
    ("offers_telephone", gettext_noop("by telephone")),
    ("offers_video", gettext_noop("by video")),
)
# The ways a list for the whole country meets, by the format a sign-up asks for them with.
REMOTE = (("telephone", "offers_telephone"), ("video", "offers_video"))
# What lists for the whole country offer, as a group meets: "Groups by telephone or video".
REMOTELY = {
    ("telephone",): gettext_noop("by telephone"),
    ("video",): gettext_noop("by video"),
    ("telephone", "video"): gettext_noop("by telephone or video"),
}
OR = gettext_noop("or")
CARD = gettext_noop("Meets %(ways)s")


def ways(place: Offering) -> list[str]:
    """The ways ``place`` offers, as messages still to translate."""
    return [message for field, message in WAYS if getattr(place, field)]


def listed(messages: Sequence[str]) -> str:
    """The ways, translated and listed as a sentence has them: "in person, by telephone or by video"."""
    return str(get_text_list([gettext(message) for message in messages], gettext(OR)))


def dotted(messages: Sequence[str]) -> str:
    """The ways, translated and set apart as a card sets them: "in person · by video"."""
    return " · ".join(gettext(message) for message in messages)


def meets(place: Offering) -> str:
    """For a card: "Meets in person · by video"."""
    return gettext(CARD) % {"ways": dotted(ways(place))}


def remotely(points: Iterable[Offering], wanted: str = "") -> str:
    """How the lists for the whole country in ``points`` meet, as "by telephone", "by video" or
    "by telephone or video"; for a person who asked for one way (``wanted``, a sign-up's format), that way.
    Empty when none of them meets by telephone or video."""
    points = list(points)
    # A person who asked for a way hears of that way only; one who did not, or asked to meet in person, of all.
    wanted_ways = [wanted] if wanted in dict(REMOTE) else [way for way, _ in REMOTE]
    offered = tuple(
        way for way, field in REMOTE if way in wanted_ways and any(getattr(point, field) for point in points)
    )
    return gettext(REMOTELY[offered]) if offered else ""
