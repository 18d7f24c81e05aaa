"""The calendar file (RFC 5545) that mail about a group carries: its first
meeting, and the follow-up meeting if the contact point will meet it again.

A file names no person: no attendee, no address, nickname or private link. It
comes from the contact point "via" the service, like the mail it is attached
to. Every version of a group's file has the same UIDs, and a higher SEQUENCE
than the one it must replace, so that a calendar updates the meeting it has
rather than adding another:

- ``INVITED``: the invitation, to everyone offered a seat; never the joining link.
- ``MEMBER``: to a member who said yes; a video group's joining link too.
- ``CANCELLED``: the meeting is off (METHOD:CANCEL), for everyone invited.

A move of the first meeting (``Group.changes``) raises every version above all
the files sent before it.
"""

import datetime
import enum
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress

from groups.models import Format, Group
from selvhjelp.mail import sender

FILENAME = "group-meeting.ics"
TZID = "Europe/Oslo"
OSLO = ZoneInfo(TZID)
MEETING_LENGTH = datetime.timedelta(minutes=90)

# Norway's clocks as every calendar program writes them (the EU rules since
# 1996): summer time from the last Sunday of March at 02:00 to the last Sunday
# of October at 03:00. Written out rather than generated, so that the onsets
# are the local times RFC 5545 asks for; a test holds it to the tz database.
_OSLO_VTIMEZONE = "\r\n".join(
    [
        "BEGIN:VTIMEZONE",
        f"TZID:{TZID}",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "TZNAME:CEST",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
        "",
    ]
)


class Version(enum.Enum):
    """Which file a person gets. The value is added to twice the group's
    ``changes`` to make the SEQUENCE: a member's file replaces the invitation's,
    a move replaces both, and a cancellation replaces every file before it."""

    INVITED = 0
    MEMBER = 1
    CANCELLED = 2


def attachment(*, group: Group, version: Version) -> tuple[str, bytes, str]:
    """(filename, content, mimetype) for EmailMessage.attach(); rendered in the active language."""
    method = "CANCEL" if version is Version.CANCELLED else "PUBLISH"
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SERVICE_NAME}//{settings.SERVICE_NAME}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(Timezone.from_ical(_OSLO_VTIMEZONE))
    stamp = timezone.now()
    contact_point = group.contact_point.name
    calendar.add_component(
        _event(
            group=group,
            version=version,
            uid=_uid(group),
            start=group.first_meeting,
            summary=_("Group meeting, %(contact_point)s") % {"contact_point": contact_point},
            stamp=stamp,
            first=True,
        )
    )
    if group.follow_up is not None:
        calendar.add_component(
            _event(
                group=group,
                version=version,
                uid=_uid(group, "-follow-up"),
                start=group.follow_up,
                summary=_("Follow-up meeting, %(contact_point)s") % {"contact_point": contact_point},
                stamp=stamp,
                first=False,
            )
        )
    return FILENAME, calendar.to_ical(), f"text/calendar; method={method}"


def _uid(group: Group, suffix: str = "") -> str:
    return f"{group.request_key}{suffix}@{urlsplit(settings.SITE_URL).hostname}"


def _event(
    *,
    group: Group,
    version: Version,
    uid: str,
    start: datetime.datetime,
    summary: str,
    stamp: datetime.datetime,
    first: bool,
) -> Event:
    cancelled = version is Version.CANCELLED
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", timezone.localtime(start, OSLO))
    event.add("duration", MEETING_LENGTH)
    event.add("sequence", 2 * group.changes + version.value)
    event.add("summary", summary)
    event.add("location", _location(group, version))
    event.add("description", _description(group, version, first=first))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Calendars shared with others, at work say, show such an event as busy only.
    event.add("class", "PRIVATE")
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = sender(group.contact_point.name)
    event.add("organizer", organizer)
    if _with_link(group, version):
        event.add("url", group.joining_link)
    return event


def _with_link(group: Group, version: Version) -> bool:
    """The joining link is for the members who said yes, and only while the group meets."""
    return group.format == Format.VIDEO and version is Version.MEMBER and bool(group.joining_link)


def _location(group: Group, version: Version) -> str:
    """Where, on one line: what a calendar shows under the meeting's name."""
    return " ".join(_place(group, version).split())


def _place(group: Group, version: Version) -> str:
    if group.format == Format.TELEPHONE:
        return _joined(_("By telephone"), group.place_details)
    if group.format == Format.VIDEO:
        if _with_link(group, version):
            return group.joining_link
        if version is Version.INVITED:
            return _("By video. You get the link when you say yes.")
        return _("By video")
    room = group.room
    return _joined(room.name if room else "", room.address if room else "", group.place_details)


def _description(group: Group, version: Version, *, first: bool) -> str:
    lines = []
    if version is Version.CANCELLED:
        lines.append(_("This meeting is cancelled."))
    lines.extend(_how(group, version))
    if first and version is not Version.CANCELLED:
        if group.follow_up is not None:
            date = formats.date_format(timezone.localtime(group.follow_up, OSLO), "WEEKDAY_DATETIME_FORMAT")
            lines.append(_("The contact point meets the group again on %(date)s.") % {"date": date})
        if group.starter_present:
            lines.append(
                _("Someone from the contact point will be there at the first meetings to help you get started.")
            )
    lines.append(_("To answer or change, use the link in the email."))
    return "\n".join(line for line in lines if line)


def _how(group: Group, version: Version) -> list[str]:
    """Where the group meets, or how to join it."""
    if group.format == Format.TELEPHONE:
        return [_joined(_("The group meets by telephone."), group.place_details, separator=" ")]
    if group.format == Format.VIDEO:
        if _with_link(group, version):
            return [
                _joined(_("The group meets by video."), group.place_details, separator=" "),
                f"{_('Join here:')} {group.joining_link}",
                group.joining_details.strip(),
            ]
        if version is Version.INVITED:
            how = _("By video. You get the link when you say yes.")
        else:
            how = _("The group meets by video.")
        return [_joined(how, group.place_details, separator=" ")]
    room = group.room
    where = ""
    if room is not None:
        where = f"{room.name}, {room.address}"
        if room.accessibility:
            where = f"{where} ({room.accessibility})"
    place = _joined(where, group.place_details, separator=". ")
    return [_joined(_("Where:"), place, separator=" ") if place else ""]


def _joined(*parts: str, separator: str = ", ") -> str:
    return separator.join(part.strip() for part in parts if part and part.strip())
