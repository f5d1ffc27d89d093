"""Scores and their aggregates, always through Score.objects.visible_to(user).

A person sees aggregates computed only from the scores they may see: an official from
every counted score, a reviewer (after submitting) from the submitted scores of the
institutions they have submitted for, anyone else from nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from institutions.models import User

from ..calculations import EntryResult, ScoreRow, entry_results
from ..enums import ScoreState
from ..models import Assignment, CycleEntry, ReviewCycle, Score


def visible_scores(
    *, user: User, cycle: ReviewCycle | None = None, entry: CycleEntry | None = None
):
    """The scores this person may see (all states), with reviewer, criterion and
    institution loaded, in a fixed order that says nothing of the values."""
    scores = Score.objects.visible_to(user).with_withdrawn_flag()
    if cycle is not None:
        scores = scores.filter(assignment__entry__cycle=cycle)
    if entry is not None:
        scores = scores.filter(assignment__entry=entry)
    return scores.select_related(
        "assignment__reviewer", "assignment__entry__institution", "criterion"
    ).order_by(
        "assignment__entry__institution__code",
        "assignment__reviewer__username",
        "criterion__order",
        "criterion__code",
    )


def counted_rows(scores: Iterable[Score]) -> list[ScoreRow]:
    """The scores that count in aggregates: submitted, with a value, not withdrawn."""
    return [
        ScoreRow(
            entry_id=s.assignment.entry_id,
            reviewer_id=s.assignment.reviewer_id,
            ministry=s.assignment.reviewer.ministry,
            criterion=s.criterion.code,
            value=s.value,
        )
        for s in scores
        if s.value is not None
        and s.assignment.score_state == ScoreState.SUBMITTED
        and not s.withdrawn
    ]


def weights_of(cycle: ReviewCycle) -> dict[str, float]:
    return {c.code: float(c.weight) for c in cycle.criteria.all()}


def results_for(
    *, user: User, cycle: ReviewCycle, entry: CycleEntry | None = None
) -> dict[int, EntryResult]:
    """Entry id → aggregates, from the scores this person may see."""
    rows = counted_rows(visible_scores(user=user, cycle=cycle, entry=entry))
    return entry_results(rows, weights_of(cycle))


@dataclass(frozen=True)
class Quorum:
    needed: int
    mext: int
    meti: int

    @property
    def met(self) -> bool:
        return self.mext >= self.needed and self.meti >= self.needed


def quorums_of(cycle: ReviewCycle) -> dict[int, Quorum]:
    """Entry id → submitted, unconflicted reviewers per ministry against the quorum.

    For officials' pages and the approval rule; it counts people, never reads scores."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"mext": 0, "meti": 0})
    submitted = (
        Assignment.objects.filter(entry__cycle=cycle)
        .submitted()
        .unconflicted()
        .values_list("entry_id", "reviewer__ministry")
    )
    for entry_id, ministry in submitted:
        counts[entry_id][ministry] += 1
    return {
        entry.pk: Quorum(cycle.quorum, counts[entry.pk]["mext"], counts[entry.pk]["meti"])
        for entry in cycle.entries.all()
    }


def quorum_of(entry: CycleEntry) -> Quorum:
    return quorums_of(entry.cycle)[entry.pk]
