"""PostgreSQL drops a connection in the middle of a request (a restart, a failover, an operator's
pg_terminate_backend): the person gets their answer, not a server error, and what they did counts once."""

from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse

from groups.models import MonthlyFigure, SignUp
from groups.services import signing_up
from tests.base import a_contact_point, link_token, person_signs_up
from tests.database import drop_this_connection


@pytest.mark.postgres
class DroppedConnectionTests(TransactionTestCase):
    def setUp(self):
        self.point = a_contact_point()
        person_signs_up(self.point, "kari@example.org")
        self.page = reverse("signup_page", args=[link_token(mail.outbox[0])])

    def test_a_confirmation_whose_connection_was_dropped_is_confirmed_once_not_a_server_error(self):
        real, calls = signing_up.confirm, []

        def confirm(**kwargs):
            calls.append(1)
            if len(calls) == 1:
                drop_this_connection()
            return real(**kwargs)

        with (
            mock.patch.object(signing_up, "confirm", side_effect=confirm),
            self.assertLogs("selvhjelp.middleware", "WARNING") as logs,
        ):
            response = self.client.post(self.page, {"action": "confirm"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(calls), 2)
        self.assertIn("answering it once more", logs.output[0])
        self.assertEqual(SignUp.objects.get().status, SignUp.Status.WAITING)
        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.point).confirmed, 1)

    def test_a_connection_dropped_twice_is_a_server_error(self):
        def confirm(**kwargs):
            drop_this_connection()
            return signing_up.SignUp.objects.count()

        with mock.patch.object(signing_up, "confirm", side_effect=confirm), self.assertLogs("django.request", "ERROR"):
            self.client.raise_request_exception = False
            response = self.client.post(self.page, {"action": "confirm"})
        self.assertEqual(response.status_code, 500)
        connection.close()  # as the next request does, here where the test client does not
        self.assertEqual(SignUp.objects.get().status, SignUp.Status.UNCONFIRMED)
