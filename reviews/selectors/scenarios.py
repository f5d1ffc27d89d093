"""What a consolidation scenario would make: the members and the combined institution on
every metric, ranks, national aggregates and regional coverage before and after.

The combined figures follow the rules the metric engine applies to real consolidation
events: the combined institution's series is the members' accepted reports together
(so a year's operands are the sums of the members' figures and licence detail rows
are pooled, each licence counted once), cumulative operands draw on each member's own
lineage (its consolidated predecessors), and every value is computed by the engine's
own `evaluate_years` from those operands — never by a second formula.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from institutions.enums import InstitutionStatus
from institutions.fiscal_years import format_fiscal_year
from institutions.models import ConsolidationEvent, Institution, Partnership, Region
from metrics.calculations import (
    Aggregate,
    Outcome,
    ReportFigures,
    ValueRow,
    aggregate,
    ancestors,
    evaluate_years,
    plain_number,
    predecessors_map,
    quintile_of,
    rank,
)
from metrics.enums import ValueStatus
from metrics.models import MetricDefinition, MetricValue
from metrics.services.metric_values import load_series

from ..enums import ScenarioKind
from ..models import ConsolidationScenario, DecisionScenario

YEARS_BEFORE = 4  # the cycle's fiscal year and the four before
COMBINED = "combined"
# Metrics whose figures the cost assumption changes, and how.
COST_METRICS = ("return_on_cost", "operating_balance", "self_sufficiency")
COST_TERMS = ("personnel_costs", "patent_costs")


@dataclass(frozen=True)
class ScenarioSpec:
    """A scenario as the computation reads it (saved or given on the command line)."""

    fiscal_year: int
    kind: str
    member_ids: tuple[int, ...]
    ip_headquarters_id: int | None = None
    continuing_id: int | None = None
    region_id: int | None = None
    tlo_type: str = ""
    saved_costs_percent: Decimal = Decimal(0)

    @classmethod
    def of(cls, scenario: ConsolidationScenario) -> ScenarioSpec:
        return cls(
            fiscal_year=scenario.cycle.fiscal_year,
            kind=scenario.kind,
            member_ids=tuple(sorted(m.institution_id for m in scenario.members.all())),
            ip_headquarters_id=scenario.ip_headquarters_id,
            continuing_id=scenario.continuing_id,
            region_id=scenario.region_id,
            tlo_type=scenario.tlo_type,
            saved_costs_percent=scenario.saved_costs_percent,
        )


@dataclass
class YearCell:
    members: dict[int, Outcome]
    combined: Outcome
    missing: list[str] = field(default_factory=list)  # members without an accepted report
    with_saved_costs: float | None = None  # the combined value under the cost assumption


@dataclass
class MetricLine:
    definition: MetricDefinition
    years: dict[int, YearCell]


@dataclass
class Standing:
    """Where the combined institution would stand in the cycle's year, for one metric."""

    definition: MetricDefinition
    national: tuple[int | None, int]  # rank, out of
    national_quintile: int | None
    regional: tuple[int | None, int]
    by_type: tuple[int | None, int]
    before: Aggregate
    after: Aggregate


@dataclass
class Coverage:
    partners: list[Institution]
    regions: list[tuple[Region, int, int]]  # region, approved TLOs before, after
    warnings: list[str]


@dataclass
class ScenarioResult:
    spec: ScenarioSpec
    members: list[Institution]
    ip_headquarters: Institution | None
    region: Region | None
    tlo_type: str
    years: list[int]
    lines: list[MetricLine]
    notes: list[str]
    standings: list[Standing]
    coverage: Coverage
    tlo_count_before: int
    tlo_count_after: int


def _lineage_series(
    institution_id: int, series: dict[int, list[ReportFigures]], predecessors
) -> list[ReportFigures]:
    reports = list(series.get(institution_id, ()))
    for earlier in sorted(ancestors(institution_id, predecessors)):
        reports.extend(series.get(earlier, ()))
    return reports


def _union(groups: Iterable[list[ReportFigures]]) -> list[ReportFigures]:
    seen: dict[int, ReportFigures] = {}
    for group in groups:
        for report in group:
            seen[report.report_id] = report
    return sorted(seen.values(), key=lambda r: (r.fiscal_year, r.institution_id))


