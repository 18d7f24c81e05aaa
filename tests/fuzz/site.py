"""The whole site as the fuzzing and the header checks see it.

Every URL pattern of the project is found by walking the URL resolver, its
path parameters are filled from real objects of a small world, and each page
is opened as each persona: who reaches it, and which forms it renders. A URL
or a form added later is found the same way, without a list to keep.
"""

import base64
import datetime
import html.parser
import importlib
import itertools
import pkgutil
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as PermissionGroup
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.regex_helper import normalize

from accounts.tokens import set_password_token
from contactpoints import notice_links
from contactpoints.models import Application, NoticeRequest, Office, Room
from figures.closing import close_months
from figures.views import CSV_TABLES
from groups import emails as group_mail
from groups import links
from groups.models import AddressExchange, Group, Invitation, MonthlyFigure, SignUp
from materials.models import Material
from outbox.models import Email
from selvhjelp.crypto import address_hash
from tests import signin
from tests.base import Personas

# In the order the fuzzing tries them: the first persona that reaches a page is
# the one whose input is fuzzed hardest there.
# "code_step" has given a password and is asked for the code from their app;
# "new_account" has chosen a password and is asked to set up a code app.
PERSONAS = ("anonymous", "staff", "district", "admin", "code_step", "new_account")

BØLLE = "bølle.no"

# A mail provider's webhook is open only with a shared secret; the world has one.
WEBHOOK_USER, WEBHOOK_PASSWORD = "provider", "a-long-webhook-secret"
WEBHOOK_SETTINGS = {**settings.ANYMAIL, "WEBHOOK_SECRET": f"{WEBHOOK_USER}:{WEBHOOK_PASSWORD}"}


def sign_in(client: Client, user: Model) -> None:
    """How every test here signs a persona in: both factors, as tests/signin.py gives them."""
    signin.sign_in(client, user)


# --- The URL patterns --------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern of the project, with the chain of patterns that leads to it."""

    name: str
    chain: tuple[object, ...]
    callback: Callable[..., object]

    @property
    def params(self) -> tuple[str, ...]:
        names: list[str] = []
        for pattern in self.chain:
            names.extend(name for name in pattern.regex.groupindex if name not in names)  # type: ignore[attr-defined]
        return tuple(names)

    @property
    def model(self) -> type[Model] | None:
        """The model an admin page is about, if it is one."""
        view: object = self.callback
        while view is not None:
            model_admin = getattr(view, "model_admin", None) or getattr(view, "__self__", None)
            if model_admin is not None and hasattr(model_admin, "model"):
                return model_admin.model
            view = getattr(view, "__wrapped__", None)
        return None

    def path(self, values: dict[str, object]) -> str | None:
        """The path with these parameter values, or None if they do not fit the pattern."""
        parts = []
        for pattern in self.chain:
            converters = getattr(pattern, "converters", {})
            ours = {name: values[name] for name in pattern.regex.groupindex}  # type: ignore[attr-defined]
            text = {
                name: converters[name].to_url(value) if name in converters else str(value)
                for name, value in ours.items()
            }
            for template, params in normalize(pattern.regex.pattern):  # type: ignore[attr-defined]
                if set(params) == set(text):
                    candidate = template % text
                    if pattern.regex.search(candidate):  # type: ignore[attr-defined]
                        parts.append(candidate)
                        break
            else:
                return None
        return "/" + "".join(parts)


def routes() -> list[Route]:
    """Every URL pattern of the project, admin included."""

    def walk(patterns, chain=(), namespace="") -> Iterator[Route]:  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, (*chain, pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<{pattern.pattern}>"
                yield Route(name=name, chain=(*chain, pattern.pattern), callback=pattern.callback)

    return list(walk(get_resolver().url_patterns))


# --- The project's forms -----------------------------------------------------


def project_packages() -> list[str]:
    """The apps in this repository, not those installed into a virtualenv that may live inside it."""
    base = Path(settings.BASE_DIR).resolve()
    installed = Path(sys.prefix).resolve()
    return [
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and not Path(config.path).resolve().is_relative_to(installed)
    ]


def project_forms() -> set[type[forms.BaseForm]]:
    """Every form class the project defines and uses as it is (a base that others extend is left out)."""
    for package in project_packages():
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            if not {"migrations", "management", "wsgi", "gunicorn_conf"} & set(info.name.split(".")):
                importlib.import_module(info.name)

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {cls for cls in subclasses(forms.BaseForm) if cls.__module__.split(".")[0] in project_packages()}
    return {cls for cls in ours if not any(issubclass(other, cls) and other is not cls for other in ours)}


# --- What a page renders -----------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # the input type: text, email, number, checkbox, radio, select, hidden, textarea, ...
    values: list[str] = field(default_factory=list)  # options, or the value a hidden input or button carries
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class HtmlForm:
    method: str
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)


