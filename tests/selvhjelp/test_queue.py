"""Background work is queued after commit; where many requests leave work of
one kind, one task is woken for all of it, and nothing is lost when the cache
or the broker does not answer."""

from unittest import mock

from django.db import transaction
from django.test import TestCase

from selvhjelp import queue

FLAG = "tests:probe:woken"


class WakingOnceTests(TestCase):
    def setUp(self):
        self.task = mock.Mock(name="probe")
        self.task.name = "tests.probe"

    def wake(self):
        with self.captureOnCommitCallbacks(execute=True):
            queue.wake_after_commit(self.task, flag=FLAG, seconds=60)

    def test_a_burst_of_requests_wakes_the_task_once(self):
        for _ in range(5):
            self.wake()
        self.task.delay.assert_called_once_with()

    def test_once_the_task_has_started_new_work_wakes_it_again(self):
        self.wake()
        queue.woken(FLAG)
        self.wake()
        self.wake()
        self.assertEqual(self.task.delay.call_count, 2)

    def test_nothing_is_woken_before_the_work_is_committed(self):
        with self.captureOnCommitCallbacks() as queued:
            with transaction.atomic():
                queue.wake_after_commit(self.task, flag=FLAG, seconds=60)
            self.task.delay.assert_not_called()
        self.assertEqual(len(queued), 1)

    def test_when_the_broker_does_not_answer_the_next_request_tries_again(self):
        self.task.delay.side_effect = ConnectionError("broker down")
        with self.assertLogs("selvhjelp.queue", "WARNING") as logs:
            self.wake()
        self.assertIn("the relay will do it", logs.output[0])
        self.task.delay.side_effect = None
        self.wake()
        self.assertEqual(self.task.delay.call_count, 2)

    def test_when_the_cache_does_not_answer_the_task_is_woken_anyway(self):
        down = mock.Mock()
        down.add.side_effect = down.delete.side_effect = ConnectionError("cache down")
        with mock.patch.object(queue, "cache", down), self.assertLogs("selvhjelp.queue", "WARNING"):
            self.wake()
            self.wake()
            queue.woken(FLAG)
        self.assertEqual(self.task.delay.call_count, 2)
