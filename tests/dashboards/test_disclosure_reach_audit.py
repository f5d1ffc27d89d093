"""The disclosure audit over what anonymised readers reach through the web (issue #14).

For viewer, reviewer and TLO staff, every number of the dashboard's chart payloads and
CSV downloads (with every filter the page offers the reader), of every metric page and
its CSV downloads and of the staff's benchmark (tests/dashboards/disclosure_reach.py)
must be one the audit models: a cell of the fixed tables shown to that reader in any
fiscal year and kind (a report figure's total, income per agreement, a year-on-year
change, a metric's pooled value, a smoothed median or quintile boundary), a value of the
national ranking, the reader's own value, a count, a rank or a year. The shown numbers
then enter as equations over (institution, fiscal year, figure): a total as a sum; a
pooled ratio r as Σa − r·Σb = 0; a metric's operands written out over the years their
window spans (rolling, cumulative, with the lineage). With what the reader knows by name
as known, no institution's figure, no sum of two and no institution's operand over its
window may be determined; medians and quintile boundaries are checked by intersection
against the true values.

Run on the demo and on the generated 100-institution year with small regions, the three
roles one after the other on the same data: about 10 s of CPU per role on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from dashboards.selectors.national import DASHBOARD_KINDS
from institutions.models import ConsolidationEvent
from metrics.calculations import ancestors, predecessors_map, term_value
from metrics.calculations.disclosure import Knowledge, determined_small_sums, tied_order_statistics
from metrics.calculations.distributions import QUINTILES, smoothed_quantile
from metrics.enums import Combination, ValueStatus, Window
from metrics.models import AnnualReport, MetricDefinition, MetricValue
from metrics.report_fields import REPORT_FIELD_CODES
from metrics.selectors.disclosure import NATIONAL, REPORT_TOTALS, tables_by_year
from metrics.services.metric_values import load_series
from reviews.enums import Stage
from reviews.models import Assignment, ReviewCycle
from tests.dashboards.disclosure_reach import reach, text_numbers
from tests.dashboards.test_disclosure_audit import _demo, _generated, _readers
from tests.reviews.conftest import set_stage

# Charts of the seed's published reference data (approvals by type, consolidations, the
# Japan–US comparison, the IP HQ survey): no institution's report stands behind them.
REFERENCE = ("approvals", "consolidations", "japan_us", "survey")
# The benchmark plots the own institution's fifth (1–5) at 6 − fifth, each group offset.
QUINTILE_POSITIONS = {
    round(6 - fifth + (index - 1.5) * 0.12, 10) for fifth in range(1, 6) for index in range(4)
}


@dataclass
class Model:
    """What the audit lets a reader be shown, and what that tells them."""

    allowed: set[float] = field(default_factory=set)
    equations: list[dict] = field(default_factory=list)
    # (metric, "table:group", value, members) of each median or quintile boundary shown
    order_stats: list[tuple] = field(default_factory=list)
    # (institution, metric, operand coefficients): what must stay undetermined
    operands: list[tuple] = field(default_factory=list)


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


def _window_years(window: str, fiscal_year: int, years: Iterable[int]) -> list[int]:
    """The fiscal years an operand's window spans, written out here rather than asked of
    the engine: the year; the three years ending with it; every year up to it."""
    if window == Window.YEAR:
        return [fiscal_year]
    if window == Window.ROLLING_3:
        return [y for y in years if fiscal_year - 2 <= y <= fiscal_year]
    assert window == Window.CUMULATIVE, window
    return [y for y in years if y <= fiscal_year]


def _operand(series, predecessors, pk: int, definition, operand, fiscal_year: int):
    """One institution's operand as (coefficients over (institution, year, term), value):
    the sum of the terms over the reports of the window that give every term (a successor's
    multi-year window also sums its predecessors' reports)."""
    family = {pk}
    if definition.follows_lineage and operand.window != Window.YEAR:
        family |= ancestors(pk, predecessors)
    reports = [r for member in sorted(family) for r in series.get(member, [])]
    years = {r.fiscal_year for r in reports}
    spanned = set(_window_years(operand.window, fiscal_year, years))
    row: dict = {}
    value = Fraction(0)
    for report in reports:
        if report.fiscal_year not in spanned:
            continue
        parts = [
            term_value(report, t, threshold=definition.home_run_threshold) for t in operand.terms
        ]
        if any(part is None for part in parts):
            continue
        for term, part in zip(operand.terms, parts, strict=True):
            key = (report.institution_id, report.fiscal_year, term)
            row[key] = row.get(key, 0) + 1
            value += Fraction(str(part))
    return row, value


def _pooled_equation(top: dict, bottom: dict, ratio: Fraction) -> dict:
    """Σa − r·Σb = 0 as coefficients."""
    row = dict(top)
    for key, coefficient in bottom.items():
        row[key] = row.get(key, 0) - ratio * coefficient
    return {k: v for k, v in row.items() if v}


def _modelled(tables_by_fy, fiscal_year: int) -> Model:
    """What the reader may be shown and the equations it gives, over every fiscal year:
    unknowns are (institution, fiscal year, report figure or licence term)."""
    model = Model()
    definitions = {d.code: d for d in MetricDefinition.objects.all()}
    series = load_series()
    predecessors = predecessors_map(
        ConsolidationEvent.objects.values_list("predecessor_id", "successor_id")
    )
    # Report totals of every year (the trend charts, the tiles' previous year): a shown
    # cell is the sum of its members' figures for that year.
    for year, tables in tables_by_fy.items():
        cells = {}
        for quantity in REPORT_TOTALS:
            figures = tables.figures.get(quantity, {})
            for (table, group), members in tables.members.get(quantity, {}).items():
                if not tables.shown(quantity, table, group):
                    continue
                total = sum(figures[pk] for pk in members)
                cells[(quantity, table, group)] = (members, total)
                model.allowed.add(float(total))
                model.equations.append({(pk, year, quantity): 1 for pk in members})
        # Joint research income per agreement, per year and shown cell: a pooled ratio.
        for (quantity, table, group), (members, total) in cells.items():
            if quantity != "joint_research_income":
                continue
            count = cells.get(("joint_research_count", table, group))
            if count and count[1]:
                ratio = Fraction(total) / Fraction(count[1])
                model.allowed.add(float(ratio))
                model.equations.append(
                    _pooled_equation(
                        {(pk, year, quantity): 1 for pk in members},
                        {(pk, year, "joint_research_count"): 1 for pk in count[0]},
                        ratio,
                    )
                )
        # Year-on-year change of a national total: this year's sum against last year's.
        previous = tables_by_fy.get(year - 1)
        for quantity in REPORT_TOTALS if previous is not None else ():
            now, before = cells.get((quantity, NATIONAL, "")), None
            if previous.shown(quantity, NATIONAL):
                members = previous.members[quantity][(NATIONAL, "")]
                before = (members, sum(previous.figures[quantity][pk] for pk in members))
            if now is None or before is None or not before[1]:
                continue
            ratio = Fraction(now[1]) / Fraction(before[1])
            model.allowed.add(float(ratio - 1))
            model.equations.append(
                _pooled_equation(
                    {(pk, year, quantity): 1 for pk in now[0]},
                    {(pk, year - 1, quantity): 1 for pk in before[0]},
                    ratio,
                )
            )
    # Metrics of the year: a shown cell's pooled value over the operands' windows.
    tables = tables_by_fy[fiscal_year]
    for quantity, found in tables.values.items():
        definition = definitions[quantity]
        formula = definition.formula()
        for pk in found:
            for operand in formula.operands:
                row, _value = _operand(series, predecessors, pk, definition, operand, fiscal_year)
                if row:
                    model.operands.append((pk, quantity, row))
        for (table, group), members in tables.members.get(quantity, {}).items():
            if tables.shown(quantity, table, group):
                _pooled_cell(model, series, predecessors, definition, members, fiscal_year)
            if tables.distribution_shown(quantity, table, group):
                values = [found[pk][0] for pk in members]
                for q in (0.5, *QUINTILES):
                    shown = smoothed_quantile(values, q)
                    if shown is not None:
                        model.allowed.add(shown)
                        model.order_stats.append(
                            (quantity, f"{table}:{group}", Fraction(shown), members)
                        )
    for found in tables.values.values():  # the national ranking, and the reader's own
        model.allowed.update(value for value, _n, _d in found.values())
    return model


def _pooled_cell(model, series, predecessors, definition, members, fiscal_year) -> None:
    formula = definition.formula()
    top, top_value, bottom, bottom_value = {}, Fraction(0), {}, Fraction(0)
    for pk in members:
        row, value = _operand(series, predecessors, pk, definition, formula.numerator, fiscal_year)
        for key, c in row.items():
            top[key] = top.get(key, 0) + c
        top_value += value
        if formula.denominator is not None:
            row, value = _operand(
                series, predecessors, pk, definition, formula.denominator, fiscal_year
            )
            for key, c in row.items():
                bottom[key] = bottom.get(key, 0) + c
            bottom_value += value
    how = formula.combination
    if how == Combination.RATIO:
        if bottom_value:
            ratio = top_value / bottom_value
            model.allowed.add(float(ratio))
            model.equations.append(_pooled_equation(top, bottom, ratio))
    elif how == Combination.DIFFERENCE:
        model.allowed.add(float(top_value - bottom_value))
        model.equations.append(_pooled_equation(top, bottom, Fraction(1)))
    else:  # a total, or a mean (the figures' sum over a count of figures the reader sees)
        model.allowed.add(float(top_value))
        if how == Combination.MEAN:
            figures = sum(top.values())
            if figures:
                model.allowed.add(float(top_value / figures))
        model.equations.append(top)


def _printed(allowed: set[float]) -> set[Decimal]:
    """How the pages may print a modelled value: rounded half up to a whole number, one or
    two decimals, or as a percent to one decimal (metrics.calculations.format_value); the
    hearing sheet's cells to four or six decimals (reviews.sheets), amounts in 千円 or
    百万円."""
    forms = set()
    for value in allowed:
        exact = Decimal(repr(float(value)))
        for places in ("1", "0.1", "0.01"):
            forms.add(exact.quantize(Decimal(places), ROUND_HALF_UP))
        forms.add((exact * 100).quantize(Decimal("0.1"), ROUND_HALF_UP))
        for places in (4, 6):
            forms.add(Decimal(repr(round(float(value), places))))
        for unit in (1000, 1_000_000):  # an amount in 千円 or 百万円
            forms.add((exact / unit).quantize(Decimal("1"), ROUND_HALF_UP))
            forms.add((exact / unit).quantize(Decimal("0.1"), ROUND_HALF_UP))
    return forms


def _explained(number: float, allowed: set[float], printed: set[Decimal], small: int) -> bool:
    if number == int(number) and (0 <= number <= small or 1990 <= number <= 2100):
        return True  # a count, a rank, a letter's position or a fiscal year
    if number in allowed or Decimal(repr(number)) in printed:
        return True
    # A value carried to the chart unrounded, through another float computation.
    return any(abs(number - value) <= 1e-9 * max(1.0, abs(value)) for value in allowed)


def _audit(
    client,
    user,
    known: frozenset[int],
    fiscal_year: int,
    benchmark: str | None,
    material: Sequence[str] = (),
):
    found = reach(
        client,
        fiscal_year=fiscal_year,
        benchmark_code=benchmark,
        every_filter=True,
        material=material,
    )
    # Every kind the dashboard offers (its `kind` filter), each with its own tables.
    model, problems, small = Model(), [], 0
    for kind in DASHBOARD_KINDS:
        tables_by_fy = tables_by_year(kind=kind, known=known, metric_year=fiscal_year)
        tables = tables_by_fy[fiscal_year]
        of_kind = _modelled(tables_by_fy, fiscal_year)
        model.allowed |= of_kind.allowed
        model.equations += of_kind.equations
        model.operands += of_kind.operands
        problems += _tied(of_kind, tables, known)
        small = max(small, len(tables.groups))
    model.allowed |= _known_figures(known)
    printed = _printed(model.allowed)
    for where, number in found.numbers:
        if any(f" {key}" in where for key in REFERENCE):
            continue
        if where == "benchmark chart position" and round(number, 10) in QUINTILE_POSITIONS:
            continue  # the fifth the staff's own institution stands in, as a plot position
        if not _explained(number, model.allowed, printed, small):
            problems.append(f"not modelled: {number} in {where}")
    problems += _determined(model, known)
    return problems, found


def _known_figures(known: frozenset[int]) -> set[float]:
    """What the reader reads by name (staff their own institution, a reviewer the assigned
    ones' material): every report figure and metric value of theirs, every year."""
    figures: set[float] = set()
    for row in AnnualReport.objects.filter(institution__in=known).values_list(*REPORT_FIELD_CODES):
        figures.update(float(v) for v in row if v is not None)
    figures.update(
        MetricValue.objects.filter(institution__in=known, value__isnull=False).values_list(
            "value", flat=True
        )
    )
    return figures


def _determined(model: Model, known: frozenset[int]) -> list[str]:
    """Solve exactly: no figure of an institution the reader does not know, no sum of two
    such figures (same year and figure), and no institution's operand over its window
    (a cumulative or rolling sum of its own figures) may follow from the equations."""
    knowledge = Knowledge()
    unknowns = {u for row in model.equations for u in row}
    unknowns |= {u for _pk, _q, row in model.operands for u in row}
    for unknown in unknowns:
        if unknown[0] in known:
            knowledge.add({unknown: 1})
    for row in model.equations:
        knowledge.add(row)
    by_quantity: dict[tuple, list] = {}
    for unknown in sorted((u for u in unknowns if u[0] not in known), key=repr):
        by_quantity.setdefault(unknown[1:], []).append(unknown)
    problems = []
    for group in by_quantity.values():
        problems += [
            f"determined: {leak}" for leak in determined_small_sums(knowledge, group, below=3)
        ]
    for pk, quantity, row in model.operands:
        if pk not in known and len(row) > 1 and knowledge.determines(row):
            problems.append(f"determined: {quantity} operand of {pk} over {sorted(row)}")
    return problems


def _tied(model: Model, tables, known: frozenset[int]) -> list[str]:
    """A shown median or quintile boundary that is a member's own value ties that value's
    (anonymised) ranking row to every group showing it: named when those groups share
    one institution the reader does not know (tied_order_statistics lists the exact
    matches; the registry's intersection decides whether one names someone)."""
    problems = []
    groups = {where: members for _q, where, _v, members in model.order_stats}
    for code, found_values in tables.values.items():
        shown = [(where, value) for q, where, value, _m in model.order_stats if q == code]
        values = {pk: Fraction(v[0]) for pk, v in found_values.items() if pk not in known}
        for value, _pk in tied_order_statistics(shown, groups, values):
            showing = [set(groups[w]) for w, v in shown if v == value]
            common = set.intersection(*showing) - known
            if len(common) == 1:
                problems.append(f"tied: {code} {float(value)} names {common}")
    return problems


@pytest.mark.parametrize("country", [_demo, _generated], ids=["demo", "generated"])
def test_disclosure_audit_of_everything_reached_finds_nothing(
    db, client_for, mext_official, country
):
    """Viewer, reviewer and TLO staff, one after the other on the same data (the demo is
    loaded once: the three roles take seconds)."""
    fiscal_year = country()
    readers, known = _readers(fiscal_year, mext_official)
    found_problems = {}
    for role, user in readers.items():
        user.amount_unit = "yen"
        user.save(update_fields=["amount_unit"])
        benchmark = user.institutions.first().code if role == "staff" else None
        material = []
        if role == "reviewer":  # the assigned institutions' material, while scoring
            cycle = ReviewCycle.objects.get(fiscal_year=fiscal_year)
            set_stage(cycle, Stage.SCORING)
            material = [
                f"/reviews/{fiscal_year}/institutions/{a.entry.institution.code}/"
                for a in Assignment.objects.filter(reviewer=user).select_related(
                    "entry__institution"
                )
            ]
        client = client_for(user)
        problems, found = _audit(
            client, user, frozenset(known[role]), fiscal_year, benchmark, material
        )
        assert found.pages >= 5 + (role == "staff"), role  # dashboard, metric pages, benchmark
        found_problems[role] = problems
    assert found_problems == {"viewer": [], "reviewer": [], "staff": []}


def test_operands_over_their_windows_are_the_engines_on_the_demo(db):
    """The audit writes each metric's operands over their windows (the year, three years,
    every year up to it, with the lineage) itself: on the demo they come to the stored
    numerators and denominators of every defined value of the year."""
    fiscal_year = _demo()
    series = load_series()
    predecessors = predecessors_map(
        ConsolidationEvent.objects.values_list("predecessor_id", "successor_id")
    )
    definitions = {d.pk: d for d in MetricDefinition.objects.all()}
    checked = 0
    for value in MetricValue.objects.filter(
        fiscal_year=fiscal_year, status=ValueStatus.DEFINED, numerator__isnull=False
    ):
        definition = definitions[value.definition_id]
        formula = definition.formula()
        if formula.combination == Combination.MEAN:
            continue  # its stored denominator is a count of figures
        for operand, stored in (
            (formula.numerator, value.numerator),
            (formula.denominator, value.denominator),
        ):
            if operand is None:
                continue
            _row, total = _operand(
                series, predecessors, value.institution_id, definition, operand, fiscal_year
            )
            assert float(total) == pytest.approx(stored), (definition.code, value.institution_id)
            checked += 1
    windows = {d.formula().denominator.window for d in definitions.values() if d.has_denominator}
    assert Window.CUMULATIVE in windows
    assert checked > 500


def test_a_cumulative_sum_of_one_institution_is_found():
    """A cumulative total over the nation and one over a region of three others give the
    fourth institution's licences over both years, though no single year's figure and no
    pair of one year follows."""
    nation = {(pk, year, "licences_granted"): 1 for pk in (1, 2, 3, 4) for year in (2009, 2010)}
    region = {(pk, year, "licences_granted"): 1 for pk in (1, 2, 3) for year in (2009, 2010)}
    fourth = {(4, year, "licences_granted"): 1 for year in (2009, 2010)}
    model = Model(equations=[nation], operands=[(4, "commercialisation_rate", fourth)])
    assert _determined(model, frozenset()) == []
    model.equations.append(region)
    assert _determined(model, frozenset()) == [
        f"determined: commercialisation_rate operand of 4 over {sorted(fourth)}"
    ]
    assert _determined(model, frozenset({4})) == []  # staff of the fourth know it


def test_numbers_inside_public_names_are_not_figures():
    assert list(text_numbers("テストTLO255: 49.6%", ["テストTLO255"])) == [49.6]
    assert list(text_numbers("テストTLO255: 49.6%")) == [255.0, 49.6]
