"""Consolidation scenarios: combined metrics computed by hand from the members' reports."""

import datetime
from decimal import Decimal

import pytest

from institutions.enums import ConsolidationKind, InstitutionKind
from institutions.models import ConsolidationEvent
from reviews.enums import ScenarioKind
from reviews.selectors.scenarios import COMBINED, ScenarioSpec, compute_scenario, script_rows
from tests.factories import InstitutionFactory
from tests.metrics.metric_builders import accepted_report, licence

COSTS = {"other_costs": 0, "other_income": 0}


@pytest.fixture
def merger(institution_a, institution_b):
    """A reports FY2008–2010; B reports FY2009–2010 (not 2008), and B absorbed P, whose
    FY2007 report granted 10 licences."""
    predecessor = InstitutionFactory(code="TLO-PRE")
    ConsolidationEvent.objects.create(
        predecessor=predecessor,
        successor=institution_b,
        kind=ConsolidationKind.MERGER,
        occurred_on=datetime.date(2008, 4, 1),
    )
    accepted_report(predecessor, 2007, licences_granted=10, commercialisations=1)
    for year in (2008, 2009):
        accepted_report(
            institution_a,
            year,
            licences_granted=4,
            licence_income=1_000_000,
            personnel_costs=2_000_000,
            patent_costs=1_000_000,
            commercialisations=1,
        )
    report_a = accepted_report(
        institution_a,
        2010,
        licences_granted=5,
        licence_income=30_000_000,
        personnel_costs=20_000_000,
        patent_costs=10_000_000,
        commercialisations=2,
        patent_applications=20,
        **COSTS,
    )
    licence(report_a, "A-1", 12_000_000)
    accepted_report(
        institution_b,
        2009,
        licences_granted=6,
        licence_income=1_000_000,
        personnel_costs=1_000_000,
        patent_costs=1_000_000,
        commercialisations=0,
    )
    report_b = accepted_report(
        institution_b,
        2010,
        licences_granted=3,
        licence_income=10_000_000,
        personnel_costs=40_000_000,
        patent_costs=10_000_000,
        commercialisations=3,
        patent_applications=30,
        **COSTS,
    )
    licence(report_b, "B-1", 15_000_000)
    licence(report_b, "B-2", 5_000_000)
    return ScenarioSpec(
        fiscal_year=2010,
        kind=ScenarioKind.MERGER,
        member_ids=(institution_a.pk, institution_b.pk),
    )


def value(result, code, year, who=COMBINED):
    line = next(line for line in result.lines if line.definition.code == code)
    cell = line.years[year]
    return cell.combined if who == COMBINED else cell.members[who]


def test_merger_ratio_is_recomputed_from_summed_operands(merger):
    result = compute_scenario(merger)
    # (30M + 10M) / (20M + 10M + 40M + 10M) = 40 / 80
    assert value(result, "return_on_cost", 2010).value == 0.5
    # licences: (5 + 3) / (20 + 30)
    assert value(result, "licence_rate", 2010).value == 8 / 50


def test_merger_cumulative_operand_follows_each_members_lineage(merger):
    result = compute_scenario(merger)
    # commercialisations 2010: 2 + 3; licences cumulative to 2010:
    # A 4 + 4 + 5, B 6 + 3, and B's predecessor P 10 → 32
    assert value(result, "commercialisation_rate", 2010).value == 5 / 32


def test_merger_pools_licence_rows_once(merger):
    result = compute_scenario(merger)
    # A-1 (12M) and B-1 (15M) reach the ¥10M threshold; B-2 (5M) does not.
    assert value(result, "home_run_licences", 2010).value == 2


def test_merger_year_with_a_member_missing_is_not_defined(merger, institution_b):
    result = compute_scenario(merger)
    cell = next(line for line in result.lines if line.definition.code == "return_on_cost")
    assert cell.years[2008].combined.value is None
    assert cell.years[2008].missing == [institution_b.name_ja]
    # A's own value is still shown: 1M / 3M
    assert cell.years[2008].members[merger.member_ids[0]].value == 1 / 3


