"""Every figure the dashboards send is valid for plotly.js: checked against plotly's own
schema (the Python package's graph objects raise on a property plotly.js does not know),
so that a misspelt attribute fails here instead of silently drawing nothing. And the
vendored plotly.js is the version the docs state and the Python package was built from.

The figures are read from the pages as the browser gets them (the JSON data blocks), and
compared with the page's charts, so that no figure escapes the check."""

import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from plotly.offline import get_plotlyjs_version

from dashboards.selectors import national as national_selectors
from institutions.enums import Role
from metrics.models import MetricDefinition
from tests.dashboards.dashboard_support import build_country
from tests.dashboards.test_views import fake_quadrant_source
from tests.factories import InstitutionFactory, UserFactory, staff_of
from tests.support import get_ok

NATIONAL = "/dashboards/"
ROOT = Path(settings.BASE_DIR)
VENDORED = ROOT / "static" / "vendor" / "plotly" / "plotly-strict.min.js"
DOCS = ROOT / "docs" / "dashboards.md"


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def country(db, monkeypatch):
    # Review scores for the quadrant, so that it is drawn (the reviews have their own tests).
    monkeypatch.setattr(national_selectors, "quadrant_points", fake_quadrant_source)
    return build_country()


def sent_figures(response) -> dict[str, dict]:
    """The figures of a page, as sent, after checking that each chart with a figure sent
    it and none other was sent."""
    body = response.content.decode()
    blocks = re.findall(
        r'<script type="application/json" id="figure-([a-z_0-9]+)">(.*?)</script>', body, re.S
    )
    figures = {key: json.loads(text) for key, text in blocks}
    charts = response.context["charts"].values()
    assert sorted(figures) == sorted(chart.key for chart in charts if chart.figure)
    return figures


def assert_valid(figures: dict[str, dict]) -> None:
    for key, figure in figures.items():
        # dashboards.js hands plotly.js figure.data and figure.layout, nothing else.
        assert set(figure) == {"data", "layout"}, key
        try:
            go.Figure(data=figure["data"], layout=figure["layout"])
        except ValueError as error:
            pytest.fail(f"figure {key!r} is not valid plotly: {error}")


def national_figures(client, **params) -> dict[str, dict]:
    return sent_figures(get_ok(client, NATIONAL, **params))


def benchmark_figures(client, code: str, **params) -> dict[str, dict]:
    return sent_figures(get_ok(client, reverse("dashboards:benchmark", args=[code]), **params))


# --- the national dashboard ------------------------------------------------------------

NATIONAL_KEYS = {
    "totals",
    "balance",
    "ranking_return_on_cost",
    "ranking_commercialisation_rate",
    "ranking_licence_rate",
    "trend_counts",
    "trend_amounts",
    "per_agreement",
    "region_income",
    "by_region",
    "by_type",
    "quadrant",
    "approvals",
    "japan_us",
    "survey",
}


def test_every_national_figure_for_an_official_is_valid_plotly(client_for, country, mext_official):
    client = client_for(mext_official)
    figures = national_figures(client, fy=2010)
    # Every chart of the page draws (consolidations has no event in the test registry).
    assert set(figures) >= NATIONAL_KEYS
    assert_valid(figures)
    # A fourth ranking, of any metric, in every unit of amounts.
    for unit in ("yen", "thousand", "million"):
        mext_official.amount_unit = unit
        mext_official.save(update_fields=["amount_unit"])
        figures = national_figures(client, fy=2010, metric="income_per_licence")
        assert "ranking_income_per_licence" in figures
        assert_valid(figures)


def test_every_national_figure_for_a_viewer_is_valid_plotly(client_for, country, viewer):
    figures = national_figures(client_for(viewer), fy=2010)
    # The viewer's quadrant has no labels and the small groups are gaps: still valid.
    assert set(figures) >= NATIONAL_KEYS
    assert_valid(figures)


def test_national_figures_of_a_filtered_view_are_valid_plotly(client_for, country, mext_official):
    # Filtered views are for officials (issue #14); a region of one institution included.
    for params in (
        {"region": "hokkaido"},
        {"region": "kinki"},
        {"tlo_type": "internal"},
        {"fy": 2009},
    ):
        assert_valid(national_figures(client_for(mext_official), **params))


