"""The national dashboard's selectors and chart builders: the figures behind each chart
equal the stored values, computed independently here; anonymisation per role."""

import statistics
from decimal import Decimal

import pytest
from django.utils import translation

from core.amounts import AmountUnit
from dashboards import charts
from dashboards.selectors.national import (
    DashboardFilters,
    FilteredViewRefused,
    national_dashboard,
)
from metrics.anonymity import view_withheld
from metrics.calculations import group_median, quintile_of, smoothed_quantile
from tests.dashboards.dashboard_support import INSTITUTIONS, build_country, return_on_cost


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def country(db):
    return build_country()


def _sum(country, field, fiscal_year, keep=lambda code: True):
    return sum(
        f[field] for (code, fy), f in country.figures.items() if fy == fiscal_year and keep(code)
    )


def _chart(board, key, unit=AmountUnit.YEN):
    return next(c for c in charts.national_charts(board, unit) if c.key == key)


# --- totals and coverage ---------------------------------------------------------------


def test_default_year_is_the_latest_with_most_reports(country, mext_official):
    board = national_dashboard(filters=DashboardFilters(), user=mext_official)
    assert board.fiscal_year == 2010
    assert board.fiscal_years == [2011, 2010, 2009]
    assert (board.coverage.accepted, board.coverage.expected) == (8, 8)


def test_coverage_follows_the_years_collection_round(country, mext_official):
    # A round that expects two more institutions than reported: the dashboard says so,
    # by the same rule as the metric pages and the status page (selectors.coverage).
    import datetime

    from metrics.selectors.coverage import coverage
    from metrics.services.collection import open_round
    from tests.factories import InstitutionFactory

    reporting = list(country.institutions.values())
    extra = InstitutionFactory.create_batch(4, kind=reporting[0].kind, approval_fy=2012)
    open_round(
        actor=mext_official,
        fiscal_year=2010,
        opens_on=datetime.date(2011, 4, 1),
        deadline=datetime.date(2011, 6, 30),
        expected=[*reporting, *extra],
    )
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=mext_official)
    # The four extra were approved only in 2012: the registry alone would not expect them.
    assert (board.coverage.accepted, board.coverage.expected) == (8, 12)
    assert coverage(2010, kind=reporting[0].kind) == (12, 8)


def test_totals_equal_the_sums_of_accepted_reports(country, mext_official):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=mext_official)
    totals = {t.code: t for t in board.totals}
    for field in ("licence_income", "licences_granted", "patent_applications"):
        assert totals[field].value == _sum(country, field, 2010)
        assert totals[field].previous == _sum(country, field, 2009)
    income = totals["licence_income"]
    expected_change = (
        _sum(country, "licence_income", 2010) - _sum(country, "licence_income", 2009)
    ) / _sum(country, "licence_income", 2009)
    assert income.change == pytest.approx(expected_change)


def test_totals_chart_table_in_thousand_yen_rounds_half_up(country, mext_official):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=mext_official)
    chart = _chart(board, "totals", AmountUnit.THOUSAND)
    row = next(r for r in chart.rows if r[0].startswith("ライセンス収入"))
    total = _sum(country, "licence_income", 2010)  # 98,277,777 yen
    assert row[0] == "ライセンス収入 (千円)"
    assert row[1] == Decimal(total // 1000 + (1 if total % 1000 >= 500 else 0))
    million = _chart(board, "totals", AmountUnit.MILLION)
    row = next(r for r in million.rows if r[0].startswith("ライセンス収入"))
    assert row[0] == "ライセンス収入 (百万円)"
    assert row[1] == Decimal("98.3")


def test_balance_counts_surplus_and_deficit(country, mext_official):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=mext_official)
    surplus = 0
    for code, *_rest in INSTITUTIONS:
        f = country.figures[(code, 2010)]
        costs = f["personnel_costs"] + f["patent_costs"] + f["other_costs"]
        surplus += f["licence_income"] + f["other_income"] >= costs
    assert (board.balance.surplus, board.balance.deficit) == (surplus, 8 - surplus)


# --- rankings --------------------------------------------------------------------------


def test_rankings_are_the_seed_three_in_order_of_value(country, mext_official):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=mext_official)
    assert [r.definition.code for r in board.rankings] == [
        "return_on_cost",
        "commercialisation_rate",
        "licence_rate",
    ]
    expected = sorted(
        INSTITUTIONS, key=lambda row: -return_on_cost(country.figures[(row[0], 2010)])
    )
    first = board.rankings[0].entries
    assert [e.label for e in first] == [f"名前{row[0]}" for row in expected]
    assert first[0].value == pytest.approx(return_on_cost(country.figures[(expected[0][0], 2010)]))


def test_rankings_are_lettered_in_one_run_for_a_viewer(country, viewer):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=viewer)
    labels = [[e.label for e in r.entries] for r in board.rankings]
    assert labels[0][:2] == ["承認TLO (A)", "承認TLO (B)"]
    # The second table continues the letters (I, J, …), as the seed's 参考2-1 does.
    assert labels[1][0] == "承認TLO (I)"
    assert not any("名前" in label for table in labels for label in table)


def test_ranking_marks_a_staff_members_own_institution(country):
    from tests.factories import staff_of

    staff = staff_of(country.institutions["TLO-K1"], username="k1-staff")
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=staff)
    own = [e for e in board.rankings[0].entries if e.is_own]
    assert len(own) == 1
    assert own[0].label.endswith("自機関") or "your institution" in own[0].label
    assert "名前" not in own[0].label


