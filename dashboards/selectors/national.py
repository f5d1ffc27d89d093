"""The queries behind the dashboards (SPEC §6): the national overview and the peer benchmark.

A fixed number of queries whatever the number of institutions or fiscal years: report
figures are summed in SQL per fiscal year and cell (region × TLO type × specialisation),
metric values of one fiscal year are read as plain tuples, and everything else (views,
groups, rankings, medians) is put together in memory. What an anonymised reader may not
see is decided here, once, so that the charts, their hover text, their tables and their
CSV downloads all show the same thing:

- a filtered view standing on fewer than SMALL_GROUP_THRESHOLD institutions, or one that
  the views next to it would give away by subtraction, is withheld whole
  (metrics.anonymity.view_withheld);
- region and TLO-type groups under the threshold are withheld, and for totals (which add
  up to the view's total) the next-smallest group too (metrics.anonymity.withheld_groups);
- medians and quintiles are smoothed (calculations.smoothed_quantile), so that none is
  one institution's own value that could be matched to a row of an anonymised ranking;
- institutions appear only as the seed's letters (承認TLO (A)), continued across the
  rankings of one page so that a letter links no two tables; the quadrant has no labels;
- a TLO's own benchmark shows a group only when it holds at least the threshold of
  *other* institutions, and never a peer's value.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from institutions.enums import InstitutionKind, Specialisation, TloType
from institutions.fiscal_years import format_fiscal_year
from institutions.models import Institution, Region
from metrics.anonymity import is_withheld, small_group_threshold, view_withheld, withheld_groups
from metrics.calculations import (
    NO_REPORT,
    anonymised_label,
    anonymised_letters,
    group_median,
    rank,
)
from metrics.display import kind_prefix
from metrics.enums import ReportState, ValueStatus
from metrics.models import AnnualReport, MetricDefinition, MetricValue
from metrics.permissions import can_view_named_metrics
from metrics.selectors.coverage import Coverage as MetricsCoverage
from metrics.selectors.coverage import existed_in, round_expectations
from metrics.selectors.disclosure import NATIONAL, REGION, TLO_TYPE, YearTables, tables_by_year
from metrics.selectors.metric_values import own_institution_ids
from metrics.selectors.satisfaction import satisfaction_sources, uses_satisfaction
from reviews.selectors.disclosure import known_institution_ids
from reviews.selectors.quadrant import quadrant_points

from .reference_data import (
    Approvals,
    Consolidation,
    SurveyRow,
    TopLicenceIncome,
    approvals_by_type,
    consolidations,
    ip_hq_survey,
    japan_us_top_licence_income,
)

# The national overview's totals (SPEC §6), in the order the page shows them.
TOTAL_FIELDS = (
    "patent_applications",
    "patents_granted",
    "licences_granted",
    "licence_income",
    "commercialisations",
    "joint_research_count",
    "joint_research_income",
)
AMOUNT_FIELDS = ("licence_income", "joint_research_income")
# The seed's three indicators (参考2-1), side by side as in the seed.
SEED_RANKINGS = ("return_on_cost", "commercialisation_rate", "licence_rate")
# Medians shown per region and TLO type.
GROUP_MEDIANS = (
    "return_on_cost",
    "licence_rate",
    "commercialisation_rate",
    "joint_research_income_per_agreement",
)
BALANCE = "operating_balance"
RANKING_TOP = 10
SIZE_PEERS = 10
DASHBOARD_KINDS = (
    InstitutionKind.APPROVED_TLO,
    InstitutionKind.CERTIFIED_TLO,
    InstitutionKind.IP_HEADQUARTERS,
)


# ---------------------------------------------------------------------------------------
# Who is looking, and what they asked for


@dataclass(frozen=True)
class Audience:
    """What the reader may see: named data (officials, administrators) or anonymised.

    `known`: the institutions whose figures the reader knows by name (staff their own,
    reviewers their assigned ones), which no group figure may let them subtract
    (metrics.selectors.disclosure). Anything cached per audience must key on it."""

    named: bool
    threshold: int
    own_ids: frozenset[int] = frozenset()
    known: frozenset[int] = frozenset()

    @classmethod
    def of(cls, user) -> Audience:
        named = can_view_named_metrics(user)
        return cls(
            named=named,
            own_ids=frozenset(own_institution_ids(user)),
            threshold=small_group_threshold(),
            known=frozenset() if named else known_institution_ids(user),
        )

    @property
    def anonymised(self) -> bool:
        return not self.named

    def withholds(self, count: int, *, known: int = 0) -> bool:
        """Whether an aggregate over `count` institutions, `known` of them the reader's
        own, is withheld from this reader (metrics.anonymity.is_withheld)."""
        return self.anonymised and is_withheld(count, known=known, threshold=self.threshold)


@dataclass(frozen=True)
class DashboardFilters:
    fiscal_year: int | None = None
    region: str = ""
    tlo_type: str = ""
    specialisation: str = ""
    kind: str = InstitutionKind.APPROVED_TLO
    metric: str = ""  # one more ranking, besides the seed's three

    def view(self) -> dict[int, str]:
        """The chosen filters by their position in a cell's key."""
        chosen = (self.region, self.tlo_type, self.specialisation)
        return {position: value for position, value in enumerate(chosen) if value}

    def matches(self, cell: tuple[str, str, str]) -> bool:
        return (
            (not self.region or cell[0] == self.region)
            and (not self.tlo_type or cell[1] == self.tlo_type)
            and (not self.specialisation or cell[2] == self.specialisation)
        )


