"""Values as people and scripts read them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from ..enums import Combination, MetricUnit, Window
from .figures import Formula, Operand


def _decimal(value: float) -> Decimal:
    # repr gives the shortest decimal that is this float, so 0.1155 rounds as 0.1155.
    return Decimal(repr(value))


def format_value(value: float | None, unit: str) -> str:
    """The value as the seed prints it: 711.7%, ¥2,500,000, 3.25. Empty when not defined."""
    if value is None:
        return ""
    exact = _decimal(value)
    if unit == MetricUnit.PERCENT:
        return f"{(exact * 100).quantize(Decimal('0.1'), ROUND_HALF_UP):,}%"
    if unit == MetricUnit.YEN:
        amount = int(exact.quantize(Decimal(1), ROUND_HALF_UP))
        # U+2212 MINUS SIGN: reads as minus, and a spreadsheet never takes it for a formula.
        return f"\u2212¥{-amount:,}" if amount < 0 else f"¥{amount:,}"
    if unit == MetricUnit.COUNT:
        if exact == exact.to_integral_value():
            return f"{int(exact):,}"
        return f"{exact.quantize(Decimal('0.1'), ROUND_HALF_UP):,}"
    return f"{exact.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def plain_number(value: float | None) -> int | Decimal | None:
    """The value for files read by scripts: 7.117 for 711.7%, 250000 for ¥250,000.

    A number, not text, so that spreadsheets keep it a number and no formula
    neutralisation touches a negative value.
    """
    if value is None:
        return None
    exact = _decimal(value)
    if exact == exact.to_integral_value():
        return int(exact)
    return Decimal(format(exact, "f"))


def plain_value(value: float | None) -> str:
    """plain_number as text; '' when not defined."""
    number = plain_number(value)
    return "" if number is None else str(number)


def is_surplus(balance: float | None) -> bool | None:
    """黒字 when income covers costs (a balance of zero included); None when not defined."""
    return None if balance is None else balance >= 0


def describe_formula(
    formula: Formula,
    *,
    term_label: Callable[[str], str],
    with_window: Callable[[str, str], str],
) -> str:
    """The formula in words: ライセンス収入 / (人件費 + 特許関係費).

    `with_window(text, window)` adds a multi-year window to an operand's text, e.g.
    ライセンス件数(累計), so that the words follow the reader's language.
    """

    def side(operand: Operand, *, bracket: bool) -> str:
        text = " + ".join(term_label(term) for term in operand.terms)
        if bracket and len(operand.terms) > 1:
            text = f"({text})"
        if operand.window != Window.YEAR:
            text = with_window(text, operand.window)
        return text

    numerator = side(formula.numerator, bracket=formula.denominator is not None)
    if formula.combination == Combination.TOTAL:
        return numerator
    if formula.combination == Combination.MEAN:
        terms = formula.numerator.terms
        return f"({' + '.join(term_label(t) for t in terms)}) / {len(terms)}"
    assert formula.denominator is not None
    denominator = side(formula.denominator, bracket=True)
    operator = " / " if formula.combination == Combination.RATIO else " − "
    return f"{numerator}{operator}{denominator}"
