"""Whether support worked, as charts: each tier's median over the years relative to the
review, the count behind every point in the hover text, figures valid for plotly."""

import json

import plotly.graph_objects as go
import pytest
from django.urls import reverse
from django.utils import translation

from dashboards.charts import support_effect_charts
from dashboards.selectors.support_effects import (
    LICENCE_INCOME,
    NO_CYCLE,
    CycleFollowUp,
    cohort_points,
)
from reviews.models import ReviewCycle
from tests.dashboards.test_support_effects import published  # noqa: F401

MEASURES = [("return_on_cost", "収益率"), (LICENCE_INCOME, "ライセンス収入")]
UNITS = {"return_on_cost": "percent"}


def _follow_up():
    groups = {"prioritised": {1, 2}, NO_CYCLE: {9}}
    values = {
        ("return_on_cost", 1, 2010): 0.5,
        ("return_on_cost", 2, 2010): 0.25,
        (LICENCE_INCOME, 1, 2011): 30_000_000.0,
        (LICENCE_INCOME, 2, 2011): 10_000_000.0,
        (LICENCE_INCOME, 9, 2011): 7_000_000.0,
    }
    cohorts = cohort_points(groups, values, fiscal_year=2010, measures=[c for c, _name in MEASURES])
    return CycleFollowUp(ReviewCycle(fiscal_year=2010), cohorts)


def test_support_effect_charts_validate_against_plotlys_schema():
    with translation.override("ja"):
        charts = support_effect_charts(_follow_up(), MEASURES, UNITS, "thousand")
    assert [c.key for c in charts] == [
        "support-2010-return_on_cost",
        f"support-2010-{LICENCE_INCOME}",
    ]
    for chart in charts:
        go.Figure(data=chart.figure["data"], layout=chart.figure["layout"])  # raises if wrong


def test_support_effect_charts_medians_in_the_readers_unit_with_counts():
    with translation.override("ja"):
        income = support_effect_charts(_follow_up(), MEASURES, UNITS, "thousand")[1]
    prioritised, comparison = income.figure["data"]
    # One year after the review (the fifth point): median of 30M and 10M yen, in 千円.
    assert prioritised["x"][4] == "1年度後"
    assert prioritised["y"][4] == 20_000.0
    assert prioritised["text"][4] == "重点支援、1年度後: 20,000千円(2機関の中央値)"
    assert prioritised["y"][3] is None  # nobody's income in the review year
    assert "(0機関の中央値)" in prioritised["text"][3]
    assert comparison["line"]["dash"] == "dash"
    assert comparison["text"][4] == "審査に参加していない承認TLO、1年度後: 7,000千円(1機関の中央値)"
    assert income.rows[0][5] == "20,000千円 (2)"


def test_support_effect_charts_percent_as_percent():
    with translation.override("ja"):
        ratio = support_effect_charts(_follow_up(), MEASURES, UNITS, "yen")[0]
    prioritised = ratio.figure["data"][0]
    assert prioritised["y"][3] == 37.5  # the median of 50 % and 25 %, in percent
    assert ratio.figure["layout"]["yaxis"]["title"]["text"] == "収益率 (%)"


def test_support_effect_charts_nothing_to_draw_says_so():
    follow_up = CycleFollowUp(
        ReviewCycle(fiscal_year=2010),
        cohort_points({NO_CYCLE: {9}}, {}, fiscal_year=2010, measures=["return_on_cost"]),
    )
    with translation.override("ja"):
        (chart,) = support_effect_charts(follow_up, MEASURES[:1], UNITS, "yen")
    assert chart.figure is None
    assert chart.empty


@pytest.mark.usefixtures("published")
def test_support_effects_page_draws_a_chart_per_measure(client_for, mext_official):
    page = client_for(mext_official).get(reverse("dashboards:support_effects")).content.decode()
    block = page[page.index('id="figure-support-2010-licence_income">') :]
    figure = json.loads(block[block.index(">") + 1 : block.index("</script>")])
    go.Figure(data=figure["data"], layout=figure["layout"])
    # Only licence income has values in the fixture; the other three say so.
    assert page.count('class="plot"') == 1
    assert page.count("これらの年度に値のある機関がありません。") == 3


@pytest.mark.usefixtures("published")
def test_support_effects_page_downloads_a_charts_data(client_for, mext_official):
    url = reverse("dashboards:support_effects") + "?download=support-2010-licence_income"
    response = client_for(mext_official).get(url)
    assert response.status_code == 200
    assert "20,000,000" in response.content.decode("utf-8-sig")


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize("persona", ["mext_reviewer", "viewer", "staff_a"])
def test_support_effects_download_refuses_other_roles(request, client_for, persona):
    url = reverse("dashboards:support_effects") + "?download=support-2010-licence_income"
    assert client_for(request.getfixturevalue(persona)).get(url).status_code == 403
