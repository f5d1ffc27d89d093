"""A change on the previous year against an incomplete year (fewer than most expected
institutions reported: the one rule of metrics.selectors.coverage) is marked as for
reference only, never shown as a bare percentage (issue 16)."""

import pytest
from django.utils import translation

from core.amounts import AmountUnit
from dashboards import charts
from dashboards.selectors.national import DashboardFilters, national_dashboard
from metrics.services.metric_values import recompute_metric_values
from tests.dashboards.dashboard_support import build_country, figures_for
from tests.metrics.metric_builders import accepted_report


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def country(db):
    return build_country()


def _changes(board):
    return [tile.change for tile in charts.kpi_tiles(board, AmountUnit.YEN)]


def _totals_chart(board):
    return next(c for c in charts.national_charts(board, AmountUnit.YEN) if c.key == "totals")


def test_change_between_complete_years_is_a_plain_percentage(country, mext_official):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=mext_official)

    changes = _changes(board)
    assert changes[0].startswith("前年度比 +")
    assert not any("参考値" in change for change in changes)
    assert _totals_chart(board).note == ""


def test_change_of_an_incomplete_year_is_for_reference(country, mext_official):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2011), user=mext_official)

    tiles = charts.kpi_tiles(board, AmountUnit.YEN)
    with_change = [t for t in tiles if t.change.startswith("前年度比")]
    assert with_change
    assert all(t.change.endswith("(当年度は2/8機関のため参考値)") for t in with_change)
    assert all(t.direction == "" for t in with_change)
    chart = _totals_chart(board)
    assert chart.note == "当年度は2/8機関のため参考値"
    assert chart.figure["data"][0]["opacity"] < 1


def test_change_on_an_incomplete_previous_year_is_for_reference(country, mext_official):
    for code in ("TLO-K1", "TLO-N1", "TLO-K2", "TLO-H1", "TLO-N2"):
        accepted_report(
            country.institutions[code], 2012, **figures_for(2_000_000, 1_000_000, 2, 10, 1)
        )
    recompute_metric_values()
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2012), user=mext_official)

    changes = [c for c in _changes(board) if c.startswith("前年度比")]
    assert changes
    assert all(c.endswith("(前年度は2/8機関のため参考値)") for c in changes)


def test_dashboard_page_shows_the_mark(country, mext_official, client_for):
    page = client_for(mext_official).get("/dashboards/?fy=2011").content.decode()
    assert "当年度は2/8機関のため参考値" in page
