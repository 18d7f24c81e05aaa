"""A demo world: offices, counties, contact points, rooms and work accounts.

Prints one line per demo login: ROLE<TAB>EMAIL<TAB>SCOPE<TAB>TOTP-SECRET.
Every account signs in with a password and a code app; the last column is
the code app's key (base32), for a code app or a test. Safe to run again: an
account keeps its key.
It never creates a sign-up: those only come from the public form.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts import codeapp
from contactpoints.models import ContactPoint, County, Municipality, Office, Room
from figures.closing import close_months
from materials.demo import seed_materials

DOMAIN = "demo.selvhjelp.example"

# Selvhjelp Norge's seven district offices and the counties each covers.
OFFICES = [
    ("ost", "Selvhjelp Norge Øst", ["03", "32"]),
    ("sorost", "Selvhjelp Norge Sørøst", ["31", "33", "39", "40"]),
    ("innlandet", "Selvhjelp Norge Innlandet", ["34"]),
    ("sor", "Selvhjelp Norge Sør", ["42", "11"]),
    ("vest", "Selvhjelp Norge Vest", ["46"]),
    ("midt", "Selvhjelp Norge Midt", ["15", "50"]),
    ("nord", "Selvhjelp Norge Nord", ["18", "55", "56"]),
]

CONTACT_POINTS = [
    {
        "slug": "grunerlokka-frivilligsentral",
        "name": "Grünerløkka frivilligsentral",
        "kind": ContactPoint.Kind.FRIVILLIGSENTRAL,
        "municipality": "0301",
        "street_address": "Thorvald Meyers gate 10",
        "postcode": "0555",
        "post_town": "Oslo",
        "opening_hours": "Mandag–fredag 09–15\nTorsdag 09–19",
        "public_email": "post@grunerlokka-frivilligsentral.example",
        "public_phone": "22 00 00 01",
        "description": (
            "Vi er en møteplass for alle i bydelen. "
            "Vi hjelper deg å finne en selvhjelpsgruppe og har rom dere kan møtes i."
        ),
        "offers_in_person": True,
        "offers_telephone": False,
        "rooms": [("Møterom 1", "Thorvald Meyers gate 10, 2. etasje", 10, "Heis og HC-toalett.")],
    },
    {
        "slug": "link-bergen",
        "name": "LINK Bergen",
        "kind": ContactPoint.Kind.SELF_HELP_CENTRE,
        "municipality": "4601",
        "street_address": "Strandgaten 1",
        "postcode": "5013",
        "post_town": "Bergen",
        "opening_hours": "Mandag–torsdag 10–16",
        "public_email": "bergen@link.example",
        "description": "Senter for selvhjelp og mestring. Grupper på dagtid og kveldstid, også på telefon.",
        "offers_in_person": True,
        "offers_telephone": True,
        "rooms": [("Fjellrommet", "Strandgaten 1, 3. etasje", 9, "Trinnfri adkomst.")],
    },
    {
        "slug": "frisklivssentralen-tromso",
        "name": "Frisklivssentralen i Tromsø",
        "kind": ContactPoint.Kind.FRISKLIVSSENTRAL,
        "municipality": "5501",
        "street_address": "Storgata 50",
        "postcode": "9008",
        "post_town": "Tromsø",
        "opening_hours": "Mandag–fredag 08–15.30",
        "description": "Vi hjelper deg å komme i gang med en selvhjelpsgruppe, her hos oss eller på video.",
        "offers_in_person": True,
        "offers_telephone": False,
        "offers_video": True,
        "rooms": [("Nordlysrommet", "Storgata 50", 8, "")],
    },
    {
        "slug": "guovdageainnu-eaktodahtolasguovddas",
        "name": "Guovdageainnu eaktodáhtolašguovddáš",
        "kind": ContactPoint.Kind.FRIVILLIGSENTRAL,
        "municipality": "5612",
        "street_address": "Bredbuktnesveien 10",
        "postcode": "9520",
        "post_town": "Guovdageaidnu",
        "opening_hours": "Mánnodat–bearjadat 09–15",
        "description": "Frivilligsentralen i Kautokeino. Grupper på samisk og norsk.",
        "offers_in_person": True,
        "offers_telephone": True,
        "rooms": [("Lávvu", "Bredbuktnesveien 10", 8, "")],
    },
    {
        "slug": "selvhjelp-pa-telefon",
        "name": "Selvhjelp på telefon og video",
        "kind": ContactPoint.Kind.VOLUNTARY_ORGANISATION,
        "municipality": "0301",
        "nationwide": True,
        "opening_hours": "Grupper på kveldstid, hele landet",
        "description": "Grupper som møtes på telefon eller video, for deg som bor der det er langt til en gruppe.",
        "offers_in_person": False,
        "offers_telephone": True,
        "offers_video": True,
        "rooms": [],
    },
]


class Command(BaseCommand):
    help = "Load a demo world and print its logins (ROLE<TAB>EMAIL<TAB>SCOPE<TAB>TOTP-SECRET)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="Password for every demo login (default: a new random one).")

    def handle(self, *args: object, password: str | None = None, **options: object) -> None:
        if not Municipality.objects.exists():
            call_command("load_geography", stdout=self.stderr)
        if password is None:
            password = secrets.token_urlsafe(12)
            self.stderr.write(f"Demo password: {password}")
        lines = []
        with transaction.atomic():
            for slug, name, county_numbers in OFFICES:
                office, _ = Office.objects.update_or_create(slug=slug, defaults={"name": name, "is_national": False})
                office.counties.set(County.objects.filter(number__in=county_numbers))
                user = self._user(f"distrikt.{slug}@{DOMAIN}", password, f"{name}")
                office.members.add(user)
                lines.append(self._login("district", user, office.slug))
            national, _ = Office.objects.update_or_create(
                slug="nasjonalt", defaults={"name": "Selvhjelp Norge", "is_national": True}
            )
            user = self._user(f"nasjonalt@{DOMAIN}", password, "Selvhjelp Norge")
            national.members.add(user)
            lines.append(self._login("national", user, national.slug))
            for spec in CONTACT_POINTS:
                point = self._contact_point(dict(spec))
                user = self._user(f"koordinator.{point.slug}@{DOMAIN}", password, f"Koordinator, {point.name}")
                point.staff.add(user)
                lines.append(self._login("staff", user, point.slug))
            seed_materials()
        close_months()  # the final months, as the hourly task would close them
        for role, email, scope, secret in lines:
            self.stdout.write(f"{role}\t{email}\t{scope}\t{secret}")

    def _login(self, role: str, user, scope: str) -> tuple[str, str, str, str]:  # type: ignore[no-untyped-def]
        """One printed line; the account gets a code app if it has none, and keeps the one it has."""
        return (role, user.email, scope, codeapp.secret(codeapp.ensure_device(user)))

    def _user(self, email: str, password: str, name: str):  # type: ignore[no-untyped-def]
        user, _ = get_user_model().objects.get_or_create(email=email, defaults={"first_name": name[:150]})
        user.set_password(password)
        user.is_active = True
        user.save()
        return user

    def _contact_point(self, spec: dict) -> ContactPoint:
        rooms = spec.pop("rooms")
        spec["municipality"] = Municipality.objects.get(number=spec["municipality"])
        spec.setdefault("details_confirmed_at", timezone.now())
        spec.setdefault("published_at", timezone.now())
        point, _ = ContactPoint.objects.update_or_create(slug=spec.pop("slug"), defaults=spec)
        for name, address, capacity, accessibility in rooms:
            Room.objects.update_or_create(
                contact_point=point,
                name=name,
                defaults={"address": address, "capacity": capacity, "accessibility": accessibility},
            )
        return point
