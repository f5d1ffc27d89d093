"""The deliberation: every institution's aggregates, flags, spread, quorum and the
decision aid; reviewers' tendencies; weight sensitivity. Officials only (the view checks),
and every score still comes through Score.objects.visible_to(user)."""

from __future__ import annotations

from dataclasses import dataclass

from institutions.models import Institution, User
from metrics.models import MetricValue
from metrics.selectors.metric_values import home_run_counts

from ..calculations import (
    AidInput,
    AidResult,
    AidThresholds,
    EntryResult,
    Sensitivity,
    decision_aid,
    entry_results,
    ranks_of,
    reviewer_tendencies,
    weight_sensitivity,
)
from ..models import CycleEntry, Decision, ReviewCycle
from .aggregates import Quorum, counted_rows, quorums_of, visible_scores, weights_of

AID_METRICS = ("return_on_cost", "operating_balance")


@dataclass(frozen=True)
class DeliberationRow:
    entry: CycleEntry
    result: EntryResult | None
    rank: int | None
    quorum: Quorum
    aid: AidResult
    decision: Decision | None


@dataclass(frozen=True)
class Tendency:
    reviewer: User
    mean_deviation: float
    comparisons: int


@dataclass(frozen=True)
class SensitivityRow:
    """One institution's rank, and how many places it moves (positive: up) when each
    criterion's weight goes up or down by half, in the order of `Deliberation.sensitivity`."""

    entry: CycleEntry
    rank: int
    moves: list[int]


@dataclass(frozen=True)
class Deliberation:
    cycle: ReviewCycle
    criteria: list
    rows: list[DeliberationRow]
    tendencies: list[Tendency]
    sensitivity: list[Sensitivity]
    institutions: dict[int, Institution]
    sensitivity_rows: list[SensitivityRow]


def aid_inputs(
    cycle: ReviewCycle, entries: list[CycleEntry], results: dict[int, EntryResult]
) -> dict[int, AidInput]:
    """Entry id → the figures and joint scores the seed's rules read. Two queries."""
    institution_ids = [e.institution_id for e in entries]
    values: dict[tuple[int, str], float | None] = {}
    for institution_id, code, value in MetricValue.objects.filter(
        institution_id__in=institution_ids,
        fiscal_year=cycle.fiscal_year,
        definition__code__in=AID_METRICS,
    ).values_list("institution_id", "definition__code", "value"):
        values[(institution_id, code)] = value
    home_runs = home_run_counts(
        fiscal_year=cycle.fiscal_year,
        threshold=cycle.home_run_threshold,
        institution_ids=institution_ids,
    )
    inputs = {}
    for entry in entries:
        result = results.get(entry.pk)
        inputs[entry.pk] = AidInput(
            return_on_cost=values.get((entry.institution_id, "return_on_cost")),
            home_runs=home_runs.get(entry.institution_id),
            operating_balance=values.get((entry.institution_id, "operating_balance")),
            scores={c: r.joint for c, r in result.criteria.items()} if result else {},
        )
    return inputs


def thresholds_of(cycle: ReviewCycle) -> AidThresholds:
    return AidThresholds(
        min_return_on_cost=cycle.aid_min_return_on_cost,
        min_home_runs=cycle.aid_min_home_runs,
        min_model_score=float(cycle.aid_min_model_score),
        min_support_score=float(cycle.aid_min_support_score),
    )


def aids_for(
    cycle: ReviewCycle, entries: list[CycleEntry], results: dict[int, EntryResult]
) -> dict[int, AidResult]:
    thresholds = thresholds_of(cycle)
    return {
        entry_id: decision_aid(data, thresholds)
        for entry_id, data in aid_inputs(cycle, entries, results).items()
    }


def deliberation(*, user: User, cycle: ReviewCycle) -> Deliberation:
    """Everything the deliberation page shows, in a fixed number of queries."""
    entries = list(
        cycle.entries.select_related("institution__region", "decision").order_by(
            "institution__code"
        )
    )
    scores = list(visible_scores(user=user, cycle=cycle))
    rows = counted_rows(scores)
    weights = weights_of(cycle)
    results = entry_results(rows, weights)
    ranks = ranks_of({e: r.weighted_total for e, r in results.items()})
    quorums = quorums_of(cycle)
    aids = aids_for(cycle, entries, results)
    reviewers = {s.assignment.reviewer_id: s.assignment.reviewer for s in scores}
    tendencies = sorted(
        (Tendency(reviewers[r], mean, n) for r, (mean, n) in reviewer_tendencies(rows).items()),
        key=lambda t: t.reviewer.username,
    )
    sensitivity = weight_sensitivity(
        {e: {c: r.joint for c, r in res.criteria.items()} for e, res in results.items()},
        weights,
    )
    by_id = {e.pk: e for e in entries}
    sensitivity_rows = [
        SensitivityRow(
            entry=by_id[entry_id],
            rank=position,
            moves=[change.moved.get(entry_id, 0) for change in sensitivity],
        )
        for entry_id, position in sorted(ranks.items(), key=lambda pair: pair[1])
        if entry_id in results
    ]
    return Deliberation(
        cycle=cycle,
        sensitivity_rows=sensitivity_rows,
        criteria=list(cycle.criteria.all()),
        rows=[
            DeliberationRow(
                entry=entry,
                result=results.get(entry.pk),
                rank=ranks.get(entry.pk),
                quorum=quorums[entry.pk],
                aid=aids[entry.pk],
                decision=getattr(entry, "decision", None),
            )
            for entry in entries
        ],
        tendencies=tendencies,
        sensitivity=sensitivity,
        institutions={e.pk: e.institution for e in entries},
    )