# ---------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Coverage:
    """On how many institutions' accepted reports the figures stand: 46機関中44機関."""

    accepted: int
    expected: int

    @property
    def complete(self) -> bool:
        """Most expected institutions reported: the one rule of metrics.selectors.coverage."""
        return MetricsCoverage(expected=self.expected, reported=self.accepted).majority


@dataclass(frozen=True)
class Total:
    code: str
    value: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        """Year-on-year change as a fraction (0.12 for +12%); None when not defined."""
        if self.value is None or not self.previous:
            return None
        return (self.value - self.previous) / self.previous


@dataclass(frozen=True)
class Balance:
    surplus: int
    deficit: int
    not_defined: int


@dataclass(frozen=True)
class RankingEntry:
    rank: int
    label: str
    value: float
    is_own: bool = False
    source: str = ""  # satisfaction values: 「自己申告」 or the survey (issue #18)


@dataclass(frozen=True)
class Ranking:
    definition: MetricDefinition
    entries: list[RankingEntry]
    ranked: int
    excluded: int
    no_report: int = 0
    source_label: str = ""  # satisfaction values: the year's short mark
    source_note: str = ""  # and what the year's values are


@dataclass(frozen=True)
class GroupRow:
    """A region or TLO type in the chosen fiscal year: totals and medians."""

    key: str
    label: str
    institutions: int
    totals: dict[str, float | None]
    medians: dict[str, float | None]
    totals_withheld: bool = False
    medians_withheld: bool = False


@dataclass(frozen=True)
class TrendPoint:
    fiscal_year: int
    institutions: int
    totals: dict[str, float | None]  # None when withheld or nothing reported
    withheld: bool = False
    expected: int = 0  # institutions expected to report that year (0: not judged)

    @property
    def complete(self) -> bool:
        """Most expected institutions reported (the one rule, metrics.selectors.coverage);
        a year not judged counts as complete."""
        if not self.expected:
            return True
        return MetricsCoverage(expected=self.expected, reported=self.institutions).majority

    def per(self, numerator: str, denominator: str) -> float | None:
        top, bottom = self.totals.get(numerator), self.totals.get(denominator)
        if self.withheld or top is None or not bottom:
            return None
        return top / bottom


@dataclass(frozen=True)
class GroupTrend:
    key: str
    label: str
    points: list[TrendPoint]


@dataclass(frozen=True)
class QuadrantPoint:
    label: str
    return_on_cost: float
    regional_necessity: float
    licence_income: float | None
    category: str
    is_own: bool = False


