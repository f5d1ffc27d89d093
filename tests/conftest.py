"""Personas shared by the whole suite (STYLE.md): one fixture per kind of person."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from institutions.enums import Ministry, Role
from tests.factories import (
    InstitutionFactory,
    UserFactory,
    official_of,
    reviewer_of,
    staff_of,
)

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached page data: the data version is rolled back with
    the test's transaction, so an entry of an earlier test could carry the same key."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language (Japanese): a request through the test
    client leaves the language it negotiated active in the thread afterwards."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def institution_a(db):
    return InstitutionFactory(code="TLO-AAA", name_ja="機関A", name_en="Institution A")


@pytest.fixture
def institution_b(db):
    return InstitutionFactory(code="TLO-BBB", name_ja="機関B", name_en="Institution B")


@pytest.fixture
def staff_a(institution_a):
    return staff_of(institution_a, username="staff-a")


@pytest.fixture
def staff_b(institution_b):
    return staff_of(institution_b, username="staff-b")


@pytest.fixture
def mext_reviewer(db):
    return reviewer_of(Ministry.MEXT, username="mext-reviewer")


@pytest.fixture
def meti_reviewer(db):
    return reviewer_of(Ministry.METI, username="meti-reviewer")


@pytest.fixture
def conflicted_reviewer(db):
    """A reviewer who will declare a conflict of interest (reviews app)."""
    return reviewer_of(Ministry.METI, username="conflicted-reviewer")


@pytest.fixture
def mext_official(db):
    return official_of(Ministry.MEXT, username="mext-official")


@pytest.fixture
def meti_official(db):
    return official_of(Ministry.METI, username="meti-official")


@pytest.fixture
def viewer(db):
    return UserFactory(role=Role.VIEWER, username="viewer")


@pytest.fixture
def anonymous_client():
    return Client()


@pytest.fixture
def client_for():
    """A signed-in client for a person: client_for(staff_a)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def assert_constant_queries(db):
    """The query-count guard of every list and dashboard (STYLE: an N+1 can't creep in).

    assert_constant_queries(measure, grow, at_most=None): runs `measure()` (a request, a
    selector), then `grow()` (adds rows), then `measure()` again, and asserts both runs
    took the same number of queries (and at most `at_most`). Returns that number.
    """

    def check(
        measure: Callable[[], Any], grow: Callable[[], Any], *, at_most: int | None = None
    ) -> int:
        with CaptureQueriesContext(connection) as before:
            measure()
        grow()
        with CaptureQueriesContext(connection) as after:
            measure()
        queries = [q["sql"] for q in after.captured_queries]
        assert len(after) == len(before), "\n".join(queries)
        if at_most is not None:
            assert len(after) <= at_most, "\n".join(queries)
        return len(after)

    return check
