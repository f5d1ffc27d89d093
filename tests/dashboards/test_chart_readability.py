"""Charts people can read (issue 16): amount axes name the reader's unit, axes make room
for their labels, the surplus/deficit chart reads without colour."""

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
def board(db, mext_official):
    build_country()
    return national_dashboard(filters=DashboardFilters(), user=mext_official)


def _chart(board, key, unit):
    return next(c for c in charts.national_charts(board, unit) if c.key == key)


@pytest.mark.parametrize(
    ("unit", "label"), [(AmountUnit.MILLION, "百万円"), (AmountUnit.YEN, "円")]
)
def test_amount_axes_name_the_readers_unit(board, unit, label):
    for key in ("trend_amounts", "per_agreement", "region_income"):
        yaxis = _chart(board, key, unit).figure["layout"]["yaxis"]

        assert yaxis["title"]["text"] == f"金額 ({label})", key
        assert yaxis["automargin"] is True


def test_balance_chart_reads_without_colour(board):
    trace = _chart(board, "balance", AmountUnit.YEN).figure["data"][0]

    assert trace["textposition"] == "auto"  # never "none": the slices say what they are
    assert all(
        "%{label}" in t for t, c in zip(trace["texttemplate"], trace["values"], strict=True) if c
    )
    assert trace["marker"]["pattern"]["fillmode"] == "overlay"  # the colour stays
    shapes = trace["marker"]["pattern"]["shape"]
    assert len(set(shapes)) == len(shapes) == 3


def test_timeline_dates_read_year_then_month():
    import datetime
    from types import SimpleNamespace

    from dashboards.charts.registry import consolidations_chart

    event = SimpleNamespace(
        occurred_on=datetime.date(2008, 7, 1), predecessor="A", kind="統合", successor="B"
    )

    chart = consolidations_chart(SimpleNamespace(consolidations=[event]))

    xaxis = chart.figure["layout"]["xaxis"]
    assert xaxis["tickformat"] == "%Y年%-m月"
