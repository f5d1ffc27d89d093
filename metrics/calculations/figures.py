"""Terms, operands and windows: what a formula sums, from which reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..enums import Window
from ..report_fields import REPORT_FIELD_CODES

Number = int | float

# Terms counted from the licence detail sheet rather than read from a report field.
LICENCE_ROWS = "licence_rows"
LICENCE_ROWS_IN_REGION = "licence_rows_in_region"
LICENCE_ROWS_HOME_RUN = "licence_rows_home_run"
LICENCE_TERMS = (LICENCE_ROWS, LICENCE_ROWS_IN_REGION, LICENCE_ROWS_HOME_RUN)
TERMS = (*REPORT_FIELD_CODES, *LICENCE_TERMS)

# A rolling window spans this many fiscal years, ending with the fiscal year of the value.
ROLLING_YEARS = 3


@dataclass(frozen=True)
class ReportFigures:
    """One accepted report, reduced to what the formulas read."""

    report_id: int
    institution_id: int
    fiscal_year: int
    figures: Mapping[str, Any]  # field code → value, None when not reported
    # Income of each licence detail row, and how many rows have a licensee in the region.
    licence_incomes: tuple[int, ...] = ()
    licences_in_region: int = 0


@dataclass(frozen=True)
class Operand:
    terms: tuple[str, ...]
    window: str = Window.YEAR


@dataclass(frozen=True)
class Formula:
    combination: str
    numerator: Operand
    denominator: Operand | None = None
    # Multi-year windows of a successor also sum its predecessors' reports.
    follows_lineage: bool = False
    # Licence income (yen) from which a licence counts as a home run.
    home_run_threshold: int | None = None

    @property
    def operands(self) -> tuple[Operand, ...]:
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)


class OperandTotal(NamedTuple):
    total: Number
    figures: int  # how many figures were summed: terms × reports that count


def term_value(report: ReportFigures, term: str, *, threshold: int | None = None) -> Number | None:
    """The value of one term in one report, or None when the report does not give it."""
    if term not in LICENCE_TERMS:
        value = report.figures.get(term)
        if value is None or isinstance(value, int):
            return value
        # Scores and FTEs are decimals; counts and amounts stay exact integers.
        return float(value)
    if not report.licence_incomes:
        return 0 if report.figures.get("licences_granted") == 0 else None
    if term == LICENCE_ROWS:
        return len(report.licence_incomes)
    if term == LICENCE_ROWS_IN_REGION:
        return report.licences_in_region
    if threshold is None:
        raise ValueError("a home-run count needs a threshold")
    return sum(1 for income in report.licence_incomes if income >= threshold)


def report_contribution(
    report: ReportFigures, terms: Iterable[str], *, threshold: int | None = None
) -> Number | None:
    """The sum of the terms in one report, or None unless the report gives every term."""
    total: Number = 0
    for term in terms:
        value = term_value(report, term, threshold=threshold)
        if value is None:
            return None
        total += value
    return total


def window_span(window: str, fiscal_year: int) -> tuple[int | None, int]:
    """First and last fiscal year of a window ending with `fiscal_year` (None: unbounded)."""
    if window == Window.YEAR:
        return fiscal_year, fiscal_year
    if window == Window.ROLLING_3:
        return fiscal_year - ROLLING_YEARS + 1, fiscal_year
    if window == Window.CUMULATIVE:
        return None, fiscal_year
    raise ValueError(f"unknown window: {window!r}")


def in_window(window: str, fiscal_year: int, report_year: int) -> bool:
    first, last = window_span(window, fiscal_year)
    return (first is None or first <= report_year) and report_year <= last


def operand_total(
    series: Iterable[ReportFigures],
    operand: Operand,
    fiscal_year: int,
    *,
    threshold: int | None = None,
) -> OperandTotal | None:
    """An operand for one fiscal year, read directly from the series: the reference rule.

    YearlySums + operand_totals give the same result for many years at once, faster;
    tests hold the two together.
    """
    total: Number = 0
    counted = 0
    for report in series:
        if not in_window(operand.window, fiscal_year, report.fiscal_year):
            continue
        contribution = report_contribution(report, operand.terms, threshold=threshold)
        if contribution is not None:
            total += contribution
            counted += 1
    if not counted:
        return None
    return OperandTotal(total, counted * len(operand.terms))


class YearlySums:
    """A series summed per fiscal year, for each set of terms, computed once.

    Several definitions sum the same terms (licence income feeds four of them); the
    bulk recompute builds one of these per institution and reuses the sums.
    """

    __slots__ = ("_sums", "series")

    def __init__(self, series: Iterable[ReportFigures]):
        self.series = list(series)
        self._sums: dict[tuple, dict[int, tuple[Number, int]]] = {}

    def per_year(
        self, terms: tuple[str, ...], threshold: int | None = None
    ) -> dict[int, tuple[Number, int]]:
        """Fiscal year → (sum of the terms over the reports that count, reports counted)."""
        key = (terms, threshold)
        sums = self._sums.get(key)
        if sums is not None:
            return sums
        sums = {}
        reads_licence_rows = any(term in LICENCE_TERMS for term in terms)
        for report in self.series:
            if reads_licence_rows:
                contribution = report_contribution(report, terms, threshold=threshold)
                if contribution is None:
                    continue
            else:
                # The same rule as report_contribution, inlined: this loop runs for every
                # report, term set and institution of a full recompute.
                figures = report.figures
                contribution = 0
                for term in terms:
                    value = figures.get(term)
                    if value is None:
                        break
                    contribution += value if value.__class__ is int else float(value)
                else:
                    value = 0
                if value is None:
                    continue
            found = sums.get(report.fiscal_year)
            sums[report.fiscal_year] = (
                (contribution, 1) if found is None else (found[0] + contribution, found[1] + 1)
            )
        self._sums[key] = sums
        return sums


def operand_totals(
    sums: YearlySums,
    operand: Operand,
    fiscal_years: Iterable[int],
    *,
    threshold: int | None = None,
) -> dict[int, tuple[Number, int] | None]:
    """The operand for each of `fiscal_years`, from the per-year sums.

    Plain (total, figures) tuples rather than OperandTotal: the bulk recompute makes
    hundreds of thousands of them.
    """
    per_year = sums.per_year(operand.terms, threshold)
    width = len(operand.terms)
    wanted = sorted(set(fiscal_years))
    result: dict[int, tuple[Number, int] | None] = {}
    if operand.window == Window.YEAR:
        for fiscal_year in wanted:
            found = per_year.get(fiscal_year)
            result[fiscal_year] = None if found is None else (found[0], found[1] * width)
        return result
    if operand.window == Window.CUMULATIVE:
        years = sorted(per_year)
        total: Number = 0
        counted = 0
        index = 0
        for fiscal_year in wanted:
            while index < len(years) and years[index] <= fiscal_year:
                year_total, year_count = per_year[years[index]]
                total += year_total
                counted += year_count
                index += 1
            result[fiscal_year] = (total, counted * width) if counted else None
        return result
    if operand.window != Window.ROLLING_3:
        raise ValueError(f"unknown window: {operand.window!r}")
    for fiscal_year in wanted:
        total = 0
        counted = 0
        for year in range(fiscal_year - ROLLING_YEARS + 1, fiscal_year + 1):
            found = per_year.get(year)
            if found is not None:
                total += found[0]
                counted += found[1]
        result[fiscal_year] = (total, counted * width) if counted else None
    return result