def test_national_figures_in_english_are_valid_plotly(client_for, country, mext_official):
    response = get_ok(client_for(mext_official), "/en/dashboards/", fy=2010)
    assert "Name TLO-K1" in response.content.decode()
    figures = sent_figures(response)
    assert set(figures) >= NATIONAL_KEYS
    assert_valid(figures)


def test_national_figures_without_reports_are_valid_plotly(client_for, db, viewer):
    # The empty state: no annual report at all; the registry and reference charts remain.
    figures = national_figures(client_for(viewer))
    # The registry's charts are empty states too (no institution); the reference data
    # (loaded with the migrations) is drawn.
    assert set(figures) == {"japan_us", "survey"}
    assert_valid(figures)


def test_national_quadrant_without_scores_is_an_empty_state(client_for, db, mext_official):
    build_country()  # no review scores: quadrant_points is not faked here
    figures = national_figures(client_for(mext_official), fy=2010)
    assert "quadrant" not in figures
    assert_valid(figures)


# --- the peer benchmark ----------------------------------------------------------------


def test_every_benchmark_figure_is_valid_plotly(client_for, country, mext_official):
    client = client_for(mext_official)
    drawn = []
    for code in MetricDefinition.objects.values_list("code", flat=True):
        figures = benchmark_figures(client, "TLO-K1", fy=2010, metric=code)
        assert "position" in figures
        assert_valid(figures)
        if "distribution" in figures:
            drawn.append(code)
    # A metric without values in the test data (home-run licences: no licence sheet)
    # is the distribution's empty state; the others are drawn.
    assert {"return_on_cost", "income_per_licence", "licence_rate"} <= set(drawn)
    assert "home_run_licences" not in drawn


def test_benchmark_figures_for_staff_are_valid_plotly(client_for, country):
    # Staff see no peer's value, and groups of too few other institutions are withheld.
    for code in ("TLO-H1", "TLO-K1"):
        staff = staff_of(country.institutions[code], username=f"{code}-staff")
        figures = benchmark_figures(client_for(staff), code, fy=2010)
        assert set(figures) == {"position", "distribution"}
        assert_valid(figures)


def test_benchmark_without_reports_is_valid_plotly(client_for, country, mext_official):
    # The empty state: an institution with no report.
    newcomer = InstitutionFactory(code="TLO-NEW")
    figures = benchmark_figures(client_for(mext_official), newcomer.code)
    assert_valid(figures)
    assert_valid(benchmark_figures(client_for(mext_official), "TLO-K1", fy=2011))


def test_an_invalid_attribute_fails_the_check():
    # The check itself can fail: plotly refuses a property it does not know.
    with pytest.raises(ValueError, match="hovertemplat"):
        go.Figure(data=[{"type": "bar", "x": [1], "y": [2], "hovertemplat": "%{y}"}])
    with pytest.raises(pytest.fail.Exception):
        assert_valid({"bad": {"data": [], "layout": {"xaxis": {"titel": "x"}}}})


def test_a_reader_without_the_right_to_the_quadrant_gets_valid_figures(client_for, country):
    blocked = UserFactory(role=Role.VIEWER, username="blocked")
    figures = national_figures(client_for(blocked), fy=2010)
    assert "quadrant" not in figures
    assert_valid(figures)


# --- the vendored plotly.js ------------------------------------------------------------


def stated_plotly_js_version() -> str:
    (version,) = re.findall(r"plotly\.js (\d+\.\d+\.\d+) is vendored", DOCS.read_text())
    return version


def test_vendored_plotly_js_is_the_version_the_docs_state():
    header = VENDORED.read_text(encoding="utf-8")[:300]
    (vendored,) = re.findall(r"plotly\.js \(strict - minified\) v(\d+\.\d+\.\d+)", header)
    assert vendored == stated_plotly_js_version()


def test_vendored_plotly_js_is_the_one_the_python_package_validates_against():
    # The schema the figures are checked against is the one plotly.py bundles.
    assert get_plotlyjs_version() == stated_plotly_js_version()
