"""The house reads one way (docs/architecture.md). The import contracts and
the types are checked in .ci/run (lint-imports, mypy); these are the rules
that need the running app to check."""

import inspect

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from outbox import kinds
from outbox.models import Email

OUR_APPS = {"selvhjelp", "outbox", "accounts", "contactpoints", "groups", "staff", "figures", "materials", "demo"}
LONGEST_VIEW = 25


def our_views():
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern

    for pattern in walk(get_resolver().url_patterns):
        view = inspect.unwrap(pattern.callback)
        if view.__module__.split(".")[0] in OUR_APPS and inspect.isfunction(view):
            yield pattern, view


def test_there_are_views_to_check():
    assert len(list(our_views())) > 40


def test_every_view_is_short_or_says_why():
    """A view validates, calls one workflow and answers; the rest lives in forms, services and selectors."""
    too_long = []
    for pattern, view in our_views():
        lines = [line for line in inspect.getsourcelines(view)[0] if line.strip() and not line.lstrip().startswith("@")]
        if len(lines) > LONGEST_VIEW and not any("# long view:" in line for line in lines):
            too_long.append(f"{view.__module__}.{view.__name__} ({len(lines)} lines, /{pattern.pattern})")
    assert too_long == []


def test_every_kind_of_mail_is_registered_by_the_app_that_sends_it():
    assert kinds.registered() == {
        # groups/emails.py
        "confirm",
        "already",
        "invitation",
        "back",
        "broadcast",
        "guide",
        "expiry",
        "move_offer",
        "paused",
        "closing",
        "enough",
        "moved",
        "cancelled",
        "accepted",
        "reminder",
        # contactpoints/emails.py
        "details_check",
        "details_overdue",
        "application_new",
        "application_question",
        "application_approved",
        "application_declined",
        "notice_confirm",
        "place_opened",
        # accounts/emails.py
        "staff-invite",
        "set-password",
    }


def test_a_kind_nobody_registered_is_never_sent_as_something_else():
    with pytest.raises(LookupError, match="no-such-kind"):
        kinds.render(Email(kind="no-such-kind"))


def test_every_scheduled_job_names_a_task_that_exists():
    from django.conf import settings

    from selvhjelp.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - set(app.tasks) == set()
    assert {
        "selvhjelp.tasks.turn_over_field_keys",
        "selvhjelp.tasks.vacuum_deleted_rows",
        "groups.tasks.end_address_exchanges",
        "accounts.tasks.forget_unanswered_password_requests",
    } <= scheduled