# --- groups, small groups, views -------------------------------------------------------


def test_groups_by_region_totals_and_medians_for_officials(country, mext_official):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=mext_official)
    kanto = next(g for g in board.by_region if g.key == "kanto")
    assert kanto.institutions == 4
    assert kanto.totals["licence_income"] == _sum(
        country, "licence_income", 2010, lambda c: c.startswith("TLO-K")
    )
    values = [
        return_on_cost(country.figures[(c, 2010)]) for c in ("TLO-K1", "TLO-K2", "TLO-K3", "TLO-K4")
    ]
    assert kanto.medians["return_on_cost"] == pytest.approx(statistics.median(values))
    hokkaido = next(g for g in board.by_region if g.key == "hokkaido")
    assert not hokkaido.totals_withheld
    assert hokkaido.totals["licence_income"] == 7_777_777


def test_small_region_and_its_complement_are_withheld_from_a_viewer(country, viewer):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=viewer)
    groups = {g.key: g for g in board.by_region}
    assert groups["hokkaido"].totals_withheld and groups["hokkaido"].medians_withheld
    assert groups["hokkaido"].totals["licence_income"] is None
    # Totals add up to the national figure: the next-smallest region (近畿, 3) goes too.
    assert groups["kinki"].totals_withheld
    assert not groups["kinki"].medians_withheld
    assert not groups["kanto"].totals_withheld
    chart = _chart(board, "by_region")
    hokkaido_row = next(r for r in chart.rows if r[0] == "北海道・東北地区")
    assert hokkaido_row[2] == "3機関未満のため非表示"
    figure_text = chart.figure_json
    assert "7777777" not in figure_text and "7,777,777" not in figure_text
    marked = [a["x"] for a in chart.figure["layout"]["annotations"] if a["text"] == "非表示"]
    assert marked == ["北海道・東北地区", "近畿地区"]


def test_viewer_medians_are_smoothed_not_a_members_value(country, viewer):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=viewer)
    kinki = next(g for g in board.by_region if g.key == "kinki")
    values = sorted(
        return_on_cost(country.figures[(c, 2010)]) for c in ("TLO-N1", "TLO-N2", "TLO-N3")
    )
    assert kinki.medians["return_on_cost"] == pytest.approx(sum(values) / 3)
    assert kinki.medians["return_on_cost"] not in values


@pytest.mark.parametrize(
    "filters",
    [
        {"region": "hokkaido"},  # one institution
        {"region": "kanto", "tlo_type": "internal"},  # one institution
        {"region": "kanto"},  # four: still a filtered view, for officials only (issue #14)
        {"specialisation": "pharma"},
    ],
)
def test_filtered_views_are_refused_to_a_viewer_and_shown_to_officials(
    country, viewer, mext_official, filters
):
    with pytest.raises(FilteredViewRefused):
        national_dashboard(filters=DashboardFilters(fiscal_year=2010, **filters), user=viewer)
    official = national_dashboard(
        filters=DashboardFilters(fiscal_year=2010, **filters), user=mext_official
    )
    assert not official.withheld and official.totals


def test_trend_per_agreement_is_pooled_income_over_agreements(country, mext_official):
    board = national_dashboard(filters=DashboardFilters(fiscal_year=2010), user=mext_official)
    point = next(p for p in board.trend if p.fiscal_year == 2010)
    expected = _sum(country, "joint_research_income", 2010) / _sum(
        country, "joint_research_count", 2010
    )
    assert point.per("joint_research_income", "joint_research_count") == pytest.approx(expected)


# --- pure rules ------------------------------------------------------------------------


def test_smoothed_quantile_is_the_mean_of_three_neighbours():
    assert smoothed_quantile([1.0, 2.0, 10.0, 40.0, 50.0], 0.5) == pytest.approx(52 / 3)
    assert smoothed_quantile([1.0, 2.0], 0.5) == 1.5
    assert smoothed_quantile([], 0.5) is None
    assert group_median([1.0, 2.0, 10.0], anonymised=False) == 2.0


def test_smoothed_quantile_can_equal_a_member_when_values_are_evenly_spaced():
    """What the docstring promises, and what it does not: evenly spaced neighbours average
    to the middle one (the disclosure audit checks such matches name nobody)."""
    assert smoothed_quantile([10.0, 20.0, 30.0, 45.0, 70.0], 0.2) == 20.0
    assert smoothed_quantile([1.0, 2.0, 10.0, 40.0, 50.0], 0.5) not in {1, 2, 10, 40, 50}


def test_quintile_of_counts_ties_half():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert quintile_of(5.0, values, higher_is_better=True) == 1
    assert quintile_of(1.0, values, higher_is_better=True) == 5
    assert quintile_of(1.0, values, higher_is_better=False) == 1
    assert quintile_of(3.0, [3.0] * 4, higher_is_better=True) == 3


def test_view_withheld_catches_subtraction():
    counts = {("kanto", "wide"): 3, ("kanto", "internal"): 1, ("kinki", "wide"): 5}
    assert view_withheld(counts, {0: "kanto", 1: "wide"}, threshold=3)
    assert view_withheld(counts, {0: "kanto", 1: "internal"}, threshold=3)
    assert not view_withheld(counts, {0: "kinki"}, threshold=3)
    counts[("kanto", "internal")] = 3
    assert not view_withheld(counts, {0: "kanto", 1: "wide"}, threshold=3)
