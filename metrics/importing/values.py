"""One cell → one figure, as Japanese spreadsheets write numbers.

`1,234`, `１２３４`, `¥1,234`, `￥1,234`, `1,234円`, a float from an XLSX cell; `－`, `―`,
`-` (and their cousins) for zero; blank for "not reported" (None). Counts and amounts
are whole numbers of 0 or more (an amount may have decimals in a scaled unit, such as
1.5 千円, as long as it is whole yen); scores are 1–5 and staff FTE 0 or more, both with
at most two decimal places. Anything else raises CellProblem saying what was expected.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from ..report_fields import Unit
from .problems import ProblemKind

Figure = int | Decimal

# Dashes people type for zero (after NFKC: － is "-", ｰ is "ー").
ZERO_DASHES = frozenset("-―—–−‐ー")
_YEN_MARKS = ("¥", "\\")  # in Shift_JIS the yen sign is byte 0x5C, which decodes as "\"
_NEGATIVE_MARKS = ("-", "−", "△", "▲", "(")
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")

# More digits than any figure can have: refused before int() (which would refuse a text
# of over 4,300 digits with an error of its own) or any arithmetic on it.
MAX_DIGITS = 22
MAX_COUNT = 2_147_483_647  # PositiveIntegerField
MAX_YEN = 9_223_372_036_854_775_807  # PositiveBigIntegerField
MAX_FTE = Decimal("999999.99")  # DecimalField(max_digits=8, decimal_places=2)
HUNDREDTH = Decimal("0.01")


class CellProblem(ValueError):
    def __init__(self, kind: ProblemKind):
        self.kind = kind
        super().__init__(kind)


def expected_key(unit: Unit, scale: int) -> str:
    """Which EXPECTED text (problems.py) describes a cell of this column."""
    if unit == Unit.YEN:
        return "scaled_yen" if scale != 1 else "yen"
    return str(unit)


def parse_figure(cell: Any, unit: Unit, scale: int = 1) -> Figure | None:
    """The figure a cell holds, in yen for amounts; None when the cell is blank."""
    if cell is None:
        return None
    kind = type(cell)
    if kind is str:
        text = cell.strip()
        if not text:
            return None
        if len(text) > MAX_DIGITS * 2:  # room for separators, a yen mark, spaces
            raise CellProblem(_too_long(text))
        # The common cases, plain digits and plain decimals, without the general path.
        if text.isascii():
            if text.isdigit():
                return _checked(int(text) * scale, unit)
            if text.replace(".", "", 1).isdigit():
                return _checked(Decimal(text) * scale, unit)
        number = _number_from_text(text)
    elif kind is float:
        if not math.isfinite(cell):
            raise CellProblem(ProblemKind.NOT_A_NUMBER)
        if cell.is_integer():
            if cell >= 0:
                return _checked(int(cell) * scale, unit)
            raise CellProblem(ProblemKind.NEGATIVE)
        number = Decimal(repr(cell))
    elif kind is int or kind is Decimal:
        number = Decimal(cell)
    elif isinstance(cell, bool | datetime.date | datetime.time | datetime.timedelta):
        raise CellProblem(ProblemKind.NOT_A_NUMBER)
    else:
        text = str(cell).strip()
        if len(text) > MAX_DIGITS * 2:
            raise CellProblem(_too_long(text))
        number = _number_from_text(text)
    if number is None:
        return None
    if number < 0:
        raise CellProblem(ProblemKind.NEGATIVE)
    return _checked(number * scale, unit)


def _too_long(text: str) -> ProblemKind:
    digits = sum(c.isdigit() for c in text)
    return ProblemKind.OUT_OF_RANGE if digits > MAX_DIGITS else ProblemKind.NOT_A_NUMBER


def _number_from_text(text: str) -> Decimal | None:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
        text = text.replace("\u3000", "").strip()
    if not text:
        return None
    if text in ZERO_DASHES:
        return Decimal(0)
    negative = text.startswith(_NEGATIVE_MARKS)
    if negative:
        text = text.lstrip("".join(_NEGATIVE_MARKS)).rstrip(")")
    if text.startswith(_YEN_MARKS):
        text = text[1:].strip()
    if text.endswith("円"):
        text = text[:-1].strip()
    if not _NUMBER.match(text):
        raise CellProblem(ProblemKind.NOT_A_NUMBER)
    if len(text) > MAX_DIGITS + MAX_DIGITS // 3 + 3:
        raise CellProblem(ProblemKind.OUT_OF_RANGE)
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise CellProblem(ProblemKind.NOT_A_NUMBER) from None
    if negative and number != 0:
        raise CellProblem(ProblemKind.NEGATIVE)
    return number


def _checked(value: int | Decimal, unit: Unit) -> Figure:
    if unit in (Unit.COUNT, Unit.YEN):
        if isinstance(value, Decimal):
            if value != value.to_integral_value():
                raise CellProblem(ProblemKind.NOT_WHOLE)
            value = int(value)
        if value > (MAX_COUNT if unit == Unit.COUNT else MAX_YEN):
            raise CellProblem(ProblemKind.OUT_OF_RANGE)
        return value
    number = Decimal(value)
    if unit == Unit.SCORE and not Decimal(1) <= number <= Decimal(5):
        raise CellProblem(ProblemKind.OUT_OF_RANGE)
    if unit == Unit.FTE and number > MAX_FTE:
        raise CellProblem(ProblemKind.OUT_OF_RANGE)
    if number != number.quantize(HUNDREDTH):
        raise CellProblem(ProblemKind.TOO_MANY_DECIMALS)
    return number.quantize(HUNDREDTH)


def cell_text(cell: Any) -> str:
    """A cell as the person wrote it, for messages (1234.0 from XLSX reads 1234)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
