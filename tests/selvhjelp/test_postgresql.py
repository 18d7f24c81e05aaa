"""A connection kept from an earlier request is checked before the next one's first query, without a round
trip: one the server ended is replaced, and a request on it is answered as on any other."""

import time
from unittest import mock

import pytest
from django.db import close_old_connections, connection
from django.test import TransactionTestCase
from django.urls import reverse

from tests.base import a_contact_point
from tests.database import drop_this_connection


def within_a_second(check) -> bool:
    deadline = time.monotonic() + 1
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.mark.postgres
class KeptConnectionTests(TransactionTestCase):
    def setUp(self):
        self.addCleanup(connection.close)  # the next test's work starts on a new one

    def test_a_connection_the_server_ended_is_not_used_again(self):
        connection.ensure_connection()
        self.assertTrue(connection.is_usable())
        drop_this_connection()
        self.assertTrue(within_a_second(lambda: not connection.is_usable()))

    def test_a_working_connection_is_checked_without_a_query(self):
        connection.ensure_connection()
        with mock.patch.object(connection.connection, "cursor", side_effect=AssertionError("a query was sent")):
            self.assertTrue(connection.is_usable())

    def test_a_page_after_the_server_ended_the_kept_connection_is_answered_on_a_new_one(self):
        point = a_contact_point()
        page = reverse("contact_point", args=[point.slug])
        self.assertEqual(self.client.get(page).status_code, 200)
        connection.ensure_connection()
        ended = connection.connection
        drop_this_connection()
        self.assertTrue(within_a_second(lambda: not connection.is_usable()))
        close_old_connections()  # what every request starts with (the test client leaves it out)
        with self.assertNoLogs("selvhjelp.middleware", "WARNING"):
            self.assertContains(self.client.get(page), point.name)
        self.assertIsNot(connection.connection, ended)
