"""Reads about sign-ups. Each returns counts or words, never people."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from contactpoints.models import ContactPoint
from groups import matching
from groups.models import SignUp


@dataclass(frozen=True)
class Progress:
    waiting: int
    needed: int


def progress(contact_point: ContactPoint) -> Progress:
    """For the public page: how many wait for the best-filled group, and how many more are needed."""
    best = matching.best_count(contact_point)
    return Progress(waiting=best, needed=max(0, contact_point.threshold - best))


def place_in_words(signup: SignUp) -> str:
    """Where a person stands in the queue, told in words rather than a precise number."""
    ahead = (
        SignUp.objects.waiting()
        .filter(contact_point_id=signup.contact_point_id, waiting_since__lt=signup.waiting_since)
        .count()
    )
    place = ahead + 1
    for bound in (5, 10, 20):
        if place <= bound:
            return _("You are among the first %(count)s on the list.") % {"count": bound}
    return _("More than 20 people have waited longer than you. Thank you for your patience.")
