"""Scaling out is adding processes (DESIGN.md §5).

Two gunicorn web processes and two Celery workers, in production settings
(DEBUG=0), share the test database and a private Redis. The core story is told
over HTTP, each request going to the other web process than the one before:
six people sign up and confirm from their inbox, staff start a group, everyone
says yes, the group is handed off. Every email arrives exactly once, and
nothing of those people is left.

The requests go to gunicorn as the TLS-terminating proxy would send them
(``X-Forwarded-Proto: https``, and the browser's ``Origin`` and cookies), so
the production cookies (``Secure``) and CSRF checks apply as they do there.
"""

import datetime
import json
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import TransactionTestCase
from django.utils import timezone

from groups.models import Group, Invitation, PrivateLink, SignUp
from outbox.models import Email
from tests.base import a_contact_point, signup_data
from tests.integration.stack import (
    REQUEST_KEY,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    RealStack,
    wait_for,
)
from tests.signin import current_code, ensure_device

PEOPLE = 6


@pytest.mark.postgres
class ScaleOutTests(RealStack, TransactionTestCase):
    def setUp(self):
        self.point = a_contact_point()
        staff = get_user_model().objects.create_user(STAFF_EMAIL, STAFF_PASSWORD)
        self.point.staff.add(staff)
        self.start_stack(webs=2, workers=2)

    # The story ----------------------------------------------------------------------

    def test_two_web_processes_and_two_workers_tell_the_whole_story(self):
        people = [f"person{number}@example.org" for number in range(PEOPLE)]
        signup_path = f"/kontaktpunkter/{self.point.slug}/meld-interesse/"

        # Six people sign up, each on the public form.
        request_ids = {}
        for address in people:
            person = self.visitor()
            form = self.get(person, signup_path)
            response = self.post(person, signup_path, signup_data(email=address), form)
            self.assertTrue(response.headers["Location"].endswith("/sjekk-e-posten/"))
            request_ids[address] = response.headers["X-Request-ID"]
        # The workers record them (the form only takes them in).
        recorded = wait_for(lambda: SignUp.objects.filter(status=SignUp.Status.UNCONFIRMED).count() == PEOPLE)
        self.assertTrue(recorded, f"not every sign-up was recorded:\n{self.logs()}")

        # Each confirms through the link in their email: the link shows a button; the button confirms.
        self.wait_for_mail(people, 1)
        seen = set()
        for address in people:
            person = self.visitor()
            [confirmation] = self.mail_to(address)
            seen.add(confirmation["Subject"])
            link = self.link_in(confirmation)
            self.post(person, link, {"action": "confirm"}, self.get(person, link))
        self.assertEqual(SignUp.objects.filter(status=SignUp.Status.WAITING).count(), PEOPLE)

        # Staff sign in and start a group.
        staff = self.visitor()
        device = ensure_device(get_user_model().objects.get(email=STAFF_EMAIL))
        login = self.get(staff, "/logg-inn/")
        code_step = self.post(staff, "/logg-inn/", {"username": STAFF_EMAIL, "password": STAFF_PASSWORD}, login)
        self.assertTrue(code_step.headers["Location"].endswith("/logg-inn/kode/"))
        code_page = self.get(staff, "/logg-inn/kode/")
        self.post(staff, "/logg-inn/kode/", {"code": current_code(device)}, code_page)
        start_path = f"/ansatt/{self.point.slug}/ny-gruppe/"
        form = self.get(staff, start_path)
        first_meeting = timezone.localtime(timezone.now() + datetime.timedelta(days=2))
        started = self.post(
            staff,
            start_path,
            {
                "format": "in_person",
                "time_of_day": "evening",
                "language": "no",
                "age_group": "30-44",
                "first_meeting": first_meeting.strftime("%Y-%m-%dT%H:%M"),
                "room": "",
                "place_details": "Kafeen, andre etasje",
                "seats": str(PEOPLE),
                "request_key": REQUEST_KEY.search(form.text).group(1),  # type: ignore[union-attr]
            },
            form,
        )
        group_path = urlsplit(started.headers["Location"]).path
        group = Group.objects.get(contact_point=self.point)
        self.assertEqual(group_path, f"/ansatt/{self.point.slug}/grupper/{group.pk}/")

        # Everyone is invited, and says yes.
        self.wait_for_mail(people, 2)
        for address in people:
            person = self.visitor()
            [invitation] = [message for message in self.mail_to(address) if message["Subject"] not in seen]
            link = self.link_in(invitation)
            self.post(person, link, {"action": "answer", "reply": "yes"}, self.get(person, link))
        self.assertEqual(Invitation.objects.filter(group=group, status=Invitation.Status.ACCEPTED).count(), PEOPLE)
        # Each is told they have a place, days before the group meets.
        self.wait_for_mail(people, 3)

        # The group has met; staff hand it off.
        Group.objects.filter(pk=group.pk).update(first_meeting=timezone.now() - datetime.timedelta(hours=1))
        has_met_path = f"{group_path}har-motts/"
        self.post(staff, has_met_path, {}, self.get(staff, has_met_path))

        # Everyone gets the guide; then nothing of them is left.
        self.wait_for_mail(people, 4)
        gone = wait_for(lambda: not SignUp.objects.filter(contact_point=self.point).exists())
        self.assertTrue(gone, f"sign-ups remain after the hand-off:\n{self.logs()}")
        self.assertTrue(wait_for(self.queue_is_idle), "the workers never finished")
        time.sleep(0.5)  # a doubled message would be written by now

        inbox = self.inbox()
        sent = Counter((message["To"], message["Subject"]) for message in inbox)
        doubled = {key: count for key, count in sent.items() if count != 1}
        self.assertFalse(doubled, "emails sent more than once")
        kinds = {address: sorted(message["Subject"] for message in self.mail_to(address)) for address in people}
        for address in people:
            self.assertEqual(len(kinds[address]), 4, f"{address}: confirm, invitation, yes, guide")
            self.assertEqual(kinds[address], kinds[people[0]], "everyone got the same four kinds")
        self.assertEqual(len(set(kinds[people[0]])), 4)
        self.assertEqual(len(self.mail_to(STAFF_EMAIL)), 1, "staff are told once that enough are waiting")
        self.assertEqual(len(inbox), PEOPLE * 4 + 1, "no email lost, none extra")
        self.assertFalse(Email.objects.filter(sent_at=None).exists(), "every email the app decided on was sent")

        self.assertEqual(Group.objects.get(pk=group.pk).status, Group.Status.HANDED_OFF)
        self.assertEqual(Group.objects.get(pk=group.pk).members_at_start, PEOPLE)
        self.assertFalse(SignUp.objects.exists())
        self.assertFalse(Invitation.objects.exists())
        self.assertFalse(PrivateLink.objects.exists())
        self.assertFalse(Email.objects.filter(signup__isnull=False).exists())

        self.the_work_was_shared_and_the_logs_tell_it_without_addresses(people, request_ids)

    def the_work_was_shared_and_the_logs_tell_it_without_addresses(self, people, request_ids):  # type: ignore[no-untyped-def]
        for name in ("web-1", "web-2"):
            self.assertIn('"logger": "gunicorn.access"', self.log_of(name), f"{name} served no request")
        for name in ("worker-1", "worker-2"):
            self.assertIn("succeeded", self.log_of(name), f"{name} ran no task")
        # The confirmation email's task logs under the id of the sign-up request that queued it.
        worker_lines = []
        for name in ("worker-1", "worker-2"):
            for line in self.log_of(name).splitlines():
                if line.startswith("{"):
                    worker_lines.append(json.loads(line))
        for address in people:
            self.assertTrue(
                any(
                    entry["request_id"] == request_ids[address] and "outbox.tasks.send_email" in entry["message"]
                    for entry in worker_lines
                ),
                f"no worker line carries the id of {address}'s sign-up request",
            )
        everything = "".join(log.read_text(errors="replace") for _name, _process, log in self.processes)
        for address in [*people, STAFF_EMAIL]:
            self.assertNotIn(address.lower(), everything.lower())
