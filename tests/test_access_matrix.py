"""Every URL of the project, and who may open it.

The matrix names every URL. Adding a URL without deciding who may use it
fails ``test_every_url_is_in_the_matrix``.
"""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from contactpoints.models import Application, ContactPoint, Office, Room
from groups import links
from groups.models import Group, SignUp
from materials.models import Material
from selvhjelp.crypto import address_hash
from tests.base import Personas
from tests.signin import between_the_steps, sign_in

PERSONAS = ("anonymous", "staff_a", "staff_b", "district_x", "district_y", "national")

OK, LOGIN, NOT_FOUND, FORBIDDEN, REDIRECT, BAD = "ok", "login", "404", "403", "redirect", "refused"

PUBLIC = dict.fromkeys(PERSONAS, OK)


def only(*allowed: str, others: str = NOT_FOUND) -> dict[str, str]:
    return {p: OK if p in allowed else (LOGIN if p == "anonymous" else others) for p in PERSONAS}


# Closed unless a shared secret is configured; with one, see tests/outbox/test_webhooks.py.
WEBHOOK = dict.fromkeys(PERSONAS, NOT_FOUND)

# URL name -> (how to build its arguments, expected outcome per persona)
MATRIX = {
    "home": PUBLIC,
    "privacy": PUBLIC,
    "accessibility": PUBLIC,
    "directory": PUBLIC,
    "contact_point": PUBLIC,
    "signup": PUBLIC,
    "signup_sent": PUBLIC,
    # Self-help in figures: anyone reads it; a year with no closed month (as in this world) is not found.
    "in_figures:in_figures": PUBLIC,
    "in_figures:about": PUBLIC,
    "in_figures:schema": PUBLIC,
    "in_figures:year": dict.fromkeys(PERSONAS, NOT_FOUND),
    "in_figures:csv": dict.fromkeys(PERSONAS, NOT_FOUND),
    "in_figures:comma_csv": dict.fromkeys(PERSONAS, NOT_FOUND),
    "in_figures:json": dict.fromkeys(PERSONAS, NOT_FOUND),
    # A private link is reached only with its token; without one, nobody gets in.
    "signup_page": dict.fromkeys(PERSONAS, NOT_FOUND),
    "withdraw": dict.fromkeys(PERSONAS, NOT_FOUND),
    "withdraw_place": dict.fromkeys(PERSONAS, NOT_FOUND),
    "address_exchange": dict.fromkeys(PERSONAS, NOT_FOUND),
    "withdrawn": PUBLIC,
    # Asking to be told when a contact point opens: the form is public, its links private.
    "notice_ask": PUBLIC,
    "notice_sent": PUBLIC,
    "notice_request": dict.fromkeys(PERSONAS, NOT_FOUND),
    "notice_remove": dict.fromkeys(PERSONAS, NOT_FOUND),
    "notice_removed": PUBLIC,
    "become_contact_point": PUBLIC,
    "application_sent": PUBLIC,
    "login": {**dict.fromkeys(PERSONAS, REDIRECT), "anonymous": OK},
    "logout": dict.fromkeys(PERSONAS, BAD),  # GET is refused: signing out is a POST
    # The second step needs the first, minutes before, in the same session.
    "sign_in_code": dict.fromkeys(PERSONAS, LOGIN),
    "set_up_code_app": dict.fromkeys(PERSONAS, LOGIN),
    # Shown once, right after setting up the code app; otherwise on to one's own pages.
    "recovery_codes": {**dict.fromkeys(PERSONAS, REDIRECT), "anonymous": LOGIN},
    "forgot_password": PUBLIC,
    "forgot_password_sent": PUBLIC,
    "set_password": dict.fromkeys(PERSONAS, NOT_FOUND),  # without a valid one-time link
    "admin_login": dict.fromkeys(PERSONAS, REDIRECT),  # to the two-step sign-in
    "after_login": {
        "anonymous": LOGIN,
        "staff_a": REDIRECT,
        "staff_b": REDIRECT,
        "district_x": REDIRECT,
        "district_y": REDIRECT,
        "national": REDIRECT,
    },
    # Choosing a language: a link that sets the language cookie and goes back (tests/selvhjelp/test_language.py).
    "choose_language": dict.fromkeys(PERSONAS, REDIRECT),
    # With one contact point or office, the home page sends you straight to it.
    "staff:home": {**only("staff_a", "staff_b", others=FORBIDDEN), "staff_a": REDIRECT, "staff_b": REDIRECT},
    "staff:dashboard": only("staff_a"),
    "staff:waiting": only("staff_a"),
    # Releasing a held notice is a POST; a GET is refused, and only after the membership check.
    "staff:release_notices": {**only("staff_a"), "staff_a": BAD},
    "staff:edit": only("staff_a"),
    "staff:rooms": only("staff_a"),
    "staff:room": only("staff_a"),
    "staff:start_group": only("staff_a"),
    "staff:group": only("staff_a"),
    # Each says what will happen; only pressing its button acts.
    "staff:change_group": only("staff_a"),
    "staff:cancel_group": only("staff_a"),
    "staff:has_met": only("staff_a"),
    "staff:message": only("staff_a"),
    "staff:checklist": only("staff_a"),
    "staff:confirm_details": only("staff_a"),
    "staff:pause": only("staff_a"),
    "staff:close": only("staff_a"),
    "staff:colleagues": only("staff_a"),
    "figures:home": {
        **only("district_x", "district_y", "national", others=FORBIDDEN),
        **dict.fromkeys(("district_x", "district_y", "national"), REDIRECT),
    },
    "figures:office": only("district_x"),
    "figures:csv": only("district_x"),
    # Applications from Oslo: decided by the district office covering Oslo, nobody else.
    "figures:applications": only("district_x"),
    "figures:application": only("district_x"),
    # The list of languages groups can be held in: the national office keeps it, nobody else sees it.
    "figures:languages": only("national"),
    "figures:language": only("national"),
    # Posters, cards and materials: only those who handle them.
    "materials:guide": PUBLIC,
    "materials:short_signup": dict.fromkeys(PERSONAS, REDIRECT),  # to the sign-up form
    "materials:poster": only("staff_a"),
    "materials:card": only("staff_a"),
    "materials:orders": only("staff_a"),
    "materials:order": only("staff_a"),
    "materials:office_orders": only("district_x"),
    "materials:catalogue": only("national"),
    "materials:material": only("national"),
    "brevo_tracking": WEBHOOK,
    "mailjet_tracking": WEBHOOK,
    "postmark_tracking": WEBHOOK,
    # Health checks are open to all. Here the broker is in-process (no
    # CELERY_BROKER_URL), so only the database is asked, and it answers.
    "health": PUBLIC,
    "liveness": PUBLIC,
    # The admin: only for administrators (none of these personas).
    "admin:*": dict.fromkeys(PERSONAS, LOGIN),
}


