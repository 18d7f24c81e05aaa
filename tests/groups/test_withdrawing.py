"""Leaving the list asks first. "Leave the list", "remove me from the list" and
"no, delete my sign-up" lead to a page that says what will happen; only its
one button deletes anything. Opening the page changes nothing, a press of the
old one-step buttons only shows the page, and a double press has one outcome."""

import datetime
import logging

from django.core import mail
from django.test import Client, TransactionTestCase
from django.urls import reverse
from django.utils import formats, timezone, translation

from contactpoints.models import ContactPoint
from groups import links
from groups.models import Group, Invitation, MonthlyFigure, PrivateLink, SignUp
from groups.services import forming
from outbox.models import Email
from selvhjelp.crypto import address_hash
from tests.base import a_contact_point, in_threads, link_token, start_group, waiting_person
from tests.groups.test_signing_up import (
    ENGLISH,
    LEAVE_LINK,
    SeveralLists,
    SignUpTestCase,
    leave,
    the_button,
    withdrawn_page,
)


class LeavingTestCase(SignUpTestCase):
    """Kari, on the list at Sentral A, reading the site in English."""

    def setUp(self) -> None:
        self.client = Client(**ENGLISH)
        self.sign_up(email="kari@example.org")
        self.token = link_token(mail.outbox[0])
        self.confirm(self.token)
        self.private = reverse("signup_page", args=[self.token])
        self.url = reverse("withdraw", args=[self.token])
        self.kari = SignUp.objects.get(email_hash=address_hash("kari@example.org"))

    def kept(self) -> bool:
        return SignUp.objects.filter(pk=self.kari.pk).exists()

    def press(self, opened: str, **extra: str):  # type: ignore[no-untyped-def]
        """Press the button of a page opened earlier."""
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, {**the_button(opened), **extra})

    def invite_kari(self, *, others: int = 4, seats: int = 5) -> Group:
        for n in range(others):
            waiting_person(self.point_a, f"other{n}@example.org")
        with self.captureOnCommitCallbacks(execute=True):
            group = start_group(self.point_a, by=self.staff_a, seats=seats)
        self.assertEqual(SignUp.objects.get(pk=self.kari.pk).status, SignUp.Status.INVITED)
        return group


