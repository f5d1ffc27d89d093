"""How metrics read in words: terms, formulas, values and labels in the reader's language.

Shared by the metric pages, the institution page, downloads and charts; no queries.
"""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.amounts import AmountUnit, format_yen
from institutions.enums import InstitutionKind

from .calculations import (
    LICENCE_ROWS,
    LICENCE_ROWS_HOME_RUN,
    LICENCE_ROWS_IN_REGION,
    describe_formula,
    format_value,
)
from .enums import MetricUnit, ValueStatus, Window
from .models import MetricDefinition
from .report_fields import REPORT_FIELDS_BY_CODE, Unit


def term_label(term: str, *, threshold: int | None = None) -> str:
    """A term in the reader's language: a report field's label, or a licence-row count."""
    if term in REPORT_FIELDS_BY_CODE:
        return str(REPORT_FIELDS_BY_CODE[term].label)
    if term == LICENCE_ROWS:
        return _("licence detail rows")
    if term == LICENCE_ROWS_IN_REGION:
        return _("licence detail rows with a licensee in the same region")
    if term == LICENCE_ROWS_HOME_RUN:
        return _("licence detail rows with income of %(threshold)s or more") % {
            "threshold": format_yen(threshold, AmountUnit.YEN) if threshold else "—"
        }
    return term


def with_window(text: str, window: str) -> str:
    """An operand with its window, as the seed writes it: ライセンス件数(累計)."""
    return _("%(operand)s (%(window)s)") % {"operand": text, "window": Window(window).label}


def formula_text(definition: MetricDefinition) -> str:
    """The definition as a formula in words, in the reader's language."""
    return describe_formula(
        definition.formula(),
        term_label=lambda term: term_label(term, threshold=definition.home_run_threshold),
        with_window=with_window,
    )


def term_display(term: str, value: float | int | None, amount_unit: str = AmountUnit.YEN) -> str:
    """A report figure as people read it; amounts in the reader's unit (core.amounts)."""
    if value is None:
        return _("not reported")
    spec = REPORT_FIELDS_BY_CODE.get(term)
    if spec is not None and spec.unit == Unit.YEN:
        return format_yen(value, amount_unit)
    if spec is not None and spec.unit in (Unit.SCORE, Unit.FTE):
        return format_value(value, MetricUnit.SCORE)
    return format_value(value, MetricUnit.COUNT)


def value_display(
    value: float | None, status: str, unit: str, amount_unit: str = AmountUnit.YEN
) -> str:
    """A metric value as people read it: 711.7%, 2,500,000円 (in the reader's unit)."""
    if status != ValueStatus.DEFINED or value is None:
        return _("not defined")
    if unit == MetricUnit.YEN:
        return format_yen(value, amount_unit)
    return format_value(value, unit)


def kind_prefix(kind: str) -> str:
    """承認TLO, as in the seed's anonymised labels."""
    label = str(InstitutionKind(kind).label)
    return capfirst(label) if (get_language() or "ja").startswith("en") else label
