"""The disclosure audit over what anonymised readers reach through the web (issue #14).

For viewer, reviewer and TLO staff, every number of the dashboard's chart payloads and
CSV downloads, of the metric pages' CSV downloads and of the staff's benchmark
(tests/dashboards/disclosure_reach.py) must be one the audit models: a cell of the fixed
tables shown to that reader (a report figure's total, a metric's pooled value, a smoothed
median or quintile boundary), a value of the national ranking, the reader's own value,
a count, a rank or a year. The shown cells then enter as equations (a total as a sum; a
pooled ratio r as Σnumerator − r·Σdenominator = 0), with what the reader knows by name as
known, and no institution's value and no sum over fewer than three may be determined;
medians and quintile boundaries are checked by intersection against the true values.

Run on the generated 100-institution year with small regions (the demo's dashboard with
every download takes minutes per role; the narrower audit in test_disclosure_audit.py
covers the demo's totals with every filter)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.utils import translation

from metrics.calculations.disclosure import Knowledge, determined_small_sums, tied_order_statistics
from metrics.calculations.distributions import QUINTILES, smoothed_quantile
from metrics.enums import Combination
from metrics.models import MetricDefinition
from metrics.selectors.disclosure import year_tables
from tests.dashboards.disclosure_reach import reach
from tests.dashboards.test_disclosure_audit import _generated, _readers

# Charts of the seed's published reference data (approvals by type, consolidations, the
# Japan–US comparison, the IP HQ survey): no institution's report stands behind them.
REFERENCE = ("approvals", "consolidations", "japan_us", "survey")
# The benchmark plots the own institution's fifth (1–5) at 6 − fifth, each group offset.
QUINTILE_POSITIONS = {
    round(6 - fifth + (index - 1.5) * 0.12, 10) for fifth in range(1, 6) for index in range(4)
}


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


def _modelled(tables, known: frozenset[int]) -> tuple[set[float], list, list]:
    """(values a reader may be shown, equations, order statistics shown)."""
    allowed: set[float] = set()
    equations: list[dict] = []
    order_stats: list[tuple[str, Fraction, frozenset[int]]] = []
    combination = dict(MetricDefinition.objects.values_list("code", "combination"))
    for quantity, cells in tables.members.items():
        for (table, group), members in cells.items():
            if quantity in tables.figures:
                if tables.shown(quantity, table, group):
                    figures = tables.figures[quantity]
                    allowed.add(float(sum(figures[pk] for pk in members)))
                    equations.append({(pk, quantity): 1 for pk in members})
                continue
            found = tables.values.get(quantity, {})
            if tables.shown(quantity, table, group):
                numerator = sum(found[pk][1] or 0 for pk in members)
                denominator = sum(found[pk][2] or 0 for pk in members)
                how = combination.get(quantity)
                if how == Combination.RATIO and denominator:
                    pooled = Fraction(str(numerator)) / Fraction(str(denominator))
                    allowed.add(float(pooled))
                    row = {(pk, quantity, "numerator"): 1 for pk in members}
                    for pk in members:
                        row[(pk, quantity, "denominator")] = -pooled
                    equations.append(row)
                elif how in (Combination.TOTAL, Combination.DIFFERENCE):
                    allowed.add(float(numerator - (denominator if how == "difference" else 0)))
                    equations.append({(pk, quantity, "value"): 1 for pk in members})
            if tables.distribution_shown(quantity, table, group):
                values = [found[pk][0] for pk in members]
                for q in (0.5, *QUINTILES):
                    shown = smoothed_quantile(values, q)
                    if shown is not None:
                        allowed.add(shown)
                        order_stats.append((quantity, f"{table}:{group}", Fraction(shown), members))
    for found in tables.values.values():  # the national ranking, and the reader's own
        allowed.update(value for value, _n, _d in found.values())
    return allowed, equations, order_stats


def _explained(number: float, allowed: set[float], small: int) -> bool:
    if number == int(number) and (0 <= number <= small or 1990 <= number <= 2100):
        return True  # a count, a rank, a letter's position or a fiscal year
    for value in allowed:
        if abs(number - value) <= 1e-6 * max(1.0, abs(value)):
            return True
        if abs(number - value * 100) <= 0.05001 or abs(number - value) <= 0.005001:
            return True  # percent to one decimal, ratios to two
    return False


def _audit(client, user, known: frozenset[int], fiscal_year: int, benchmark: str | None):
    found = reach(client, fiscal_year=fiscal_year, benchmark_code=benchmark, every_filter=False)
    tables = year_tables(fiscal_year=fiscal_year, kind="approved_tlo", known=known)
    allowed, equations, order_stats = _modelled(tables, known)
    small = len(tables.groups)
    problems = []
    for where, number in found.numbers:
        if any(f" {key}" in where for key in REFERENCE):
            continue
        if where == "benchmark chart position" and round(number, 10) in QUINTILE_POSITIONS:
            continue  # the fifth the staff's own institution stands in, as a plot position
        if not _explained(number, allowed, small):
            problems.append(f"not modelled: {number} in {where}")
    knowledge = Knowledge()
    unknowns = set()
    for row in equations:
        unknowns.update(row)
    for unknown in unknowns:
        if unknown[0] in known:
            knowledge.add({unknown: 1})
    for row in equations:
        knowledge.add(row)
    targets = sorted((u for u in unknowns if u[0] not in known), key=repr)
    by_quantity: dict[str, list] = {}
    for unknown in targets:
        by_quantity.setdefault(unknown[1:], []).append(unknown)
    for group in by_quantity.values():
        problems += [
            f"determined: {leak}" for leak in determined_small_sums(knowledge, group, below=3)
        ]
    # A shown median or quintile boundary that is a member's own value ties that value's
    # (anonymised) ranking row to every group showing it: named when those groups share
    # one institution the reader does not know (tied_order_statistics lists the exact
    # matches; the registry's intersection decides whether one names someone).
    groups = {where: members for _q, where, _v, members in order_stats}
    for code, found_values in tables.values.items():
        shown = [(where, value) for q, where, value, _m in order_stats if q == code]
        values = {pk: Fraction(v[0]) for pk, v in found_values.items() if pk not in known}
        for value, _pk in tied_order_statistics(shown, groups, values):
            showing = [set(groups[w]) for w, v in shown if v == value]
            common = set.intersection(*showing) - known
            if len(common) == 1:
                problems.append(f"tied: {code} {float(value)} names {common}")
    return problems, found


@pytest.mark.parametrize(
    "role",
    [
        "viewer",
        "reviewer",
        "staff",
    ],
)
def test_disclosure_audit_of_everything_reached_finds_nothing(db, client_for, mext_official, role):
    fiscal_year = _generated()
    readers, known = _readers(fiscal_year, mext_official)
    user = readers[role]
    user.amount_unit = "yen"
    user.save(update_fields=["amount_unit"])
    benchmark = user.institutions.first().code if role == "staff" else None
    problems, found = _audit(client_for(user), user, frozenset(known[role]), fiscal_year, benchmark)
    assert found.pages >= 5  # the dashboard and the metric pages at least
    assert problems == []
