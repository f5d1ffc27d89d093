"""The same figure, the same words (issue 16): the dashboard and the metric page say the
same about what a ranking leaves out, by one rule (ranked / not defined / no report)."""

import re

import pytest

from metrics.calculations import NO_REPORT, rank
from tests.dashboards.dashboard_support import build_country
from tests.factories import InstitutionFactory
from tests.support import get_ok


def test_rank_counts_not_defined_and_no_report_apart():
    ranking = rank([("a", 2.0), ("b", None), ("c", NO_REPORT), ("d", 1.0), ("e", NO_REPORT)])

    assert (ranking.ranked, ranking.excluded, ranking.no_report) == (2, 1, 2)
    assert [row.key for row in ranking.rows] == ["a", "d"]


@pytest.mark.django_db
def test_dashboard_and_metric_page_agree_on_what_a_ranking_leaves_out(client_for, mext_official):
    country = build_country()
    # Expected by the registry in FY2010, without a report.
    InstitutionFactory(
        code="TLO-SILENT", region=country.institutions["TLO-K1"].region, approval_fy=2000
    )
    client = client_for(mext_official)

    dashboard = get_ok(client, "/dashboards/", fy="2010").content.decode()
    metric_page = get_ok(client, "/metrics/return_on_cost/", fy="2010").content.decode()

    on_metric_page = re.search(r'<p id="ranking-counts">(.*?)</p>', metric_page).group(1)
    chart = dashboard[dashboard.index('id="chart-ranking_return_on_cost"') :]
    on_dashboard = re.search(r'<p class="chart-note">(.*?)</p>', chart).group(1)
    assert on_metric_page == on_dashboard
    assert "受理済みの報告がない1機関" in on_metric_page
