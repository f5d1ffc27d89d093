"""Whether support worked (支援の効果): the institutions of each published cycle grouped
by the tier they were given, and each group's medians from three fiscal years before the
cycle to three after, against approved TLOs that took part in no cycle.

No causal claim: the groups were chosen by their scores, so a difference between them
is not the effect of the support.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.amounts import format_yen
from institutions.models import Institution
from metrics.calculations import format_value
from metrics.enums import ReportState
from metrics.models import AnnualReport, MetricDefinition, MetricValue
from metrics.report_fields import REPORT_FIELDS
from reviews.enums import AllocationState, DecisionState, Stage, SupportTier
from reviews.models import AllocationLine, CycleEntry, Decision, ReviewCycle

# The seed's three metrics, then licence income (a report figure).
FOLLOW_UP_METRICS = ("return_on_cost", "commercialisation_rate", "licence_rate")
LICENCE_INCOME = "licence_income"
OFFSETS = tuple(range(-3, 4))  # fiscal years relative to the cycle's
NO_CYCLE = "no_cycle"


@dataclass(frozen=True)
class Point:
    median: float | None
    count: int  # institutions behind the point


@dataclass
class Cohort:
    key: str  # a SupportTier value, or NO_CYCLE
    members: int
    series: dict[str, dict[int, Point]]  # measure → offset → point


@dataclass
class CycleFollowUp:
    cycle: ReviewCycle
    cohorts: list[Cohort]


def cohort_points(
    groups: dict[str, set[int]],
    values: dict[tuple[str, int, int], float],
    *,
    fiscal_year: int,
    measures: Iterable[str],
) -> list[Cohort]:
    """Each group's median of each measure at each offset from `fiscal_year`.

    `values` maps (measure, institution id, fiscal year) to a defined value; an
    institution without one for a year is left out of that point (the count says so).
    """
    cohorts = []
    for key, members in groups.items():
        series: dict[str, dict[int, Point]] = {}
        for measure in measures:
            points = {}
            for offset in OFFSETS:
                found = [
                    values[(measure, i, fiscal_year + offset)]
                    for i in sorted(members)
                    if (measure, i, fiscal_year + offset) in values
                ]
                points[offset] = Point(statistics.median(found) if found else None, len(found))
            series[measure] = points
        cohorts.append(Cohort(key, len(members), series))
    return cohorts


def _values(institution_ids: set[int], years: set[int]) -> dict[tuple[str, int, int], float]:
    values: dict[tuple[str, int, int], float] = {}
    for code, institution_id, year, value in MetricValue.objects.filter(
        definition__code__in=FOLLOW_UP_METRICS,
        institution_id__in=list(institution_ids),
        fiscal_year__in=list(years),
        value__isnull=False,
    ).values_list("definition__code", "institution_id", "fiscal_year", "value"):
        values[(code, institution_id, year)] = value
    for institution_id, year, income in AnnualReport.objects.filter(
        state=ReportState.ACCEPTED,
        institution_id__in=list(institution_ids),
        fiscal_year__in=list(years),
        licence_income__isnull=False,
    ).values_list("institution_id", "fiscal_year", "licence_income"):
        values[(LICENCE_INCOME, institution_id, year)] = float(income)
    return values


def measures() -> list[tuple[str, str]]:
    """(code, name) of the measures followed, in order."""
    names = {d.code: d.name for d in MetricDefinition.objects.filter(code__in=FOLLOW_UP_METRICS)}
    income = next(f for f in REPORT_FIELDS if f.code == LICENCE_INCOME)
    return [(code, names.get(code, code)) for code in FOLLOW_UP_METRICS] + [
        (LICENCE_INCOME, str(income.label))
    ]


def support_follow_up() -> list[CycleFollowUp]:
    """For each published cycle, newest first: its tiers' cohorts and the comparison
    group (approved TLOs in no cycle at all). A fixed number of queries per cycle."""
    cycles = list(ReviewCycle.objects.filter(stage=Stage.PUBLISHED).order_by("-fiscal_year"))
    in_any_cycle = set(CycleEntry.objects.values_list("institution_id", flat=True))
    comparison = set(
        Institution.objects.approved_tlos()
        .exclude(pk__in=in_any_cycle)
        .values_list("pk", flat=True)
    )
    result = []
    codes = [code for code, _name in measures()]
    for cycle in cycles:
        groups: dict[str, set[int]] = defaultdict(set)
        for institution_id, tier in Decision.objects.filter(
            entry__cycle=cycle, state=DecisionState.APPROVED
        ).values_list("entry__institution_id", "tier"):
            groups[tier].add(institution_id)
        ordered = {tier: groups[tier] for tier in SupportTier.values if tier in groups}
        ordered[NO_CYCLE] = comparison
        years = {cycle.fiscal_year + offset for offset in OFFSETS}
        values = _values(set().union(*ordered.values()), years)
        cohorts = cohort_points(ordered, values, fiscal_year=cycle.fiscal_year, measures=codes)
        result.append(CycleFollowUp(cycle, cohorts))
    return result


@dataclass
class InstitutionCycle:
    cycle: ReviewCycle
    tier: str
    amount_yen: int | None
    rows: list[tuple[str, str, list[float | None]]]  # code, name, value per offset

    @property
    def tier_label(self) -> str:
        return str(SupportTier(self.tier).label)


def institution_before_after(institution: Institution, *, published_only: bool) -> list:
    """The institution's measures from three years before each cycle it took part in to
    three after, with its tier and its approved allocated amount."""
    decisions = Decision.objects.filter(
        entry__institution=institution, state=DecisionState.APPROVED
    ).select_related("entry__cycle")
    if published_only:
        decisions = decisions.filter(entry__cycle__stage=Stage.PUBLISHED)
    decisions = list(decisions.order_by("-entry__cycle__fiscal_year"))
    if not decisions:
        return []
    amounts = dict(
        AllocationLine.objects.filter(
            institution=institution,
            allocation__state=AllocationState.APPROVED,
            allocation__cycle__in=[d.entry.cycle for d in decisions],
        ).values_list("allocation__cycle_id", "amount_yen")
    )
    years = {d.entry.cycle.fiscal_year + o for d in decisions for o in OFFSETS}
    values = _values({institution.pk}, years)
    named = measures()
    result = []
    for decision in decisions:
        cycle = decision.entry.cycle
        rows = [
            (
                code,
                name,
                [values.get((code, institution.pk, cycle.fiscal_year + o)) for o in OFFSETS],
            )
            for code, name in named
        ]
        result.append(InstitutionCycle(cycle, decision.tier, amounts.get(cycle.pk), rows))
    return result


def offset_label(offset: int) -> str:
    """A fiscal year relative to the review's: 3年度前, 審査年度, 1年度後."""
    if offset == 0:
        return _("review year")
    if offset < 0:
        return _("%(years)s years before") % {"years": -offset}
    return _("%(years)s years after") % {"years": offset}


