"""Incomplete years are marked in every trend, not drawn as totals (issue 16): the trend
ends by default at the latest year most expected institutions reported; a year asked for
with fewer reports is drawn dashed, in a faded band, labelled 「2/8機関」."""

import pytest
from django.utils import translation

from core.amounts import AmountUnit
from dashboards import charts
from dashboards.selectors.national import DashboardFilters, national_dashboard
from tests.dashboards.dashboard_support import build_country


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def country(db):
    return build_country()


def _chart(board, key):
    return next(c for c in charts.national_charts(board, AmountUnit.YEN) if c.key == key)


def test_trend_ends_at_the_default_year_and_every_year_is_complete(country, mext_official):
    board = national_dashboard(filters=DashboardFilters(), user=mext_official)

    assert [p.fiscal_year for p in board.trend] == [2009, 2010]
    assert all(p.complete for p in board.trend)
    figure = _chart(board, "trend_counts").figure
    assert "annotations" not in figure["layout"]
    assert all(t.get("line", {}).get("dash") != "dot" for t in figure["data"])


def test_trend_marks_an_incomplete_year_asked_for(country, mext_official):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2011), user=mext_official)

    last = board.trend[-1]
    assert (last.fiscal_year, last.institutions, last.expected, last.complete) == (
        2011,
        2,
        8,
        False,
    )
    for key in ("trend_counts", "trend_amounts", "per_agreement"):
        layout = _chart(board, key).figure["layout"]
        assert [a["text"] for a in layout["annotations"]] == ["2/8機関<br>集計途中"], key
        assert [s["x0"] for s in layout["shapes"]] == ["2011年度"], key
    data = _chart(board, "trend_amounts").figure["data"]
    dashed = [t for t in data if t.get("line", {}).get("dash") == "dot"]
    solid = [t for t in data if t.get("line", {}).get("dash") != "dot"]
    assert len(dashed) == len(solid) == 2
    assert all(t["y"][-1] is None for t in solid)  # never a solid line into 2011
    assert all(t["y"][-1] is not None and t["y"][0] is None for t in dashed)
    assert "2/8機関" in solid[0]["text"][-1]


def test_every_national_figure_with_marks_validates_against_plotlys_schema(country, mext_official):
    import plotly.graph_objects as go

    board = national_dashboard(filters=DashboardFilters(fiscal_year=2011), user=mext_official)

    for chart in charts.national_charts(board, AmountUnit.MILLION):
        if chart.figure:
            go.Figure(chart.figure)  # raises ValueError on any property plotly does not know
