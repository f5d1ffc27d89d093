"""The review's arithmetic, from hand-computed values."""

import pytest

from reviews.calculations import (
    AidInput,
    AidThresholds,
    ScoreRow,
    decision_aid,
    entry_results,
    loads_within_one_of_mean,
    propose_assignments,
    reviewer_tendencies,
    weight_sensitivity,
)

W = {"a": 1.0, "b": 1.0}


def rows(entry, reviewer, ministry, a, b):
    return [
        ScoreRow(entry, reviewer, ministry, "a", a),
        ScoreRow(entry, reviewer, ministry, "b", b),
    ]


def test_joint_score_weighs_ministries_equally_one_against_three():
    data = (
        rows(1, 1, "mext", 5, 5)
        + rows(1, 2, "meti", 1, 1)
        + rows(1, 3, "meti", 1, 1)
        + rows(1, 4, "meti", 1, 1)
    )
    result = entry_results(data, W)[1]
    assert result.criteria["a"].mext_mean == 5
    assert result.criteria["a"].meti_mean == 1
    # A mean over all four reviewers would be 2.0; equal ministry weight gives 3.0.
    assert result.criteria["a"].joint == 3.0
    assert result.weighted_total == 3.0


def test_divergence_flag_at_two_points_not_below():
    data = rows(1, 1, "mext", 4, 4) + rows(1, 2, "meti", 2, 3)
    result = entry_results(data, W)[1]
    assert result.criteria["a"].divergent is True  # 4 vs 2
    assert result.criteria["b"].divergent is False  # 4 vs 3
    assert result.divergent_criteria == ["a"]


def test_divergence_needs_both_ministries():
    result = entry_results(rows(1, 1, "mext", 5, 5), W)[1]
    assert result.criteria["a"].divergent is False
    assert result.criteria["a"].meti_mean is None


def test_weighted_total_uses_weights():
    result = entry_results(rows(1, 1, "mext", 5, 1), {"a": 3.0, "b": 1.0})[1]
    assert result.weighted_total == pytest.approx((5 * 3 + 1) / 4)


def test_spread_of_reviewer_totals():
    data = rows(1, 1, "mext", 5, 5) + rows(1, 2, "meti", 3, 3)
    result = entry_results(data, W)[1]
    assert result.spread == pytest.approx(1.0)
    assert result.range == pytest.approx(2.0)


def test_tendency_is_mean_deviation_from_co_reviewers():
    data = (
        rows(1, 1, "mext", 5, 5)
        + rows(1, 2, "meti", 3, 3)
        + rows(2, 1, "mext", 4, 4)
        + rows(2, 2, "meti", 4, 4)
    )
    tendencies = reviewer_tendencies(data)
    assert tendencies[1] == (pytest.approx(1.0), 4)  # +2, +2, 0, 0
    assert tendencies[2] == (pytest.approx(-1.0), 4)


def test_weight_sensitivity_reports_moves():
    joint = {1: {"a": 5.0, "b": 1.0}, 2: {"a": 2.0, "b": 3.5}}
    # Equal weights: 1 → 3.0, 2 → 2.75. Weight of b ×1.5: 1 → 2.6, 2 → 2.9: they swap.
    result = {(s.criterion, s.factor): s for s in weight_sensitivity(joint, W)}
    assert result[("b", 1.5)].moved == {1: -1, 2: 1}
    assert result[("a", 1.5)].moved == {}


THRESHOLDS = AidThresholds(
    min_return_on_cost=0.5, min_home_runs=1, min_model_score=4.0, min_support_score=3.5
)


def test_aid_model_rule():
    aid = decision_aid(AidInput(0.8, 2, 1_000_000, {"model_activity": 4.5}), THRESHOLDS)
    assert aid.rule == "model"


def test_aid_deficit_rule():
    scores = {
        "model_activity": 2,
        "regional_necessity": 4,
        "self_improvement": 3.5,
        "regional_support": 4,
    }
    aid = decision_aid(AidInput(0.1, 0, -5_000_000, scores), THRESHOLDS)
    assert aid.rule == "deficit_with_necessity"


def test_aid_consolidation_when_deficit_without_support():
    scores = {
        "model_activity": 2,
        "regional_necessity": 4,
        "self_improvement": 3,
        "regional_support": 4,
    }
    aid = decision_aid(AidInput(0.1, 0, -5_000_000, scores), THRESHOLDS)
    assert aid.rule == "consolidation"


def test_aid_surplus_but_not_model_is_consolidation_candidate():
    scores = {
        "model_activity": 3,
        "regional_necessity": 5,
        "self_improvement": 5,
        "regional_support": 5,
    }
    aid = decision_aid(AidInput(0.3, 0, 1, scores), THRESHOLDS)
    assert aid.rule == "consolidation"


def test_proposal_fills_every_entry_without_conflicts_and_balances():
    entries = list(range(1, 11))
    reviewers = {"mext": [101, 102, 103], "meti": [201, 202]}
    conflicts = [(1, 101), (2, 101), (1, 201), (3, 202)]
    result = propose_assignments(
        entries=entries,
        reviewers=reviewers,
        needed={"mext": 1, "meti": 1},
        existing=[],
        conflicts=conflicts,
    )
    assert not set(result.pairs) & set(conflicts)
    for entry in entries:
        assert any(e == entry and r in reviewers["mext"] for e, r in result.pairs)
        assert any(e == entry and r in reviewers["meti"] for e, r in result.pairs)
    assert result.unfilled == []
    assert loads_within_one_of_mean(result.loads, reviewers["mext"])
    assert loads_within_one_of_mean(result.loads, reviewers["meti"])


def test_proposal_reports_what_cannot_be_filled():
    result = propose_assignments(
        entries=[1],
        reviewers={"mext": [101], "meti": [201]},
        needed={"mext": 2, "meti": 1},
        existing=[],
        conflicts=[(1, 201)],
    )
    assert (1, "mext", 1) in result.unfilled
    assert (1, "meti", 1) in result.unfilled


def test_proposal_keeps_existing_assignments():
    result = propose_assignments(
        entries=[1, 2],
        reviewers={"mext": [101, 102], "meti": [201]},
        needed={"mext": 1, "meti": 1},
        existing=[(1, 101)],
        conflicts=[],
    )
    assert (1, 101) not in result.pairs
    assert (2, 102) in result.pairs
