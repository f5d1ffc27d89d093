"""The pure formulas: operands, windows, undefined values, lineage, aggregates, display."""

from decimal import Decimal

import pytest

from metrics.calculations import (
    LICENCE_ROWS,
    LICENCE_ROWS_HOME_RUN,
    LICENCE_ROWS_IN_REGION,
    Formula,
    Operand,
    OperandTotal,
    ReportFigures,
    ValueRow,
    aggregate,
    ancestors,
    combine,
    descendants,
    describe_formula,
    evaluate,
    format_value,
    is_surplus,
    operand_breakdown,
    operand_total,
    plain_value,
    predecessors_map,
    term_value,
)
from metrics.enums import Combination, MetricUnit, ValueStatus, Window

RETURN_ON_COST = Formula(
    Combination.RATIO,
    Operand(("licence_income",)),
    Operand(("personnel_costs", "patent_costs")),
)
COMMERCIALISATION_RATE = Formula(
    Combination.RATIO,
    Operand(("commercialisations",)),
    Operand(("licences_granted",), Window.CUMULATIVE),
    follows_lineage=True,
)


def report(fiscal_year, institution_id=1, report_id=None, incomes=(), in_region=0, **figures):
    return ReportFigures(
        report_id=report_id or fiscal_year * 10 + institution_id,
        institution_id=institution_id,
        fiscal_year=fiscal_year,
        figures=figures,
        licence_incomes=tuple(incomes),
        licences_in_region=in_region,
    )


# --- ratios and undefined values ---------------------------------------------------------


def test_ratio_divides_as_true_division():
    series = [report(2010, licence_income=1, personnel_costs=2, patent_costs=1)]
    outcome = evaluate(RETURN_ON_COST, 2010, own=series)
    assert outcome.status == ValueStatus.DEFINED
    assert outcome.value == pytest.approx(1 / 3)
    assert (outcome.numerator, outcome.denominator) == (1.0, 3.0)


def test_ratio_zero_denominator_is_not_defined_never_zero_or_infinite():
    series = [report(2010, licence_income=5_000_000, personnel_costs=0, patent_costs=0)]
    outcome = evaluate(RETURN_ON_COST, 2010, own=series)
    assert outcome.status == ValueStatus.ZERO_DENOMINATOR
    assert outcome.value is None
    assert (outcome.numerator, outcome.denominator) == (5_000_000.0, 0.0)


def test_ratio_zero_over_zero_is_not_defined():
    outcome = combine(Combination.RATIO, OperandTotal(0, 1), OperandTotal(0, 1))
    assert (outcome.status, outcome.value) == (ValueStatus.ZERO_DENOMINATOR, None)


def test_ratio_zero_numerator_is_zero():
    series = [report(2010, licence_income=0, personnel_costs=4, patent_costs=0)]
    assert evaluate(RETURN_ON_COST, 2010, own=series).value == 0.0


def test_ratio_blank_denominator_term_is_missing():
    # 特許関係費 left blank: the denominator is not "人件費 alone".
    series = [report(2010, licence_income=10, personnel_costs=100, patent_costs=None)]
    outcome = evaluate(RETURN_ON_COST, 2010, own=series)
    assert (outcome.status, outcome.value, outcome.denominator) == (ValueStatus.MISSING, None, None)


def test_ratio_blank_numerator_is_missing():
    series = [report(2010, licence_income=None, personnel_costs=100, patent_costs=1)]
    outcome = evaluate(RETURN_ON_COST, 2010, own=series)
    assert (outcome.status, outcome.value, outcome.denominator) == (
        ValueStatus.MISSING,
        None,
        101.0,
    )


def test_ratio_without_a_report_in_the_year_is_missing():
    series = [report(2009, licence_income=10, personnel_costs=100, patent_costs=1)]
    assert evaluate(RETURN_ON_COST, 2010, own=series).status == ValueStatus.MISSING


def test_ratio_of_large_amounts_keeps_precision():
    numerator, denominator = 10**15 + 1, 10**15
    outcome = combine(Combination.RATIO, OperandTotal(numerator, 1), OperandTotal(denominator, 1))
    assert outcome.value == 1.000000000000001


