"""The cycle at once: every merger and internalisation a cycle's decisions ask for,
applied together, and the nation after them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from institutions.enums import TloType
from institutions.models import Institution, Region
from metrics.calculations import Aggregate, ValueRow, aggregate
from metrics.models import MetricDefinition, MetricValue

from ..enums import Recommendation, ScenarioKind
from ..models import ConsolidationScenario, Decision
from .scenarios import ScenarioSpec, approved_tlos, combined_metrics, combined_region_and_type


@dataclass
class Consolidation:
    """One merger or internalisation the cycle's decisions ask for."""

    kind: str
    members: frozenset[int]
    sources: list[str]  # the institutions whose decisions ask for it
    scenario: ConsolidationScenario | None
    spec: ScenarioSpec


@dataclass
class CycleConsolidations:
    applied: list[Consolidation]
    conflicts: list[tuple[str, list[Consolidation]]]  # institution name, the rival plans
    names: dict[int, str]
    regions: list[tuple[str, int, int]]  # region, approved TLOs before, after
    types: list[tuple[str, int, int]]  # TLO type, approved TLOs before, after
    aggregates: list[tuple[MetricDefinition, Aggregate, Aggregate]]
    regions_left_without: list[str]
    tlo_count_before: int
    tlo_count_after: int


def _consolidations_asked(cycle) -> list[Consolidation]:
    decisions = (
        Decision.objects.filter(
            entry__cycle=cycle,
            recommendation__in=[Recommendation.MERGE, Recommendation.INTERNALISE],
        )
        .select_related("entry__institution", "scenario_link__scenario")
        .prefetch_related("scenario_link__scenario__members")
        .order_by("entry__institution__code")
    )
    found: dict[tuple, Consolidation] = {}
    for decision in decisions:
        institution = decision.entry.institution
        link = getattr(decision, "scenario_link", None)
        scenario = link.scenario if link else None
        if scenario is not None:
            spec = ScenarioSpec.of(scenario)
        elif decision.recommendation == Recommendation.MERGE:
            spec = ScenarioSpec(
                fiscal_year=cycle.fiscal_year,
                kind=ScenarioKind.MERGER,
                member_ids=tuple(sorted({institution.pk, decision.merge_partner_id})),
            )
        else:
            spec = ScenarioSpec(
                fiscal_year=cycle.fiscal_year,
                kind=ScenarioKind.INTERNALISATION,
                member_ids=(institution.pk,),
            )
        key = (spec.kind, frozenset(spec.member_ids), spec.ip_headquarters_id)
        if key in found:
            found[key].sources.append(institution.name_ja)
            continue
        found[key] = Consolidation(
            spec.kind, frozenset(spec.member_ids), [institution.name_ja], scenario, spec
        )
    return list(found.values())


def cycle_consolidations(cycle) -> CycleConsolidations:
    """Every merger and internalisation the cycle's decisions (drafted or decided) ask
    for, applied together; a TLO asked for in two different plans is a conflict, shown
    and left out, never resolved silently."""
    asked = _consolidations_asked(cycle)
    by_member: dict[int, list[Consolidation]] = defaultdict(list)
    for plan in asked:
        for member in plan.members:
            by_member[member].append(plan)
    names = dict(Institution.objects.filter(pk__in=by_member).values_list("pk", "name_ja"))
    conflicting = {id(p) for plans in by_member.values() if len(plans) > 1 for p in plans}
    conflicts = [(names[m], plans) for m, plans in by_member.items() if len(plans) > 1]
    applied = [p for p in asked if id(p) not in conflicting]
    tlos = approved_tlos()
    removed = {m for p in applied for m in p.members}
    combined_rows: dict[int, list[ValueRow]] = defaultdict(list)
    added_regions, added_types = [], []
    for plan in applied:
        lines, _years, _notes = combined_metrics(plan.spec)
        members = [t for t in tlos if t.pk in plan.members]
        region_id, tlo_type = combined_region_and_type(plan.spec, members, lines)
        if plan.kind == ScenarioKind.MERGER:
            added_regions.append(region_id)
            added_types.append(tlo_type)
        for line in lines:
            combined_rows[line.definition.pk].append(
                ValueRow(*line.years[cycle.fiscal_year].combined)
            )
    after = [t for t in tlos if t.pk not in removed]
    regions = []
    types = []
    regions_left = []
    for region in Region.objects.order_by("order", "code"):
        before_count = sum(1 for t in tlos if t.region_id == region.pk)
        after_count = sum(1 for t in after if t.region_id == region.pk) + added_regions.count(
            region.pk
        )
        regions.append((region.name_ja, before_count, after_count))
        if before_count and not after_count:
            regions_left.append(region.name_ja)
    for tlo_type, label in TloType.choices:
        before_count = sum(1 for t in tlos if t.tlo_type == tlo_type)
        after_count = sum(1 for t in after if t.tlo_type == tlo_type) + added_types.count(tlo_type)
        types.append((str(label), before_count, after_count))
    values: dict[int, dict[int, ValueRow]] = defaultdict(dict)
    for definition_id, institution_id, *row in (
        MetricValue.objects.filter(
            fiscal_year=cycle.fiscal_year, institution_id__in=[t.pk for t in tlos]
        )
        .order_by()
        .values_list(
            "definition_id", "institution_id", "status", "value", "numerator", "denominator"
        )
    ):
        values[definition_id][institution_id] = ValueRow(*row)
    aggregates = []
    for definition in MetricDefinition.objects.order_by("order", "code"):
        rows = values.get(definition.pk, {})
        kept = [row for i, row in rows.items() if i not in removed]
        aggregates.append(
            (
                definition,
                aggregate(rows.values(), definition.combination),
                aggregate([*kept, *combined_rows.get(definition.pk, [])], definition.combination),
            )
        )
    return CycleConsolidations(
        applied=applied,
        conflicts=conflicts,
        names=names,
        regions=regions,
        types=types,
        aggregates=aggregates,
        regions_left_without=regions_left,
        tlo_count_before=len(tlos),
        tlo_count_after=len(after) + len(added_regions),
    )
