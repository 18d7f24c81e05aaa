"""Loading counties and municipalities, and loading them again when borders change."""

import csv
import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from contactpoints.models import ContactPoint, County, Municipality

DATA = Path(__file__).resolve().parents[2] / "contactpoints" / "data"
SHIPPED_COUNTIES = DATA / "fylker-2024.csv"
SHIPPED_MUNICIPALITIES = DATA / "kommuner-2024.csv"


def shipped_municipality_rows() -> list[dict[str, str]]:
    with SHIPPED_MUNICIPALITIES.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def shipped_county_rows() -> list[dict[str, str]]:
    with SHIPPED_COUNTIES.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def snapshot() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    counties = list(County.objects.order_by("pk").values_list("pk", "number", "name", "is_current"))
    municipalities = list(
        Municipality.objects.order_by("pk").values_list(
            "pk", "number", "name", "other_names", "county_id", "is_current"
        )
    )
    return counties, municipalities


class LoadGeographyTestCase(TestCase):
    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.tmp = Path(directory.name)

    def load(self, **options: object) -> str:
        out = io.StringIO()
        call_command("load_geography", stdout=out, **options)
        return out.getvalue()

    def write_csv(self, name: str, fieldnames: list[str], rows: list[dict[str, str]]) -> Path:
        path = self.tmp / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fieldnames, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        return path


class FirstLoadTests(LoadGeographyTestCase):
    def test_it_loads_the_15_counties_and_357_municipalities_of_2024(self) -> None:
        output = self.load()
        self.assertEqual(County.objects.count(), 15)
        self.assertEqual(Municipality.objects.count(), 357)
        self.assertEqual(County.objects.filter(is_current=True).count(), 15)
        self.assertEqual(Municipality.objects.filter(is_current=True).count(), 357)
        self.assertIn("15 counties and 357 municipalities loaded", output)

    def test_every_county_has_municipalities(self) -> None:
        self.load()
        self.assertFalse(County.objects.filter(municipalities__isnull=True).exists())

    def test_guovdageaidnu_is_in_finnmark_and_also_called_kautokeino(self) -> None:
        self.load()
        municipality = Municipality.objects.get(number="5612")
        self.assertEqual(municipality.name, "Guovdageaidnu")
        self.assertIn("Kautokeino", municipality.other_names)
        self.assertEqual(municipality.county.name, "Finnmark")

    def test_municipalities_with_official_sami_or_kven_names_carry_them_all(self) -> None:
        """Kartverket's names in more than one language, so that the directory finds each by any of them."""
        official = {
            "1826": {"Aarborte", "Hattfjelldal"},
            "1841": {"Fauske", "Fuossko"},
            "1853": {"Evenes", "Evenášši"},
            "1870": {"Sortland", "Suortá"},
            "1875": {"Hábmer", "Hamarøy"},
            "5001": {"Trondheim", "Tråante"},
            "5007": {"Namsos", "Nåavmesjenjaelmie"},
            "5025": {"Røros", "Rosse"},
            "5041": {"Snåase", "Snåsa"},
            "5043": {"Raarvihke", "Røyrvik"},
            "5501": {"Tromsø", "Romsa"},
            "5503": {"Harstad", "Hárstták"},
            "5512": {"Dielddanuorri", "Tjeldsund"},
            "5518": {"Loabák", "Lavangen"},
            "5538": {"Storfjord", "Omasvuotna", "Omasvuono"},
            "5540": {"Gáivuotna", "Kåfjord", "Kaivuono"},
            "5544": {"Nordreisa", "Ráisa", "Raisi"},
            "5603": {"Hammerfest", "Hámmerfeasta"},
            "5610": {"Kárášjohka", "Karasjok"},
            "5612": {"Guovdageaidnu", "Kautokeino"},
            "5622": {"Porsanger", "Porsáŋgu", "Porsanki"},
            "5628": {"Deatnu", "Tana"},
            "5636": {"Unjárga", "Nesseby"},
        }
        self.load()
        for number, names in official.items():
            municipality = Municipality.objects.get(number=number)
            with self.subTest(number=number):
                self.assertEqual({municipality.name, *municipality.other_names.split(";")}, names)

    def test_oslo_is_both_a_county_and_a_municipality(self) -> None:
        self.load()
        self.assertEqual(Municipality.objects.get(number="0301").county, County.objects.get(number="03"))


class LoadingAgainTests(LoadGeographyTestCase):
    def test_running_it_twice_changes_nothing(self) -> None:
        self.load()
        before = snapshot()
        self.load()
        self.assertEqual(snapshot(), before)
        self.assertEqual(County.objects.count(), 15)
        self.assertEqual(Municipality.objects.count(), 357)

    def test_running_it_again_keeps_contact_points_where_they_are(self) -> None:
        self.load()
        kautokeino = Municipality.objects.get(number="5612")
        point = ContactPoint.objects.create(
            slug="sentral", name="Sentral", kind=ContactPoint.Kind.FRIVILLIGSENTRAL, municipality=kautokeino
        )
        self.load()
        point.refresh_from_db()
        self.assertEqual(point.municipality_id, kautokeino.pk)


