"""The one fixed set of tables anonymised readers get aggregates from (issue #14).

Per fiscal year and kind of institution: the nation, each region, each TLO type and each
specialisation (one dimension at a time, never a combination), for every additive report
total and every metric. Each quantity's cells go through statistical disclosure control
together (metrics.calculations.disclosure.suppress): primary suppression of a cell of
fewer than SMALL_GROUP_THRESHOLD institutions the reader does not already know, or one
dominated by a single institution (DISCLOSURE_DOMINANCE of its total); secondary
suppression until nothing withheld follows from what is shown, the national total and
the other tables included.

What the reader knows by name is given by the caller: TLO staff their own institutions,
reviewers the institutions assigned to them (that rule lives in reviews, so the higher
apps pass it in). Pages, charts, downloads, the peer benchmark and the hearing sheet all
ask these tables whether a group may be shown; a cell withheld for one quantity of the
report totals withholds that group's totals together (withholding more never gives
anything away).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings

from core.cache import cached_data, current_data_version, page_cache_key
from institutions.enums import Role
from institutions.models import Institution

from ..anonymity import is_withheld, small_group_threshold
from ..calculations.disclosure import Cell, suppress
from ..enums import ReportState, ValueStatus
from ..models import AnnualReport, MetricDefinition, MetricValue
from .metric_values import own_institution_ids

NATIONAL = "national"
REGION = "region"
TLO_TYPE = "tlo_type"
SPECIALISATION = "specialisation"
# The fixed tables, by the position of their dimension in an institution's groups.
TABLES = (NATIONAL, REGION, TLO_TYPE, SPECIALISATION)

# The report figures that the pages add up (the dashboard's totals).
REPORT_TOTALS = (
    "patent_applications",
    "patents_granted",
    "licences_granted",
    "licence_income",
    "commercialisations",
    "joint_research_count",
    "joint_research_income",
)

CellKey = tuple[str, str]  # (table, group): ("region", "kanto"), ("national", "")


def dominance_share() -> Fraction:
    """DISCLOSURE_DOMINANCE: a cell where one institution makes up more than this share
    of the total is withheld."""
    return Fraction(str(getattr(settings, "DISCLOSURE_DOMINANCE", 0.8)))


def reader_known_ids(user) -> frozenset[int] | None:
    """What this app can tell a reader knows by name: TLO staff their own institutions,
    others nothing. None for reviewers, whose assigned institutions only reviews can list
    (reviews.selectors.disclosure.known_institution_ids): a page in this app shows them
    no aggregate."""
    if user.is_authenticated and user.role == Role.REVIEWER:
        return None
    return frozenset(own_institution_ids(user))


@dataclass(frozen=True)
class Published:
    """One number shown to an anonymised reader, for the disclosure audit: which cell, of
    which quantity, which statistic, and who stands behind it."""

    table: str
    group: str
    quantity: str  # a report figure code or a metric code
    statistic: str  # total, pooled, median, count
    members: frozenset[int]
    value: float | None


@dataclass
class YearTables:
    """The fixed tables of one fiscal year and kind, suppressed for one reader."""

    fiscal_year: int
    kind: str
    known: frozenset[int]
    groups: dict[int, tuple[str, str, str]]  # institution → region, TLO type, specialisation
    # quantity → cell → members standing behind it (withheld or not)
    members: dict[str, dict[CellKey, frozenset[int]]] = field(default_factory=dict)
    withheld: dict[str, set[CellKey]] = field(default_factory=dict)
    values: dict[str, dict[int, tuple[float, float | None, float | None]]] = field(
        default_factory=dict
    )
    figures: dict[str, dict[int, int]] = field(default_factory=dict)

    def shown(self, quantity: str, table: str, group: str = "") -> bool:
        """Whether the cell of this quantity may be shown (False for an unknown cell)."""
        cell = (table, group)
        if cell not in self.members.get(quantity, {}):
            return False
        return cell not in self.withheld.get(quantity, set())

    def totals_shown(self, table: str, group: str = "") -> bool:
        """The report totals of a group are shown together or not at all."""
        found = [q for q in REPORT_TOTALS if (table, group) in self.members.get(q, {})]
        return bool(found) and all(self.shown(q, table, group) for q in found)

    def metrics_shown(self, codes: Iterable[str], table: str, group: str = "") -> bool:
        return all(self.shown(code, table, group) for code in codes if code in self.values)

    def distribution_shown(self, code: str, table: str, group: str = "") -> bool:
        """Order statistics of a group (median, quintile boundaries): shown when at least
        the small-group threshold of its members are unknown to the reader. They are not
        sums, so secondary suppression does not concern them. Smoothed
        (metrics.calculations.smoothed_quantile), they are not picked from one member,
        but may equal one's value (evenly spaced values): that such a match names no
        institution is the disclosure audit's check (tied_order_statistics)."""
        members = self.members.get(code, {}).get((table, group), frozenset())
        return not is_withheld(len(members), known=len(members & self.known))

    def distributions_shown(self, codes: Iterable[str], table: str, group: str = "") -> bool:
        return all(
            self.distribution_shown(code, table, group) for code in codes if code in self.values
        )

    def metric_members(self, code: str, table: str, group: str = "") -> frozenset[int]:
        return self.members.get(code, {}).get((table, group), frozenset())


