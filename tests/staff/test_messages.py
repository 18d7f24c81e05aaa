"""Staff send a message to everyone waiting, and see only how many it reached."""

from django.core import mail
from django.urls import reverse

from groups.models import Broadcast
from tests.staff.base import StaffTestCase


class MessageTests(StaffTestCase):
    def test_staff_send_a_message_to_everyone_waiting_and_see_only_how_many(self):
        self.fill(self.point_a, 3)
        self.fill(self.point_b, 2)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_staff_a().post(
                reverse("staff:message", args=[self.point_a.slug]),
                {"body": "Informasjonsmøte tirsdag kl. 18 i kafeen."},
                follow=True,
            )
        self.assertContains(response, "3")
        self.assertNotContains(response, "@example.org")
        self.assertEqual(len(mail.outbox), 3)
        self.assertTrue(all("Informasjonsmøte" in m.body for m in mail.outbox))
        self.assertTrue(all(m.to[0].endswith("sentral-a@example.org") for m in mail.outbox))
        self.assertEqual(Broadcast.objects.get().recipients, 3)