def test_difference_can_be_negative_and_zero_is_a_surplus():
    balance = Formula(
        Combination.DIFFERENCE,
        Operand(("licence_income", "other_income")),
        Operand(("personnel_costs", "patent_costs", "other_costs")),
    )
    deficit = [
        report(
            2010,
            licence_income=3,
            other_income=2,
            personnel_costs=4,
            patent_costs=2,
            other_costs=1,
        )
    ]
    even = [
        report(
            2010,
            licence_income=3,
            other_income=4,
            personnel_costs=4,
            patent_costs=2,
            other_costs=1,
        )
    ]
    assert evaluate(balance, 2010, own=deficit).value == -2.0
    assert is_surplus(-2.0) is False
    assert evaluate(balance, 2010, own=even).value == 0.0
    assert is_surplus(0.0) is True
    assert is_surplus(None) is None


def test_total_is_the_reported_count_and_blank_is_missing():
    startups = Formula(Combination.TOTAL, Operand(("startups_founded",)))
    assert evaluate(startups, 2010, own=[report(2010, startups_founded=3)]).value == 3.0
    assert evaluate(startups, 2010, own=[report(2010, startups_founded=0)]).value == 0.0
    blank = evaluate(startups, 2010, own=[report(2010, startups_founded=None)])
    assert (blank.status, blank.value) == (ValueStatus.MISSING, None)


def test_mean_of_three_scores_and_blank_score_is_missing():
    satisfaction = Formula(
        Combination.MEAN,
        Operand(("satisfaction_desk", "satisfaction_contracting", "satisfaction_ip_handling")),
    )
    scores = report(
        2010,
        satisfaction_desk=Decimal("4.00"),
        satisfaction_contracting=Decimal("3.50"),
        satisfaction_ip_handling=Decimal("3.00"),
    )
    outcome = evaluate(satisfaction, 2010, own=[scores])
    assert outcome.value == pytest.approx(3.5)
    assert (outcome.numerator, outcome.denominator) == (10.5, 3.0)
    partial = report(2010, satisfaction_desk=Decimal("4.00"), satisfaction_contracting=None)
    assert evaluate(satisfaction, 2010, own=[partial]).status == ValueStatus.MISSING


# --- windows -----------------------------------------------------------------------------


SERIES = [
    report(2005, licences_granted=1),
    report(2006, licences_granted=2),
    report(2008, licences_granted=4),
    report(2009, licences_granted=None),
    report(2010, licences_granted=8),
]


@pytest.mark.parametrize(
    ("window", "fiscal_year", "expected"),
    [
        (Window.YEAR, 2010, OperandTotal(8, 1)),
        (Window.YEAR, 2009, None),  # blank: not reported
        (Window.YEAR, 2007, None),  # no report
        (Window.ROLLING_3, 2010, OperandTotal(12, 2)),  # 2008 + 2010; 2009 blank
        (Window.ROLLING_3, 2007, OperandTotal(3, 2)),  # 2005 + 2006
        (Window.ROLLING_3, 2004, None),
        (Window.CUMULATIVE, 2010, OperandTotal(15, 4)),
        (Window.CUMULATIVE, 2006, OperandTotal(3, 2)),
        (Window.CUMULATIVE, 2004, None),
    ],
)
def test_operand_windows(window, fiscal_year, expected):
    operand = Operand(("licences_granted",), window)
    assert operand_total(SERIES, operand, fiscal_year) == expected


def test_commercialisation_rate_divides_by_cumulative_licences():
    series = [
        report(2008, licences_granted=10, commercialisations=1),
        report(2009, licences_granted=20, commercialisations=2),
        report(2010, licences_granted=10, commercialisations=6),
    ]
    assert evaluate(COMMERCIALISATION_RATE, 2009, own=series).value == pytest.approx(2 / 30)
    assert evaluate(COMMERCIALISATION_RATE, 2010, own=series).value == pytest.approx(6 / 40)


# --- licence detail rows -----------------------------------------------------------------


