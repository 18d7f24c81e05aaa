"""The privacy notice (GDPR article 13) states what the code does: every fact on
it comes from a setting, so a page rendered with other settings says other
things, and a fact that went missing or a cookie it does not name fails here."""

import re
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from selvhjelp.context_processors import operator_details, signup_rules
from tests.base import InEnglish, Personas, link_token, signup_data
from tests.signin import sign_in

NOTICE = Path(settings.BASE_DIR) / "templates" / "groups" / "_privacy_text.html"

# Values nobody would choose, so that each can only have come from its setting.
UNUSUAL = {
    "SERVICE_NAME": "Gruppeporten",
    "OPERATOR_NAME": "Nordlys Frivillig AS",
    "OPERATOR_ORG_NUMBER": "987654325",
    "OPERATOR_CONTACT_EMAIL": "hei@nordlys.example",
    "PRIVACY_CONTACT_EMAIL": "personvern@nordlys.example",
    "OPERATOR_POSTAL_ADDRESS": "Postboks 7, 9008 Tromsø",
    "MAIL_PROCESSOR": "Postbud SA, Lisboa",
    "HOSTING_PROCESSOR": "Serverhallen AS, Bergen",
    "SIGNUP_CONFIRM_HOURS": 37,
    "SIGNUP_EXPIRY_DAYS": 211,
    "SIGNUP_EXPIRY_WARNING_DAYS": 17,
    "MOVE_OFFER_AFTER_DAYS": 93,
    "INVITATION_REPLY_HOURS": 61,
    "HAND_OFF_AFTER_HOURS": 4,
    "ADDRESS_EXCHANGE_DAYS": 6,
    "CLOSED_SIGNUPS_KEPT_DAYS": 29,
    "FIELD_KEY_ROTATE_DAYS": 8,
    "FIELD_KEY_RETIRE_AFTER_DAYS": 36,
    "CSRF_COOKIE_AGE": 100 * 24 * 3600,
    "LANGUAGE_COOKIE_AGE": 30 * 24 * 3600,
    "SESSION_COOKIE_AGE": 9 * 3600,
    "CSRF_COOKIE_NAME": "skjema",
    "LANGUAGE_COOKIE_NAME": "sprak",
    "SESSION_COOKIE_NAME": "okt",
}

# What the notice must say for each of those settings.
STATED = {
    "OPERATOR_NAME and OPERATOR_ORG_NUMBER": "Nordlys Frivillig AS (org. no. 987 654 325) runs Gruppeporten and is "
    "responsible for your information (the data controller).",
    "PRIVACY_CONTACT_EMAIL": '<a class="ds-link" href="mailto:personvern@nordlys.example">'
    "personvern@nordlys.example</a>",
    "OPERATOR_CONTACT_EMAIL": '<a class="ds-link" href="mailto:hei@nordlys.example">hei@nordlys.example</a>',
    "OPERATOR_POSTAL_ADDRESS": "Post: Postboks 7, 9008 Tromsø.",
    "MAIL_PROCESSOR": "Our mail provider, Postbud SA, Lisboa, sends the emails for us.",
    "HOSTING_PROCESSOR": "The service runs on servers that Serverhallen AS, Bergen looks after for us",
    "SIGNUP_CONFIRM_HOURS": "If you do not confirm your sign-up within 37 hours, we delete it and your email address.",
    "SIGNUP_EXPIRY_DAYS and SIGNUP_EXPIRY_WARNING_DAYS": "After 211 days on the list we delete your sign-up, unless "
    "you tell us you want to keep your place. We email you 17 days before.",
    "MOVE_OFFER_AFTER_DAYS": "If you have waited more than 93 days where too few are waiting",
    "INVITATION_REPLY_HOURS": "If you do not answer within 61 hours",
    "HAND_OFF_AFTER_HOURS": "4 hours after the first meeting begins, the group belongs to its members.",
    "ADDRESS_EXCHANGE_DAYS": "we keep it for 6 days after the meeting, for that alone.",
    "CLOSED_SIGNUPS_KEPT_DAYS": "If your contact point closes, you have 29 days to move your place to another one.",
    "FIELD_KEY_ROTATE_DAYS and FIELD_KEY_RETIRE_AFTER_DAYS": "Within 44 days it can no longer be read anywhere",
    "CSRF_COOKIE_NAME and CSRF_COOKIE_AGE": "<code>skjema</code>: a random code that protects the forms on this site "
    "against forgery. Your browser keeps it for 100 days.",
    "LANGUAGE_COOKIE_NAME and LANGUAGE_COOKIE_AGE": "<code>sprak</code>: the language you chose with the buttons at "
    "the top, if you did. Your browser keeps it for 30 days.",
    "SESSION_COOKIE_NAME and SESSION_COOKIE_AGE": "<code>okt</code>: only for staff who sign in: it keeps them signed "
    "in, for at most 9 hours.",
}


