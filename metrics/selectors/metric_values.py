"""The queries behind the metric pages, the institution page's metrics and the exports.

Every function here runs a fixed number of queries whatever the number of institutions
or fiscal years; the pure work (ranking, aggregates, provenance) is in calculations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from institutions.enums import InstitutionKind, TloType
from institutions.models import Institution

from ..anonymity import is_withheld, small_group_threshold, withheld_groups
from ..calculations import (
    Aggregate,
    ValueRow,
    aggregate,
    anonymised_label,
    anonymised_letters,
    format_value,
    plain_number,
    rank,
)
from ..calculations.distributions import group_median
from ..display import kind_prefix, value_display
from ..enums import Combination, ReportState, ValueStatus
from ..models import LicenceAgreement, MetricDefinition, MetricValue
from .satisfaction import satisfaction_sources, uses_satisfaction

# ---------------------------------------------------------------------------------------
# Definitions


def metric_catalogue() -> QuerySet[MetricDefinition]:
    return MetricDefinition.objects.order_by("order", "code")


def metric_definition(*, code: str) -> MetricDefinition:
    """Raises MetricDefinition.DoesNotExist for an unknown code."""
    return MetricDefinition.objects.get(code=code)


# ---------------------------------------------------------------------------------------
# One metric across institutions: ranking and aggregates


@dataclass(frozen=True)
class RankingRow:
    rank: int
    label: str
    value: float
    display: str
    institution: Institution | None  # None in an anonymised ranking
    is_own: bool = False  # the reader's own institution, marked for TLO staff
    source: str = ""  # satisfaction values: 「自己申告」 or the survey (selectors.satisfaction)


@dataclass(frozen=True)
class RankingTable:
    definition: MetricDefinition
    fiscal_year: int
    rows: list[RankingRow]
    ranked: int
    excluded: int
    anonymised: bool
    letters_used: int  # letters this table took, for the next table of the same publication


@dataclass(frozen=True)
class AggregateRow:
    group: str
    aggregate: Aggregate
    pooled_display: str
    median_display: str
    # Too few institutions for an anonymised reader (SPEC §4): no value is shown.
    withheld: bool = False

    @property
    def pooled(self) -> float | None:
        return None if self.withheld else self.aggregate.pooled

    @property
    def median(self) -> float | None:
        return None if self.withheld else self.aggregate.median


@dataclass(frozen=True)
class MetricPage:
    definition: MetricDefinition
    fiscal_year: int | None
    fiscal_years: list[int]
    kind: str
    ranking: RankingTable | None
    national: AggregateRow | None
    by_region: list[AggregateRow] = field(default_factory=list)
    by_type: list[AggregateRow] = field(default_factory=list)
    source_note: str = ""  # satisfaction values: what the year's values are


def own_institution_ids(user) -> list[int]:
    """The institutions a TLO staff member reports for, to mark in anonymised rankings."""
    if not user.is_authenticated or not user.is_tlo_staff:
        return []
    return list(user.memberships.values_list("institution_id", flat=True))


def metric_fiscal_years(*, definition: MetricDefinition) -> list[int]:
    """Fiscal years with values for this metric, newest first."""
    return list(
        MetricValue.objects.filter(definition=definition)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def _values_of(definition: MetricDefinition, fiscal_year: int, kind: str) -> list[MetricValue]:
    return list(
        MetricValue.objects.filter(
            definition=definition, fiscal_year=fiscal_year, institution__kind=kind
        )
        .select_related("institution__region")
        .order_by("institution__code")
    )


def _ranking(
    definition: MetricDefinition,
    fiscal_year: int,
    values: Sequence[MetricValue],
    *,
    kind: str,
    top: int | None,
    anonymise: bool,
    letter_start: int = 0,
    own_institution_ids: Iterable[int] = (),
    row_source: Callable[[int, bool], str] | None = None,
) -> RankingTable:
    by_institution = {v.institution_id: v for v in values}
    ranking = rank(
        ((v.institution_id, v.value if v.is_defined else None) for v in values),
        higher_is_better=definition.higher_is_better,
        top=top,
        tie_order=lambda institution_id: by_institution[institution_id].institution.code,
    )
    own = set(own_institution_ids)
    letters = anonymised_letters(len(ranking.rows), start=letter_start)
    prefix = kind_prefix(kind)
    language = get_language() or "ja"
    rows = []
    for ranked, letter in zip(ranking.rows, letters, strict=True):
        institution = by_institution[ranked.key].institution
        if anonymise:
            label = anonymised_label(prefix, letter)
        elif language.startswith("en") and institution.name_en:
            label = institution.name_en
        else:
            label = institution.name_ja
        rows.append(
            RankingRow(
                rank=ranked.rank,
                label=label,
                value=ranked.value,
                display=format_value(ranked.value, definition.unit),
                institution=None if anonymise else institution,
                is_own=institution.pk in own,
                source=row_source(institution.pk, not anonymise or institution.pk in own)
                if row_source
                else "",
            )
        )
    return RankingTable(
        definition=definition,
        fiscal_year=fiscal_year,
        rows=rows,
        ranked=ranking.ranked,
        excluded=ranking.excluded,
        anonymised=anonymise,
        letters_used=len(rows),
    )


def withheld_text() -> str:
    return _("Withheld: fewer than %(count)s institutions") % {"count": small_group_threshold()}


def _aggregate_row(
    group: str, rows: list[MetricValue], definition: MetricDefinition, *, withhold: bool
):
    result = aggregate(
        (ValueRow(v.status, v.value, v.numerator, v.denominator) for v in rows),
        definition.combination,
    )
    if withhold and is_withheld(result.included):
        return AggregateRow(group, result, withheld_text(), withheld_text(), withheld=True)
    if withhold and result.median is not None:
        # An anonymised reader's median is the mean of the three middle values, so that it
        # is never one ranked institution's own figure (metrics.calculations.distributions).
        defined = [v.value for v in rows if v.status == ValueStatus.DEFINED and v.value is not None]
        result = replace(result, median=group_median(defined, anonymised=True))
    return AggregateRow(
        group=group,
        aggregate=result,
        pooled_display=value_display(
            result.pooled,
            ValueStatus.DEFINED if result.pooled is not None else ValueStatus.MISSING,
            definition.unit,
        ),
        median_display=value_display(
            result.median,
            ValueStatus.DEFINED if result.median is not None else ValueStatus.MISSING,
            definition.unit,
        ),
    )


def _aggregates(definition: MetricDefinition, values: Sequence[MetricValue], *, withhold: bool):
    """National, by region and by TLO type. With `withhold` (an anonymised reader),
    groups standing on fewer than SMALL_GROUP_THRESHOLD institutions show no value; for
    totals, which add up to the national figure, the next-smallest group too
    (metrics.calculations.anonymity)."""
    language = get_language() or "ja"
    national = _aggregate_row(_("National"), list(values), definition, withhold=withhold)
    regions: dict[int, list[MetricValue]] = defaultdict(list)
    region_of = {}
    types: dict[str, list[MetricValue]] = defaultdict(list)
    for value in values:
        region = value.institution.region
        if region is not None:
            regions[region.pk].append(value)
            region_of[region.pk] = region
        if value.institution.tlo_type:
            types[value.institution.tlo_type].append(value)
    by_region = [
        _aggregate_row(
            region_of[pk].name_en if language.startswith("en") else region_of[pk].name_ja,
            regions[pk],
            definition,
            withhold=withhold,
        )
        for pk in sorted(regions, key=lambda pk: (region_of[pk].order, region_of[pk].code))
    ]
    by_type = [
        _aggregate_row(str(tlo_type.label), types[tlo_type.value], definition, withhold=withhold)
        for tlo_type in TloType
        if tlo_type.value in types
    ]
    if withhold and definition.combination in ADDITIVE:
        by_region = _withhold_complement(by_region)
        by_type = _withhold_complement(by_type)
    return national, by_region, by_type


# Combinations whose pooled group values add up to the national one.
ADDITIVE = (Combination.TOTAL, Combination.DIFFERENCE)


def _withhold_complement(rows: list[AggregateRow]) -> list[AggregateRow]:
    positions = withheld_groups([row.aggregate.included for row in rows], additive_total=True)
    return [
        replace(row, pooled_display=withheld_text(), median_display=withheld_text(), withheld=True)
        if i in positions
        else row
        for i, row in enumerate(rows)
    ]


def metric_page(
    *,
    definition: MetricDefinition,
    fiscal_year: int | None = None,
    kind: str = InstitutionKind.APPROVED_TLO,
    top: int | None = None,
    anonymise: bool = True,
    own_institution_ids: Iterable[int] = (),
    national_withheld: bool = False,
) -> MetricPage:
    """A metric's ranking and aggregates for one fiscal year (the latest by default).

    A satisfaction metric's rows say where each value came from (self-reported, or the
    survey's size and response rate, those of other TLOs only to named readers).

    Anonymised (issue #14): the national ranking and the national cell only, the cell
    withheld when the caller says so (metrics.selectors.disclosure.national_cell_withheld,
    for what the reader knows); groups by region and type are the dashboard's. Two queries
    whatever the number of institutions, three for a satisfaction metric.
    """
    fiscal_years = metric_fiscal_years(definition=definition)
    if fiscal_year is None and fiscal_years:
        fiscal_year = fiscal_years[0]
    if fiscal_year is None:
        return MetricPage(definition, None, fiscal_years, kind, None, None)
    values = _values_of(definition, fiscal_year, kind)
    row_source, source_note = None, ""
    if uses_satisfaction(definition):
        row_source, source_note = _satisfaction_row_source(fiscal_year)
    ranking = _ranking(
        definition,
        fiscal_year,
        values,
        kind=kind,
        top=top,
        anonymise=anonymise,
        own_institution_ids=own_institution_ids,
        row_source=row_source,
    )
    national, by_region, by_type = _aggregates(definition, values, withhold=anonymise)
    if anonymise:
        by_region, by_type = [], []
        if national_withheld:
            national = replace(
                national,
                pooled_display=withheld_text(),
                median_display=withheld_text(),
                withheld=True,
            )
    return MetricPage(
        definition,
        fiscal_year,
        fiscal_years,
        kind,
        ranking,
        national,
        by_region,
        by_type,
        source_note=source_note,
    )


def _satisfaction_row_source(fiscal_year: int) -> tuple[Callable[[int, bool], str], str]:
    """Each row's source, and the year's note. An anonymised reader sees the survey's size
    and response rate of their own TLO only (the survey shows TLO staff nothing more)."""
    sources = satisfaction_sources()

    def row_source(institution_id: int, may_see: bool) -> str:
        if may_see or sources.is_self_reported(fiscal_year):
            return sources.source(institution_id, fiscal_year)
        return _("customer survey")

    return row_source, sources.year_note(fiscal_year)


def ranking_table(
    *,
    definition: MetricDefinition,
    fiscal_year: int,
    kind: str = InstitutionKind.APPROVED_TLO,
    top: int | None = None,
    anonymise: bool = True,
    letter_start: int = 0,
) -> RankingTable:
    """One metric's ranking; anonymised labels start `letter_start` letters after A."""
    values = _values_of(definition, fiscal_year, kind)
    return _ranking(
        definition,
        fiscal_year,
        values,
        kind=kind,
        top=top,
        anonymise=anonymise,
        letter_start=letter_start,
    )


def ranking_tables(
    *,
    codes: Sequence[str],
    fiscal_year: int,
    kind: str = InstitutionKind.APPROVED_TLO,
    top: int | None = 10,
    anonymise: bool = True,
) -> list[RankingTable]:
    """Several rankings published together, lettered in one run as in the seed's 参考2-1.

    The seed's three tables run A–J, K–T, U–Z and A–D: each table's letters continue
    from the previous table's, wrapping after Z.
    """
    definitions = {d.code: d for d in MetricDefinition.objects.filter(code__in=codes)}
    values_by_definition: dict[int, list[MetricValue]] = defaultdict(list)
    for value in (
        MetricValue.objects.filter(
            definition__in=definitions.values(), fiscal_year=fiscal_year, institution__kind=kind
        )
        .select_related("institution__region")
        .order_by("institution__code")
    ):
        values_by_definition[value.definition_id].append(value)
    tables = []
    letters_used = 0
    for code in codes:
        definition = definitions[code]
        table = _ranking(
            definition,
            fiscal_year,
            values_by_definition[definition.pk],
            kind=kind,
            top=top,
            anonymise=anonymise,
            letter_start=letters_used,
        )
        letters_used += table.letters_used
        tables.append(table)
    return tables


# ---------------------------------------------------------------------------------------
# Exports for scripts


def metric_export_rows(*, fiscal_year: int) -> list[tuple[str, int, str, int | Decimal | None]]:
    """(institution_code, fiscal_year, metric_code, value) for every value of the year.

    Values are plain numbers (ratios as fractions: 7.117 for 711.7%), empty when not
    defined; rows are ordered by institution code and the catalogue's order.
    """
    return [
        (institution_code, fiscal_year, metric_code, plain_number(value))
        for institution_code, metric_code, value in MetricValue.objects.filter(
            fiscal_year=fiscal_year
        )
        .order_by("institution__code", "definition__order", "definition__code")
        .values_list("institution__code", "definition__code", "value")
    ]


def home_run_counts(
    *, fiscal_year: int, threshold: int, institution_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Institution id → licence detail rows with income ≥ threshold in accepted reports.

    For a review cycle that sets its own home-run threshold; one query.
    """
    licences = LicenceAgreement.objects.filter(
        report__state=ReportState.ACCEPTED, report__fiscal_year=fiscal_year
    )
    if institution_ids is not None:
        licences = licences.filter(report__institution_id__in=list(institution_ids))
    rows = (
        licences.order_by()
        .values("report__institution_id")
        .annotate(home_runs=Count("id", filter=Q(income__gte=threshold)))
    )
    return {row["report__institution_id"]: row["home_runs"] for row in rows}