def all_url_names() -> set[str]:
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            else:
                yield f"{namespace}{pattern.name or '<unnamed>'}"

    names = set(walk(get_resolver().url_patterns))
    return {"admin:*" if name.startswith("admin:") else name for name in names}


class AccessMatrixTests(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        User = get_user_model()
        cls.district_y_user = User.objects.create_user("north@office.example", "a-long-password-4")
        cls.district_north.members.add(cls.district_y_user)
        cls.national_office = Office.objects.create(slug="nasjonalt", name="Selvhjelp Norge", is_national=True)
        cls.national_user = User.objects.create_user("national@office.example", "a-long-password-5")
        cls.national_office.members.add(cls.national_user)
        cls.room = Room.objects.create(contact_point=cls.point_a, name="Rom", address="Gata 1")
        cls.group = Group.objects.create(
            contact_point=cls.point_a,
            format="in_person",
            time_of_day="evening",
            language="no",
            age_group="30-44",
            first_meeting=timezone.now() + datetime.timedelta(days=3),
            seats=8,
            request_key=uuid.uuid4(),
        )
        cls.application = Application.objects.create(
            organisation="Nordby frivilligsentral",
            organisation_key="nordby frivilligsentral",
            kind="frivilligsentral",
            municipality=cls.oslo,
            public_email="post@nordby.example",
            first_staff_email="kari@nordby.example",
        )
        cls.material = Material.objects.create(title="Selvhjelp – en innføring", languages=["nb"])
        SignUp.objects.create(
            contact_point=cls.point_a,
            email="p@example.org",
            email_hash=address_hash("p@example.org"),
            status=SignUp.Status.WAITING,
            waiting_since=timezone.now(),
        )

    def clients(self) -> dict[str, Client]:
        users = {
            "staff_a": self.staff_a,
            "staff_b": self.staff_b,
            "district_x": self.district_east_user,
            "district_y": self.district_y_user,
            "national": self.national_user,
        }
        clients = {"anonymous": Client()}
        for persona, user in users.items():
            clients[persona] = Client()
            sign_in(clients[persona], user)
        return clients

    def url_for(self, name: str) -> str:
        slug = self.point_a.slug
        args = {
            "contact_point": [slug],
            "signup": [slug],
            "signup_sent": [slug],
            "signup_page": ["not-a-real-token-" + "x" * 30],
            "withdraw": ["not-a-real-token-" + "x" * 30],
            "withdraw_place": ["not-a-real-token-" + "x" * 30, self.point_a.pk],
            "address_exchange": ["not-a-real-token-" + "x" * 30],
            "notice_request": ["not-a-real-token-" + "x" * 30],
            "notice_remove": ["not-a-real-token-" + "x" * 30],
            "staff:dashboard": [slug],
            "staff:waiting": [slug],
            "staff:release_notices": [slug],
            "staff:edit": [slug],
            "staff:rooms": [slug],
            "staff:room": [slug, self.room.pk],
            "staff:start_group": [slug],
            "staff:group": [slug, self.group.pk],
            "staff:change_group": [slug, self.group.pk],
            "staff:cancel_group": [slug, self.group.pk],
            "staff:has_met": [slug, self.group.pk],
            "staff:message": [slug],
            "set_password": ["MQ", "not-a-valid-token"],
            "materials:short_signup": [slug],
            "materials:poster": [slug],
            "materials:card": [slug],
            "materials:orders": [slug],
            "materials:order": [slug],
            "materials:office_orders": [self.district_east.slug],
            "materials:catalogue": [self.national_office.slug],
            "materials:material": [self.national_office.slug, self.material.pk],
            "figures:office": [self.district_east.slug],
            "figures:csv": [self.district_east.slug, "counties"],
            "staff:checklist": [slug],
            "staff:confirm_details": [slug],
            "staff:pause": [slug],
            "staff:close": [slug],
            "staff:colleagues": [slug],
            "figures:applications": [self.district_east.slug],
            "figures:application": [self.district_east.slug, self.application.pk],
            "figures:languages": [self.national_office.slug],
            "figures:language": [self.national_office.slug, "ar"],
            **dict.fromkeys(["in_figures:year", "in_figures:csv", "in_figures:comma_csv", "in_figures:json"], [2025]),
            "choose_language": ["en"],
        }
        if name == "admin:*":
            return reverse("admin:index")
        return reverse(name, args=args.get(name, []))

    def outcome(self, response) -> str:
        if response.status_code == 200:
            return OK
        if response.status_code == 302:
            return (
                LOGIN
                if reverse("login") in response["Location"] and "login" not in response.request["PATH_INFO"]
                else REDIRECT
            )
        if response.status_code == 404:
            return NOT_FOUND
        if response.status_code == 403:
            return FORBIDDEN
        return BAD if response.status_code in (400, 401, 405) else str(response.status_code)

    def test_every_url_is_in_the_matrix(self):
        missing = all_url_names() - set(MATRIX)
        self.assertFalse(missing, f"Add these URLs to the access matrix: {sorted(missing)}")
        stale = set(MATRIX) - all_url_names()
        self.assertFalse(stale, f"The matrix names URLs that no longer exist: {sorted(stale)}")

    def test_each_persona_gets_what_the_matrix_says(self):
        clients = self.clients()
        for name, expected in MATRIX.items():
            url = self.url_for(name)
            for persona in PERSONAS:
                response = clients[persona].get(url)
                if name == "admin:*" and response.status_code == 302:
                    got = LOGIN if "login" in response["Location"] else REDIRECT
                else:
                    got = self.outcome(response)
                with self.subTest(url=name, persona=persona):
                    self.assertEqual(got, expected[persona], f"{persona} GET {url}")

    def test_no_response_to_a_signed_in_request_is_stored(self):
        """Whatever a signed-in request gets (a page, a CSV file, the admin, a
        redirect, an error) is kept by no browser cache and no proxy."""

        def assert_not_stored(response, what):
            directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
            with self.subTest(what):
                self.assertLessEqual({"no-store", "private"}, directives, f"{what}: {response.get('Cache-Control')}")

        clients = self.clients()
        del clients["anonymous"]
        admin = get_user_model().objects.create_superuser("admin@work.example", "a-long-password-9")
        clients["admin"] = Client()
        sign_in(clients["admin"], admin)
        urls = [self.url_for(name) for name in MATRIX] + [
            reverse("admin:accounts_user_changelist"),
            reverse("admin:accounts_user_change", args=[self.staff_a.pk]),
            reverse("admin:contactpoints_contactpoint_change", args=[self.point_a.pk]),
        ]
        for url in urls:
            for persona, client in clients.items():
                assert_not_stored(client.get(url), f"{persona} GET {url}")

        csv = clients["district_x"].get(self.url_for("figures:csv"))
        self.assertEqual((csv.status_code, csv["Content-Type"].split(";")[0]), (200, "text/csv"))
        assert_not_stored(csv, "the CSV")
        assert_not_stored(
            clients["staff_a"].post(self.url_for("staff:edit"), {"name": ""}), "staff_a POST a form with errors"
        )

        # The sign-in steps, between the password and the code, and right after.
        stepping = Client()
        between_the_steps(stepping, self.staff_b)
        for name in ("sign_in_code", "set_up_code_app"):
            assert_not_stored(stepping.get(reverse(name)), f"between the steps GET {name}")
        # Signing out answers the signed-in request it was.
        assert_not_stored(clients["staff_a"].post(reverse("logout")), "staff_a POST logout")

    def test_other_offices_and_contact_points_get_404_on_writes_too(self):
        clients = self.clients()
        staff_pages = (
            "staff:edit",
            "staff:rooms",
            "staff:start_group",
            "staff:group",
            "staff:change_group",
            "staff:cancel_group",
            "staff:has_met",
            "staff:message",
            "staff:release_notices",
            "staff:checklist",
            "staff:confirm_details",
            "staff:pause",
            "staff:close",
            "staff:colleagues",
        )
        for name in staff_pages:
            for persona in ("staff_b", "district_x", "district_y", "national"):
                response = clients[persona].post(
                    self.url_for(name),
                    {"action": "has_met", "body": "hello there", "understood": "on", "message": "a pause"},
                )
                self.assertEqual(response.status_code, 404, (name, persona))
        for persona in ("staff_a", "staff_b", "district_y", "national"):
            response = clients[persona].post(self.url_for("figures:application"), {"action": "approve"})
            self.assertEqual(response.status_code, 404, persona)
        self.point_a.refresh_from_db()
        self.application.refresh_from_db()
        self.assertFalse(self.point_a.is_closed or self.point_a.signups_paused)
        self.assertTrue(self.application.is_pending)
        self.assertEqual(Group.objects.get(pk=self.group.pk).status, Group.Status.FORMING)

    def test_office_and_national_pages_refuse_writes_from_everyone_else(self):
        clients = self.clients()
        for name, allowed in (
            ("materials:office_orders", "district_x"),
            ("materials:catalogue", "national"),
            ("figures:languages", "national"),
            ("figures:language", "national"),
        ):
            for persona in PERSONAS:
                if persona in (allowed, "anonymous"):
                    continue
                response = clients[persona].post(self.url_for(name), {"action": "sent", "order": "1", "title": "X"})
                self.assertEqual(response.status_code, 404, (name, persona))
        for persona in ("staff_b", "district_x", "district_y", "national"):
            response = clients[persona].post(self.url_for("materials:order"), {"organisation": "X"})
            self.assertEqual(response.status_code, 404, ("materials:order", persona))

    def test_nobody_but_the_person_can_move_their_place(self):
        """Every page, sent what the person's own button sends, by every persona, the staff of
        the nationwide list and an administrator: the place stays. Only the person's link moves it."""
        nationwide = ContactPoint.objects.create(
            slug="selvhjelp-pa-telefon",
            name="Selvhjelp på telefon",
            kind=ContactPoint.Kind.VOLUNTARY_ORGANISATION,
            municipality=self.oslo,
            nationwide=True,
            offers_in_person=False,
            offers_telephone=True,
        )
        User = get_user_model()
        nationwide_staff = User.objects.create_user("telefon@work.example", "a-long-password-6")
        nationwide.staff.add(nationwide_staff)
        signup = SignUp.objects.get(contact_point=self.point_a)
        SignUp.objects.filter(pk=signup.pk).update(
            move_offered_at=timezone.now(), waiting_since=timezone.now() - datetime.timedelta(days=200)
        )
        clients = self.clients()
        for persona, user in (
            ("nationwide_staff", nationwide_staff),
            ("admin", User.objects.create_superuser("admin@work.example", "a-long-password-9")),
        ):
            clients[persona] = Client()
            sign_in(clients[persona], user)
        move = {"action": "move", "to": nationwide.slug, "signup": signup.pk, "pk": signup.pk}
        urls = [self.url_for(name) for name in sorted(MATRIX, key=lambda name: name == "logout")]
        urls[-1:-1] = [
            *(reverse(f"staff:{name}", args=[nationwide.slug]) for name in ("dashboard", "edit", "message")),
            reverse("admin:contactpoints_contactpoint_changelist"),
            reverse("admin:contactpoints_contactpoint_change", args=[self.point_a.pk]),
            reverse("admin:contactpoints_contactpoint_change", args=[nationwide.pk]),
        ]
        admin_action = {"action": "move", "_selected_action": [self.point_a.pk, nationwide.pk], **move}
        for url in urls:
            for client in clients.values():
                client.post(url, admin_action if "/admin/" in url else move)
        self.assertEqual(SignUp.objects.get(pk=signup.pk).contact_point, self.point_a)
        self.assertEqual(SignUp.objects.count(), 1)

        # The person's own link, and its button, do move it.
        token = links.mint(signup=signup)
        Client().post(links.url(token), move)
        self.assertEqual(SignUp.objects.get(pk=signup.pk).contact_point, nationwide)
        self.assertEqual(SignUp.objects.count(), 1)
