"""The calendar file that mail about a group carries, read the way calendars read
it: by the icalendar library, and by ical.js, the parser of Thunderbird's calendar
(installed from npm on the first run, into .cache/, which git ignores)."""

import datetime
import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.test import override_settings
from django.utils import timezone, translation

from contactpoints.models import ContactPoint, Room
from groups import calendar
from groups.calendar import Version
from groups.matching import Plan
from groups.models import Group
from groups.services import changing, forming
from tests.base import InEnglish, Personas, waiting_person

OSLO = ZoneInfo("Europe/Oslo")
NEXT_YEAR = timezone.now().year + 1
SUMMER_EVENING = datetime.datetime(NEXT_YEAR, 6, 15, 18, 0, tzinfo=OSLO)  # 16:00 UTC
WINTER_EVENING = datetime.datetime(NEXT_YEAR, 1, 12, 18, 30, tzinfo=OSLO)  # 17:30 UTC
JOINING_LINK = "https://video.example/rom/4f2a-91?pwd=Hemmelig"
JOINING_DETAILS = "Meeting code 918 274, password Blåbær"
ORGANIZER = "noreply@gruppestart.example"
# Words that would tell a bystander what the meeting is about.
TELLTALE = re.compile(
    r"selvhjelp|sjølvhjelp|self[- ]?help|helse|health|mental|psyki|psych|diagnos|depres|angst|anxiety|"
    r"sykdom|illness|\brus\b|addict|avhengig|sorg\b|grief|terapi|therap|mestring",
    re.IGNORECASE,
)
NB_WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

