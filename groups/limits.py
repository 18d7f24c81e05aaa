"""The public form's rate limits, and what an unusual burst of sign-ups at one
contact point sets off.

Two limits, both generous: sign-ups from one client address (many people share
one behind a mobile carrier or a workplace), and sign-ups at one contact point.
A sign-up a limit turns away is not counted, so a person who tries again later
is not kept out longer for trying.

More sign-ups at one contact point than ``SIGNUP_BURST_PER_CONTACT_POINT`` in
the window, or its limit being reached, holds the contact point's automatic
"enough are waiting" notice until its staff have looked (``threshold.hold_notices``).
"""

import logging
from collections.abc import Sequence

from django.conf import settings
from django.http import HttpRequest

from contactpoints.models import ContactPoint
from groups.services import threshold
from selvhjelp import ratelimit

logger = logging.getLogger(__name__)


def _reached(count: int, limit: int) -> bool:
    return limit > 0 and count >= limit


def admit_sign_up(
    *,
    request: HttpRequest,
    contact_point: ContactPoint,
    sent_by_a_program: bool,
    also_at: Sequence[ContactPoint] = (),
) -> bool:
    """Count a sign-up the form is about to accept; False if a limit turns it away.

    The other lists the person chose (``also_at``) count at their own contact
    points, so that a form elsewhere cannot fill a list past its limits.
    A sign-up caught by the honeypot counts against its client only, so that
    programs cannot hold a contact point's notices or turn people away there.
    """
    window = settings.SIGNUP_LIMIT_WINDOW_SECONDS
    client = ratelimit.Counter("signup-client", ratelimit.client_key(request), window)
    points = [(point, ratelimit.Counter("signup-point", str(point.pk), window)) for point in [contact_point, *also_at]]
    point_counters = [counter for _point, counter in points]
    # Counted at once, in one round trip; given back below if a limit turns it away.
    taken = ratelimit.take(client, *point_counters)
    if taken is None:
        return True  # The cache does not answer: take the sign-up rather than lose it.
    from_client, *at_points = taken.counts
    if _reached(from_client, settings.SIGNUP_LIMIT_PER_CLIENT):
        ratelimit.give_back(taken, client, *point_counters)
        logger.warning("The sign-up form turned a sign-up away: many came from one client address")
        return False
    if sent_by_a_program:
        ratelimit.give_back(taken, *point_counters)
        return True
    for (point, counter), at_point in zip(points, at_points, strict=True):
        if _reached(at_point, settings.SIGNUP_LIMIT_PER_CONTACT_POINT):
            ratelimit.give_back(taken, client, *point_counters)
            logger.warning("The sign-up form turned a sign-up away: many came at contact point %s", point.pk)
            if ratelimit.once_per_window(counter, "held-limit"):
                threshold.hold_notices(contact_point=point, turned_away=True)
            return False
    burst = settings.SIGNUP_BURST_PER_CONTACT_POINT
    for (point, counter), at_point in zip(points, at_points, strict=True):
        if burst > 0 and at_point + 1 > burst and ratelimit.once_per_window(counter, "held-burst"):
            threshold.hold_notices(contact_point=point, turned_away=False)
    return True