def test_home_run_counts_rows_at_or_above_the_threshold():
    with_rows = report(2010, licences_granted=3, incomes=(9_999_999, 10_000_000, 25_000_000))
    assert term_value(with_rows, LICENCE_ROWS_HOME_RUN, threshold=10_000_000) == 2
    assert term_value(with_rows, LICENCE_ROWS_HOME_RUN, threshold=30_000_000) == 0
    assert term_value(with_rows, LICENCE_ROWS) == 3


def test_licence_terms_without_rows_are_zero_only_when_no_licence_was_granted():
    none_granted = report(2010, licences_granted=0)
    sheet_missing = report(2010, licences_granted=4)
    not_reported = report(2010)
    assert term_value(none_granted, LICENCE_ROWS_IN_REGION) == 0
    assert term_value(sheet_missing, LICENCE_ROWS_IN_REGION) is None
    assert term_value(not_reported, LICENCE_ROWS) is None


def test_regional_share_counts_rows_in_region():
    share = Formula(Combination.RATIO, Operand((LICENCE_ROWS_IN_REGION,)), Operand((LICENCE_ROWS,)))
    rows = report(2010, licences_granted=4, incomes=(1, 2, 3, 4), in_region=1)
    assert evaluate(share, 2010, own=[rows]).value == 0.25
    empty = evaluate(share, 2010, own=[report(2010, licences_granted=0)])
    assert empty.status == ValueStatus.ZERO_DENOMINATOR


# --- consolidation lineage ---------------------------------------------------------------

RIKOGAKU, TITECH, OTHER = 1, 2, 3


def test_lineage_cumulative_window_includes_predecessor_reports():
    predecessor = [
        report(2006, RIKOGAKU, licences_granted=30, commercialisations=3),
        report(2007, RIKOGAKU, licences_granted=10, commercialisations=1),
    ]
    successor = [report(2008, TITECH, licences_granted=10, commercialisations=5)]
    lineage = sorted([*predecessor, *successor], key=lambda r: r.fiscal_year)
    with_lineage = evaluate(COMMERCIALISATION_RATE, 2008, own=successor, lineage=lineage)
    assert with_lineage.value == pytest.approx(5 / 50)
    assert (with_lineage.numerator, with_lineage.denominator) == (5.0, 50.0)


def test_lineage_not_followed_when_the_definition_says_not():
    own_only = Formula(
        Combination.RATIO,
        Operand(("commercialisations",)),
        Operand(("licences_granted",), Window.CUMULATIVE),
        follows_lineage=False,
    )
    predecessor = [report(2007, RIKOGAKU, licences_granted=40)]
    successor = [report(2008, TITECH, licences_granted=10, commercialisations=5)]
    outcome = evaluate(own_only, 2008, own=successor, lineage=[*predecessor, *successor])
    assert outcome.value == 0.5


def test_lineage_never_adds_predecessors_to_a_single_year_window():
    # The numerator ("commercialisations in the year") is the successor's alone.
    predecessor = [report(2008, RIKOGAKU, licences_granted=0, commercialisations=7)]
    successor = [report(2008, TITECH, licences_granted=10, commercialisations=5)]
    outcome = evaluate(
        COMMERCIALISATION_RATE, 2008, own=successor, lineage=[*predecessor, *successor]
    )
    assert (outcome.numerator, outcome.denominator) == (5.0, 10.0)


def test_ancestors_are_transitive_and_cycle_safe():
    predecessors = predecessors_map([(1, 2), (2, 3), (4, 3), (5, None)])
    assert ancestors(3, predecessors) == {1, 2, 4}
    assert ancestors(2, predecessors) == {1}
    assert ancestors(5, predecessors) == set()
    looping = predecessors_map([(1, 2), (2, 1)])
    assert ancestors(1, looping) == {2}


def test_descendants_include_successors_transitively():
    edges = [(1, 2), (2, 3), (4, None)]
    assert descendants([1], edges) == {1, 2, 3}
    assert descendants([4], edges) == {4}
    assert descendants([2, 4], edges) == {2, 3, 4}


