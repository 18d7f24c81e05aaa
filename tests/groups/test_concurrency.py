"""Two staff pressing "start" at once, or a withdrawal in the middle, never put
one person in two groups or send one invitation twice. Real concurrency needs
PostgreSQL's row locks; SQLite serialises writes and cannot show it."""

import datetime
import threading
import uuid
from collections import Counter
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import TransactionTestCase
from django.utils import timezone

from contactpoints.models import ContactPoint, County, Municipality
from groups import services
from groups.matching import Plan
from groups.models import Email, IncomingSignUp, Invitation, SignUp
from selvhjelp.crypto import address_hash

PLAN = Plan(format="in_person", time_of_day="evening", language="no", age_group="30-44")


def in_threads(*functions):
    barrier = threading.Barrier(len(functions))
    results: list[object] = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread met
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
class ConcurrentStartTests(TransactionTestCase):
    def setUp(self):
        county = County.objects.create(number="03", name="Oslo")
        municipality = Municipality.objects.create(number="0301", name="Oslo", county=county)
        self.point = ContactPoint.objects.create(
            slug="sentral", name="Sentral", kind="frivilligsentral", municipality=municipality, threshold=4, seats=8
        )
        self.staff = get_user_model().objects.create_user("staff@work.example", "a-long-password-1")
        now = timezone.now()
        for n in range(12):
            SignUp.objects.create(
                contact_point=self.point,
                email=f"p{n}@example.org",
                email_hash=address_hash(f"p{n}@example.org"),
                status=SignUp.Status.WAITING,
                waiting_since=now - datetime.timedelta(days=30 - n),
                confirmed_at=now,
                **{"format": "any", "time_of_day": "any", "language": "any", "age_group": "any"},
            )

    def start(self):
        return services.start_group(
            contact_point=self.point,
            details=services.GroupDetails(
                plan=PLAN,
                first_meeting=timezone.now() + datetime.timedelta(days=3),
                room=None,
                place_details="Kafeen",
                seats=8,
                starter_present=False,
            ),
            created_by=self.staff,
            request_key=uuid.uuid4(),
        )

    def assert_nobody_twice(self):
        per_person = Counter(Invitation.objects.values_list("signup_id", flat=True))
        self.assertTrue(all(n == 1 for n in per_person.values()), per_person)
        invitations = Counter(Email.objects.filter(kind=Email.Kind.INVITATION).values_list("signup_id", flat=True))
        self.assertTrue(all(n == 1 for n in invitations.values()), invitations)
        self.assertEqual(SignUp.objects.filter(status=SignUp.Status.INVITED).count(), Invitation.objects.count())

    def test_two_staff_pressing_start_at_once_never_share_a_person(self):
        for _ in range(3):
            results = in_threads(self.start, self.start)
            started = [r for r in results if not isinstance(r, Exception)]
            self.assertGreaterEqual(len(started), 1, results)
            for failure in (r for r in results if isinstance(r, Exception)):
                self.assertIsInstance(failure, services.GroupError)
            self.assert_nobody_twice()
            # The first group takes the 8 longest-waiting; the second finds only 4 left.
            Invitation.objects.all().delete()
            SignUp.objects.update(status=SignUp.Status.WAITING)
            Email.objects.all().delete()

    def test_a_withdrawal_while_a_group_starts_leaves_nobody_half_invited(self):
        oldest = SignUp.objects.order_by("waiting_since").first()
        results = in_threads(self.start, lambda: services.withdraw(signup=oldest))
        self.assertFalse(any(isinstance(r, Exception) for r in results), results)
        self.assertFalse(SignUp.objects.filter(pk=oldest.pk).exists())
        self.assert_nobody_twice()
        self.assertFalse(Invitation.objects.filter(signup_id=oldest.pk).exists())
        # Whichever came first, the group is full: a withdrawn seat is refilled.
        self.assertEqual(Invitation.objects.count(), 8)


@pytest.mark.postgres
class ConcurrentRecordingTests(TransactionTestCase):
    """Two workers record sign-ups at one contact point at the same moment."""

    def setUp(self):
        county = County.objects.create(number="03", name="Oslo")
        municipality = Municipality.objects.create(number="0301", name="Oslo", county=county)
        self.point = ContactPoint.objects.create(
            slug="sentral", name="Sentral", kind="frivilligsentral", municipality=municipality
        )

    def receive(self, address: str) -> int:
        preferences = services.Preferences(format="any", time_of_day="any", language="any", age_group="any")
        with mock.patch.object(services, "_record_later"):
            services.receive(contact_point=self.point, email=address, nickname="", preferences=preferences, locale="nb")
        return IncomingSignUp.objects.latest("pk").pk

    def test_a_sign_up_is_recorded_while_another_change_at_its_contact_point_holds_the_lock(self):
        incoming = self.receive("kari@example.org")
        locked, release = threading.Event(), threading.Event()

        def hold_the_contact_point():
            with transaction.atomic():
                services.lock_contact_point(self.point.pk)
                locked.set()
                release.wait(timeout=10)

        def record():
            locked.wait(timeout=10)
            threading.Timer(0.5, release.set).start()
            return services.record_incoming(incoming_id=incoming)

        _held, recorded = in_threads(hold_the_contact_point, record)
        self.assertIs(recorded, True)
        self.assertFalse(IncomingSignUp.objects.exists())
        self.assertEqual(SignUp.objects.get().email_hash, address_hash("kari@example.org"))

    def test_two_workers_recording_at_one_contact_point_record_both_once(self):
        first, second = self.receive("a@example.org"), self.receive("b@example.org")
        for _ in range(2):  # the broker may hand a task out twice
            results = in_threads(
                lambda: services.record_incoming(incoming_id=first),
                lambda: services.record_incoming(incoming_id=second),
                lambda: services.record_incoming(incoming_id=first),
            )
            self.assertFalse(any(isinstance(r, Exception) for r in results), results)
        self.assertEqual(SignUp.objects.count(), 2)
        self.assertEqual(Email.objects.filter(kind=Email.Kind.CONFIRM).count(), 2)
        self.assertFalse(IncomingSignUp.objects.exists())
