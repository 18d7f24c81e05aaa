"""No input, however odd, makes a page fail or stores a value the models would refuse.

Every URL pattern of the project (found by walking the URL resolver, admin
included) is opened with its path parameters filled from real objects, as
each persona. Its rendered forms are read, and Hypothesis fills them in:
field-shaped values and hostile ones (see ``tests/fuzz/inputs.py``), keys
repeated, left out or made up, bodies that are not form data, methods the
page does not take. No answer may be a server error, and after each request
every row it wrote must pass ``full_clean()``.

A URL the world cannot fill, or that no persona gets into, and a form class
that no page renders, fail ``test_every_url_is_reached_by_the_fuzzing`` and
``test_every_form_is_reached_by_the_fuzzing``: nothing new goes unfuzzed.

``FUZZ_EXAMPLES`` sets how many requests each page gets as the persona that
reaches it (default 20), ``FUZZ_ONLY`` a pattern of the URL names to fuzz
(all by default); the Hypothesis profile (``tests/conftest.py``) makes
CI's runs the same every time.
"""

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from unittest import mock
from urllib.parse import urljoin, urlsplit

from django import forms
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, example, given, settings

from tests.fuzz import inputs
from tests.fuzz.site import (
    PERSONAS,
    WEBHOOK_SETTINGS,
    FormField,
    HtmlForm,
    Route,
    World,
    html_forms,
    project_forms,
    project_packages,
    reached,
    routes,
    webhook_headers,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
# While working on one page: FUZZ_ONLY=signup_page fuzzes only the URLs whose name matches.
ONLY = re.compile(os.environ.get("FUZZ_ONLY", ""))
# Django's own admin pages get fewer: they are Django's code, fuzzed here for our ModelAdmins.
ADMIN_EXAMPLES = max(2, EXAMPLES // 4)
# Personas turned away at the door: a few requests show that the door holds.
DOOR_EXAMPLES = 2

WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


@dataclass
class Visit:
    route: Route
    path: str
    params: dict[str, str]
    persona: str
    status: int
    reached: bool
    forms: list[HtmlForm]


@dataclass
class Survey:
    """Every page of the site as each persona sees it on first opening."""

    visits: list[Visit] = field(default_factory=list)
    unfilled: list[Route] = field(default_factory=list)
    form_classes: set[type] = field(default_factory=set)

    def forms_for(self, path: str) -> list[HtmlForm]:
        """The forms, found on any page, that submit to this path."""
        found: dict[tuple[str, tuple[str, ...]], HtmlForm] = {}
        for visit in self.visits:
            for form in visit.forms:
                target = urlsplit(urljoin(visit.path, form.action)).path if form.action else visit.path
                if target == path:
                    found.setdefault((form.method, tuple(sorted(form.fields))), form)
        return list(found.values())


def query_form(query: dict[str, str]) -> HtmlForm:
    return HtmlForm("get", "", {name: FormField(name, "hidden", [value]) for name, value in query.items()})


class WrittenTables:
    """Which tables a request wrote to (a database execute wrapper)."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        match = WRITE.match(sql)
        if match:
            self.tables.add(match.group(1))
        return execute(sql, params, many, context)


def project_models() -> dict[str, type]:
    labels = {apps.get_app_config(name.split(".")[-1]).label for name in project_packages()}
    return {
        model._meta.db_table: model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels
    }


def invalid_rows(models: list[type]) -> list[str]:
    problems = []
    for model in models:
        for row in model._default_manager.all():
            try:
                row.full_clean()
            except ValidationError as error:
                problems.append(f"{model.__name__} {row.pk}: {error.message_dict}")
    return problems


@override_settings(ANYMAIL=WEBHOOK_SETTINGS)
class NoInputBreaksAPageTests(World):
    _survey: Survey | None = None

    def survey(self) -> Survey:
        """Open every URL, filled from the world, as every persona (done once; the world does not change)."""
        if NoInputBreaksAPageTests._survey is not None:
            return NoInputBreaksAPageTests._survey
        survey = Survey()
        clients = {persona: self.client_for(persona) for persona in PERSONAS}
        original_init = forms.BaseForm.__init__

        def recording_init(form, *args, **kwargs):  # type: ignore[no-untyped-def]
            survey.form_classes.add(type(form))
            original_init(form, *args, **kwargs)

        with mock.patch.object(forms.BaseForm, "__init__", recording_init):
            for route in routes():
                paths = self.paths(route)
                if not paths:
                    survey.unfilled.append(route)
                query = self.query(route)
                for path, params in paths.items():
                    for persona in PERSONAS:
                        with transaction.atomic():
                            response = clients[persona].get(path, query, headers=webhook_headers())
                            transaction.set_rollback(True)
                        content_type = response.get("Content-Type", "")
                        page_forms = (
                            html_forms(response.content.decode())
                            if response.status_code == 200 and content_type.startswith("text/html")
                            else []
                        )
                        if query:
                            page_forms.append(query_form(query))
                        survey.visits.append(
                            Visit(route, path, params, persona, response.status_code, reached(response), page_forms)
                        )
        NoInputBreaksAPageTests._survey = survey
        return survey

    def test_every_url_is_reached_by_the_fuzzing(self):
        survey = self.survey()
        self.assertFalse(
            [route.name for route in survey.unfilled],
            "These URLs have a path parameter the fuzzing world cannot fill: "
            "give World (tests/fuzz/site.py) an object, and candidates() a value, for them",
        )
        reached_routes = {visit.route.name for visit in survey.visits if visit.reached}
        self.assertFalse(
            sorted({route.name for route in routes()} - reached_routes),
            "No persona of the fuzzing gets into these URLs: give World an object or a persona that can",
        )

    def test_every_form_is_reached_by_the_fuzzing(self):
        survey = self.survey()
        # The admin builds its forms as subclasses of the one it is given.
        missing = {
            f"{cls.__module__}.{cls.__qualname__}"
            for cls in project_forms()
            if not any(issubclass(seen, cls) for seen in survey.form_classes)
        }
        self.assertFalse(sorted(missing), "No page the fuzzing opens uses these forms")

    def test_every_form_the_fuzzing_submits_has_fields(self):
        # If the forms could not be read from the pages, the fuzzing would only send junk.
        survey = self.survey()
        for path in ("/kontaktpunkter/sentral-a/meld-interesse/", "/ansatt/sentral-a/ny-gruppe/", "/logg-inn/"):
            with self.subTest(path):
                fields = {name for form in survey.forms_for(path) for name in form.fields}
                self.assertTrue(fields, path)
        signup_fields = {
            name for form in survey.forms_for("/kontaktpunkter/sentral-a/meld-interesse/") for name in form.fields
        }
        self.assertLessEqual({"email", "for_myself", "adult", "privacy", "nickname", "format"}, signup_fields)

    def test_no_page_answers_any_input_with_a_server_error(self):
        survey = self.survey()
        sessions = {persona: self.client_for(persona).cookies for persona in PERSONAS}
        models = project_models()
        # Every row of the world is valid to begin with; after each request, the rows of
        # each table it wrote to are checked again.
        self.assertFalse(invalid_rows(list(models.values())))

        by_route: dict[str, list[Visit]] = defaultdict(list)
        for visit in survey.visits:
            by_route[visit.route.name].append(visit)
        for name, visits in by_route.items():
            if not ONLY.search(name):
                continue
            admin = name.startswith("admin:")
            fuzzed: set[str] = set()
            for visit in visits:
                first_reach = visit.reached and visit.path not in fuzzed
                if first_reach:
                    fuzzed.add(visit.path)
                    examples = ADMIN_EXAMPLES if admin else EXAMPLES
                elif visit.path == visits[0].path:
                    examples = DOOR_EXAMPLES
                else:
                    continue
                with self.subTest(url=name, path=visit.path, persona=visit.persona):
                    self.fuzz(visit, survey.forms_for(visit.path), sessions[visit.persona], models, examples)

    def fuzz(self, visit: Visit, page_forms: list[HtmlForm], cookies, models, examples: int) -> None:  # type: ignore[no-untyped-def]
        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
                HealthCheck.filter_too_much,
                HealthCheck.large_base_example,
            ],
        )
        @given(request=inputs.requests(path=visit.path, forms=page_forms, params=visit.params))
        def no_server_error(request: inputs.Request) -> None:
            client = Client()
            client.cookies.update(cookies)
            written = WrittenTables()
            mail.outbox = []
            with transaction.atomic():
                with connection.execute_wrapper(written), self.captureOnCommitCallbacks(execute=True):
                    response = send(client, request)
                problems = invalid_rows([models[table] for table in sorted(written.tables) if table in models])
                transaction.set_rollback(True)
            self.assertLess(response.status_code, 500, f"{visit.persona}: {request!r}")
            self.assertFalse(problems, f"{visit.persona}: {request!r} stored values the models refuse")

        if examples > DOOR_EXAMPLES:
            for form in page_forms or [HtmlForm("get", "")]:
                for request in inputs.canned(form, visit.path, per_field=not visit.route.name.startswith("admin:")):
                    no_server_error = example(request=request)(no_server_error)
        no_server_error()


def send(client: Client, request: inputs.Request):  # type: ignore[no-untyped-def]
    headers = {**webhook_headers(), **request.headers}
    if request.body is not None:
        return client.generic(request.method, request.path, request.body, request.content_type, headers=headers)
    if request.method == "GET":
        return client.get(request.path, request.data, headers=headers)
    if request.method == "POST":
        data: dict[str, object] = dict(request.data)
        if request.upload:
            # A file where text is expected.
            key = next(iter(data), "file")
            data[key] = SimpleUploadedFile("ola.txt", b"Ola Nordmann\x00", "text/plain")
        return client.post(request.path, data, headers=headers)
    encoded = "&".join(f"{key}={value}" for key, values in request.data.items() for value in values)
    return client.generic(
        request.method, request.path, encoded.encode(), "application/x-www-form-urlencoded", headers=headers
    )
