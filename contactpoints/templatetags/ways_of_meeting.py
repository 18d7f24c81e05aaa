"""The ways a contact point's groups meet, said the same way on every page and in every email
(contactpoints/ways.py)::

    {% load ways_of_meeting %}
    {% meets point %}                               Meets in person · by video
    {% ways_of_meeting contact_point %}             In person or by video
    {% remotely nationwide signup.format as by %}   by telephone or video
"""

from collections.abc import Iterable

from django import template
from django.utils.text import capfirst

from contactpoints import ways
from contactpoints.ways import Offering

register = template.Library()


@register.simple_tag
def meets(place: Offering) -> str:
    """For a card: every way the place meets, "Meets in person · by telephone · by video"."""
    return ways.meets(place)


@register.simple_tag
def ways_of_meeting(place: Offering) -> str:
    """For a place's facts: "In person, by telephone or by video"."""
    return str(capfirst(ways.listed(ways.ways(place))))


@register.simple_tag
def remotely(points: Iterable[Offering], wanted: str = "") -> str:
    """How lists for the whole country meet, for a heading or a sentence: "by telephone or video";
    for a person who asked for one way (``wanted``), that way."""
    return ways.remotely(points, wanted)