class WithdrawingTests(LeavingTestCase):
    def test_the_private_page_links_to_the_page_that_asks_first(self) -> None:
        page = self.client.get(self.private).content.decode()
        self.assertEqual(LEAVE_LINK.findall(page), [self.url])
        self.assertNotIn('value="withdraw"', page)

    def test_opening_the_withdraw_page_changes_nothing(self) -> None:
        emails = Email.objects.count()
        for _ in range(2):  # a mail scanner, then the person
            response = self.client.get(self.url)
            self.assertContains(response, "Leave the list?</h1>")
            self.assertContains(
                response,
                "If you press the button, your sign-up and your email address are deleted at once. "
                "You will not get more emails from us.",
            )
            self.assertContains(
                response,
                "You lose your place on the list at Sentral A. If you want a group later, sign up again – "
                "you then start at the back of the list.",
            )
            self.assertContains(response, "Leave the list and delete my sign-up</button>")
            self.assertContains(response, f'href="{self.private}">No, keep my sign-up</a>')
        self.kari.refresh_from_db()
        self.assertEqual(self.kari.status, SignUp.Status.WAITING)
        self.assertTrue(PrivateLink.objects.filter(signup=self.kari).exists())
        self.assertEqual(Email.objects.count(), emails)
        self.assertEqual(MonthlyFigure.objects.get().withdrawn, 0)

    def test_withdrawing_asks_first_and_then_deletes_the_sign_up(self) -> None:
        response = leave(self.client, self.private)
        self.assertRedirects(response, withdrawn_page("en"))
        self.assertFalse(SignUp.objects.exists())
        self.assertFalse(PrivateLink.objects.exists())
        self.assertFalse(Email.objects.exists())
        self.assertEqual(MonthlyFigure.objects.get().withdrawn, 1)
        self.assertEqual(self.client.get(self.private).status_code, 404)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_the_old_one_step_button_shows_the_page_and_deletes_nothing(self) -> None:
        # A private page opened before leaving asked first still sends this.
        response = self.client.post(self.private, {"action": "withdraw"})
        self.assertContains(response, "Leave the list?</h1>")
        self.assertContains(response, f'action="{self.url}"')
        self.assertNotContains(response, "Your sign-up changed")
        self.assertTrue(self.kept())
        self.assertEqual(MonthlyFigure.objects.get().withdrawn, 0)

    def test_a_press_that_did_not_come_from_the_page_deletes_nothing(self) -> None:
        response = self.client.post(self.url)
        self.assertContains(response, "Leave the list?</h1>")
        self.assertNotContains(response, "Your sign-up changed")
        for seen in ("list", "yes", "seat-1-1", "unconfirmed-0-0"):
            response = self.client.post(self.url, {"seen": seen})
            self.assertContains(response, "Your sign-up changed while this page was open, so nothing has been deleted.")
        self.assertTrue(self.kept())

    def test_pressing_twice_gives_one_outcome(self) -> None:
        opened = self.client.get(self.url).content.decode()
        for _ in range(2):
            self.assertRedirects(self.press(opened), withdrawn_page("en"))
        self.assertFalse(self.kept())
        self.assertEqual(MonthlyFigure.objects.get().withdrawn, 1)

    def test_a_made_up_link_deletes_nothing(self) -> None:
        fake = reverse("withdraw", args=["not-a-real-token-" + "x" * 30])
        self.assertEqual(self.client.get(fake).status_code, 404)
        self.client.post(fake, {"seen": f"list-{self.point_a.pk}-0"})
        self.assertTrue(self.kept())
        self.assertEqual(MonthlyFigure.objects.get().withdrawn, 0)

    def test_an_expired_link_deletes_nothing(self) -> None:
        opened = self.client.get(self.url).content.decode()
        PrivateLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        self.assertContains(self.client.get(self.url), "This link does not work", status_code=404)
        self.assertContains(self.press(opened), "This link does not work", status_code=404)
        self.assertTrue(self.kept())

    def test_the_page_is_never_cached_and_sends_no_address_elsewhere(self) -> None:
        response = self.client.get(self.url)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertNotContains(response, "kari@example.org")
        self.assertIn("no-store", self.press(response.content.decode())["Cache-Control"])

    def test_the_link_stays_out_of_the_logs(self) -> None:
        with self.assertLogs(level=logging.DEBUG) as logs:
            logging.getLogger("probe").debug("start")
            self.client.get(reverse("withdraw", args=[self.token + "x"]))
            leave(self.client, self.private)
            self.client.get(self.url)
        self.assertNotIn(self.token.lower(), "\n".join(logs.output).lower())

    def test_the_page_takes_two_queries(self) -> None:
        # The link with its sign-up and contact point, the invitation (none), whether they wait on other lists.
        with self.assertNumQueries(3):
            self.client.get(self.url)

    def test_a_place_moved_meanwhile_is_told_before_anything_is_deleted(self) -> None:
        opened = self.client.get(self.url).content.decode()
        SignUp.objects.filter(pk=self.kari.pk).update(contact_point=self.point_b)
        response = self.press(opened)
        self.assertContains(response, "Your sign-up changed while this page was open")
        self.assertContains(response, "You lose your place on the list at Sentral B.")
        self.assertTrue(self.kept())