@dataclass(frozen=True)
class Quadrant:
    cycle: str
    fiscal_year: int
    points: list[QuadrantPoint]
    not_defined: int  # institutions of the cycle without a return on cost that year


@dataclass
class NationalDashboard:
    filters: DashboardFilters
    audience: Audience
    fiscal_years: list[int]
    fiscal_year: int | None
    coverage: Coverage | None
    withheld: bool  # the whole view, for an anonymised reader
    previous_coverage: Coverage | None = None  # the year before, for the change on it
    totals: list[Total] = field(default_factory=list)
    balance: Balance | None = None
    rankings: list[Ranking] = field(default_factory=list)
    by_region: list[GroupRow] = field(default_factory=list)
    by_type: list[GroupRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    region_trends: list[GroupTrend] = field(default_factory=list)
    type_trends: list[GroupTrend] = field(default_factory=list)
    quadrant: Quadrant | None = None
    approvals: Approvals | None = None
    consolidations: list[Consolidation] = field(default_factory=list)
    definitions: dict[str, MetricDefinition] = field(default_factory=dict)
    top_licence_income: list[TopLicenceIncome] = field(default_factory=list)
    survey: list[SurveyRow] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Loading (a fixed number of queries)


class InstitutionRow(NamedTuple):
    """An institution as the dashboards need it (a thousand per page: a light tuple)."""

    pk: int
    code: str
    name_ja: str
    name_en: str
    cell: tuple[str, str, str]  # region code, TLO type, specialisation
    region_id: int | None
    approval_fy: int | None
    status: str
    revoked_on: datetime.date | None

    def name(self) -> str:
        language = get_language() or "ja"
        return self.name_en if language.startswith("en") and self.name_en else self.name_ja

    def expected_in(self, fiscal_year: int, rounds: dict[int, frozenset[int]]) -> bool:
        """Expected to report for the year, by the one rule of metrics.selectors.coverage:
        the year's collection round if there is one, else the registry."""
        if fiscal_year in rounds:
            return self.pk in rounds[fiscal_year]
        return existed_in(
            fiscal_year,
            approval_fy=self.approval_fy,
            status=self.status,
            revoked_on=self.revoked_on,
        )


def institutions_of_kind(kind: str) -> dict[int, InstitutionRow]:
    rows = Institution.objects.filter(kind=kind).values_list(
        "pk",
        "code",
        "name_ja",
        "name_en",
        "region__code",
        "tlo_type",
        "specialisation",
        "region_id",
        "approval_fy",
        "status",
        "revoked_on",
    )
    return {
        pk: InstitutionRow(
            pk, code, ja, en, (region or "", tlo_type or "", spec or ""), region_id, fy, st, rev
        )
        for pk, code, ja, en, region, tlo_type, spec, region_id, fy, st, rev in rows
    }


@dataclass
class _Cell:
    reports: int = 0
    sums: dict[str, float | None] = field(default_factory=dict)


def _cells(kind: str, region_codes: dict[int, str]) -> dict[int, dict[tuple[str, str, str], _Cell]]:
    """Fiscal year → cell → accepted reports and the sums of the total figures.

    One aggregate query in the database (20,000 reports become a few hundred rows), read
    with a plain cursor."""
    query = (
        AnnualReport.objects.filter(state=ReportState.ACCEPTED, institution__kind=kind)
        .values(
            "fiscal_year",
            "institution__region_id",
            "institution__tlo_type",
            "institution__specialisation",
        )
        .annotate(reports=Count("id"), **{code: Sum(code) for code in TOTAL_FIELDS})
        .order_by()
        .values_list(
            "fiscal_year",
            "institution__region_id",
            "institution__tlo_type",
            "institution__specialisation",
            "reports",
            *TOTAL_FIELDS,
        )
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    cells: dict[int, dict[tuple[str, str, str], _Cell]] = defaultdict(dict)
    for fiscal_year, region_id, tlo_type, specialisation, reports, *sums in rows:
        key = (region_codes.get(region_id, ""), tlo_type or "", specialisation or "")
        cells[fiscal_year][key] = _Cell(
            reports,
            # PostgreSQL sums bigint columns as numeric: whole numbers either way.
            {
                code: None if sums[i] is None else int(sums[i])
                for i, code in enumerate(TOTAL_FIELDS)
            },
        )
    return cells


def year_values(fiscal_year: int, definitions: Iterable[MetricDefinition]) -> dict[str, dict]:
    """Metric code → institution id → (value, numerator, denominator); defined values only.

    One query on the values' natural key (definition, fiscal year)."""
    by_id = {d.pk: d.code for d in definitions}
    found: dict[str, dict[int, tuple[float, float | None, float | None]]] = {
        code: {} for code in by_id.values()
    }
    query = (
        MetricValue.objects.filter(
            definition_id__in=list(by_id), fiscal_year=fiscal_year, status=ValueStatus.DEFINED
        )
        .order_by()
        .values_list("definition_id", "institution_id", "value", "numerator", "denominator")
    )
    # A plain cursor: thousands of float tuples need none of the ORM's converters.
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for definition_id, institution_id, value, numerator, denominator in rows:
        found[by_id[definition_id]][institution_id] = (value, numerator, denominator)
    return found


def _sum_cells(cells: dict[tuple[str, str, str], _Cell], keep) -> tuple[int, dict]:
    reports = 0
    sums: dict[str, float | None] = dict.fromkeys(TOTAL_FIELDS)
    for key, cell in cells.items():
        if not keep(key):
            continue
        reports += cell.reports
        for code, value in cell.sums.items():
            if value is not None:
                sums[code] = (sums[code] or 0) + value
    return reports, sums


def _counts(cells: dict[tuple[str, str, str], _Cell]) -> dict[tuple[str, ...], int]:
    return {key: cell.reports for key, cell in cells.items()}


# ---------------------------------------------------------------------------------------
# The national overview


def dashboard_fiscal_years(cells: dict[int, dict]) -> list[int]:
    return sorted(cells, reverse=True)


def default_fiscal_year(
    cells: dict[int, dict],
    institutions: dict[int, InstitutionRow],
    filters: DashboardFilters,
    rounds: dict[int, frozenset[int]],
) -> int | None:
    """The latest fiscal year for which most expected institutions (of the view) have
    accepted reports; the latest with any accepted report when no year has most (the
    rule of metrics.selectors.coverage, judged in memory over the view's cells)."""
    years = dashboard_fiscal_years(cells)
    for fiscal_year in years:
        coverage = _coverage(cells, institutions, filters, fiscal_year, rounds)
        if coverage.expected and coverage.accepted * 2 > coverage.expected:
            return fiscal_year
    return years[0] if years else None


def _coverage(cells, institutions, filters: DashboardFilters, fiscal_year: int, rounds) -> Coverage:
    accepted, _sums = _sum_cells(cells.get(fiscal_year, {}), filters.matches)
    expected = sum(
        1
        for i in institutions.values()
        if filters.matches(i.cell) and i.expected_in(fiscal_year, rounds)
    )
    # Reports of institutions the registry no longer expects (revoked earlier) still count.
    return Coverage(accepted=accepted, expected=max(expected, accepted))


def national_dashboard(*, filters: DashboardFilters, user) -> NationalDashboard:
    """Everything the national dashboard shows, for this reader. A fixed handful of
    queries (plus the review's quadrant, reviews.selectors.quadrant), whatever the number
    of institutions or fiscal years.

    An anonymised reader gets no filtered view (FilteredViewRefused): their aggregates come
    from the fixed tables of metrics.selectors.disclosure, suppressed for what they know."""
    audience = Audience.of(user)
    if audience.anonymised and filters.view():
        raise FilteredViewRefused
    institutions = institutions_of_kind(filters.kind)
    regions = _regions()
    cells = _cells(filters.kind, {pk: code for pk, code, _label in regions})
    fiscal_years = dashboard_fiscal_years(cells)
    rounds = round_expectations()
    fiscal_year = filters.fiscal_year or default_fiscal_year(cells, institutions, filters, rounds)
    if fiscal_year is not None and fiscal_year not in fiscal_years:
        # A year asked for in the URL without reports: still the one the page shows.
        fiscal_years = sorted([*fiscal_years, fiscal_year], reverse=True)
    definitions = {d.code: d for d in MetricDefinition.objects.all()}
    board = NationalDashboard(
        filters=filters,
        audience=audience,
        fiscal_years=fiscal_years,
        fiscal_year=fiscal_year,
        coverage=None,
        withheld=False,
        definitions=definitions,
    )
    board.approvals = approvals_by_type()
    board.consolidations = consolidations()
    board.top_licence_income = japan_us_top_licence_income()
    board.survey = ip_hq_survey()
    if fiscal_year is None:
        return board

    board.coverage = _coverage(cells, institutions, filters, fiscal_year, rounds)
    year_cells = cells.get(fiscal_year, {})
    wanted = [*SEED_RANKINGS, *GROUP_MEDIANS, BALANCE]
    if filters.metric in definitions and filters.metric not in wanted:
        wanted.append(filters.metric)
    tables = None
    if audience.anonymised:
        tables = tables_by_year(
            kind=filters.kind, known=audience.known, metric_year=fiscal_year, metric_codes=wanted
        )
    board.withheld = _view_withheld(year_cells, filters, audience, tables, fiscal_year)
    region_labels = [(code, label) for _pk, code, label in regions]
    # The trend ends at the year shown (by default the latest year most expected institutions
    # reported); each year carries its coverage so that charts mark incomplete ones.
    board.trend = [
        replace(p, expected=_coverage(cells, institutions, filters, p.fiscal_year, rounds).expected)
        for p in _trend(cells, filters, audience, tables)
        if p.fiscal_year <= fiscal_year
    ]
    board.region_trends, board.type_trends = (
        [replace(g, points=[p for p in g.points if p.fiscal_year <= fiscal_year]) for g in trends]
        for trends in _group_trends(cells, filters, audience, region_labels, tables)
    )
    if board.withheld:
        return board

    _count, current = _sum_cells(year_cells, filters.matches)
    _count, previous = _sum_cells(cells.get(fiscal_year - 1, {}), filters.matches)
    previous_withheld = _view_withheld(
        cells.get(fiscal_year - 1, {}), filters, audience, tables, fiscal_year - 1
    )
    board.previous_coverage = _coverage(cells, institutions, filters, fiscal_year - 1, rounds)
    board.totals = [
        Total(code, current[code], None if previous_withheld else previous[code])
        for code in TOTAL_FIELDS
    ]

    in_view = {pk for pk, i in institutions.items() if filters.matches(i.cell)}
    values = year_values(
        fiscal_year, [definitions[c] for c in dict.fromkeys(wanted) if c in definitions]
    )
    for code in values:
        values[code] = {pk: v for pk, v in values[code].items() if pk in in_view}

    board.balance = _balance(values.get(BALANCE, {}), board.coverage.accepted)
    board.rankings = _rankings(
        [c for c in (*SEED_RANKINGS, filters.metric) if c in definitions],
        definitions,
        values,
        institutions,
        filters,
        audience,
        fiscal_year,
        expected_ids=frozenset(
            pk for pk, i in institutions.items() if i.expected_in(fiscal_year, rounds)
        ),
    )
    year_tables = tables[fiscal_year] if tables else None
    board.by_region = _groups(
        year_cells,
        values,
        institutions,
        filters,
        audience,
        dimension=0,
        labels=region_labels,
        tables=year_tables,
    )
    board.by_type = _groups(
        year_cells,
        values,
        institutions,
        filters,
        audience,
        dimension=1,
        labels=_type_labels(),
        tables=year_tables,
    )
    board.quadrant = _quadrant(
        fiscal_year, values, definitions, institutions, filters, audience, user
    )
    return board


class FilteredViewRefused(Exception):
    """An anonymised reader asked for a view filtered by region, type or specialisation."""


def filtered_view_refused_text() -> str:
    return _("Views filtered by region, TLO type or specialisation are for officials only.")


def _view_withheld(
    year_cells,
    filters: DashboardFilters,
    audience: Audience,
    tables: dict[int, YearTables] | None = None,
    fiscal_year: int | None = None,
) -> bool:
    if audience.named:
        return False
    if tables is not None:
        # The national cell of the year's fixed tables (anonymised readers have no filters).
        year = tables.get(fiscal_year)
        return bool(year_cells) and (year is None or not year.totals_shown(NATIONAL))
    counts = _counts(year_cells)
    if not filters.view():
        return audience.withholds(sum(counts.values()))
    return view_withheld(counts, filters.view(), threshold=audience.threshold)


def _balance(values: dict[int, tuple], reports: int) -> Balance:
    surplus = sum(1 for value, _n, _d in values.values() if value >= 0)
    deficit = len(values) - surplus
    return Balance(surplus=surplus, deficit=deficit, not_defined=max(reports - len(values), 0))


def _rankings(
    codes,
    definitions,
    values,
    institutions,
    filters: DashboardFilters,
    audience: Audience,
    fiscal_year: int,
    expected_ids: frozenset[int] = frozenset(),
) -> list[Ranking]:
    """Top ten per metric; anonymised labels continue from one table to the next, as the
    seed letters its three tables in one run (a letter names no institution).

    A satisfaction metric's entries say where each value came from, the survey's size
    and response rate to named readers and for the reader's own TLO only (one query)."""
    prefix = kind_prefix(filters.kind)
    sources = None
    if any(uses_satisfaction(definitions[code]) for code in codes):
        sources = satisfaction_sources()
    rankings = []
    letters_used = 0
    in_view = [pk for pk, i in institutions.items() if filters.matches(i.cell)]
    for code in dict.fromkeys(codes):
        definition = definitions[code]
        found = values.get(code, {})
        # The one rule (metrics.calculations.rank): a value, not defined (None), or expected
        # without an accepted report (NO_REPORT); institutions not expected are not counted.
        ranked = rank(
            (
                (pk, found[pk][0] if pk in found else NO_REPORT)
                for pk in in_view
                if pk in found or pk in expected_ids
            ),
            higher_is_better=definition.higher_is_better,
            top=RANKING_TOP,
            tie_order=lambda pk: institutions[pk].code,
        )
        letters = anonymised_letters(len(ranked.rows), start=letters_used)
        letters_used += len(ranked.rows)
        about_satisfaction = sources is not None and uses_satisfaction(definition)
        entries = []
        for row, letter in zip(ranked.rows, letters, strict=True):
            own = row.key in audience.own_ids
            if audience.named:
                label = institutions[row.key].name()
            else:
                label = anonymised_label(prefix, letter)
                if own:
                    label = _("%(label)s — your institution") % {"label": label}
            source = ""
            if about_satisfaction:
                source = sources.source_for(row.key, fiscal_year, may_see=audience.named or own)
            entries.append(RankingEntry(row.rank, label, row.value, own, source))
        ranking = Ranking(definition, entries, ranked.ranked, ranked.excluded, ranked.no_report)
        if about_satisfaction:
            ranking = replace(
                ranking,
                source_label=sources.kind_label(fiscal_year),
                source_note=sources.year_note(fiscal_year),
            )
        rankings.append(ranking)
    return rankings


def _regions() -> list[tuple[int, str, str]]:
    """(id, code, name in the reader's language) of every region, in display order."""
    english = (get_language() or "ja").startswith("en")
    return [
        (pk, code, en if english else ja)
        for pk, code, ja, en in Region.objects.order_by("order", "code").values_list(
            "pk", "code", "name_ja", "name_en"
        )
    ]


def _type_labels() -> list[tuple[str, str]]:
    return [(t.value, str(t.label)) for t in TloType]


def _groups(
    year_cells,
    values,
    institutions,
    filters,
    audience: Audience,
    *,
    dimension: int,
    labels,
    tables: YearTables | None = None,
) -> list[GroupRow]:
    """Totals and medians per region (dimension 0) or TLO type (1), within the view."""
    rows = []
    group_of = {pk: i.cell[dimension] for pk, i in institutions.items()}
    by_group: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for code in GROUP_MEDIANS:
        for pk, value in values.get(code, {}).items():  # already within the view
            by_group[code][group_of[pk]].append(value[0])
    for key, label in labels:

        def keep(cell, key=key):
            return filters.matches(cell) and cell[dimension] == key

        reports, sums = _sum_cells(year_cells, keep)
        medians = {
            code: group_median(by_group[code][key], anonymised=audience.anonymised)
            for code in GROUP_MEDIANS
        }
        rows.append(GroupRow(key, label, reports, sums, medians))
    if audience.anonymised and tables is not None:
        table = (REGION, TLO_TYPE)[dimension]
        rows = [
            GroupRow(
                row.key,
                row.label,
                row.institutions,
                row.totals if totals_shown else dict.fromkeys(row.totals),
                row.medians if medians_shown else dict.fromkeys(row.medians),
                totals_withheld=not totals_shown,
                medians_withheld=not medians_shown,
            )
            for row in rows
            for totals_shown in [tables.totals_shown(table, row.key)]
            for medians_shown in [tables.distributions_shown(GROUP_MEDIANS, table, row.key)]
        ]
    elif audience.anonymised:
        counts = [row.institutions for row in rows]
        small = withheld_groups(counts, threshold=audience.threshold)
        additive = withheld_groups(counts, threshold=audience.threshold, additive_total=True)
        rows = [
            GroupRow(
                row.key,
                row.label,
                row.institutions,
                dict.fromkeys(row.totals) if i in additive else row.totals,
                dict.fromkeys(row.medians) if i in small else row.medians,
                totals_withheld=i in additive,
                medians_withheld=i in small,
            )
            for i, row in enumerate(rows)
        ]
    return [row for row in rows if row.institutions]


def _trend(cells, filters: DashboardFilters, audience: Audience, tables=None) -> list[TrendPoint]:
    points = []
    for fiscal_year in sorted(cells):
        reports, sums = _sum_cells(cells[fiscal_year], filters.matches)
        withheld = _view_withheld(cells[fiscal_year], filters, audience, tables, fiscal_year)
        if withheld:
            sums = dict.fromkeys(sums)
        points.append(TrendPoint(fiscal_year, reports, sums, withheld))
    return points


def _group_trends(
    cells, filters, audience: Audience, region_labels, tables=None
) -> tuple[list, list]:
    """Per region and per TLO type, over the fiscal years, within the view: one pass over
    each year's cells."""
    result = []
    for dimension, labels in ((0, region_labels), (1, _type_labels())):
        series: dict[str, list[TrendPoint]] = {key: [] for key, _label in labels}
        for fiscal_year in sorted(cells):
            year_cells = cells[fiscal_year]
            view_hidden = _view_withheld(year_cells, filters, audience, tables, fiscal_year)
            reports: dict[str, int] = defaultdict(int)
            sums: dict[str, dict[str, float | None]] = defaultdict(
                lambda: dict.fromkeys(TOTAL_FIELDS)
            )
            for key, cell in year_cells.items():
                if not filters.matches(key):
                    continue
                group = key[dimension]
                reports[group] += cell.reports
                totals = sums[group]
                for code, value in cell.sums.items():
                    if value is not None:
                        totals[code] = (totals[code] or 0) + value
            counts = [reports[key] for key, _label in labels]
            hidden: set[int] = set()
            if audience.anonymised and tables is not None:
                table = (REGION, TLO_TYPE)[dimension]
                hidden = {
                    i
                    for i, (key, _label) in enumerate(labels)
                    # A year whose accepted reports give no totals has no fixed table.
                    if counts[i]
                    and (
                        fiscal_year not in tables
                        or not tables[fiscal_year].totals_shown(table, key)
                    )
                }
            elif audience.anonymised:
                hidden = withheld_groups(counts, threshold=audience.threshold, additive_total=True)
            for i, (key, _label) in enumerate(labels):
                withheld = view_hidden or i in hidden
                totals = dict.fromkeys(TOTAL_FIELDS) if withheld else sums[key]
                series[key].append(TrendPoint(fiscal_year, counts[i], totals, withheld))
        result.append(
            [
                GroupTrend(key, label, series[key])
                for key, label in labels
                if any(p.institutions for p in series[key])
            ]
        )
    return result[0], result[1]


def _quadrant(
    fiscal_year, values, definitions, institutions, filters, audience, user
) -> Quadrant | None:
    """Return on cost against the regional-necessity score of the latest review cycle,
    (reviews.selectors.quadrant). None when the review has nothing for this reader."""
    if "return_on_cost" not in definitions:
        return None
    found = quadrant_points(user=user)
    if not found or not found.get("points"):
        return None
    cycle_year = int(found["fiscal_year"])
    if cycle_year == fiscal_year:
        returns = values.get("return_on_cost", {})
    else:
        returns = year_values(cycle_year, [definitions["return_on_cost"]])["return_on_cost"]
    points = []
    not_defined = 0
    for point in found["points"]:
        pk = point["institution_id"]
        institution = institutions.get(pk)
        if institution is None or not filters.matches(institution.cell):
            continue
        if pk not in returns:
            not_defined += 1
            continue
        value, licence_income, _costs = returns[pk]
        own = pk in audience.own_ids
        label = institution.name() if audience.named else (_("your institution") if own else "")
        points.append(
            QuadrantPoint(
                label=label,
                return_on_cost=value,
                regional_necessity=float(point["regional_necessity"]),
                licence_income=licence_income,
                category=str(point["category"]),
                is_own=own,
            )
        )
    if audience.withholds(len(points)):
        points = []
    return Quadrant(str(found["cycle"]), cycle_year, points, not_defined)


# ---------------------------------------------------------------------------------------
# The page around the charts


def filter_choices() -> dict:
    """The filters' choices: regions and metrics from the database (two queries)."""
    language = get_language() or "ja"
    english = language.startswith("en")
    regions = [
        (code, en if english else ja)
        for code, ja, en in Region.objects.order_by("order", "code").values_list(
            "code", "name_ja", "name_en"
        )
    ]
    metrics = [(d.code, d.name) for d in MetricDefinition.objects.order_by("order", "code")]
    return {"regions": regions, "metrics": metrics, "kinds": DASHBOARD_KINDS}


@dataclass(frozen=True)
class FilterBadge:
    """An active filter, shown as a badge whose link removes it."""

    label: str
    value: str
    remove_query: str


def filter_badges(filters: DashboardFilters, query, *, choices: dict | None = None) -> list:
    choices = choices or {}
    regions = dict(choices.get("regions") or Region.objects.values_list("code", "name_ja"))
    names = {
        "fy": (_("fiscal year"), lambda v: _format_fy(v)),
        "region": (_("region"), lambda v: regions.get(v, v)),
        "tlo_type": (_("TLO type"), lambda v: str(TloType(v).label)),
        "specialisation": (_("specialisation"), lambda v: str(Specialisation(v).label)),
        "kind": (_("kind"), lambda v: str(InstitutionKind(v).label)),
        "metric": (_("ranking of"), lambda v: v),
    }
    values = {
        "fy": filters.fiscal_year,
        "region": filters.region,
        "tlo_type": filters.tlo_type,
        "specialisation": filters.specialisation,
        "kind": "" if filters.kind == InstitutionKind.APPROVED_TLO else filters.kind,
        "metric": filters.metric,
    }
    badges = []
    for key, value in values.items():
        if not value:
            continue
        remaining = query.copy()
        for dropped in (key, "download"):
            remaining.pop(dropped, None)
        label, show = names[key]
        badges.append(FilterBadge(label, show(value), remaining.urlencode()))
    return badges


def _format_fy(value) -> str:
    return format_fiscal_year(int(value))


def benchmark_links(user) -> list[tuple[str, str]]:
    """(code, name) of the institutions whose benchmark a TLO staff member may open."""
    if not user.is_authenticated or not user.is_tlo_staff:
        return []
    language = get_language() or "ja"
    return [
        (code, en if language.startswith("en") and en else ja)
        for code, ja, en in user.institutions.order_by("code").values_list(
            "code", "name_ja", "name_en"
        )
    ]
