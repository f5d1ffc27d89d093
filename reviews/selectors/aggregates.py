"""Scores and their aggregates, always through Score.objects.visible_to(user).

A person sees aggregates computed only from the scores they may see: an official from
every counted score, a reviewer (after submitting) from the submitted scores of the
institutions they have submitted for, anyone else from nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from institutions.enums import Ministry
from institutions.models import User

from ..calculations import CriterionResult, EntryResult, ScoreRow, entry_results
from ..enums import ScoreState
from ..models import Assignment, Criterion, CycleEntry, ReviewCycle, Score


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
            ministry=s.assignment.ministry,
            criterion=s.criterion.code,
            value=s.value,
        )
        for s in scores
        if s.value is not None
        and s.assignment.score_state == ScoreState.SUBMITTED
        and not s.withdrawn
    ]


def weights_of(cycle: ReviewCycle) -> dict[str, float]:
    """Criterion code → its weight in the cycle."""
    return {c.code: float(c.weight) for c in cycle.criteria.all()}


def results_for(
    *, user: User, cycle: ReviewCycle, entry: CycleEntry | None = None
) -> dict[int, EntryResult]:
    """Entry id → aggregates, from the scores this person may see."""
    rows = counted_rows(visible_scores(user=user, cycle=cycle, entry=entry))
    return entry_results(rows, weights_of(cycle))


@dataclass(frozen=True)
class Quorum:
    """Submitted, unconflicted reviewers of each ministry against the cycle's quorum."""

    needed: int
    mext: int
    meti: int

    @property
    def met(self) -> bool:
        return self.mext >= self.needed and self.meti >= self.needed


def quorums_of(cycle: ReviewCycle) -> dict[int, Quorum]:
    """Entry id → submitted, unconflicted reviewers per ministry against the quorum.

    For officials' pages and the approval rule; it counts people, never reads scores."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {Ministry.MEXT: 0, Ministry.METI: 0})
    submitted = (
        Assignment.objects.filter(entry__cycle=cycle)
        .submitted()
        .unconflicted()
        .values_list("entry_id", "ministry")
    )
    for entry_id, ministry in submitted:
        counts[entry_id][ministry] += 1
    return {
        entry.pk: Quorum(
            cycle.quorum, counts[entry.pk][Ministry.MEXT], counts[entry.pk][Ministry.METI]
        )
        for entry in cycle.entries.all()
    }


def quorum_of(entry: CycleEntry) -> Quorum:
    """The institution's quorum (one query for the whole cycle; see quorums_of)."""
    return quorums_of(entry.cycle)[entry.pk]


# --- the scores of one institution, as a table -------------------------------------------


@dataclass(frozen=True)
class ReviewerColumn:
    """One reviewer whose scores on the institution this person may see."""

    reviewer: User
    ministry: str  # the ministry they review for in this cycle (Assignment.ministry)
    ministry_label: str
    state: str  # ScoreState value, or "withdrawn" (a conflict declared after scoring)
    state_label: str
    total: float | None  # their weighted total, when their scores count


@dataclass(frozen=True)
class ScoreCell:
    value: int | None
    comment: str
    withdrawn: bool = False  # the reviewer's conflict keeps it out of every aggregate


@dataclass(frozen=True)
class CriterionLine:
    criterion: Criterion
    cells: list[ScoreCell]  # one per column, in column order
    result: CriterionResult | None
    comments: list[tuple[ReviewerColumn, ScoreCell]]  # the cells with a comment


@dataclass(frozen=True)
class ScoreTable:
    """Criteria down, reviewers across (MEXT first), each ministry's mean and the joint
    score at the end; built only from the scores this person may see."""

    columns: list[ReviewerColumn]
    lines: list[CriterionLine]
    result: EntryResult | None

    @property
    def mext_columns(self) -> int:
        return sum(1 for c in self.columns if c.ministry == Ministry.MEXT)

    @property
    def meti_columns(self) -> int:
        return sum(1 for c in self.columns if c.ministry == Ministry.METI)


def score_table(*, user: User, entry: CycleEntry) -> ScoreTable:
    """The scores on the institution this person may see (Score.objects.visible_to), as a
    table with the aggregates computed from the same scores. Three queries."""
    criteria = list(entry.cycle.criteria.all())
    scores = list(visible_scores(user=user, entry=entry).select_related("assignment"))
    result = entry_results(counted_rows(scores), weights_of(entry.cycle)).get(entry.pk)
    by_assignment: dict[int, dict[int, Score]] = defaultdict(dict)
    assignments = {}
    for score in scores:
        by_assignment[score.assignment_id][score.criterion_id] = score
        assignments[score.assignment_id] = (score.assignment, score.withdrawn)
    order = sorted(
        assignments,
        key=lambda pk: (
            assignments[pk][0].ministry != Ministry.MEXT,
            assignments[pk][0].reviewer.username,
        ),
    )
    totals = result.reviewer_totals if result else {}
    columns = []
    for pk in order:
        assignment, withdrawn = assignments[pk]
        columns.append(
            ReviewerColumn(
                reviewer=assignment.reviewer,
                ministry=assignment.ministry,
                ministry_label=str(assignment.get_ministry_display()),
                state="withdrawn" if withdrawn else assignment.score_state,
                state_label=str(_("withdrawn (conflict)"))
                if withdrawn
                else str(assignment.get_score_state_display()),
                total=None if withdrawn else totals.get(assignment.reviewer_id),
            )
        )
    lines = []
    for criterion in criteria:
        cells = []
        for pk in order:
            score = by_assignment[pk].get(criterion.pk)
            cells.append(
                ScoreCell(
                    score.value if score else None,
                    score.comment if score else "",
                    withdrawn=assignments[pk][1],
                )
            )
        lines.append(
            CriterionLine(
                criterion=criterion,
                cells=cells,
                result=result.criteria.get(criterion.code) if result else None,
                comments=[
                    (column, cell)
                    for column, cell in zip(columns, cells, strict=True)
                    if cell.comment
                ],
            )
        )
    return ScoreTable(columns=columns, lines=lines, result=result)