class InvitedTests(LeavingTestCase):
    """Remove me from the list, from an invitation."""

    def test_remove_me_leads_to_the_page_that_asks_first(self) -> None:
        self.invite_kari()
        page = self.client.get(self.private).content.decode()
        self.assertEqual(LEAVE_LINK.findall(page), [self.url])
        self.assertNotIn('value="remove_me"', page)

    def test_the_page_says_the_seat_goes_to_the_next_person_and_it_does(self) -> None:
        group = self.invite_kari(others=5, seats=5)
        last = SignUp.objects.get(email_hash=address_hash("other4@example.org"))
        self.assertEqual(last.status, SignUp.Status.WAITING)
        opened = self.client.get(self.url)
        with translation.override("en"):
            meeting = formats.date_format(timezone.localtime(group.first_meeting), "WEEKDAY_MONTH_DAY_FORMAT")
        self.assertContains(
            opened,
            f"Your seat in the group that meets for the first time on {meeting} goes to the next person on the list.",
        )
        self.assertContains(opened, "Remove me from the list</button>")
        self.assertEqual(Invitation.objects.filter(signup=self.kari).count(), 1)

        mail.outbox.clear()
        self.assertRedirects(self.press(opened.content.decode()), withdrawn_page("en"))
        self.assertFalse(self.kept())
        self.assertEqual(SignUp.objects.get(pk=last.pk).status, SignUp.Status.INVITED)
        self.assertEqual([message.to for message in mail.outbox], [["other4@example.org"]])
        group.refresh_from_db()
        self.assertEqual(group.declined, 1)
        self.assertEqual(MonthlyFigure.objects.get().withdrawn, 1)

    def test_a_person_who_said_yes_is_asked_first_too(self) -> None:
        self.invite_kari()
        self.client.post(self.private, {"action": "answer", "reply": "yes"})
        opened = self.client.get(self.url)
        self.assertContains(opened, "goes to the next person on the list.")
        self.assertRedirects(self.press(opened.content.decode()), withdrawn_page("en"))
        self.assertFalse(self.kept())

    def test_remove_me_pressed_as_a_button_shows_the_page_and_deletes_nothing(self) -> None:
        self.invite_kari()
        response = self.client.post(self.private, {"action": "answer", "reply": "remove_me"})
        self.assertContains(response, "Leave the list?</h1>")
        self.assertContains(response, "goes to the next person on the list.")
        self.assertTrue(self.kept())
        self.assertEqual(Invitation.objects.filter(signup=self.kari).count(), 1)

    def test_an_invitation_gone_meanwhile_is_told_before_anything_is_deleted(self) -> None:
        self.invite_kari()
        opened = self.client.get(self.url).content.decode()
        Invitation.objects.filter(signup=self.kari).update(reply_by=timezone.now() - datetime.timedelta(seconds=1))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(forming.expire_invitations(), 1)

        response = self.press(opened)
        self.assertContains(response, "Your sign-up changed while this page was open, so nothing has been deleted.")
        self.assertNotContains(response, "goes to the next person")
        self.assertContains(response, "Leave the list and delete my sign-up</button>")
        self.assertEqual(SignUp.objects.get(pk=self.kari.pk).status, SignUp.Status.WAITING)
        # Pressed again, on the page as it is now, it does what it says.
        self.assertRedirects(self.press(response.content.decode()), withdrawn_page("en"))
        self.assertFalse(self.kept())

    def test_an_invitation_come_meanwhile_is_told_before_anything_is_deleted(self) -> None:
        opened = self.client.get(self.url).content.decode()
        self.invite_kari()
        response = self.press(opened)
        self.assertContains(response, "Your sign-up changed while this page was open")
        self.assertContains(response, "goes to the next person on the list.")
        self.assertEqual(Invitation.objects.filter(signup=self.kari).count(), 1)

    def test_after_the_first_meeting_the_invitation_can_no_longer_be_answered(self) -> None:
        group = self.invite_kari()
        opened = self.client.get(self.url).content.decode()
        Group.objects.filter(pk=group.pk).update(first_meeting=timezone.now() - datetime.timedelta(minutes=1))
        response = self.press(opened)
        self.assertContains(response, "This invitation can no longer be answered.")
        self.assertContains(response, "Soon after it, you are back on the list and we email you.")
        self.assertNotContains(response, 'name="seen"')
        self.assertTrue(self.kept())
        self.assertEqual(Invitation.objects.filter(signup=self.kari).count(), 1)

    def test_after_the_first_meeting_a_person_who_said_yes_is_told_what_comes(self) -> None:
        group = self.invite_kari()
        self.client.post(self.private, {"action": "answer", "reply": "yes"})
        Group.objects.filter(pk=group.pk).update(first_meeting=timezone.now() - datetime.timedelta(minutes=1))
        response = self.client.get(self.url)
        self.assertContains(response, "we send you the group's getting-started guide, and then we delete your sign-up.")
        self.assertNotContains(response, 'name="seen"')


class UnconfirmedTests(SignUpTestCase):
    def test_no_delete_my_sign_up_asks_first_too(self) -> None:
        client = Client(**ENGLISH)
        self.sign_up(email="ola@example.org", client=client)
        token = link_token(mail.outbox[0])
        url = reverse("withdraw", args=[token])
        self.assertEqual(LEAVE_LINK.findall(client.get(reverse("signup_page", args=[token])).content.decode()), [url])
        page = client.get(url)
        self.assertContains(page, "Delete your sign-up?</h1>")
        self.assertContains(page, "You are not on the list yet. If you want a group later, you can sign up again.")
        self.assertContains(page, "Delete my sign-up</button>")
        self.assertEqual(SignUp.objects.get().status, SignUp.Status.UNCONFIRMED)

        self.assertRedirects(client.post(url, the_button(page.content.decode())), withdrawn_page("en"))
        self.assertFalse(SignUp.objects.exists())
        # Never on the list, so never counted as having left it.
        self.assertEqual(MonthlyFigure.objects.get().withdrawn, 0)

    def test_confirmed_in_another_tab_meanwhile_is_told_before_anything_is_deleted(self) -> None:
        client = Client(**ENGLISH)
        self.sign_up(email="ola@example.org", client=client)
        token = link_token(mail.outbox[0])
        url = reverse("withdraw", args=[token])
        opened = client.get(url).content.decode()
        self.confirm(token)
        response = client.post(url, the_button(opened))
        self.assertContains(response, "Your sign-up changed while this page was open")
        self.assertContains(response, "Leave the list?</h1>")
        self.assertEqual(SignUp.objects.get().status, SignUp.Status.WAITING)