def test_operand_breakdown_lists_window_reports_with_their_figures():
    lineage = [
        report(2006, RIKOGAKU, report_id=61, licences_granted=30),
        report(2007, RIKOGAKU, report_id=71, licences_granted=None),
        report(2008, TITECH, report_id=82, licences_granted=10, commercialisations=5),
    ]
    own = [lineage[2]]
    rows = operand_breakdown(
        COMMERCIALISATION_RATE,
        COMMERCIALISATION_RATE.denominator,
        2008,
        own=own,
        lineage=lineage,
    )
    assert [(r.report.report_id, r.figures, r.counted) for r in rows] == [
        (61, {"licences_granted": 30}, True),
        (71, {"licences_granted": None}, False),
        (82, {"licences_granted": 10}, True),
    ]


# --- aggregates --------------------------------------------------------------------------


def test_pooled_and_median_differ_and_undefined_are_counted():
    rows = [
        ValueRow(ValueStatus.DEFINED, 1.0, 1.0, 1.0),  # 100%
        ValueRow(ValueStatus.DEFINED, 0.5, 1.0, 2.0),  # 50%
        ValueRow(ValueStatus.DEFINED, 0.1, 10.0, 100.0),  # 10%
        ValueRow(ValueStatus.ZERO_DENOMINATOR, None, 3.0, 0.0),
        ValueRow(ValueStatus.MISSING, None, None, None),
    ]
    result = aggregate(rows, Combination.RATIO)
    assert result.pooled == pytest.approx(12 / 103)
    assert result.median == 0.5
    assert (result.included, result.excluded) == (3, 2)


def test_pooled_total_is_the_sum_and_pooled_mean_weighs_every_score():
    totals = aggregate(
        [
            ValueRow(ValueStatus.DEFINED, 2.0, 2.0, None),
            ValueRow(ValueStatus.DEFINED, 5.0, 5.0, None),
        ],
        Combination.TOTAL,
    )
    assert (totals.pooled, totals.median) == (7.0, 3.5)
    means = aggregate(
        [
            ValueRow(ValueStatus.DEFINED, 4.0, 12.0, 3.0),
            ValueRow(ValueStatus.DEFINED, 2.0, 6.0, 3.0),
        ],
        Combination.MEAN,
    )
    assert means.pooled == 3.0


def test_aggregate_with_no_defined_value():
    result = aggregate([ValueRow(ValueStatus.MISSING, None, None, None)], Combination.RATIO)
    assert (result.pooled, result.median, result.included, result.excluded) == (None, None, 0, 1)


# --- display -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (7.117, MetricUnit.PERCENT, "711.7%"),
        (0.163, MetricUnit.PERCENT, "16.3%"),
        (1.00025, MetricUnit.PERCENT, "100.0%"),
        (0.1155, MetricUnit.PERCENT, "11.6%"),  # half up, as printed tables do
        (123.456, MetricUnit.PERCENT, "12,345.6%"),
        (2_500_000.4, MetricUnit.YEN, "¥2,500,000"),
        (-1_234_567.0, MetricUnit.YEN, "\u2212¥1,234,567"),
        (12.0, MetricUnit.COUNT, "12"),
        (3.456, MetricUnit.SCORE, "3.46"),
        (2.5, MetricUnit.RATIO, "2.50"),
        (None, MetricUnit.PERCENT, ""),
    ],
)
def test_format_value(value, unit, expected):
    assert format_value(value, unit) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(7.117, "7.117"), (0.00001, "0.00001"), (3.0, "3"), (-250000.0, "-250000"), (None, "")],
)
def test_plain_value(value, expected):
    assert plain_value(value) == expected


def test_describe_formula_names_terms_and_windows():
    labels = {
        "licence_income": "ライセンス収入",
        "personnel_costs": "人件費",
        "patent_costs": "特許関係費",
        "commercialisations": "事業化件数",
        "licences_granted": "ライセンス件数",
    }

    def cumulative(text, window):
        return f"{text}({window})"

    text = describe_formula(RETURN_ON_COST, term_label=labels.__getitem__, with_window=cumulative)
    assert text == "ライセンス収入 / (人件費 + 特許関係費)"
    text = describe_formula(
        COMMERCIALISATION_RATE, term_label=labels.__getitem__, with_window=cumulative
    )
    assert text == "事業化件数 / ライセンス件数(cumulative)"
