"""The getting-started guide: how a self-organised group runs itself.

One text, used by the email every member receives at hand-off and by the
public, printable guide page, so that the two never drift apart.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HOW_A_GROUP_RUNS_ITSELF: list[Promise] = [
    _("Agree on a regular time and place, and on how long each meeting lasts."),
    _("Take turns to open and close the meeting. Everyone gets time to speak, and nobody has to."),
    _("Talk about your own experience. Listen without giving advice unless someone asks for it."),
    _("What is said in the group stays in the group."),
    _("If you cannot come to a meeting, tell the group."),
    _("Everyone takes part on their own responsibility. There is no leader and no therapist."),
    _("New members may join if the group agrees."),
]