def group_of(groups: tuple[str, str, str], table: str) -> str | None:
    """The institution's group in a table ("" for the nation; None when it has none)."""
    if table == NATIONAL:
        return ""
    value = groups[TABLES.index(table) - 1]
    return value or None


def fixed_cells(
    groups: dict[int, tuple[str, str, str]], figures: dict[int, float | int | None]
) -> list[Cell]:
    """The cells of every fixed table over the institutions that have a figure."""
    by_cell: dict[CellKey, dict[int, Fraction | None]] = defaultdict(dict)
    for pk, figure in figures.items():
        if pk not in groups:
            continue
        # Whole figures stay int (exact, and many times faster than Fraction to add up).
        value = figure if figure is None or isinstance(figure, int) else Fraction(str(figure))
        for key in _cell_keys(groups[pk]):
            by_cell[key][pk] = value
    return [Cell(table, group, members) for (table, group), members in by_cell.items()]


@functools.lru_cache(maxsize=4096)
def _cell_keys(groups: tuple[str, str, str]) -> tuple[CellKey, ...]:
    """The cells an institution of these groups stands in, one per fixed table."""
    found = ((table, group_of(groups, table)) for table in TABLES)
    return tuple((table, group) for table, group in found if group is not None)


def suppressed_cells(
    groups: dict[int, tuple[str, str, str]],
    figures: dict[int, float | int | None],
    *,
    known: frozenset[int],
    threshold: int,
    dominance: Fraction | None,
) -> tuple[dict[CellKey, frozenset[int]], set[CellKey]]:
    """(cell → members, withheld cells) of one quantity across the fixed tables."""
    cells = fixed_cells(groups, figures)
    result = suppress(
        cells, threshold=threshold, known=known, dominance=dominance, protect=[(NATIONAL, "")]
    )
    members = {(c.table, c.group): frozenset(c.members) for c in result.cells}
    withheld = {(c.table, c.group) for c in result.cells if c.withheld}
    return members, withheld


def institution_groups(kind: str) -> dict[int, tuple[str, str, str]]:
    """Institution id → (region code, TLO type, specialisation): the public registry."""
    return {
        pk: (region or "", tlo_type or "", specialisation or "")
        for pk, region, tlo_type, specialisation in Institution.objects.filter(
            kind=kind
        ).values_list("pk", "region__code", "tlo_type", "specialisation")
    }


def tables_by_year(
    *,
    kind: str,
    known: Iterable[int],
    fiscal_years: Iterable[int] | None = None,
    metric_year: int | None = None,
    metric_codes: Sequence[str] | None = None,
) -> dict[int, YearTables]:
    """The fixed tables of the report totals for each fiscal year with accepted reports
    (or those asked for), and of the metrics (all, or `metric_codes`) for `metric_year`.
    Three queries whatever the number of institutions or years."""
    known = frozenset(known)
    groups = institution_groups(kind)
    threshold = small_group_threshold()
    dominance = dominance_share()
    reports = AnnualReport.objects.filter(state=ReportState.ACCEPTED, institution__kind=kind)
    if fiscal_years is not None:
        reports = reports.filter(fiscal_year__in=list(fiscal_years))
    figures: dict[int, dict[str, dict[int, int]]] = defaultdict(
        lambda: {code: {} for code in REPORT_TOTALS}
    )
    for fiscal_year, pk, *row in reports.order_by().values_list(
        "fiscal_year", "institution_id", *REPORT_TOTALS
    ):
        for code, value in zip(REPORT_TOTALS, row, strict=True):
            if value is not None:
                figures[fiscal_year][code][pk] = int(value)
    years = set(figures) | ({metric_year} if metric_year is not None else set())
    tables = {
        year: YearTables(year, kind, known, groups, figures=figures.get(year, {}))
        for year in sorted(years)
    }
    version = current_data_version()
    for table in tables.values():
        # A year's report totals are the same whichever year's page asks (the trends ask
        # for every year): suppressed once per data version, reader and year.
        table.members, table.withheld = cached_data(
            page_cache_key(
                "disclosure-report-totals",
                (kind, known, table.fiscal_year, threshold, str(dominance)),
                version=version,
            ),
            lambda table=table: _suppressed_totals(table, threshold, dominance),
        )
    if metric_year is not None:
        table = tables[metric_year]
        table.values = metric_year_values(metric_year, kind, metric_codes)
        for code, found in table.values.items():
            table.members[code], table.withheld[code] = suppressed_cells(
                groups,
                {pk: _dominant_part(v) for pk, v in found.items()},
                known=known,
                threshold=threshold,
                dominance=dominance,
            )
    return tables


