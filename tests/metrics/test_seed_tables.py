"""The seed's three published top-10 tables (参考2-1), reproduced from accepted reports.

46 approved TLOs report FY2009 (and FY2008, for the cumulative licences of the
commercialisation rate). The first ten carry the seed's published values; the other
36 rank lower, and three have a value that is not defined. The anonymised rankings
must match data/seed_ranking_tables.csv line by line, letters included: A–J, K–T,
then U–Z and A–D, as the seed letters its three tables in one run.

The seed prints licence_rate ranks 6 and 7 both as 100.0% with different ranks. The
rule that reproduces it: rank on the unrounded values and print them rounded to one
decimal. Here rank 6 is 4,001 licences for 4,000 applications (100.025%) and rank 7
is 1,000 for 1,000 (100%).
"""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from metrics.selectors.metric_values import ranking_tables
from metrics.services.metric_values import recompute_metric_values
from tests.factories import InstitutionFactory
from tests.metrics.metric_builders import accepted_report

pytestmark = pytest.mark.django_db

SEED_TABLES = Path(settings.BASE_DIR) / "institutions" / "data" / "seed_ranking_tables.csv"
CUMULATIVE_LICENCES = 10_000
COSTS = 10_000_000  # personnel 8,000,000 + patent-related 2,000,000

# The top ten: (licence income ¥, commercialisations, licences granted in FY2009,
# patent applications in FY2009). Licences of FY2008 make up the cumulative 10,000.
TOP_TEN = [
    (71_170_000, 1_630, 8_000, 1_000),  # 711.7%, 16.3%, 800.0%
    (15_120_000, 810, 3_588, 1_000),  # 151.2%, 8.1%, 358.8%
    (14_610_000, 690, 3_500, 1_000),  # 146.1%, 6.9%, 350.0%
    (14_030_000, 650, 2_294, 1_000),  # 140.3%, 6.5%, 229.4%
    (11_500_000, 560, 1_267, 1_000),  # 115.0%, 5.6%, 126.7%
    (11_010_000, 500, 4_001, 4_000),  # 110.1%, 5.0%, 100.025% → 100.0%
    (8_340_000, 450, 1_000, 1_000),  # 83.4%, 4.5%, 100.0%
    (7_940_000, 390, 876, 1_000),  # 79.4%, 3.9%, 87.6%
    (7_300_000, 350, 744, 1_000),  # 73.0%, 3.5%, 74.4%
    (6_940_000, 300, 649, 1_000),  # 69.4%, 3.0%, 64.9%
]
SEED_METRICS = ["return_on_cost", "commercialisation_rate", "licence_rate"]


def published_tables():
    with SEED_TABLES.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return {
        metric: [
            (int(r["rank"]), r["label"], f"{r['value_percent']}%")
            for r in rows
            if r["metric"] == metric
        ]
        for metric in SEED_METRICS
    }


def report_figures(position):
    """FY2008 and FY2009 figures of the institution at `position` (1–46)."""
    if position <= 10:
        income, commercialisations, licences, applications = TOP_TEN[position - 1]
    else:  # below every published tenth value
        income = (40 + position % 20) * 100_000  # 40%–59%
        commercialisations = 100 + (position % 10) * 10  # 1.0%–1.9%
        licences, applications = 300 + position, 1_000  # 31.1%–34.6%
    fy2009 = {
        "licence_income": income,
        "personnel_costs": 8_000_000,
        "patent_costs": COSTS - 8_000_000,
        "commercialisations": commercialisations,
        "licences_granted": licences,
        "patent_applications": applications,
    }
    fy2008 = {"licences_granted": CUMULATIVE_LICENCES - licences}
    if position == 44:  # licences not reported: commercialisation and licence rate missing
        fy2009["licences_granted"] = fy2008["licences_granted"] = None
    if position == 45:  # no costs: return on cost not defined
        fy2009["personnel_costs"] = fy2009["patent_costs"] = 0
    if position == 46:  # no applications: licence rate not defined
        fy2009["patent_applications"] = 0
    return fy2008, fy2009


@pytest.fixture
def seed_cohort():
    # Codes in reverse of the ranking, so that no order by code can pass for a ranking.
    for position in range(1, 47):
        institution = InstitutionFactory(code=f"TLO-SEED{100 - position:03d}")
        fy2008, fy2009 = report_figures(position)
        accepted_report(institution, 2008, **fy2008)
        accepted_report(institution, 2009, **fy2009)
    recompute_metric_values()


def test_seed_tables_reproduced_line_by_line(seed_cohort):
    published = published_tables()
    tables = ranking_tables(codes=SEED_METRICS, fiscal_year=2009, top=10, anonymise=True)
    for table in tables:
        produced = [(row.rank, row.label, row.display) for row in table.rows]
        assert produced == published[table.definition.code], table.definition.code


def test_seed_tables_count_the_institutions_left_out(seed_cohort):
    tables = ranking_tables(codes=SEED_METRICS, fiscal_year=2009, top=10, anonymise=True)
    assert [(t.ranked, t.excluded) for t in tables] == [(45, 1), (45, 1), (44, 2)]


def test_export_ranking_prints_the_seeds_third_table(seed_cohort):
    out = io.StringIO()
    call_command(
        "export_ranking",
        "licence_rate",
        "--fy",
        "2009",
        "--top",
        "10",
        "--anonymise",
        "--first-label",
        "U",
        stdout=out,
        stderr=io.StringIO(),
    )
    lines = out.getvalue().splitlines()
    expected = [
        f"{rank},{label},{value}" for rank, label, value in published_tables()["licence_rate"]
    ]
    assert lines == ["rank,label,value", *expected]
