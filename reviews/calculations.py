"""The review's arithmetic, as pure functions without the ORM (easy to test exhaustively).

Inputs are plain rows of submitted, counted scores (selectors read them through
Score.objects.visible_to / counted); outputs are numbers the pages and exports show.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# The ministries' codes (institutions.enums.Ministry values; this module imports no app).
MINISTRIES = ("mext", "meti")
DIVERGENCE_GAP = 2.0  # points between the ministries' means on a criterion


@dataclass(frozen=True)
class ScoreRow:
    """One counted score: who gave it, for which institution and criterion."""

    entry_id: int
    reviewer_id: int
    ministry: str
    criterion: str
    value: int


@dataclass(frozen=True)
class CriterionResult:
    criterion: str
    mext_mean: float | None
    meti_mean: float | None
    joint: float | None

    @property
    def divergent(self) -> bool:
        """The ministries' means differ by 2 points or more (flagged for the deliberation)."""
        if self.mext_mean is None or self.meti_mean is None:
            return False
        return abs(self.mext_mean - self.meti_mean) >= DIVERGENCE_GAP - 1e-9

    @property
    def gap(self) -> float | None:
        if self.mext_mean is None or self.meti_mean is None:
            return None
        return abs(self.mext_mean - self.meti_mean)


@dataclass(frozen=True)
class EntryResult:
    criteria: dict[str, CriterionResult]
    weighted_total: float | None
    reviewer_totals: dict[int, float] = field(default_factory=dict)

    @property
    def divergent_criteria(self) -> list[str]:
        return [code for code, result in self.criteria.items() if result.divergent]

    @property
    def spread(self) -> float | None:
        """Standard deviation of the reviewers' totals (population), None below two."""
        totals = list(self.reviewer_totals.values())
        return statistics.pstdev(totals) if len(totals) >= 2 else None

    @property
    def range(self) -> float | None:
        totals = list(self.reviewer_totals.values())
        return max(totals) - min(totals) if len(totals) >= 2 else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def joint_score(mext_mean: float | None, meti_mean: float | None) -> float | None:
    """The two ministries weigh equally, whatever their number of reviewers; with only one
    ministry's scores, that ministry's mean."""
    present = [m for m in (mext_mean, meti_mean) if m is not None]
    return _mean(present)


def weighted_total(
    scores: Mapping[str, float | None], weights: Mapping[str, float]
) -> float | None:
    """The weighted mean on the 1–5 scale of the criteria that have a score."""
    pairs = [(scores[code], weights[code]) for code in weights if scores.get(code) is not None]
    total_weight = sum(weight for _, weight in pairs)
    if not pairs or total_weight <= 0:
        return None
    return sum(score * weight for score, weight in pairs) / total_weight


def entry_results(rows: Iterable[ScoreRow], weights: Mapping[str, float]) -> dict[int, EntryResult]:
    """Per institution: each criterion's ministry means and joint score, the weighted
    total, and each reviewer's own weighted total."""
    by_entry: dict[int, list[ScoreRow]] = defaultdict(list)
    for row in rows:
        by_entry[row.entry_id].append(row)
    results = {}
    for entry_id, entry_rows in by_entry.items():
        criteria = {}
        for code in weights:
            means = {}
            for ministry in MINISTRIES:
                values = [
                    r.value for r in entry_rows if r.criterion == code and r.ministry == ministry
                ]
                means[ministry] = _mean(values)
            criteria[code] = CriterionResult(
                code, means["mext"], means["meti"], joint_score(means["mext"], means["meti"])
            )
        per_reviewer: dict[int, dict[str, float]] = defaultdict(dict)
        for r in entry_rows:
            per_reviewer[r.reviewer_id][r.criterion] = r.value
        totals = {
            reviewer: total
            for reviewer, scores in per_reviewer.items()
            if (total := weighted_total(scores, weights)) is not None
        }
        results[entry_id] = EntryResult(
            criteria=criteria,
            weighted_total=weighted_total({c: r.joint for c, r in criteria.items()}, weights),
            reviewer_totals=totals,
        )
    return results


def reviewer_tendencies(rows: Iterable[ScoreRow]) -> dict[int, tuple[float, int]]:
    """Each reviewer's mean deviation from their co-reviewers on the same institutions and
    criteria (positive: scores higher than the others), with the number of comparisons.

    Advice beside the raw scores; it never changes them.
    """
    cells: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    for row in rows:
        cells[(row.entry_id, row.criterion)][row.reviewer_id] = row.value
    deviations: dict[int, list[float]] = defaultdict(list)
    for scores in cells.values():
        if len(scores) < 2:
            continue
        for reviewer, value in scores.items():
            others = [v for r, v in scores.items() if r != reviewer]
            deviations[reviewer].append(value - sum(others) / len(others))
    return {reviewer: (sum(d) / len(d), len(d)) for reviewer, d in deviations.items()}


def order_of(totals: Mapping[int, float | None]) -> list[int]:
    """Entry ids by weighted total, best first (ties and missing totals by id)."""
    return sorted(totals, key=lambda k: (totals[k] is None, -(totals[k] or 0), k))


def ranks_of(totals: Mapping[int, float | None]) -> dict[int, int]:
    return {entry: position for position, entry in enumerate(order_of(totals), start=1)}


@dataclass(frozen=True)
class Sensitivity:
    criterion: str
    factor: float  # 1.5: the weight up by half; 0.5: down by half
    moved: dict[int, int]  # entry id → rank change (positive: moved up)


