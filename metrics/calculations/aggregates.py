"""Aggregates of a group of institutions: pooled value and median."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from ..enums import Combination, ValueStatus
from .figures import OperandTotal
from .values import combine


@dataclass(frozen=True)
class Aggregate:
    """A group's values: pooled (the formula applied to summed operands) and median."""

    pooled: float | None
    median: float | None
    included: int
    excluded: int


@dataclass(frozen=True)
class ValueRow:
    status: str
    value: float | None
    numerator: float | None
    denominator: float | None


def aggregate(rows: Iterable[ValueRow], combination: str) -> Aggregate:
    """Pooled value and median over the rows with a defined value; the others are counted.

    Pooled: for a ratio, the sum of numerators over the sum of denominators (each
    institution weighs by its size); for a mean, every figure weighs the same; for a
    total or a difference, the group's total.
    """
    values: list[float] = []
    numerators: list[float] = []
    denominators: list[float] = []
    excluded = 0
    for row in rows:
        if row.status != ValueStatus.DEFINED or row.value is None:
            excluded += 1
            continue
        values.append(row.value)
        numerators.append(row.numerator or 0.0)
        denominators.append(row.denominator or 0.0)
    if not values:
        return Aggregate(None, None, 0, excluded)
    numerator = OperandTotal(sum(numerators), len(numerators))
    if combination == Combination.MEAN:
        # The stored denominator of a mean is the number of figures it averaged.
        numerator = OperandTotal(sum(numerators), int(sum(denominators)))
    denominator = OperandTotal(sum(denominators), len(denominators))
    pooled = combine(combination, numerator, denominator)
    return Aggregate(pooled.value, statistics.median(values), len(values), excluded)