class DoubleClickTests(TransactionTestCase):
    """Two presses of the button at the same moment, as a double click sends them."""

    def test_two_presses_at_once_delete_once_and_both_say_so(self) -> None:
        point = a_contact_point()
        token = links.mint(signup=waiting_person(point, "kari@example.org"))
        url = reverse("withdraw", args=[token])
        button = the_button(Client().get(url).content.decode())

        def press():  # type: ignore[no-untyped-def]
            response = Client().post(url, button)
            return response.status_code, response["Location"]

        results = in_threads(press, press)
        self.assertEqual(results, [(302, withdrawn_page("nb"))] * 2)
        self.assertFalse(SignUp.objects.exists())
        self.assertEqual(MonthlyFigure.objects.get().withdrawn, 1)


class LeavingOneOfSeveralListsTests(SeveralLists):
    """Kari joined Sentral A, Sentral C and the video list with one form, and confirmed."""

    def setUp(self) -> None:
        self.client = Client(**ENGLISH)
        self.sign_up(also_nearby=self.point_c.pk, also_nationwide=self.video.pk)
        self.token = link_token(mail.outbox[0])
        self.confirm(self.token)
        self.private = reverse("signup_page", args=[self.token])

    def leave_place(self, point: ContactPoint):  # type: ignore[no-untyped-def]
        url = reverse("withdraw_place", args=[self.token, point.pk])
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, the_button(self.client.get(url).content.decode()))

    def test_the_private_page_shows_each_place_in_words_with_a_way_to_leave_it(self) -> None:
        page = self.client.get(self.private).content.decode()
        self.assertIn("All your lists", page)
        for point in (self.point_a, self.point_c, self.video):
            self.assertIn(f"Leave the list at {point.name}", page)
            self.assertIn(reverse("withdraw_place", args=[self.token, point.pk]), page)
        self.assertEqual(page.count("You are among the first 5 on the list."), 4)  # its own card, and each place

    def test_opening_the_page_for_one_place_changes_nothing_and_says_the_others_stay(self) -> None:
        page = self.client.get(reverse("withdraw_place", args=[self.token, self.video.pk]))
        self.assertContains(page, "your sign-up at Videogrupper is deleted at once")
        self.assertContains(page, "Your places on your other lists stay as they are.")
        self.assertEqual(len(self.lists_of("kari@example.org")), 3)

    def test_leaving_one_place_keeps_the_others(self) -> None:
        response = self.leave_place(self.video)
        self.assertRedirects(response, self.private, fetch_redirect_response=False)
        self.assertEqual(self.lists_of("kari@example.org"), {"sentral-a": "waiting", "sentral-c": "waiting"})
        self.assertEqual(MonthlyFigure.objects.get(contact_point=self.video).withdrawn, 1)
        self.assertContains(self.client.get(self.private), "You have left the list at Videogrupper.")

    def test_leaving_the_place_the_link_opens_keeps_the_link_working_for_the_others(self) -> None:
        self.leave_place(self.point_a)
        self.assertEqual(self.lists_of("kari@example.org"), {"sentral-c": "waiting", "videogrupper": "waiting"})
        self.assertContains(self.client.get(self.private), "You are on the waiting list at Sentral C.")

    def test_leaving_every_place_ends_on_the_page_that_says_so(self) -> None:
        self.leave_place(self.video)
        self.leave_place(self.point_c)
        response = self.leave_place(self.point_a)
        self.assertRedirects(response, withdrawn_page("en"), fetch_redirect_response=False)
        self.assertEqual(self.lists_of("kari@example.org"), {})

    def test_a_place_of_another_address_cannot_be_left_through_this_link(self) -> None:
        self.sign_up(self.point_b, email="ola@example.org")
        url = reverse("withdraw_place", args=[self.token, self.point_b.pk])
        response = self.client.post(url, {"seen": f"list-{self.point_b.pk}-0-1"})
        self.assertRedirects(response, self.private, fetch_redirect_response=False)
        self.assertTrue(SignUp.objects.filter(email_hash=address_hash("ola@example.org")).exists())
