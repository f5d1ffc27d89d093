"""One institution's metrics over the years, each value with its provenance: the
accepted reports it summed and the figures each gave (the institution page's section)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.amounts import AmountUnit, format_yen
from institutions.models import ConsolidationEvent, Institution

from ..calculations import (
    Contribution,
    ReportFigures,
    ancestors,
    format_value,
    is_surplus,
    operand_breakdown,
    predecessors_map,
)
from ..display import formula_text, term_display, term_label, value_display, with_window
from ..enums import Combination, MetricUnit, ValueStatus, Window
from ..models import MetricDefinition, MetricValue
from ..report_fields import REPORT_FIELDS_BY_CODE, Unit
from ..services.metric_values import load_series
from .satisfaction import satisfaction_sources, uses_satisfaction


@dataclass(frozen=True)
class ContributionView:
    report_id: int
    fiscal_year: int
    institution_name: str
    is_predecessor: bool
    figures: list[tuple[str, str]]  # (term label, value as shown)
    counted: bool


@dataclass(frozen=True)
class OperandView:
    role: str  # numerator / denominator / figures
    text: str  # the operand in words
    total: str
    contributions: list[ContributionView]


@dataclass(frozen=True)
class MetricCell:
    fiscal_year: int
    display: str
    is_defined: bool
    status_label: str
    surplus: bool | None
    operands: list[OperandView]
    # Satisfaction values: where the scores came from (「自己申告」 or the survey); else "".
    source: str = ""
    self_reported: bool = False


@dataclass(frozen=True)
class MetricLine:
    definition: MetricDefinition
    formula: str
    cells: list[MetricCell | None]  # one per fiscal year of the table, None: no value


@dataclass(frozen=True)
class InstitutionMetrics:
    fiscal_years: list[int]
    lines: list[MetricLine]
    predecessors: list[Institution]


def _load_family_series(
    institution: Institution,
) -> tuple[list[ReportFigures], list[ReportFigures], dict[int, Institution]]:
    edges = list(ConsolidationEvent.objects.values_list("predecessor_id", "successor_id"))
    earlier = ancestors(institution.pk, predecessors_map(edges))
    series = load_series(institution_ids={institution.pk, *earlier})
    own = series.get(institution.pk, [])
    lineage = sorted(
        [*own, *(r for pk in earlier for r in series.get(pk, ()))],
        key=lambda r: (r.fiscal_year, r.institution_id),
    )
    family = {institution.pk: institution}
    if earlier:
        family.update(Institution.objects.in_bulk(list(earlier)))
    return own, lineage, family


def _operand_view(
    role: str,
    definition: MetricDefinition,
    contributions: list[Contribution],
    total: float | None,
    family: dict[int, Institution],
    institution: Institution,
    operand_index: int,
    amount_unit: str,
) -> OperandView:
    formula = definition.formula()
    operand = formula.operands[operand_index]
    threshold = definition.home_run_threshold
    text = " + ".join(term_label(t, threshold=threshold) for t in operand.terms)
    if operand.window != Window.YEAR:
        text = with_window(text, operand.window)
    views = [
        ContributionView(
            report_id=c.report.report_id,
            fiscal_year=c.report.fiscal_year,
            institution_name=family[c.report.institution_id].name_ja,
            is_predecessor=c.report.institution_id != institution.pk,
            figures=[
                (term_label(term, threshold=threshold), term_display(term, value, amount_unit))
                for term, value in c.figures.items()
            ],
            counted=c.counted,
        )
        for c in contributions
    ]
    unit = MetricUnit.COUNT
    if all(
        t in REPORT_FIELDS_BY_CODE and REPORT_FIELDS_BY_CODE[t].unit == Unit.YEN
        for t in operand.terms
    ):
        unit = MetricUnit.YEN
    elif any(
        t in REPORT_FIELDS_BY_CODE and REPORT_FIELDS_BY_CODE[t].unit in (Unit.SCORE, Unit.FTE)
        for t in operand.terms
    ):
        unit = MetricUnit.SCORE
    if total is None:
        shown_total = _("not reported")
    elif unit == MetricUnit.YEN:
        shown_total = format_yen(total, amount_unit)
    else:
        shown_total = format_value(total, unit)
    return OperandView(role, text, shown_total, views)


def institution_metrics(
    *, institution: Institution, amount_unit: str = AmountUnit.YEN
) -> InstitutionMetrics:
    """The institution's stored metric values by fiscal year, each with its provenance:
    the accepted reports (its own, and its predecessors' where a definition follows
    the consolidation lineage) and the figures each contributed.

    Satisfaction values say where their scores came from: the customers' survey from
    its first fiscal year on, self-reported before (metrics.selectors.satisfaction).

    Six queries whatever the number of institutions, metrics or years.
    """
    values = list(
        MetricValue.objects.filter(institution=institution)
        .select_related("definition")
        .order_by("definition__order", "definition__code", "fiscal_year")
    )
    fiscal_years = sorted({v.fiscal_year for v in values})
    own, lineage, family = _load_family_series(institution)
    sources = satisfaction_sources()
    by_definition: dict[int, list[MetricValue]] = defaultdict(list)
    definitions: dict[int, MetricDefinition] = {}
    for value in values:
        by_definition[value.definition_id].append(value)
        definitions[value.definition_id] = value.definition
    lines = []
    for definition_id, definition_values in by_definition.items():
        definition = definitions[definition_id]
        formula = definition.formula()
        about_satisfaction = uses_satisfaction(definition)
        cells_by_year = {}
        for value in definition_values:
            operands = []
            roles = (
                [_("numerator"), _("denominator")]
                if formula.denominator is not None
                else [_("figures")]
            )
            totals = (
                [value.numerator, value.denominator]
                if formula.denominator is not None
                else [value.numerator]
            )
            for index, operand in enumerate(formula.operands):
                contributions = operand_breakdown(
                    formula, operand, value.fiscal_year, own=own, lineage=lineage
                )
                operands.append(
                    _operand_view(
                        roles[index],
                        definition,
                        contributions,
                        totals[index],
                        family,
                        institution,
                        index,
                        amount_unit,
                    )
                )
            cells_by_year[value.fiscal_year] = MetricCell(
                fiscal_year=value.fiscal_year,
                display=value_display(value.value, value.status, definition.unit, amount_unit),
                is_defined=value.is_defined,
                status_label=str(ValueStatus(value.status).label),
                surplus=is_surplus(value.value)
                if definition.combination == Combination.DIFFERENCE
                else None,
                operands=operands,
                source=(
                    sources.source(institution.pk, value.fiscal_year) if about_satisfaction else ""
                ),
                self_reported=about_satisfaction and sources.is_self_reported(value.fiscal_year),
            )
        lines.append(
            MetricLine(
                definition=definition,
                formula=formula_text(definition),
                cells=[cells_by_year.get(year) for year in fiscal_years],
            )
        )
    predecessors = [family[pk] for pk in sorted(family) if pk != institution.pk]
    return InstitutionMetrics(fiscal_years, lines, predecessors)