def plain(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text with its whitespace as a reader sees it."""
    return " ".join(response.content.decode().split())


class ThePrivacyNoticeStatesTheSettingsTests(InEnglish, Personas):
    def test_the_privacy_notice_states_each_setting_it_relies_on(self):
        with override_settings(**UNUSUAL):
            page = plain(self.client_for().get(reverse("privacy")))
        for setting, sentence in STATED.items():
            with self.subTest(setting):
                self.assertIn(sentence, page)

    def test_with_the_settings_as_they_are_it_states_those(self):
        page = plain(self.client_for().get(reverse("privacy")))
        number = settings.OPERATOR_ORG_NUMBER
        self.assertIn(f"{settings.OPERATOR_NAME} (org. no. {number[:3]} {number[3:6]} {number[6:]})", page)
        self.assertIn(f"within {settings.SIGNUP_CONFIRM_HOURS} hours", page)
        self.assertIn(f"After {settings.SIGNUP_EXPIRY_DAYS} days on the list", page)
        self.assertIn(f"Our mail provider, {settings.MAIL_PROCESSOR}, sends the emails", page)
        days = settings.FIELD_KEY_ROTATE_DAYS + settings.FIELD_KEY_RETIRE_AFTER_DAYS
        self.assertIn(f"Within {days} days it can no longer be read anywhere", page)

    def test_without_a_postal_address_or_a_hosting_provider_the_notice_leaves_them_out(self):
        with override_settings(OPERATOR_POSTAL_ADDRESS="", HOSTING_PROCESSOR=""):
            page = plain(self.client_for().get(reverse("privacy")))
        self.assertNotIn("Post:", page)
        self.assertNotIn("servers that", page)

    def test_a_language_cookie_the_browser_forgets_is_described_so(self):
        with override_settings(LANGUAGE_COOKIE_AGE=None):
            page = plain(self.client_for().get(reverse("privacy")))
        self.assertIn("Your browser forgets it when you close it.", page)

    def test_every_fact_the_notice_names_is_one_the_settings_give(self):
        # A name the template uses that the context processors do not give would show as nothing at all.
        given = {
            "operator": set(operator_details()),
            **{name: set(values) for name, values in signup_rules(None).items()},  # type: ignore[arg-type]
        }
        used = re.findall(r"\b(operator|rules|cookies)\.(\w+)", NOTICE.read_text(encoding="utf-8"))
        self.assertTrue(used)
        missing = sorted({f"{group}.{name}" for group, name in used if name not in given[group]})
        self.assertEqual(missing, [])


class WhatTheNoticeSaysTests(InEnglish, Personas):
    def notice(self) -> str:
        return plain(self.client_for().get(reverse("privacy")))

    def test_it_is_organised_by_the_stages_of_a_sign_up(self):
        page = self.notice()
        headings = re.findall(r'<h2 class="ds-heading" data-size="sm" id="[\w-]+">([^<]+)</h2>', page)
        self.assertEqual(
            headings,
            [
                "Who is responsible",
                "What we use it for, and why we may",
                "Who can see it",
                "When you sign up",
                "While you wait",
                "When you are invited",
                "After the first meeting",
                "If you ask to hear when a contact point opens",
                "If you leave",
                "What is left afterwards",
                "Your rights",
                "Cookies",
            ],
        )

    def test_it_says_what_a_request_to_hear_when_a_contact_point_opens_keeps_and_for_how_long(self):
        page = self.notice()
        self.assertIn("we store your email address (encrypted), your municipality, your language", page)
        self.assertIn("as soon as we have emailed you, when you remove it with the link in our email", page)
        self.assertIn("if you do not confirm within 48 hours, and at the latest after 12 months", page)

    def test_it_names_the_legal_basis_explicit_consent_for_health_information(self):
        page = self.notice()
        self.assertIn("explicit consent (the GDPR, article 6(1)(a) and article 9(2)(a))", page)
        self.assertIn("you can withdraw it at any time", page)

    def test_nobody_sees_it_except_the_members_a_person_chooses_to_share_with_and_it_says_so_first(self):
        page = self.notice()
        who_sees = page.split('id="who-sees">', 1)[1]
        first = re.search(r'<p class="ds-paragraph">([^<]+)</p>', who_sees)
        assert first is not None
        self.assertEqual(
            first.group(1),
            "Nobody, unless you choose it yourself: after your group's first meeting, you can share your email "
            "address with the others who were there and want to share too. Only they see it.",
        )

    def test_it_says_what_is_never_asked(self):
        self.assertIn(
            "We never ask for your name, phone number, address, national identity number, or why you want a group.",
            self.notice(),
        )

    def test_it_says_how_to_withdraw_with_the_button_the_private_page_has(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client_for().post(reverse("signup", args=[self.point_a.slug]), signup_data())
        private_page = reverse("signup_page", args=[link_token(mail.outbox[-1])])
        with self.captureOnCommitCallbacks(execute=True):
            self.client_for().post(private_page, {"action": "confirm"})
        own_page = self.client_for().get(private_page)
        button = "Leave the list and delete my sign-up"
        self.assertContains(own_page, button)
        self.assertIn(f"Open the private link in one of our emails and press “{button}”.", self.notice())

    def test_it_names_the_rights_and_where_to_complain(self):
        page = self.notice()
        self.assertIn("to have it corrected or deleted, to have its use limited, and to get it in a form", page)
        self.assertIn(
            "complain to the Norwegian Data Protection Authority (Datatilsynet): "
            '<a class="ds-link" href="https://www.datatilsynet.no/">datatilsynet.no</a>',
            page,
        )

    def test_the_sign_up_form_carries_the_whole_notice(self):
        form = plain(self.client_for().get(reverse("signup", args=[self.point_a.slug])))
        privacy = plain(self.client_for().get(reverse("privacy")))
        notice = privacy[privacy.index('<div class="stack privacy-notice">') : privacy.index("</main>")]
        notice = notice[: notice.rindex("</div>") + len("</div>")]
        self.assertIn(notice, form)


class TheNoticeNamesEveryCookieTests(InEnglish, Personas):
    def test_every_cookie_the_site_sets_is_named_in_the_notice(self):
        # A visitor: a page with a form, a language chosen, and a note shown on the next page.
        visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
        visitor.get(reverse("home"))
        visitor.get(reverse("choose_language", args=["en"]), {"neste": "/"})
        with self.captureOnCommitCallbacks(execute=True):
            visitor.post(reverse("signup", args=[self.point_a.slug]), signup_data())
        visitor.post(reverse("signup_page", args=[link_token(mail.outbox[-1])]), {"action": "confirm"})
        # Staff, signed in.
        staff = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(staff, self.staff_a)
        staff.get(reverse("staff:dashboard", args=[self.point_a.slug]))

        set_by_the_site = set(visitor.cookies) | set(staff.cookies)
        self.assertLessEqual(
            {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, "messages", settings.SESSION_COOKIE_NAME},
            set_by_the_site,
        )
        page = plain(visitor.get(reverse("privacy")))
        for name in sorted(set_by_the_site):
            with self.subTest(name):
                self.assertIn(f"<code>{name}</code>:", page)


def test_the_notice_is_in_the_language_of_the_page(client) -> None:  # type: ignore[no-untyped-def]
    for language in ("nb", "nn"):
        response = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE=language)
        page = plain(response)
        with translation.override(language):
            for heading in ("Who is responsible", "When you sign up", "If you leave", "Your rights"):
                assert f">{translation.gettext(heading)}</h2>" in page, (language, heading)
            assert translation.gettext("Questions about privacy:") in page
