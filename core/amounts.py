"""Yen amounts as people read them, in the unit they chose: 円, 千円 or 百万円 (SPEC §7).

One currency style everywhere: `1,234,567円`, `1,235千円`, `1.2百万円` (English: `¥1,234,567`,
`¥1,235 thousand`, `¥1.2 million`). Rounding is half up, to whole thousands for 千円 and to
one decimal for 百万円; a negative amount keeps its sign as U+2212 (−), which no
spreadsheet takes for a formula.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _


class AmountUnit(models.TextChoices):
    YEN = "yen", gettext_lazy("yen")
    THOUSAND = "thousand", gettext_lazy("thousand yen")
    MILLION = "million", gettext_lazy("million yen")


_SCALE = {AmountUnit.YEN: 1, AmountUnit.THOUSAND: 1_000, AmountUnit.MILLION: 1_000_000}
_PLACES = {
    AmountUnit.YEN: Decimal(1),
    AmountUnit.THOUSAND: Decimal(1),
    AmountUnit.MILLION: Decimal("0.1"),
}
_SUFFIX_JA = {AmountUnit.YEN: "円", AmountUnit.THOUSAND: "千円", AmountUnit.MILLION: "百万円"}
_SUFFIX_EN = {AmountUnit.YEN: "", AmountUnit.THOUSAND: " thousand", AmountUnit.MILLION: " million"}


def _unit(unit: str) -> AmountUnit:
    # Dashboards format thousands of amounts per page: a dict look-up, not an enum call.
    return _UNITS.get(unit, AmountUnit.YEN)


_UNITS = {str(unit.value): unit for unit in AmountUnit}


def scaled(value: int | float | Decimal, unit: str) -> Decimal:
    """The amount in the unit, rounded as shown (half up)."""
    unit = _unit(unit)
    if isinstance(value, int) and unit == AmountUnit.YEN:
        return Decimal(value)
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return (exact / _SCALE[unit]).quantize(_PLACES[unit], ROUND_HALF_UP)


def plot_value(value: int | float | Decimal | None, unit: str) -> float | None:
    """The amount in the unit as a float for a chart's axis (not rounded: the axis and the
    hover text round as they show it)."""
    return None if value is None else float(value) / _SCALE[_unit(unit)]


def format_yen(value: int | float | Decimal | None, unit: str = AmountUnit.YEN) -> str:
    """The amount in the person's unit and language; "—" when there is none."""
    if value is None:
        return "—"
    unit = _unit(unit)
    amount = scaled(value, unit)
    sign = "\u2212" if amount < 0 else ""
    number = f"{abs(amount):,}"
    if (get_language() or "ja").startswith("en"):
        return f"{sign}¥{number}{_SUFFIX_EN[unit]}"
    return f"{sign}{number}{_SUFFIX_JA[unit]}"


def unit_label(unit: str) -> str:
    """円 / 千円 / 百万円 for column headers and exports' headers."""
    unit = _unit(unit)
    if (get_language() or "ja").startswith("en"):
        return {
            AmountUnit.YEN: "yen",
            AmountUnit.THOUSAND: "thousand yen",
            AmountUnit.MILLION: "million yen",
        }[unit]
    return _SUFFIX_JA[unit]


class AmountError(ValueError):
    """Text that is not a yen amount; the message says what was expected."""


_OKU = 100_000_000
_MAN = 10_000
_JA_AMOUNT = re.compile(
    r"^(?:(?P<oku>\d+(?:\.\d+)?)億)?(?:(?P<man>\d+(?:\.\d+)?)万)?(?P<rest>\d+(?:\.\d+)?)?$"
)


def parse_yen(text: str, unit: str = AmountUnit.YEN) -> int:
    """A yen amount as people type it: `1,234,000,000`, `¥1,234,000,000`, `12億3400万円`,
    `12億3,400万`, full-width digits, or a plain number in the reader's unit (`1234000`
    read in 千円 is ¥1,234,000,000). A unit written in the text (円, 千円, 百万円, 億, 万)
    wins over the reader's unit. Raises AmountError for anything else, and for an
    amount that is not a whole number of yen or is negative.
    """
    raw = unicodedata.normalize("NFKC", str(text or "")).strip()
    cleaned = re.sub(r"[\s,，、]", "", raw).lstrip("¥￥\\")
    if not cleaned:
        raise AmountError(_("Enter an amount."))
    scale = Decimal(_SCALE[_unit(unit)])
    for suffix, suffix_scale in (("百万円", 1_000_000), ("千円", 1_000), ("円", 1)):
        if cleaned.endswith(suffix):
            cleaned, scale = cleaned[: -len(suffix)], Decimal(suffix_scale)
            break
    match = _JA_AMOUNT.match(cleaned) if cleaned else None
    if match is None or not any(match.groupdict().values()):
        raise AmountError(
            _("“%(text)s” is not an amount: write it as 1,234,000,000 or 12億3400万円.")
            % {"text": raw[:40]}
        )
    if match["oku"] or match["man"]:
        # 億 and 万 name their own scale; what follows them is yen.
        total = (
            Decimal(match["oku"] or 0) * _OKU
            + Decimal(match["man"] or 0) * _MAN
            + Decimal(match["rest"] or 0)
        )
    else:
        total = Decimal(match["rest"]) * scale
    if total != total.to_integral_value():
        raise AmountError(_("“%(text)s” is not a whole number of yen.") % {"text": raw[:40]})
    return int(total)