ICAL_JS_VERSION = "2.2.1"
NODE_CACHE = Path(__file__).resolve().parents[2] / ".cache" / "node"
# Reads each file given on standard input as Thunderbird does, and answers what it found.
READER = """
import { pathToFileURL } from "node:url";
const ICAL = (await import(pathToFileURL(process.argv.at(-1)).href)).default;
let input = "";
for await (const chunk of process.stdin) input += chunk;
const strings = (value) =>
  typeof value === "string" ? [value] : value && typeof value === "object" ? Object.values(value).flatMap(strings) : [];
// Every value and parameter, except UIDs (they look like addresses, and are none).
const texts = ([, properties, components]) => [
  ...properties.filter(([name]) => name !== "uid").flatMap(strings),
  ...components.flatMap(texts),
];
const read = (text) => {
  const jcal = ICAL.parse(text);
  const root = new ICAL.Component(jcal);
  const vtimezones = root.getAllSubcomponents("vtimezone");
  // The file's own VTIMEZONE, not a built-in one: ical.js knows no time zone but UTC.
  for (const vtimezone of vtimezones) ICAL.TimezoneService.register(vtimezone);
  return {
    method: root.getFirstPropertyValue("method"),
    timezones: vtimezones.map((vtimezone) => vtimezone.getFirstPropertyValue("tzid")),
    events: root.getAllSubcomponents("vevent").map((vevent) => {
      const event = new ICAL.Event(vevent);
      const organizer = vevent.getFirstProperty("organizer");
      return {
        uid: event.uid,
        sequence: event.sequence,
        summary: event.summary,
        location: event.location,
        description: event.description,
        url: vevent.getFirstPropertyValue("url"),
        status: vevent.getFirstPropertyValue("status"),
        organizer: event.organizer,
        organizer_cn: organizer && organizer.getParameter("cn"),
        attendees: event.attendees.length,
        tzid: vevent.getFirstProperty("dtstart").getParameter("tzid"),
        zone: event.startDate.zone && event.startDate.zone.tzid,
        local: event.startDate.toString(),
        utc: event.startDate.toUnixTime(),
        minutes: event.duration.toSeconds() / 60,
        dtstamp: vevent.getFirstPropertyValue("dtstamp").toString(),
      };
    }),
    texts: texts(jcal),
  };
};
const files = JSON.parse(input);
const found = Object.entries(files).map(([name, text]) => [name, read(text)]);
process.stdout.write(JSON.stringify(Object.fromEntries(found)));
"""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is needed to read the calendar files as Thunderbird does: apt-get install nodejs npm"
        # CI installs Node.js in .ci/run and must fail, not quietly skip, without it.
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _installed_version(module: Path) -> str | None:
    try:
        return json.loads((module / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


@functools.cache
def ical_js() -> Path:
    """The ES module of ical.js, installed from npm once (a failed install fails the tests)."""
    target = NODE_CACHE / f"ical.js-{ICAL_JS_VERSION}"
    module = target / "node_modules" / "ical.js"
    if _installed_version(module) != ICAL_JS_VERSION:
        NODE_CACHE.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=NODE_CACHE, prefix="installing-"))
        command = [_tool("npm"), "install", "--prefix", str(staging), "--no-save", "--no-package-lock"]
        command += ["--no-audit", "--no-fund", "--ignore-scripts", f"ical.js@{ICAL_JS_VERSION}"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            pytest.fail(f"npm could not install ical.js {ICAL_JS_VERSION}:\n{result.stdout}\n{result.stderr}")
        staging.chmod(0o755)  # mkdtemp's folder is its maker's alone
        shutil.rmtree(target, ignore_errors=True)
        try:
            staging.rename(target)
        except OSError:  # Another test run installed it at the same moment.
            shutil.rmtree(staging, ignore_errors=True)
    assert _installed_version(module) == ICAL_JS_VERSION
    return module / "dist" / "ical.js"


def read_with_ical_js(files: dict[str, bytes]) -> dict[str, dict]:
    """What ical.js reads in each file; one node process for them all."""
    result = subprocess.run(  # noqa: S603 - our own script, our own files
        [_tool("node"), "--input-type=module", "-e", READER, str(ical_js())],
        input=json.dumps({name: content.decode() for name, content in files.items()}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def read_with_icalendar(content: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(content)


def icalendar_texts(parsed: icalendar.Calendar) -> list[str]:
    """Every value and parameter icalendar reads, except UIDs."""
    texts = []
    for component in parsed.walk():
        for name, values in component.items():
            if name == "UID":
                continue
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str):  # text and addresses, as read
                    texts.append(str(value))
                else:  # dates, numbers and the like, as written
                    written = value.to_ical()
                    texts.append(written.decode() if isinstance(written, bytes) else written)
                texts.extend(str(param) for param in value.params.values())
    return texts


# The service's own address, as it is set up where people use it (the laptop default names the project).
@override_settings(
    DEFAULT_FROM_EMAIL="Gruppestart <noreply@gruppestart.example>", SITE_URL="https://www.gruppestart.example"
)
class CalendarTests(InEnglish, Personas):
    """An evening group in person in summer, with a follow-up, moved once, then cancelled; a
    video group in winter; a telephone group. Each file is read by both parsers."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ContactPoint.objects.filter(pk=cls.point_a.pk).update(offers_video=True)
        cls.point_a.refresh_from_db()
        cls.room = Room.objects.create(
            contact_point=cls.point_a,
            name="Møterommet på Tøyen",
            address="Hagegata 22, 0653 Oslo",
            accessibility="Step-free entrance from the courtyard",
        )
        for n in range(15):
            signup = waiting_person(cls.point_a, f"person{n}@example.org", format="any")
            signup.nickname = f"Nickname{n}"
            signup.save()
        for n in range(5):
            waiting_person(cls.point_b, f"caller{n}@example.org", format="telephone")
        cls.files: dict[str, bytes] = {}
        with translation.override("en"):
            cls.in_person = cls.start(
                cls.point_a,
                "in_person",
                SUMMER_EVENING,
                room=cls.room,
                place_details="Second floor, ring the bell",
                follow_up=SUMMER_EVENING + datetime.timedelta(weeks=6),
            )
            cls.keep("in_person", cls.in_person, Version.INVITED, Version.MEMBER)
            moved = forming.Meeting(
                first_meeting=SUMMER_EVENING + datetime.timedelta(days=7),
                room=cls.room,
                place_details="Second floor, ring the bell",
                follow_up=cls.in_person.follow_up,
            )
            changing.move_meeting(group=cls.in_person, meeting=moved, seen_changes=0)
            cls.in_person.refresh_from_db()
            cls.keep("in_person_moved", cls.in_person, Version.INVITED, Version.MEMBER)
            changing.cancel(group=cls.in_person)
            cls.in_person.refresh_from_db()
            cls.keep("in_person_moved", cls.in_person, Version.CANCELLED)

            cls.video = cls.start(
                cls.point_a, "video", WINTER_EVENING, joining_link=JOINING_LINK, joining_details=JOINING_DETAILS
            )
            # The cancellation too is made while the group still holds its link (cancelling
            # erases it): the file leaves it out by itself.
            cls.keep("video", cls.video, Version.INVITED, Version.MEMBER, Version.CANCELLED)

            cls.telephone = cls.start(
                cls.point_b, "telephone", WINTER_EVENING, place_details="Call 22 33 44 55, code 4321"
            )
            cls.keep("telephone", cls.telephone, Version.INVITED)
        cls.ical_js = read_with_ical_js(cls.files)

    @classmethod
    def start(cls, point, format: str, first_meeting: datetime.datetime, **meeting) -> Group:
        """Staff start a group (through the service); the app invites who fits. Read back
        as the mail reads it, its times in UTC."""
        details = {"room": None, "place_details": "", **meeting}
        group = forming.start_group(
            contact_point=point,
            details=forming.GroupDetails(
                plan=Plan(format=format, time_of_day="evening", language="no", age_group="30-44"),
                first_meeting=first_meeting,
                seats=5,
                starter_present=False,
                **details,
            ),
            created_by=None,
            request_key=uuid.uuid4(),
        )
        return Group.objects.select_related("contact_point", "room").get(pk=group.pk)

    @classmethod
    def keep(cls, name: str, group: Group, *versions: Version) -> None:
        for version in versions:
            filename, content, mimetype = calendar.attachment(group=group, version=version)
            assert filename == "group-meeting.ics"
            assert mimetype == f"text/calendar; method={'CANCEL' if version is Version.CANCELLED else 'PUBLISH'}"
            cls.files[f"{name}:{version.name}"] = content

    def both(self, name: str) -> tuple[icalendar.Calendar, dict]:
        """The file as icalendar reads it, and as ical.js reads it."""
        return read_with_icalendar(self.files[name]), self.ical_js[name]

    def test_the_first_meeting_is_at_its_local_time_in_oslo_summer_and_winter(self):
        for name, when in [("in_person:INVITED", SUMMER_EVENING), ("video:MEMBER", WINTER_EVENING)]:
            parsed, thunderbird = self.both(name)
            event = parsed.walk("VEVENT")[0]
            self.assertEqual(event["DTSTART"].params["TZID"], "Europe/Oslo")
            self.assertEqual(event.decoded("DTSTART"), when)
            self.assertEqual(event.decoded("DTSTART").astimezone(OSLO).strftime("%H:%M"), when.strftime("%H:%M"))
            self.assertEqual(event.decoded("DURATION"), datetime.timedelta(minutes=90))
            self.assertEqual([tz["TZID"] for tz in parsed.walk("VTIMEZONE")], ["Europe/Oslo"])

            first = thunderbird["events"][0]
            self.assertEqual(thunderbird["timezones"], ["Europe/Oslo"])
            self.assertEqual((first["tzid"], first["zone"]), ("Europe/Oslo", "Europe/Oslo"))
            self.assertEqual(first["local"], when.strftime("%Y-%m-%dT%H:%M:00"))
            # The instant, computed from the file's own VTIMEZONE.
            self.assertEqual(first["utc"], when.timestamp())
            self.assertEqual(first["minutes"], 90)

    def test_the_time_zone_in_the_file_agrees_with_the_tz_database(self):
        vtimezone = read_with_icalendar(self.files["video:INVITED"]).walk("VTIMEZONE")[0]
        from_the_file = vtimezone.to_tz(lookup_tzid=False)  # the file's rules, not a look-up by name
        start = datetime.datetime(timezone.now().year, 1, 1, tzinfo=datetime.UTC)
        for day in range(10 * 366):
            for hour, minute in [(0, 59), (1, 0), (12, 0)]:  # Norway changes its clocks at 01:00 UTC
                instant = start + datetime.timedelta(days=day, hours=hour, minutes=minute)
                self.assertEqual(
                    instant.astimezone(from_the_file).utcoffset(), instant.astimezone(OSLO).utcoffset(), instant
                )

    def test_the_file_names_the_service_and_stamps_the_time_in_utc(self):
        parsed, thunderbird = self.both("in_person:INVITED")
        self.assertEqual(str(parsed["VERSION"]), "2.0")
        self.assertEqual(str(parsed["CALSCALE"]), "GREGORIAN")
        self.assertIn(settings.SERVICE_NAME, str(parsed["PRODID"]))
        self.assertIn(b"\r\nDTSTAMP:", self.files["in_person:INVITED"])
        for event in parsed.walk("VEVENT"):
            self.assertEqual(event.decoded("DTSTAMP").utcoffset(), datetime.timedelta(0))
            self.assertLess(abs(event.decoded("DTSTAMP") - timezone.now()), datetime.timedelta(minutes=10))
        for event in thunderbird["events"]:
            self.assertTrue(event["dtstamp"].endswith("Z"), event["dtstamp"])

    def test_every_version_keeps_the_uid_and_each_later_one_has_a_higher_sequence(self):
        host = "www.gruppestart.example"
        in_order = [
            "in_person:INVITED",
            "in_person:MEMBER",
            "in_person_moved:INVITED",
            "in_person_moved:MEMBER",
            "in_person_moved:CANCELLED",
        ]
        for index in (0, 1):  # the first meeting, then the follow-up
            uid = f"{self.in_person.request_key}{'-follow-up' if index else ''}@{host}"
            icalendar_uids = [
                str(read_with_icalendar(self.files[name]).walk("VEVENT")[index]["UID"]) for name in in_order
            ]
            ical_js_uids = [self.ical_js[name]["events"][index]["uid"] for name in in_order]
            self.assertEqual(icalendar_uids, [uid] * 5)
            self.assertEqual(ical_js_uids, [uid] * 5)
            icalendar_sequences = [
                read_with_icalendar(self.files[name]).walk("VEVENT")[index].decoded("SEQUENCE") for name in in_order
            ]
            ical_js_sequences = [self.ical_js[name]["events"][index]["sequence"] for name in in_order]
            self.assertEqual(icalendar_sequences, [0, 1, 2, 3, 4])
            self.assertEqual(ical_js_sequences, [0, 1, 2, 3, 4])
        video = [self.ical_js[f"video:{version.name}"]["events"][0] for version in Version]
        self.assertEqual([event["uid"] for event in video], [f"{self.video.request_key}@{host}"] * 3)
        self.assertEqual([event["sequence"] for event in video], [0, 1, 2])

    def test_a_cancelled_group_cancels_its_meetings(self):
        name = "in_person_moved:CANCELLED"
        parsed, thunderbird = self.both(name)
        self.assertEqual(str(parsed["METHOD"]), "CANCEL")
        self.assertEqual(thunderbird["method"], "CANCEL")
        self.assertEqual([str(event["STATUS"]) for event in parsed.walk("VEVENT")], ["CANCELLED", "CANCELLED"])
        self.assertEqual([event["status"] for event in thunderbird["events"]], ["CANCELLED", "CANCELLED"])
        self.assertIn("This meeting is cancelled.", thunderbird["events"][0]["description"])
        _, _, mimetype = calendar.attachment(group=self.in_person, version=Version.CANCELLED)
        self.assertEqual(mimetype, "text/calendar; method=CANCEL")
        for name in ("in_person:INVITED", "in_person:MEMBER", "video:MEMBER"):
            self.assertEqual(str(read_with_icalendar(self.files[name])["METHOD"]), "PUBLISH")
            self.assertEqual(self.ical_js[name]["method"], "PUBLISH")
            self.assertEqual({event["status"] for event in self.ical_js[name]["events"]}, {"CONFIRMED"})

    def test_it_never_gives_the_joining_link_to_someone_who_has_not_said_yes(self):
        for name in ("video:INVITED", "video:CANCELLED"):
            parsed, thunderbird = self.both(name)
            self.assertNotIn(b"video.example", self.files[name])
            self.assertNotIn(b"918 274", self.files[name])
            self.assertFalse([text for text in icalendar_texts(parsed) if "video.example" in text])
            self.assertFalse([text for text in thunderbird["texts"] if "video.example" in text])
            self.assertIsNone(thunderbird["events"][0]["url"])
            self.assertNotIn("URL", parsed.walk("VEVENT")[0])
        invited = self.ical_js["video:INVITED"]["events"][0]
        self.assertEqual(invited["location"], "By video. You get the link when you say yes.")

    def test_a_member_of_a_video_group_gets_the_link_and_how_to_join(self):
        parsed, thunderbird = self.both("video:MEMBER")
        event = parsed.walk("VEVENT")[0]
        self.assertEqual(str(event["LOCATION"]), JOINING_LINK)
        self.assertEqual(str(event["URL"]), JOINING_LINK)
        self.assertIn(JOINING_DETAILS, str(event["DESCRIPTION"]))
        member = thunderbird["events"][0]
        self.assertEqual((member["location"], member["url"]), (JOINING_LINK, JOINING_LINK))
        self.assertIn(f"Join here: {JOINING_LINK}\n{JOINING_DETAILS}", member["description"])

    def test_it_says_where_the_group_meets(self):
        in_person = self.ical_js["in_person:INVITED"]["events"][0]
        self.assertEqual(
            in_person["location"], "Møterommet på Tøyen, Hagegata 22, 0653 Oslo, Second floor, ring the bell"
        )
        self.assertIn(
            "Where: Møterommet på Tøyen, Hagegata 22, 0653 Oslo (Step-free entrance from the courtyard). "
            "Second floor, ring the bell",
            in_person["description"],
        )
        telephone = read_with_icalendar(self.files["telephone:INVITED"]).walk("VEVENT")[0]
        self.assertEqual(str(telephone["LOCATION"]), "By telephone, Call 22 33 44 55, code 4321")
        self.assertEqual(self.ical_js["telephone:INVITED"]["events"][0]["location"], str(telephone["LOCATION"]))
        for name, file in self.ical_js.items():
            self.assertTrue(
                file["events"][0]["description"].endswith("To answer or change, use the link in the email."), name
            )

    def test_the_follow_up_meeting_is_in_the_file_only_when_there_is_one(self):
        parsed, thunderbird = self.both("in_person:INVITED")
        follow_up = parsed.walk("VEVENT")[1]
        when = SUMMER_EVENING + datetime.timedelta(weeks=6)
        self.assertEqual(str(follow_up["SUMMARY"]), "Follow-up meeting, Sentral A")
        self.assertEqual(follow_up.decoded("DTSTART"), when)
        self.assertEqual(follow_up["DTSTART"].params["TZID"], "Europe/Oslo")
        first, second = thunderbird["events"]
        self.assertEqual(first["summary"], "Group meeting, Sentral A")
        self.assertEqual((second["summary"], second["utc"]), ("Follow-up meeting, Sentral A", when.timestamp()))
        self.assertEqual(second["location"], first["location"])
        self.assertIn(
            f"The contact point meets the group again on {when:%A} {when.day} {when:%B %Y}, 18:00.",
            first["description"],
        )
        for name in ("video:INVITED", "video:MEMBER", "video:CANCELLED", "telephone:INVITED"):
            self.assertEqual(len(read_with_icalendar(self.files[name]).walk("VEVENT")), 1, name)
            self.assertEqual(len(self.ical_js[name]["events"]), 1, name)
            self.assertNotIn("meets the group again", self.ical_js[name]["events"][0]["description"])

    def test_no_word_in_any_file_tells_what_the_group_is_about(self):
        for name, content in self.files.items():
            texts = icalendar_texts(read_with_icalendar(content)) + self.ical_js[name]["texts"]
            self.assertEqual([text for text in texts if TELLTALE.search(text)], [], name)
            self.assertIsNone(TELLTALE.search(content.decode()), name)

    def test_no_address_is_in_a_file_but_the_organizers(self):
        for name, content in self.files.items():
            parsed = read_with_icalendar(content)
            for event in parsed.walk("VEVENT"):
                self.assertNotIn("ATTENDEE", event)
                self.assertEqual(str(event["ORGANIZER"]), f"mailto:{ORGANIZER}")
                point = "Sentral B" if name.startswith("telephone") else "Sentral A"
                self.assertEqual(event["ORGANIZER"].params["CN"], f"{point} via {settings.SERVICE_NAME}")
            for event in self.ical_js[name]["events"]:
                self.assertEqual(event["attendees"], 0)
                self.assertEqual(event["organizer"], f"mailto:{ORGANIZER}")
            for texts in (icalendar_texts(parsed), self.ical_js[name]["texts"]):
                found = {address for text in texts for address in ADDRESS.findall(text)}
                self.assertEqual(found, {ORGANIZER}, name)
            unfolded = content.replace(b"\r\n ", b"").decode()
            outside_uids = "\n".join(line for line in unfolded.splitlines() if not line.startswith("UID:"))
            self.assertEqual(set(ADDRESS.findall(outside_uids)), {ORGANIZER}, name)
            self.assertNotIn("Nickname", unfolded)
            self.assertNotIn("/p/", unfolded)

    def test_the_file_is_utf8_with_crlf_lines_folded_at_75_octets(self):
        for name, content in self.files.items():
            content.decode("utf-8")
            self.assertTrue(content.endswith(b"\r\n"), name)
            self.assertNotIn(b"\n", content.replace(b"\r\n", b""), name)
            lines = content.split(b"\r\n")[:-1]
            self.assertLessEqual(max(len(line) for line in lines), 75, name)
            self.assertTrue(any(line.startswith(b" ") for line in lines), name)  # long lines are folded
        self.assertIn("Møterommet på Tøyen", self.ical_js["in_person:INVITED"]["events"][0]["location"])

    def test_it_attaches_to_an_email_as_a_calendar(self):
        for version, method in [(Version.MEMBER, "PUBLISH"), (Version.CANCELLED, "CANCEL")]:
            message = EmailMessage(subject="Invitation", body="Text", to=["person0@example.org"])
            message.attach(*calendar.attachment(group=self.video, version=version))
            [part] = [part for part in message.message().walk() if part.get_content_type() == "text/calendar"]
            self.assertEqual(part.get_param("method"), method)
            self.assertEqual(part.get_content_charset(), "utf-8")
            self.assertEqual(part.get_filename(), "group-meeting.ics")
            self.assertEqual(str(read_with_icalendar(part.get_payload(decode=True))["METHOD"]), method)

    def test_it_speaks_the_active_language(self):
        with translation.override("nb"):
            _, content, _ = calendar.attachment(group=self.telephone, version=Version.INVITED)
            follow_up = SUMMER_EVENING + datetime.timedelta(weeks=6)
            Group.objects.filter(pk=self.telephone.pk).update(follow_up=follow_up)
            self.telephone.refresh_from_db()
            _, with_follow_up, _ = calendar.attachment(group=self.telephone, version=Version.INVITED)
        event = read_with_icalendar(content).walk("VEVENT")[0]
        self.assertIn("Gruppen møtes på telefon. Call 22 33 44 55, code 4321", str(event["DESCRIPTION"]))
        self.assertEqual(str(event["LOCATION"]), "På telefon, Call 22 33 44 55, code 4321")
        description = str(read_with_icalendar(with_follow_up).walk("VEVENT")[0]["DESCRIPTION"])
        weekday = NB_WEEKDAYS[follow_up.weekday()]
        self.assertIn(f"{weekday} {follow_up.day}. juli {NEXT_YEAR}, 18:00", description)