def _costs(reports: list[ReportFigures], fiscal_year: int) -> int | None:
    total, counted = 0, 0
    for report in reports:
        if report.fiscal_year != fiscal_year:
            continue
        values = [report.figures.get(term) for term in COST_TERMS]
        if any(v is None for v in values):
            continue
        total += sum(values)
        counted += 1
    return total if counted else None


def _with_saved_costs(code: str, outcome: Outcome, saved: float) -> float | None:
    """The combined value if `saved` yen of personnel and patent costs were saved."""
    if not outcome.is_defined or outcome.numerator is None:
        return None
    if code == "operating_balance":
        return outcome.value + saved
    denominator = (outcome.denominator or 0) - saved
    return outcome.numerator / denominator if denominator > 0 else None


def _missing_notes(missing: dict[int, list[str]]) -> list[str]:
    """One sentence per set of members lacking an accepted report, naming its years, so
    that the table's cells can say only "not defined"."""
    years_by_members: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for year, names in missing.items():
        if names:
            years_by_members[tuple(names)].append(year)
    return [
        _(
            "%(years)s: no accepted report from %(names)s, so the combined institution's "
            "values are not defined."
        )
        % {
            "years": "、".join(format_fiscal_year(year) for year in years),
            "names": "、".join(names),
        }
        for names, years in years_by_members.items()
    ]


def combined_metrics(spec: ScenarioSpec) -> tuple[list[MetricLine], list[int], list[str]]:
    """Every metric of the catalogue for the members and the combined institution, over
    the cycle's fiscal year and the four before; and notes for the page."""
    definitions = list(MetricDefinition.objects.order_by("order", "code"))
    edges = list(ConsolidationEvent.objects.values_list("predecessor_id", "successor_id"))
    predecessors = predecessors_map(edges)
    participants = list(spec.member_ids)
    if spec.ip_headquarters_id is not None:
        participants.append(spec.ip_headquarters_id)
    wanted = set(participants)
    for institution_id in participants:
        wanted |= ancestors(institution_id, predecessors)
    series = load_series(institution_ids=wanted)
    years = list(range(spec.fiscal_year - YEARS_BEFORE, spec.fiscal_year + 1))
    names = {i.pk: i for i in Institution.objects.filter(pk__in=participants)}
    own = {i: list(series.get(i, ())) for i in participants}
    lineage = {i: _lineage_series(i, series, predecessors) for i in participants}
    combined_own = _union(own.values())
    combined_lineage = _union(lineage.values())
    reported = {i: {r.fiscal_year for r in own[i]} for i in participants}
    missing = {
        year: [names[i].name_ja for i in spec.member_ids if year not in reported[i]]
        for year in years
    }
    notes = _missing_notes(missing)
    hq = spec.ip_headquarters_id
    if hq is not None:
        hq_years = [y for y in years if y in reported[hq]]
        if not hq_years:
            notes.append(
                _(
                    "%(name)s has no accepted report in these years: the combined values "
                    "are the TLO's own; what changes is the coverage and the ranks."
                )
                % {"name": names[hq].name_ja}
            )
        elif len(hq_years) < len(years):
            notes.append(
                _(
                    "%(name)s has accepted reports only for %(years)s: in the other years "
                    "the combined values are the TLO's own."
                )
                % {"name": names[hq].name_ja, "years": ", ".join(map(str, hq_years))}
            )
    saved_share = float(spec.saved_costs_percent) / 100
    saved = {year: (_costs(combined_own, year) or 0) * saved_share for year in years}
    lines = []
    for definition in definitions:
        formula = definition.formula()
        per_member = {
            i: evaluate_years(formula, years, own=own[i], lineage=lineage[i]) for i in participants
        }
        combined = evaluate_years(formula, years, own=combined_own, lineage=combined_lineage)
        cells = {}
        for year in years:
            outcome = Outcome._make(combined[year])
            if missing[year]:
                outcome = Outcome(ValueStatus.MISSING.value)
            cell = YearCell(
                members={i: Outcome._make(per_member[i][year]) for i in participants},
                combined=outcome,
                missing=missing[year],
            )
            if definition.code in COST_METRICS and saved_share:
                cell.with_saved_costs = _with_saved_costs(definition.code, outcome, saved[year])
            cells[year] = cell
        lines.append(MetricLine(definition, cells))
    return lines, years, notes


def approved_tlos() -> list[Institution]:
    return list(
        Institution.objects.approved_tlos()
        .filter(status=InstitutionStatus.ACTIVE)
        .select_related("region")
        .order_by("code")
    )