def _suppressed_totals(
    table: YearTables, threshold: int, dominance: Fraction | None
) -> tuple[dict[str, dict[CellKey, frozenset[int]]], dict[str, set[CellKey]]]:
    members: dict[str, dict[CellKey, frozenset[int]]] = {}
    withheld: dict[str, set[CellKey]] = {}
    for code, found in table.figures.items():
        members[code], withheld[code] = suppressed_cells(
            table.groups, found, known=table.known, threshold=threshold, dominance=dominance
        )
    return members, withheld


def year_tables(
    *, fiscal_year: int, kind: str, known: Iterable[int], metric_codes: Sequence[str] | None = None
) -> YearTables:
    """The fixed tables of one fiscal year: report totals and metrics."""
    return tables_by_year(
        kind=kind,
        known=known,
        fiscal_years=[fiscal_year],
        metric_year=fiscal_year,
        metric_codes=metric_codes,
    )[fiscal_year]


def national_cell_withheld(
    *, code: str, fiscal_year: int | None, kind: str, known: frozenset[int] | None
) -> bool:
    """Whether a metric's national cell is withheld from a reader who knows `known` by
    name; None (a reviewer, seen from this app) withholds it."""
    if known is None:
        return True
    if fiscal_year is None:
        return False
    tables = year_tables(fiscal_year=fiscal_year, kind=kind, known=known, metric_codes=[code])
    return not tables.shown(code, NATIONAL)


def metric_year_values(
    fiscal_year: int, kind: str, codes: Sequence[str] | None = None
) -> dict[str, dict[int, tuple[float, float | None, float | None]]]:
    """Metric code → institution → (value, numerator, denominator), defined values only."""
    definitions = MetricDefinition.objects.all()
    if codes is not None:
        definitions = definitions.filter(code__in=list(codes))
    by_id = dict(definitions.values_list("pk", "code"))
    found: dict[str, dict[int, tuple[float, float | None, float | None]]] = {
        code: {} for code in by_id.values()
    }
    for definition_id, pk, value, numerator, denominator in (
        MetricValue.objects.filter(
            definition_id__in=list(by_id),
            fiscal_year=fiscal_year,
            institution__kind=kind,
            status=ValueStatus.DEFINED,
            value__isnull=False,
        )
        .order_by()
        .values_list("definition_id", "institution_id", "value", "numerator", "denominator")
    ):
        found[by_id[definition_id]][pk] = (value, numerator, denominator)
    return found


def _dominant_part(value: tuple[float, float | None, float | None]) -> float | None:
    """What one institution contributes to a pooled value: its numerator (licence income
    in a return on cost), whose share of the group's numerator is the dominance test;
    a negative or missing numerator takes no part in it."""
    _value, numerator, _denominator = value
    if numerator is None or numerator < 0:
        return 0
    return numerator


def published_numbers(tables: YearTables) -> list[Published]:
    """Every aggregate the tables let a reader see, for the disclosure audit."""
    found = []
    for quantity, cells in tables.members.items():
        for (table, group), members in cells.items():
            if not tables.shown(quantity, table, group):
                continue
            if quantity in tables.figures:
                total = sum(tables.figures[quantity][pk] for pk in members)
                found.append(Published(table, group, quantity, "total", members, total))
            else:
                found.append(Published(table, group, quantity, "pooled", members, None))
    return found