class FormParser(html.parser.HTMLParser):
    """The forms of a page, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[HtmlForm] = []
        self._select: FormField | None = None

    def _field(self, name: str, kind: str, attrs: dict[str, str]) -> FormField:
        form = self.forms[-1] if self.forms else HtmlForm("get", "")
        existing = form.fields.get(name)
        if existing is None:
            existing = form.fields[name] = FormField(name, kind, attrs=attrs)
        return existing

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attrs_list}
        name = attrs.get("name", "")
        if tag == "form":
            self.forms.append(HtmlForm(attrs.get("method", "get").lower(), attrs.get("action", "")))
        elif not self.forms:
            return
        elif tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            entry = self._field(name, kind, attrs)
            if kind in ("radio", "checkbox", "hidden", "submit"):
                entry.values.append(attrs.get("value", "on"))
        elif tag == "button" and name:
            self._field(name, "button", attrs).values.append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._field(name, "textarea", attrs)
        elif tag == "select" and name:
            self._select = self._field(name, "select", attrs)
        elif tag == "option" and self._select is not None:
            self._select.values.append(attrs.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def html_forms(content: str) -> list[HtmlForm]:
    parser = FormParser()
    parser.feed(content)
    return parser.forms


# --- The world ----------------------------------------------------------------


class World(Personas):
    """The personas of ``tests.base``, an administrator, and one of everything a page can be about."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        User = get_user_model()
        cls.admin = User.objects.create_superuser("admin@work.example", "a-long-password-0")
        PermissionGroup.objects.create(name="Koordinatorer")
        cls.national = Office.objects.create(slug="nasjonalt", name="Selvhjelp Norge", is_national=True)
        cls.room = Room.objects.create(contact_point=cls.point_a, name="Rom 1", address="Gata 1")
        now = timezone.now()
        plan = {"format": "in_person", "time_of_day": "evening", "language": "no", "age_group": "30-44"}
        cls.forming = Group.objects.create(
            contact_point=cls.point_a,
            first_meeting=now + datetime.timedelta(days=3),
            room=cls.room,
            seats=8,
            request_key=uuid.uuid4(),
            created_by=cls.staff_a,
            **plan,
        )
        # Its first meeting has begun: staff can hand it off.
        cls.met = Group.objects.create(
            contact_point=cls.point_a,
            first_meeting=now - datetime.timedelta(hours=4),
            seats=5,
            request_key=uuid.uuid4(),
            **plan,
        )
        # A colleague invited but not yet signed in: their set-password link works.
        cls.invitee = get_user_model().objects.create_user("invited@work.example")
        cls.point_a.staff.add(cls.invitee)
        cls.set_password_link = {
            "uidb64": urlsafe_base64_encode(force_bytes(cls.invitee.pk)),
            "token": set_password_token.make_token(cls.invitee),
        }
        signin.ensure_device(cls.staff_b)
        cls.national.members.add(cls.admin)  # the national office keeps the list of materials
        cls.material = Material.objects.create(title="Selvhjelp – en innføring", languages=["nb", "nn", "se", "en"])
        # An application from Oslo, waiting for the district office covering it.
        cls.application = Application.objects.create(
            organisation="Nordby frivilligsentral",
            organisation_key="nordby frivilligsentral",
            kind="frivilligsentral",
            municipality=cls.oslo,
            public_email="post@nordby.example",
            first_staff_email="kari@nordby.example",
        )
        cls.tokens = {}
        for status in SignUp.Status:
            address = f"{status}@example.org"
            signup = SignUp.objects.create(
                contact_point=cls.point_a,
                email=address,
                email_hash=address_hash(address),
                nickname="Kari",
                status=status,
                confirmed_at=None if status == SignUp.Status.UNCONFIRMED else now,
                waiting_since=None if status == SignUp.Status.UNCONFIRMED else now - datetime.timedelta(days=20),
                expires_at=None if status == SignUp.Status.UNCONFIRMED else now + datetime.timedelta(days=10),
                format=plan["format"],
                time_of_day=plan["time_of_day"],
                languages=[plan["language"]],
                age_group=plan["age_group"],
            )
            if status in (SignUp.Status.INVITED, SignUp.Status.ACCEPTED):
                Invitation.objects.create(
                    group=cls.forming,
                    signup=signup,
                    status="pending" if status == SignUp.Status.INVITED else "accepted",
                    reply_by=now + datetime.timedelta(days=2),
                )
            Email.objects.create(
                kind=group_mail.CONFIRM,
                signup=signup,
                contact_point=cls.point_a,
                dedupe_key=f"world:{status}",
                sent_at=now,
                provider_message_id=f"message-{status}",
            )
            cls.tokens[status] = links.mint(signup=signup)
        # A member's page for sharing addresses after a first meeting.
        exchange = AddressExchange.objects.create(
            group=cls.forming, email=f"exchange@{BØLLE}", nickname="Ola", expires_at=now + datetime.timedelta(days=3)
        )
        cls.tokens["exchange"] = links.mint_exchange(exchange_id=exchange.pk)
        # Someone who asked to be told when a contact point opens: before and after confirming.
        for confirmed in (None, now):
            address = f"notice-{'confirmed' if confirmed else 'new'}@{BØLLE}"
            notice = NoticeRequest.objects.create(
                municipality=cls.oslo,
                email=address,
                email_hash=address_hash(address),
                locale="nb",
                confirmed_at=confirmed,
            )
            cls.tokens[f"notice-{bool(confirmed)}"] = notice_links.mint(request=notice)
        # Enough people waiting, open to any group, that staff can start one.
        for number in range(cls.point_a.seats):
            address = f"waiting-{number}@{BØLLE}"
            SignUp.objects.create(
                contact_point=cls.point_a,
                email=address,
                email_hash=address_hash(address),
                status=SignUp.Status.WAITING,
                confirmed_at=now,
                waiting_since=now - datetime.timedelta(days=number),
                expires_at=now + datetime.timedelta(days=100),
            )
        MonthlyFigure.objects.create(
            contact_point=cls.point_a, month=now.date().replace(day=1), signed_up=7, confirmed=6, groups_started=1
        )
        # A year of Self-help in figures: last year's months, closed.
        MonthlyFigure.objects.create(
            contact_point=cls.point_a, month=datetime.date(now.year - 1, 3, 1), signed_up=9, confirmed=8
        )
        close_months()

    # The personas, by the names of PERSONAS.
    def users(self) -> dict[str, Model | None]:
        return {"anonymous": None, "staff": self.staff_a, "district": self.district_east_user, "admin": self.admin}

    def client_for(self, persona: str, **kwargs: object) -> Client:
        client = Client(**kwargs)  # type: ignore[arg-type]
        halfway = {"code_step": self.staff_b, "new_account": self.invitee}
        if persona in halfway:
            signin.between_the_steps(client, halfway[persona])
            return client
        user = self.users()[persona]
        if user is not None:
            sign_in(client, user)
        return client

    def candidates(self, route: Route, param: str) -> list[object]:
        """Values from the world for one path parameter: the real objects a page can be about."""
        if route.model is not None and param in ("object_id", "id", "pk"):
            row = route.model._default_manager.order_by("pk").first()
            return [row.pk] if row is not None else []
        values: dict[str, list[object]] = {
            "slug": [self.point_a.slug, self.district_east.slug, self.national.slug],
            # Each kind of object a page is about by its id (on PostgreSQL their ids differ).
            "pk": [self.room.pk, self.forming.pk, self.application.pk, self.material.pk],
            "token": [*self.tokens.values(), self.set_password_link["token"]],
            "uidb64": [self.set_password_link["uidb64"]],
            "table": sorted(CSV_TABLES),
            # A language on the national office's list; a language the pages are in.
            "code": ["ar", "en"],
            "app_label": sorted({model._meta.app_label for model in admin_models()}),
            "content_type_id": [ContentType.objects.get_for_model(self.point_a).pk],
            "object_id": [self.point_a.pk],
            # One of a person's lists, by its contact point (leaving it, /p/<token>/trekk/<place>/).
            "place": [self.point_a.pk],
            # A year of Self-help in figures, published.
            "year": [timezone.localdate().year - 1],
            # The admin's last pattern catches every other path: without its slash, it sends you on.
            "url": ["contactpoints/contactpoint"],
        }
        return values.get(param, [])

    def query(self, route: Route) -> dict[str, str]:
        """What a page needs in its query string to do anything (no rendered form asks for it)."""
        queries = {
            "admin:autocomplete": {
                "app_label": "contactpoints",
                "model_name": "contactpoint",
                "field_name": "municipality",
            }
        }
        return queries.get(route.name, {})

    def paths(self, route: Route) -> dict[str, dict[str, str]]:
        """Every path of this route that the world's objects give, with the parameter values in it."""
        lists = [self.candidates(route, param) for param in route.params]
        found: dict[str, dict[str, str]] = {}
        for combination in itertools.product(*lists):
            values = dict(zip(route.params, combination, strict=True))
            path = route.path(values)
            if path is not None:
                found.setdefault(path, {name: str(value) for name, value in values.items()})
        return found


def admin_models() -> list[type[Model]]:
    return list(admin.site._registry)


def reached(response: object) -> bool:
    """Did the request get to the page itself, rather than being turned away at the door?"""
    status = response.status_code  # type: ignore[attr-defined]
    if status in (403, 404):
        return False
    if status in (301, 302):
        location = response["Location"]  # type: ignore[index]
        doors = (reverse("login"), reverse("admin:login"))
        if response.request["PATH_INFO"] in doors:  # type: ignore[attr-defined]
            return True  # the admin's door leads to the one sign-in: that is the page
        return not any(location.startswith(door) for door in doors)
    return True


def webhook_headers() -> dict[str, str]:
    """The mail provider's credentials: sent with every request, so the webhooks can be reached at all."""
    credentials = base64.b64encode(f"{WEBHOOK_USER}:{WEBHOOK_PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {credentials}"}