def _rank_of(entries, higher_is_better: bool) -> tuple[int | None, int]:
    ranking = rank(entries, higher_is_better=higher_is_better)
    found = next((row.rank for row in ranking.rows if row.key == COMBINED), None)
    return found, ranking.ranked


def standings(
    spec: ScenarioSpec,
    lines: list[MetricLine],
    *,
    tlos: list[Institution],
    region_id: int | None,
    tlo_type: str,
) -> list[Standing]:
    """Rank, quintile and national aggregates before and after, in the cycle's year."""
    members = set(spec.member_ids)
    values: dict[int, dict[int, ValueRow]] = defaultdict(dict)
    tlo_ids = {t.pk for t in tlos}
    for definition_id, institution_id, status, value, numerator, denominator in (
        MetricValue.objects.filter(fiscal_year=spec.fiscal_year, institution_id__in=tlo_ids)
        .order_by()
        .values_list(
            "definition_id", "institution_id", "status", "value", "numerator", "denominator"
        )
    ):
        values[definition_id][institution_id] = ValueRow(status, value, numerator, denominator)
    by_id = {t.pk: t for t in tlos}
    result = []
    for line in lines:
        definition = line.definition
        rows = values.get(definition.pk, {})
        combined = line.years[spec.fiscal_year].combined
        others = {i: row for i, row in rows.items() if i not in members}
        after_rows = [*others.values(), ValueRow(*combined)]

        def entries(keep, others=others, combined=combined):
            chosen = [(i, row.value) for i, row in others.items() if keep(by_id[i])]
            return [*chosen, (COMBINED, combined.value)]

        national = entries(lambda t: True)
        defined = [v for _k, v in national if v is not None]
        result.append(
            Standing(
                definition=definition,
                national=_rank_of(national, definition.higher_is_better),
                national_quintile=(
                    quintile_of(
                        combined.value, defined, higher_is_better=definition.higher_is_better
                    )
                    if combined.value is not None
                    else None
                ),
                regional=_rank_of(
                    entries(lambda t: t.region_id == region_id), definition.higher_is_better
                ),
                by_type=_rank_of(
                    entries(lambda t: t.tlo_type == tlo_type), definition.higher_is_better
                ),
                before=aggregate(rows.values(), definition.combination),
                after=aggregate(after_rows, definition.combination),
            )
        )
    return result


def coverage(
    spec: ScenarioSpec, *, tlos: list[Institution], region_id: int | None
) -> tuple[Coverage, int]:
    """Partner universities served, approved TLOs per region before and after, warnings."""
    members = set(spec.member_ids)
    partnerships = list(
        Partnership.objects.filter(tlo__in=tlos)
        .select_related("university")
        .order_by("university__code")
    )
    partners = {p.university_id: p.university for p in partnerships if p.tlo_id in members}
    after = [t for t in tlos if t.pk not in members]
    after_regions = [t.region_id for t in after]
    if spec.kind == ScenarioKind.MERGER:
        after_regions.append(region_id)
    warnings = []
    regions = []
    for region in Region.objects.order_by("order", "code"):
        before_count = sum(1 for t in tlos if t.region_id == region.pk)
        after_count = after_regions.count(region.pk)
        regions.append((region, before_count, after_count))
        if before_count and not after_count:
            warnings.append(
                _("%(region)s would be left with no approved TLO.") % {"region": region.name_ja}
            )
    if spec.kind == ScenarioKind.INTERNALISATION:
        served_after = {p.university_id for p in partnerships if p.tlo_id not in members}
        for university_id, university in partners.items():
            if university_id not in served_after:
                warnings.append(
                    _("%(university)s would be left with no approved TLO partner.")
                    % {"university": university.name_ja}
                )
    result = Coverage(
        partners=sorted(partners.values(), key=lambda u: u.code),
        regions=regions,
        warnings=warnings,
    )
    return result, len(after) + (1 if spec.kind == ScenarioKind.MERGER else 0)


