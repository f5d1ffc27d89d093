"""A Redis outage costs the cached pages their cache, never the page: each is computed
and served uncached (core.cache_backends), with a warning in the log."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.cache_outage import redis_down
from tests.dashboards.dashboard_support import build_country
from tests.support import get_ok


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def country(db):
    return build_country()


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/dashboards/", {"fy": 2010}),
        ("/dashboards/", {"fy": 2010, "download": "trend_amounts"}),
        ("/dashboards/institutions/TLO-K1/", {"fy": 2010}),
        ("/metrics/return_on_cost/", {"fy": 2010}),
        ("/institutions/TLO-K1/", {}),
    ],
)
def test_cached_page_is_served_uncached_while_redis_is_down(
    client_for, country, mext_official, caplog, url, params
):
    client = client_for(mext_official)
    with redis_down(), caplog.at_level(logging.WARNING, logger="core.cache_backends"):
        first = get_ok(client, url, **params)
        second = get_ok(client, url, **params)
    for response in (first, second):
        expected = "2010年度" if "download" in params else "名前TLO-K1"
        assert expected in response.content.decode("utf-8-sig")
    assert any("Page cache unavailable" in r.getMessage() for r in caplog.records)


def test_outage_warning_is_logged_once_not_per_request(client_for, country, mext_official, caplog):
    client = client_for(mext_official)
    with redis_down(), caplog.at_level(logging.WARNING, logger="core.cache_backends"):
        for year in (2009, 2010, 2011):
            get_ok(client, "/dashboards/", fy=year)
    warnings = [r for r in caplog.records if "Page cache unavailable" in r.getMessage()]
    assert len(warnings) == 1


def test_rate_limit_counter_still_refuses_to_guess_while_redis_is_down(db):
    """`add` and `incr` (the survey page's rate limit) are not softened: a limit is never
    silently lifted by an outage."""
    with redis_down(), pytest.raises(Exception, match=r"(?i)connect"):
        cache.add("surveys:throttle:address:x", 1, timeout=60)
