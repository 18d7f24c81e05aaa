"""Load Norway's counties and municipalities. Safe to run again with a newer file."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from contactpoints.models import County, Municipality

DATA = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = "Load or update counties and municipalities from CSV files (Statistics Norway's classifications)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--counties", type=Path, default=DATA / "fylker-2024.csv")
        parser.add_argument("--municipalities", type=Path, default=DATA / "kommuner-2024.csv")

    def handle(self, *args: object, counties: Path, municipalities: Path, **options: object) -> None:
        county_rows = self._read(counties, {"fylkesnummer", "fylke"})
        municipality_rows = self._read(municipalities, {"kommunenummer", "kommune", "fylkesnummer"})
        with transaction.atomic():
            by_number = {}
            for row in county_rows:
                county, _ = County.objects.update_or_create(
                    number=row["fylkesnummer"].strip(), defaults={"name": row["fylke"].strip(), "is_current": True}
                )
                by_number[county.number] = county
            retired_counties = County.objects.exclude(number__in=by_number).update(is_current=False)
            numbers = set()
            # A file without other names leaves the stored ones alone, so that
            # "Kautokeino" still finds Guovdageaidnu.
            has_other_names = "other_names" in municipality_rows[0] if municipality_rows else False
            for row in municipality_rows:
                number = row["kommunenummer"].strip()
                county_number = row["fylkesnummer"].strip()
                if county_number not in by_number:
                    raise CommandError(f"Municipality {number} names county {county_number}, which is not in the file")
                numbers.add(number)
                defaults = {"name": row["kommune"].strip(), "county": by_number[county_number], "is_current": True}
                if has_other_names:
                    defaults["other_names"] = (row.get("other_names") or "").strip()
                Municipality.objects.update_or_create(number=number, defaults=defaults)
            # Municipalities that no longer exist keep their contact points'
            # history; they are marked, not deleted.
            retired = Municipality.objects.exclude(number__in=numbers).update(is_current=False)
        self.stdout.write(
            f"{len(by_number)} counties and {len(numbers)} municipalities loaded; "
            f"{retired_counties} counties and {retired} municipalities no longer current."
        )

    def _read(self, path: Path, required: set[str]) -> list[dict[str, str]]:
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = required - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"{path} lacks the columns {', '.join(sorted(missing))}")
            return list(reader)