def combined_region_and_type(spec: ScenarioSpec, members: list[Institution], lines):
    """The official's choice; else the continuing member's; else the member with the
    larger licence income in the cycle's year."""
    if spec.region_id or spec.tlo_type:
        base = None
    elif spec.continuing_id:
        base = next((m for m in members if m.pk == spec.continuing_id), None)
    else:
        base = None
    if base is None:
        income = _licence_income(spec, lines)
        base = max(members, key=lambda m: (income.get(m.pk) or 0, m.code)) if members else None
    region_id = spec.region_id or (base.region_id if base else None)
    tlo_type = spec.tlo_type or (base.tlo_type if base else "")
    if spec.kind == ScenarioKind.INTERNALISATION and members:
        region_id, tlo_type = members[0].region_id, members[0].tlo_type
    return region_id, tlo_type


def _licence_income(spec: ScenarioSpec, lines: list[MetricLine]) -> dict[int, float]:
    series = load_series(institution_ids=spec.member_ids)
    result = {}
    for institution_id, reports in series.items():
        for report in reports:
            if report.fiscal_year == spec.fiscal_year:
                result[institution_id] = report.figures.get("licence_income") or 0
    return result


def compute_scenario(spec: ScenarioSpec) -> ScenarioResult:
    """Everything the scenario page shows. Computes; saves nothing."""
    members = list(
        Institution.objects.filter(pk__in=spec.member_ids).select_related("region").order_by("code")
    )
    hq = (
        Institution.objects.filter(pk=spec.ip_headquarters_id).first()
        if spec.ip_headquarters_id
        else None
    )
    lines, years, notes = combined_metrics(spec)
    region_id, tlo_type = combined_region_and_type(spec, members, lines)
    tlos = approved_tlos()
    scenario_coverage, count_after = coverage(spec, tlos=tlos, region_id=region_id)
    return ScenarioResult(
        spec=spec,
        members=members,
        ip_headquarters=hq,
        region=Region.objects.filter(pk=region_id).first() if region_id else None,
        tlo_type=tlo_type,
        years=years,
        lines=lines,
        notes=notes,
        standings=standings(spec, lines, tlos=tlos, region_id=region_id, tlo_type=tlo_type),
        coverage=scenario_coverage,
        tlo_count_before=len(tlos),
        tlo_count_after=count_after,
    )


SCRIPT_COLUMNS = ("metric_code", "institution_code", "fiscal_year", "value")


def script_rows(result: ScenarioResult) -> Iterator[tuple]:
    """One row per metric, fiscal year and member, then the combined institution's;
    ratios as fractions (as export_metrics writes them), empty where not defined."""
    codes = {m.pk: m.code for m in result.members}
    if result.ip_headquarters is not None:
        codes[result.ip_headquarters.pk] = result.ip_headquarters.code
    for line in result.lines:
        for year in result.years:
            cell = line.years[year]
            for institution_id, outcome in cell.members.items():
                yield (
                    line.definition.code,
                    codes[institution_id],
                    year,
                    plain_number(outcome.value),
                )
            yield (line.definition.code, COMBINED, year, plain_number(cell.combined.value))


def scenario_list(cycle) -> list[ConsolidationScenario]:
    return list(
        ConsolidationScenario.objects.filter(cycle=cycle)
        .select_related("continuing", "ip_headquarters")
        .prefetch_related("members__institution")
    )


def linked_scenario(decision) -> ConsolidationScenario | None:
    """The scenario a decision rests on, with its members, or None."""
    if decision is None:
        return None
    return (
        ConsolidationScenario.objects.filter(decision_links__decision=decision)
        .select_related("continuing", "ip_headquarters")
        .prefetch_related("members__institution")
        .first()
    )


def scenario_links_of(cycle) -> list:
    """The cycle's decisions that rest on a scenario, for the deliberation page."""
    return list(
        DecisionScenario.objects.filter(decision__entry__cycle=cycle)
        .select_related("decision__entry__institution", "scenario")
        .order_by("decision__entry__institution__code")
    )


def summary_rows(scenario: ConsolidationScenario) -> list[list[str]]:
    """The scenario's summary as (item, value) rows, for the hearing sheet."""
    members = "、".join(m.institution.name_ja for m in scenario.members.all())
    if scenario.ip_headquarters:
        members += f" → {scenario.ip_headquarters.name_ja}"
    return [
        [_("name"), scenario.name],
        [_("kind"), str(scenario.get_kind_display())],
        [_("members"), members],
        [_("continuing institution"), scenario.continuing.name_ja if scenario.continuing else "—"],
        [_("shared costs saved (%)"), f"{scenario.saved_costs_percent:f}".rstrip("0").rstrip(".")],
    ]