def test_merger_saved_costs_apply_to_return_on_cost(merger):
    spec = ScenarioSpec(**{**merger.__dict__, "saved_costs_percent": Decimal(25)})
    result = compute_scenario(spec)
    cell = next(line for line in result.lines if line.definition.code == "return_on_cost")
    # 25 % of 80M saved: 40M / 60M; the plain combined value is unchanged.
    assert cell.years[2010].with_saved_costs == 40 / 60
    assert cell.years[2010].combined.value == 0.5


def test_merger_script_rows_have_members_and_combined(merger, institution_a):
    result = compute_scenario(merger)
    rows = [r for r in script_rows(result) if r[0] == "return_on_cost" and r[2] == 2010]
    assert rows == [
        ("return_on_cost", "TLO-AAA", 2010, 1),
        ("return_on_cost", "TLO-BBB", 2010, Decimal("0.2")),
        ("return_on_cost", COMBINED, 2010, Decimal("0.5")),
    ]


def test_internalisation_without_hq_reports_is_the_tlos_own(institution_a):
    hq = InstitutionFactory(code="HQ-AAA", kind=InstitutionKind.IP_HEADQUARTERS, tlo_type="")
    accepted_report(
        institution_a,
        2010,
        licence_income=30_000_000,
        personnel_costs=20_000_000,
        patent_costs=10_000_000,
    )
    spec = ScenarioSpec(
        fiscal_year=2010,
        kind=ScenarioKind.INTERNALISATION,
        member_ids=(institution_a.pk,),
        ip_headquarters_id=hq.pk,
    )
    result = compute_scenario(spec)
    assert value(result, "return_on_cost", 2010).value == 1.0
    assert any(hq.name_ja in note for note in result.notes)


def test_internalisation_adds_the_hqs_figures(institution_a):
    hq = InstitutionFactory(code="HQ-AAA", kind=InstitutionKind.IP_HEADQUARTERS, tlo_type="")
    accepted_report(
        institution_a,
        2010,
        licence_income=30_000_000,
        personnel_costs=20_000_000,
        patent_costs=10_000_000,
    )
    accepted_report(
        hq, 2010, licence_income=6_000_000, personnel_costs=10_000_000, patent_costs=2_000_000
    )
    spec = ScenarioSpec(
        fiscal_year=2010,
        kind=ScenarioKind.INTERNALISATION,
        member_ids=(institution_a.pk,),
        ip_headquarters_id=hq.pk,
    )
    result = compute_scenario(spec)
    # (30M + 6M) / (30M + 12M)
    assert value(result, "return_on_cost", 2010).value == 36 / 42
    # 2009: neither reports, so nothing is defined
    assert value(result, "return_on_cost", 2009).value is None
    assert value(result, "return_on_cost", 2010, who=hq.pk).value == 0.5


def test_consolidation_scenario_command_writes_the_same_rows(merger, institution_a):
    import csv
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("consolidation_scenario", "--fy", "2010", "--merge", "TLO-AAA,TLO-BBB", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["metric_code", "institution_code", "fiscal_year", "value"]
    assert ["return_on_cost", "combined", "2010", "0.5"] in rows
    assert ["return_on_cost", "combined", "2008", ""] in rows
    assert ["return_on_cost", "TLO-AAA", "2010", "1"] in rows


@pytest.mark.parametrize(
    "arguments",
    [
        ["--merge", "TLO-AAA"],
        ["--merge", "TLO-AAA,NOPE"],
        ["--internalise", "TLO-AAA"],
        ["--merge", "TLO-AAA,TLO-BBB", "--saved-costs", "abc"],
        ["--merge", "TLO-AAA,TLO-BBB", "--into", "TLO-PRE"],
        [],
    ],
)
def test_consolidation_scenario_command_refuses_bad_arguments(merger, arguments):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("consolidation_scenario", "--fy", "2010", *arguments)


def test_merger_notes_name_each_missing_member_with_its_years(merger, institution_a, institution_b):
    from django.utils import translation

    with translation.override("ja"):
        notes = compute_scenario(merger).notes
    a, b = institution_a.name_ja, institution_b.name_ja
    assert notes == [
        f"2006年度(平成18年度)、2007年度(平成19年度): {a}、{b}の受理済み年度報告がないため、"
        "統合後の機関の値は算出できません。",
        f"2008年度(平成20年度): {b}の受理済み年度報告がないため、統合後の機関の値は算出できません。",
    ]