def weight_sensitivity(
    joint_by_entry: Mapping[int, Mapping[str, float | None]], weights: Mapping[str, float]
) -> list[Sensitivity]:
    """How the institutions' order changes when one criterion's weight goes up or down by
    half, the others unchanged."""
    base = ranks_of({e: weighted_total(s, weights) for e, s in joint_by_entry.items()})
    out = []
    for code in weights:
        for factor in (1.5, 0.5):
            changed = {**weights, code: weights[code] * factor}
            ranks = ranks_of({e: weighted_total(s, changed) for e, s in joint_by_entry.items()})
            moved = {e: base[e] - ranks[e] for e in base if base[e] != ranks[e]}
            out.append(Sensitivity(code, factor, moved))
    return out


# --- decision aid -----------------------------------------------------------------------


@dataclass(frozen=True)
class AidThresholds:
    min_return_on_cost: float
    min_home_runs: int
    min_model_score: float
    min_support_score: float


@dataclass(frozen=True)
class AidInput:
    return_on_cost: float | None
    home_runs: int | None
    operating_balance: float | None
    scores: Mapping[str, float | None]  # joint scores by criterion code


@dataclass(frozen=True)
class AidCheck:
    """One condition of a rule: what was compared, and whether it holds (None: unknown)."""

    label: str
    value: float | None
    threshold: float
    comparison: str  # ">=" or "<"
    holds: bool | None


@dataclass(frozen=True)
class AidResult:
    rule: str  # reviews.enums.AidRule value
    model_checks: list[AidCheck]
    deficit_checks: list[AidCheck]


def _at_least(label: str, value: float | None, threshold: float) -> AidCheck:
    return AidCheck(label, value, threshold, ">=", None if value is None else value >= threshold)


def decision_aid(data: AidInput, thresholds: AidThresholds) -> AidResult:
    """The seed's rules: (a) a model in business and sales — return on cost, home runs and
    the model-activity score at or above the cycle's thresholds; (b) in deficit
    (operating balance < 0) with regional necessity, self-improvement and regional
    support scored at or above the threshold; otherwise a candidate for consolidation.
    A rule whose conditions cannot all be known (missing figures or scores) is not met;
    when neither can be decided for that reason the result says so."""
    model = [
        _at_least("return_on_cost", data.return_on_cost, thresholds.min_return_on_cost),
        _at_least(
            "home_run_licences",
            None if data.home_runs is None else float(data.home_runs),
            thresholds.min_home_runs,
        ),
        _at_least("model_activity", data.scores.get("model_activity"), thresholds.min_model_score),
    ]
    balance = data.operating_balance
    deficit = [
        AidCheck("operating_balance", balance, 0, "<", None if balance is None else balance < 0),
        *(
            _at_least(code, data.scores.get(code), thresholds.min_support_score)
            for code in ("regional_necessity", "self_improvement", "regional_support")
        ),
    ]
    if all(check.holds for check in model):
        rule = "model"
    elif all(check.holds for check in deficit):
        rule = "deficit_with_necessity"
    elif any(check.holds is None for check in model) and any(
        check.holds is None for check in deficit
    ):
        rule = "incomplete"
    else:
        rule = "consolidation"
    return AidResult(rule, model, deficit)


# --- automatic assignment ---------------------------------------------------------------


@dataclass(frozen=True)
class ProposalResult:
    pairs: list[tuple[int, int]]  # (entry id, reviewer id) to add
    unfilled: list[tuple[int, str, int]]  # (entry id, ministry, missing count)
    loads: dict[int, int]  # reviewer id → assignments after applying


def propose_assignments(
    *,
    entries: Sequence[int],
    reviewers: Mapping[str, Sequence[int]],
    needed: Mapping[str, int],
    existing: Iterable[tuple[int, int]],
    conflicts: Iterable[tuple[int, int]],
) -> ProposalResult:
    """Add reviewers so that every institution has at least `needed[ministry]` reviewers
    of each ministry, none conflicted, loads balanced within each ministry.

    `reviewers` maps a ministry to its reviewers' ids; `existing` and `conflicts` are
    (entry id, reviewer id) pairs. Institutions with the fewest eligible reviewers are
    filled first, each from the least-loaded eligible reviewers (ties by id), so every
    reviewer's load stays within one of their ministry's mean whenever conflicts allow.
    What cannot be filled is reported, never forced.
    """
    blocked = set(conflicts)
    assigned = set(existing)
    loads = {r: 0 for ids in reviewers.values() for r in ids}
    for _, reviewer in assigned:
        if reviewer in loads:
            loads[reviewer] += 1
    pairs: list[tuple[int, int]] = []
    unfilled: list[tuple[int, str, int]] = []
    for ministry in MINISTRIES:
        pool = list(reviewers.get(ministry, ()))

        def eligible(entry: int, pool: list[int] = pool) -> list[int]:
            return [r for r in pool if (entry, r) not in blocked and (entry, r) not in assigned]

        def have(entry: int, pool: list[int] = pool) -> int:
            return sum(1 for r in pool if (entry, r) in assigned and (entry, r) not in blocked)

        order = sorted(entries, key=lambda e: (len(eligible(e)) - (needed[ministry] - have(e)), e))
        for entry in order:
            missing = needed[ministry] - have(entry)
            for _ in range(max(missing, 0)):
                candidates = eligible(entry)
                if not candidates:
                    break
                chosen = min(candidates, key=lambda r: (loads[r], r))
                assigned.add((entry, chosen))
                pairs.append((entry, chosen))
                loads[chosen] += 1
                missing -= 1
            if missing > 0:
                unfilled.append((entry, ministry, missing))
    return ProposalResult(pairs, unfilled, loads)


def loads_within_one_of_mean(loads: Mapping[int, int], group: Iterable[int]) -> bool:
    """Every reviewer of the group has a load within one of the group's mean."""
    members = [loads[r] for r in group if r in loads]
    if not members:
        return True
    mean = sum(members) / len(members)
    return all(abs(load - mean) <= 1 + 1e-9 for load in members)