def cohort_label(key: str) -> str:
    if key == NO_CYCLE:
        return _("approved TLOs in no review")
    return str(SupportTier(key).label)


def _shown(code: str, value: float | None, units: dict[str, str], amount_unit: str) -> str:
    if value is None:
        return "—"
    if code == LICENCE_INCOME:
        return format_yen(value, amount_unit)
    return format_value(value, units.get(code, "")) or "—"


def measure_units() -> dict[str, str]:
    """The unit of each metric followed (licence income is in yen)."""
    return dict(
        MetricDefinition.objects.filter(code__in=FOLLOW_UP_METRICS).values_list("code", "unit")
    )


def follow_up_tables(follow_up: CycleFollowUp, amount_unit: str) -> list[dict]:
    """One table per measure: a row per group, a cell (text, count) per offset."""
    units = measure_units()
    tables = []
    for code, name in measures():
        rows = [
            {
                "label": cohort_label(cohort.key),
                "members": cohort.members,
                "cells": [
                    (
                        _shown(code, cohort.series[code][o].median, units, amount_unit),
                        cohort.series[code][o].count,
                    )
                    for o in OFFSETS
                ],
            }
            for cohort in follow_up.cohorts
        ]
        tables.append({"code": code, "name": name, "rows": rows})
    return tables


def before_after_rows(item: InstitutionCycle, amount_unit: str) -> list[tuple[str, list[str]]]:
    units = dict(
        MetricDefinition.objects.filter(code__in=FOLLOW_UP_METRICS).values_list("code", "unit")
    )
    return [
        (name, [_shown(code, v, units, amount_unit) for v in values])
        for code, name, values in item.rows
    ]
