"""The getting-started guide every new group receives is also a public, printable
page, in every language, from the same text as the email."""

import datetime

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from groups import emails as group_mail
from groups.guide import HOW_A_GROUP_RUNS_ITSELF
from groups.services import answering, hand_off
from outbox.models import Email
from selvhjelp.i18n import text_language
from tests.base import EVENING_PLAN, Personas, start_group, waiting_person

BROWSER_ASKS = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB", "se": "se-NO"}


def steps_in(language: str) -> list[str]:
    with translation.override(language):
        return [str(step) for step in HOW_A_GROUP_RUNS_ITSELF]


class GuidePageTests(Personas):
    def test_anyone_can_read_the_guide_in_each_language(self):
        for language, header in BROWSER_ASKS.items():
            with self.subTest(language):
                response = Client().get(reverse("materials:guide"), HTTP_ACCEPT_LANGUAGE=header)
                self.assertEqual(response.status_code, 200)
                # Northern Sami's page is in bokmål, marked so (tests/selvhjelp/test_i18n.py).
                self.assertContains(response, f'<html lang="{text_language(language)}"')
                for step in steps_in(language):
                    self.assertContains(response, step)

    def test_it_prints_without_the_sites_header_and_footer(self):
        response = Client().get(reverse("materials:guide"))
        self.assertContains(response, "/static/css/print.css")
        self.assertNotContains(response, "<script")

    def test_every_page_links_to_it(self):
        for url in (reverse("home"), reverse("directory"), reverse("privacy")):
            self.assertContains(Client().get(url), f'href="{reverse("materials:guide")}"')

    def test_the_email_at_hand_off_and_the_page_say_the_same(self):
        with self.captureOnCommitCallbacks(execute=True):
            people = [waiting_person(self.point_a, f"m{n}@example.org", **EVENING_PLAN) for n in range(5)]
        group = start_group(self.point_a, by=self.staff_a, seats=5)
        for person in people:
            answering.answer(signup=person, reply=answering.Answer.YES)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            hand_off.hand_off(group=group, now=group.first_meeting + datetime.timedelta(hours=4))

        self.assertEqual(len(mail.outbox), 5)
        self.assertFalse(Email.objects.filter(kind=group_mail.GUIDE).exists())  # sent, then deleted with them
        page = Client().get(reverse("materials:guide")).content.decode()
        message = mail.outbox[0]
        html = message.alternatives[0][0]
        for step in steps_in("nb"):
            self.assertIn(f"- {step}", message.body)
            self.assertIn(f"<li>{step}</li>", html)
            self.assertIn(step, page)
        self.assertIn(f"{settings.SITE_URL}/veiledning/", message.body)
        self.assertIn(f'href="{settings.SITE_URL}/veiledning/"', html)
