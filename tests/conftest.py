import os
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from hypothesis import settings


def pytest_sessionstart(session: pytest.Session) -> None:
    # CI runs on PostgreSQL and must fail, not quietly fall back, when it is not.
    if os.environ.get("REQUIRE_POSTGRES") == "1" and "postgres" not in os.environ.get("DATABASE_URL", ""):
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but DATABASE_URL does not name PostgreSQL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
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