class NewerFileTests(LoadGeographyTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.load()
        self.before = {number: pk for pk, number in Municipality.objects.values_list("pk", "number")}
        self.point = ContactPoint.objects.create(
            slug="sentral-i-nesseby",
            name="Sentral i Nesseby",
            kind=ContactPoint.Kind.FRIVILLIGSENTRAL,
            municipality=Municipality.objects.get(number="5636"),
        )
        rows = [row for row in shipped_municipality_rows() if row["kommunenummer"] != "5636"]
        for row in rows:
            if row["kommunenummer"] == "1101":
                row["kommune"] = "Egersund"
        rows.append(
            {"kommunenummer": "5699", "kommune": "Nyby", "fylkesnummer": "56", "fylke": "Finnmark", "other_names": ""}
        )
        newer = self.write_csv("kommuner-2025.csv", list(rows[0]), rows)
        self.output = self.load(municipalities=newer)

    def test_a_renamed_municipality_keeps_its_identity(self) -> None:
        municipality = Municipality.objects.get(number="1101")
        self.assertEqual(municipality.name, "Egersund")
        self.assertEqual(municipality.pk, self.before["1101"])
        self.assertTrue(municipality.is_current)

    def test_a_new_municipality_is_added(self) -> None:
        municipality = Municipality.objects.get(number="5699")
        self.assertEqual(municipality.name, "Nyby")
        self.assertEqual(municipality.county.number, "56")
        self.assertTrue(municipality.is_current)
        self.assertEqual(Municipality.objects.filter(is_current=True).count(), 357)

    def test_a_dropped_municipality_is_marked_not_deleted(self) -> None:
        municipality = Municipality.objects.get(number="5636")
        self.assertFalse(municipality.is_current)
        self.assertEqual(municipality.pk, self.before["5636"])
        self.assertEqual(Municipality.objects.count(), 358)
        self.assertIn("1 municipalities no longer current", self.output)

    def test_a_contact_point_in_a_dropped_municipality_survives(self) -> None:
        self.point.refresh_from_db()
        self.assertEqual(self.point.municipality.number, "5636")
        self.assertTrue(ContactPoint.objects.filter(slug="sentral-i-nesseby").exists())

    def test_other_municipalities_keep_their_identity(self) -> None:
        after = dict(Municipality.objects.values_list("number", "pk"))
        for number, pk in self.before.items():
            self.assertEqual(after[number], pk, number)

    def test_a_municipality_that_comes_back_is_current_again(self) -> None:
        self.load()
        self.assertTrue(Municipality.objects.get(number="5636").is_current)
        self.assertEqual(Municipality.objects.get(number="1101").name, "Eigersund")


class BadFileTests(LoadGeographyTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.load()
        self.before = snapshot()

    def test_a_municipality_file_without_the_county_column_is_refused(self) -> None:
        rows = shipped_municipality_rows()
        bad = self.write_csv("kommuner.csv", ["kommunenummer", "kommune", "other_names"], rows)
        with self.assertRaisesMessage(CommandError, "fylkesnummer"):
            self.load(municipalities=bad)
        self.assertEqual(snapshot(), self.before)

    def test_a_county_file_without_names_is_refused(self) -> None:
        bad = self.write_csv("fylker.csv", ["fylkesnummer"], shipped_county_rows())
        with self.assertRaisesMessage(CommandError, "fylke"):
            self.load(counties=bad)
        self.assertEqual(snapshot(), self.before)

    def test_a_municipality_in_an_unknown_county_is_refused_and_nothing_changes(self) -> None:
        counties = shipped_county_rows()
        for row in counties:
            if row["fylkesnummer"] == "03":
                row["fylke"] = "Oslo (renamed)"
        rows = shipped_municipality_rows()
        # Valid changes come first, so a load that is not all-or-nothing would show them.
        rows[0]["kommune"] = "Renamed first"
        rows = rows[:-1]
        rows.append(
            {"kommunenummer": "9999", "kommune": "Nowhere", "fylkesnummer": "99", "fylke": "", "other_names": ""}
        )
        with self.assertRaisesMessage(CommandError, "99"):
            self.load(
                counties=self.write_csv("fylker.csv", ["fylkesnummer", "fylke"], counties),
                municipalities=self.write_csv("kommuner.csv", list(rows[0]), rows),
            )
        self.assertEqual(snapshot(), self.before)
        self.assertFalse(Municipality.objects.filter(number="9999").exists())

    def test_a_file_that_does_not_exist_is_refused(self) -> None:
        with self.assertRaises(CommandError):
            self.load(municipalities=self.tmp / "missing.csv")
        self.assertEqual(snapshot(), self.before)
