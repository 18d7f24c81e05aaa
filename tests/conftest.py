import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from hypothesis import settings

from selvhjelp import pagecache

TESTS = Path(__file__).resolve().parent

# The tiers, by directory (markers in pyproject.toml). The quick tier is
# pytest -m "not browser and not stack and not fuzz"; plain pytest runs all.
TIERS = {"e2e": "browser", "integration": "stack", "fuzz": "fuzz"}

# Hashing a password the production way is slow on purpose; the tests make and
# sign in hundreds of accounts, and what they check of a password is not its hash.
# The real processes of the stack tier read hashes the production way.
PRODUCTION_HASHERS = list(django_settings.PASSWORD_HASHERS)
_fast_hashers = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def pytest_sessionstart(session: pytest.Session) -> None:
    # CI runs on PostgreSQL and must fail, not quietly fall back, when it is not.
    if os.environ.get("REQUIRE_POSTGRES") == "1" and "postgres" not in os.environ.get("DATABASE_URL", ""):
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but DATABASE_URL does not name PostgreSQL")


def pytest_configure(config: pytest.Config) -> None:
    _fast_hashers.enable()  # before any fixture or test makes an account


def pytest_unconfigure(config: pytest.Config) -> None:
    _fast_hashers.disable()


# Before pytest's own hook deselects by -m, so that -m sees these markers.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        parts = item.path.relative_to(TESTS).parts if item.path.is_relative_to(TESTS) else ()
        if parts and parts[0] in TIERS:
            item.add_marker(TIERS[parts[0]])
    if connection.vendor == "postgresql" or os.environ.get("REQUIRE_POSTGRES") == "1":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI always does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# Hypothesis: CI's runs are the same every time (derandomized, no example
# database); on a laptop each run tries new examples and remembers failures.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session", autouse=True)
def _a_cache_of_the_tests_own() -> Iterator[None]:
    """The tests count the form's rate limits in their own memory, whatever
    CACHE_URL says: they clear it, and must never clear a real one."""
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        yield


@pytest.fixture(autouse=True)
def _forget_rate_limit_counts(_a_cache_of_the_tests_own: None) -> None:
    """Each test starts with no sign-ups counted against the form's rate limits."""
    cache.clear()


@pytest.fixture(autouse=True)
def _no_public_page_kept_from_another_test() -> Iterator[None]:
    """No test is answered from a public page or a directory index another test left (selvhjelp/pagecache.py).
    Pages are kept only where a test turns it on (tests/selvhjelp/test_pagecache.py): elsewhere tests
    change contact points behind the workflows' back, which bump the cache in the app."""
    pagecache.clear()
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        yield
    pagecache.clear()


@pytest.fixture(autouse=True)
def _real_password_hashes_for_real_processes(request: pytest.FixtureRequest) -> Iterator[None]:
    """gunicorn in production settings cannot read the fast hasher's hashes, so the
    stack tier (tests that start real processes) hashes as production does."""
    if request.node.get_closest_marker("stack") is None:
        yield
        return
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        yield
