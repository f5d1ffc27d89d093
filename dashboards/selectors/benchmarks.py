"""The peer benchmark of one institution (SPEC §6, after the UK Knowledge Exchange
Framework): its value on every metric against its region, its TLO type, the nation and
its size peers, by median and quintile. Peers are never named for anonymised readers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from institutions.models import Institution
from metrics.calculations import (
    group_median,
    group_quintiles,
    nearest_peers,
    quintile_of,
)
from metrics.enums import ReportState
from metrics.models import AnnualReport, MetricDefinition, MetricValue
from metrics.selectors.disclosure import NATIONAL, REGION, TLO_TYPE, year_tables

from .national import SIZE_PEERS, Audience, institutions_of_kind, year_values

# ---------------------------------------------------------------------------------------
# The peer benchmark of one institution


@dataclass(frozen=True)
class PeerGroup:
    """One comparison group on one metric."""

    key: str  # region, tlo_type, nation, size
    label: str
    institutions: int  # with a defined value, the institution itself included
    median: float | None
    quintiles: list[float | None]  # 20th, 40th, 60th, 80th percentiles
    quintile: int | None  # where the institution stands: 1 = best fifth … 5
    withheld: bool = False


@dataclass(frozen=True)
class MetricBenchmark:
    definition: MetricDefinition
    value: float | None
    groups: list[PeerGroup]


@dataclass
class Benchmark:
    institution: Institution
    audience: Audience
    fiscal_years: list[int]
    fiscal_year: int | None
    metrics: list[MetricBenchmark] = field(default_factory=list)
    size_peers: list[str] = field(default_factory=list)  # names, for named readers only
    group_sizes: dict[str, int] = field(default_factory=dict)


def benchmark_fiscal_years(institution: Institution) -> list[int]:
    return list(
        MetricValue.objects.filter(institution=institution)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def peer_benchmark(*, institution: Institution, fiscal_year: int | None, user) -> Benchmark:
    """The institution on every metric against its region, its TLO type, the nation (its
    kind of institution) and its size peers (the ten nearest in total costs that year):
    median, quintile boundaries and the fifth it stands in, as the KEF shows. Six queries."""
    audience = Audience.of(user)
    fiscal_years = benchmark_fiscal_years(institution)
    if fiscal_year is None and fiscal_years:
        fiscal_year = fiscal_years[0]
    board = Benchmark(institution, audience, fiscal_years, fiscal_year)
    if fiscal_year is None:
        return board
    population = institutions_of_kind(institution.kind)
    definitions = list(MetricDefinition.objects.order_by("order", "code"))
    values = year_values(fiscal_year, definitions)
    sizes = _total_costs(institution.kind, fiscal_year)
    peers = set(nearest_peers(institution.pk, sizes, count=SIZE_PEERS))
    own = population[institution.pk]
    members = {
        "region": {
            pk for pk, i in population.items() if own.region_id and i.region_id == own.region_id
        },
        "tlo_type": {
            pk for pk, i in population.items() if own.cell[1] and i.cell[1] == own.cell[1]
        },
        "nation": set(population),
        "size": peers | {institution.pk} if peers else set(),
    }
    labels = {
        "region": _("Region"),
        "tlo_type": _("TLO type"),
        "nation": _("Nation"),
        "size": _("Size peers (10 nearest in total costs)"),
    }
    board.group_sizes = {key: len(pks) for key, pks in members.items()}
    # Anonymised readers: a group's distribution only where the fixed tables show it to
    # them (metrics.selectors.disclosure); size peers are no fixed table, so never.
    tables = None
    if audience.anonymised:
        tables = year_tables(
            fiscal_year=fiscal_year,
            kind=institution.kind,
            known=audience.known | {institution.pk},
        )
    cell_of = {
        "nation": (NATIONAL, ""),
        "region": (REGION, own.cell[0]),
        "tlo_type": (TLO_TYPE, own.cell[1]),
    }
    if audience.named:
        board.size_peers = sorted(population[pk].name() for pk in peers)
    for definition in definitions:
        found = values.get(definition.code, {})
        own_value = found[institution.pk][0] if institution.pk in found else None
        groups = []
        for key, pks in members.items():
            if not pks:
                continue
            group_values = [found[pk][0] for pk in pks if pk in found]
            # The institution knows its own value: the others must reach the threshold.
            # An empty group shows the anonymised reader the withheld text, as before.
            known = 1 if own_value is not None else 0
            withheld = audience.withholds(len(group_values), known=known) or (
                audience.anonymised and not group_values
            )
            if tables is not None:
                withheld = key not in cell_of or not tables.distribution_shown(
                    definition.code, *cell_of[key]
                )
            if withheld or not group_values:
                groups.append(
                    PeerGroup(key, labels[key], len(group_values), None, [None] * 4, None, withheld)
                )
                continue
            groups.append(
                PeerGroup(
                    key,
                    labels[key],
                    len(group_values),
                    group_median(group_values, anonymised=audience.anonymised),
                    group_quintiles(group_values, anonymised=audience.anonymised),
                    None
                    if own_value is None
                    else quintile_of(
                        own_value, group_values, higher_is_better=definition.higher_is_better
                    ),
                )
            )
        board.metrics.append(MetricBenchmark(definition, own_value, groups))
    return board


def _total_costs(kind: str, fiscal_year: int) -> dict[int, float]:
    """Institution id → personnel + patent + other costs in the year (reports giving all three)."""
    rows = AnnualReport.objects.filter(
        state=ReportState.ACCEPTED,
        fiscal_year=fiscal_year,
        institution__kind=kind,
        personnel_costs__isnull=False,
        patent_costs__isnull=False,
        other_costs__isnull=False,
    ).values_list("institution_id", "personnel_costs", "patent_costs", "other_costs")
    return {pk: float(a + b + c) for pk, a, b, c in rows}
