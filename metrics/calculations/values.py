"""Values: operands combined into a metric value, for one year or many."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..enums import Combination, ValueStatus, Window
from .figures import (
    Formula,
    Number,
    Operand,
    OperandTotal,
    ReportFigures,
    YearlySums,
    in_window,
    operand_total,
    operand_totals,
    term_value,
)

DEFINED = ValueStatus.DEFINED.value
MISSING = ValueStatus.MISSING.value
ZERO_DENOMINATOR = ValueStatus.ZERO_DENOMINATOR.value
RATIO = Combination.RATIO.value
DIFFERENCE = Combination.DIFFERENCE.value
TOTAL = Combination.TOTAL.value
MEAN = Combination.MEAN.value


class Outcome(NamedTuple):
    """A metric value with the operands it came from; value is None when not defined.

    A tuple in the stored column order, so the bulk recompute writes it as it is.
    """

    status: str
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None

    @property
    def is_defined(self) -> bool:
        return self.status == DEFINED


Row = tuple[str, float | None, float | None, float | None]


def combine(
    combination: str, numerator: OperandTotal | None, denominator: OperandTotal | None
) -> Outcome:
    """Make the value from its operands. Division is true division, never integer division."""
    return Outcome._make(combine_row(combination, numerator, denominator))


def combine_row(
    combination: str,
    numerator: tuple[Number, int] | None,
    denominator: tuple[Number, int] | None,
) -> Row:
    """combine as a plain (status, value, numerator, denominator) tuple, for the bulk path."""
    if combination == RATIO:
        if numerator is None or denominator is None:
            return (
                MISSING,
                None,
                None if numerator is None else float(numerator[0]),
                None if denominator is None else float(denominator[0]),
            )
        if denominator[0] == 0:
            return (ZERO_DENOMINATOR, None, float(numerator[0]), 0.0)
        # int / int is correctly rounded true division in Python, whatever the magnitudes.
        return (DEFINED, numerator[0] / denominator[0], float(numerator[0]), float(denominator[0]))
    if combination == TOTAL:
        if numerator is None:
            return (MISSING, None, None, None)
        return (DEFINED, float(numerator[0]), float(numerator[0]), None)
    if combination == MEAN:
        if numerator is None:
            return (MISSING, None, None, None)
        return (DEFINED, numerator[0] / numerator[1], float(numerator[0]), float(numerator[1]))
    if combination == DIFFERENCE:
        if numerator is None or denominator is None:
            return (
                MISSING,
                None,
                None if numerator is None else float(numerator[0]),
                None if denominator is None else float(denominator[0]),
            )
        return (
            DEFINED,
            float(numerator[0] - denominator[0]),
            float(numerator[0]),
            float(denominator[0]),
        )
    raise ValueError(f"unknown combination: {combination!r}")


def series_for(
    formula: Formula,
    operand: Operand,
    *,
    own: Sequence[ReportFigures],
    lineage: Sequence[ReportFigures] | None,
):
    """The reports an operand may draw on: the predecessors' only in a multi-year window."""
    if formula.follows_lineage and operand.window != Window.YEAR and lineage is not None:
        return lineage
    return own


def evaluate(
    formula: Formula,
    fiscal_year: int,
    *,
    own: Sequence[ReportFigures],
    lineage: Sequence[ReportFigures] | None = None,
) -> Outcome:
    """One value, read directly from the reports: the reference rule.

    `own` are the institution's accepted reports; `lineage` the same plus its
    predecessors', used by multi-year windows when the formula follows the lineage.
    """
    totals = [
        operand_total(
            series_for(formula, operand, own=own, lineage=lineage),
            operand,
            fiscal_year,
            threshold=formula.home_run_threshold,
        )
        for operand in formula.operands
    ]
    return combine(formula.combination, totals[0], totals[1] if len(totals) > 1 else None)


def evaluate_years(
    formula: Formula,
    fiscal_years: Iterable[int],
    *,
    own: YearlySums | Sequence[ReportFigures],
    lineage: YearlySums | Sequence[ReportFigures] | None = None,
) -> dict[int, Row]:
    """The values for many fiscal years of one institution: the bulk engine.

    Rows are plain (status, value, numerator, denominator) tuples, equal to the Outcome
    that `evaluate` gives for the same year. Pass YearlySums to share the per-year sums
    between definitions.
    """
    if not isinstance(own, YearlySums):
        own = YearlySums(own)
    if lineage is not None and not isinstance(lineage, YearlySums):
        lineage = YearlySums(lineage)
    years = sorted(set(fiscal_years))
    totals = [
        operand_totals(
            series_for(formula, operand, own=own, lineage=lineage),
            operand,
            years,
            threshold=formula.home_run_threshold,
        )
        for operand in formula.operands
    ]
    combination = formula.combination
    if len(totals) == 1:
        numerators = totals[0]
        return {year: combine_row(combination, numerators[year], None) for year in years}
    numerators, denominators = totals
    return {year: combine_row(combination, numerators[year], denominators[year]) for year in years}


@dataclass(frozen=True)
class Contribution:
    """One report's part in an operand, for showing where a value came from."""

    report: ReportFigures
    figures: dict[str, Number | None]
    counted: bool  # False when the report leaves a term blank


def operand_breakdown(
    formula: Formula,
    operand: Operand,
    fiscal_year: int,
    *,
    own: Sequence[ReportFigures],
    lineage: Sequence[ReportFigures] | None = None,
) -> list[Contribution]:
    """The reports in the operand's window, oldest first, with the figures each gave."""
    series = series_for(formula, operand, own=own, lineage=lineage)
    rows = []
    for report in sorted(series, key=lambda r: (r.fiscal_year, r.institution_id)):
        if not in_window(operand.window, fiscal_year, report.fiscal_year):
            continue
        figures = {
            term: term_value(report, term, threshold=formula.home_run_threshold)
            for term in operand.terms
        }
        rows.append(Contribution(report, figures, all(v is not None for v in figures.values())))
    return rows
