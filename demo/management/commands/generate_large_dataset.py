"""A realistic large data set for benchmarks and scale tests.

500 contact points, ten years of monthly figures and 50,000 waiting sign-ups
by default. The sign-ups use addresses at example.invalid; nobody is real.
"""

import datetime
import random
import time
import uuid
from collections.abc import Callable

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from contactpoints.languages import FIRST_THREE
from contactpoints.models import ContactPoint, Municipality
from figures.closing import close_months
from figures.models import ClosedMonth
from figures.selectors import recent_months
from groups.matching import formats_offered
from groups.models import AgeGroup, Format, Group, MonthlyFigure, SignUp, TimeOfDay
from selvhjelp.crypto import address_hash

PREFIX = "generert"


# The languages people tick: most Norwegian alone, many Norwegian and English, a few others.
LANGUAGE_SETS = [
    *[["no"]] * 12,
    *[["en", "no"]] * 5,
    ["ar", "no"],
    ["ar"],
    ["pl"],
    ["en", "pl"],
    ["en", "uk"],
    ["so"],
    ["ti"],
    ["en", "es"],
    ["fa"],
    ["en", "lt"],
    ["en", "no", "se"],
    ["no", "se"],
]


def _languages(picked: str) -> list[str]:
    """The set at the picked place in ``LANGUAGE_SETS``; a chooser that answers "any" to everything
    (the benchmark's) gets the first three, which any group in them fits."""
    return LANGUAGE_SETS[int(picked)] if picked.isdigit() else list(FIRST_THREE)


def made_up_signup(
    point: ContactPoint, address: str, since: datetime.datetime, choose: Callable[[list[str]], str]
) -> SignUp:
    """A confirmed, waiting sign-up of nobody, with wishes picked by ``choose``: a way of meeting the
    contact point offers, or any."""
    return SignUp(
        contact_point=point,
        email=address,
        email_hash=address_hash(address),
        format=choose([*formats_offered(point), Format.ANY]),
        time_of_day=choose(TimeOfDay.values),
        languages=_languages(choose([str(n) for n in range(len(LANGUAGE_SETS))])),
        age_group=choose(AgeGroup.values),
        status=SignUp.Status.WAITING,
        created_at=since,
        confirmed_at=since,
        waiting_since=since,
        expires_at=since + datetime.timedelta(days=180),
    )


class Command(BaseCommand):
    help = "Generate a large, realistic data set (contact points, monthly figures, waiting sign-ups)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contact-points", type=int, default=500)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--waiting", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=2024)

    def handle(
        self, *args: object, contact_points: int, years: int, waiting: int, seed: int, **options: object
    ) -> None:
        rng = random.Random(seed)  # noqa: S311 - made-up data, not security
        if not Municipality.objects.exists():
            call_command("load_geography", stdout=self.stderr)
        municipalities = list(Municipality.objects.filter(is_current=True))
        with transaction.atomic():
            SignUp.objects.filter(contact_point__slug__startswith=PREFIX).delete()
            Group.objects.filter(contact_point__slug__startswith=PREFIX).delete()
            ContactPoint.objects.filter(slug__startswith=PREFIX).delete()
            # The months are made up anew: the ones closed over the old made-up ones go with them.
            ClosedMonth.objects.all().delete()
            now = timezone.now()
            points = ContactPoint.objects.bulk_create(
                ContactPoint(
                    slug=f"{PREFIX}-{n}",
                    name=f"Kontaktpunkt {n + 1}",
                    kind=rng.choice(ContactPoint.Kind.values),
                    municipality=rng.choice(municipalities),
                    offers_in_person=True,
                    offers_telephone=rng.random() < 0.3,
                    offers_video=rng.random() < 0.2,
                    details_confirmed_at=now - datetime.timedelta(days=rng.randint(0, 500)),
                )
                for n in range(contact_points)
            )
            months = recent_months(12 * years)
            figures = []
            for point in points:
                size = rng.choice([0.3, 1, 2, 4])
                for month in months:
                    signed_up = int(rng.expovariate(1 / size))
                    confirmed = min(signed_up, int(signed_up * 0.8))
                    started = 1 if rng.random() < size / 20 else 0
                    figures.append(
                        MonthlyFigure(
                            contact_point=point,
                            month=month,
                            signed_up=signed_up,
                            confirmed=confirmed,
                            withdrawn=rng.randint(0, 1) if confirmed else 0,
                            expired=rng.randint(0, 1) if rng.random() < 0.1 else 0,
                            groups_started=started,
                            members_at_start=started * rng.randint(4, 8),
                            days_waited=started * rng.randint(20, 300),
                        )
                    )
            MonthlyFigure.objects.bulk_create(figures, batch_size=5000)
            # One handed-off group for every group the figures say started.
            groups = [
                Group(
                    contact_point=figure.contact_point,
                    format=Format.IN_PERSON,
                    time_of_day=TimeOfDay.EVENING,
                    language="no",
                    age_group=AgeGroup.AGE_30_44,
                    first_meeting=timezone.make_aware(
                        datetime.datetime.combine(
                            figure.month + datetime.timedelta(days=rng.randint(0, 27)), datetime.time(18)
                        )
                    ),
                    seats=8,
                    request_key=uuid.uuid4(),
                    status=Group.Status.HANDED_OFF,
                    handed_off_at=now,
                    members_at_start=figure.members_at_start,
                    median_days_waited=figure.days_waited // max(figure.members_at_start, 1),
                    counted_in=figure.month,
                )
                for figure in figures
                if figure.groups_started
            ]
            Group.objects.bulk_create(groups, batch_size=5000)
            choice = rng.choice
            signups = []
            for n in range(waiting):
                address = f"person{n}@example.invalid"
                since = now - datetime.timedelta(days=rng.randint(0, 170))
                signups.append(made_up_signup(choice(points), address, since, choice))
            SignUp.objects.bulk_create(signups, batch_size=5000)
        started_closing = time.monotonic()
        closed = close_months()
        self.stdout.write(
            f"{len(points)} contact points, {len(figures)} monthly figures, {len(groups)} groups, "
            f"{len(signups)} waiting sign-ups; {closed} months closed in {time.monotonic() - started_closing:.1f} s."
        )
