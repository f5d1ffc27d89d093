"""One small-group rule: SMALL_GROUP_THRESHOLD moves what every reader-facing aggregate
withholds (the national dashboard and the peer benchmark here; the hearing sheet in
tests/reviews/test_pages.py)."""

import pytest
from django.utils import translation

from dashboards.selectors.benchmarks import peer_benchmark
from dashboards.selectors.national import DashboardFilters, national_dashboard
from tests.dashboards.dashboard_support import build_country
from tests.factories import staff_of


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def country(db):
    return build_country()


@pytest.mark.parametrize(("threshold", "withheld"), [(3, False), (4, True)])
def test_dashboard_withholds_a_region_of_three_only_under_a_threshold_of_four(
    settings, country, viewer, threshold, withheld
):
    settings.SMALL_GROUP_THRESHOLD = threshold
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=viewer)
    kinki = next(g for g in board.by_region if g.key == "kinki")  # three institutions
    assert kinki.medians_withheld is withheld
    assert board.audience.threshold == threshold


@pytest.mark.parametrize(("threshold", "withheld"), [(3, False), (4, True)])
def test_benchmark_needs_the_threshold_of_other_institutions(
    settings, country, threshold, withheld
):
    """関東 has four TLOs: for TLO-K1's own staff that is three others, enough for a
    threshold of 3, not for 4."""
    settings.SMALL_GROUP_THRESHOLD = threshold
    k1 = country.institutions["TLO-K1"]
    board = peer_benchmark(institution=k1, fiscal_year=2010, user=staff_of(k1, username="k1"))
    metric = next(m for m in board.metrics if m.definition.code == "return_on_cost")
    region = next(g for g in metric.groups if g.key == "region")
    assert region.withheld is withheld


def test_benchmark_for_an_official_withholds_nothing_whatever_the_threshold(
    settings, country, mext_official
):
    settings.SMALL_GROUP_THRESHOLD = 10
    board = peer_benchmark(
        institution=country.institutions["TLO-H1"], fiscal_year=2010, user=mext_official
    )
    metric = next(m for m in board.metrics if m.definition.code == "return_on_cost")
    assert [g.withheld for g in metric.groups] == [False] * len(metric.groups)
