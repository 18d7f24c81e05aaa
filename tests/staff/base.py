"""What the staff pages' tests share: two contact points with a room each, people
waiting, and a group started the way the page starts one."""

import datetime
import uuid

from django.test import Client, override_settings
from django.utils import timezone

from contactpoints.models import Room
from groups.matching import Plan
from groups.services import forming
from tests.base import Personas, waiting_person
from tests.signin import sign_in

IN_PERSON_EVENING = Plan(format="in_person", time_of_day="evening", language="no", age_group="30-44")


def future(days: int = 7) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)


class StaffTestCase(Personas):
    def setUp(self):
        self.room_a = Room.objects.create(contact_point=self.point_a, name="Rom 1", address="Gata 1")
        self.room_b = Room.objects.create(contact_point=self.point_b, name="Rom B", address="Gata 2")

    def as_staff_a(self) -> Client:
        client = Client()
        sign_in(client, self.staff_a)
        return client

    def fill(self, point, count, **preferences):
        with self.captureOnCommitCallbacks(execute=True):
            return [
                waiting_person(point, f"person{n}-{point.slug}@example.org", days_ago=count - n, **preferences)
                for n in range(count)
            ]

    def start(self, point=None, seats=8, **overrides):
        point = point or self.point_a
        details = {
            "plan": IN_PERSON_EVENING,
            "first_meeting": future(),
            "room": self.room_a if point == self.point_a else None,
            "place_details": "",
            "seats": seats,
            "starter_present": True,
            **overrides,
        }
        with self.captureOnCommitCallbacks(execute=True):
            return forming.start_group(
                contact_point=point,
                details=forming.GroupDetails(**details),
                created_by=self.staff_a,
                request_key=uuid.uuid4(),
            )


class KeptContentTestCase(StaffTestCase):
    """A staff page whose content (``CONTENT``) is kept in the process under a digest of all it shows."""

    CONTENT = ""

    def setUp(self):
        super().setUp()
        # The tests keep nothing (tests/conftest.py); these do, as production does.
        keeping = override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
        keeping.enable()
        self.addCleanup(keeping.disable)

    def content_made(self, response) -> bool:
        return self.CONTENT in [template.name for template in response.templates]
