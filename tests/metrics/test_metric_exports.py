"""export_metrics and export_ranking: the command-line files scripts read."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from metrics.services.metric_values import recompute_metric_values
from tests.metrics.metric_builders import accepted_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(institution_a, institution_b):
    accepted_report(
        institution_a,
        2010,
        licence_income=71_170_000,
        other_income=0,
        personnel_costs=8_000_000,
        patent_costs=2_000_000,
        other_costs=500_000,
    )
    accepted_report(institution_b, 2010, licence_income=1, personnel_costs=0, patent_costs=0)
    accepted_report(institution_b, 2009, licence_income=1, personnel_costs=1, patent_costs=0)
    recompute_metric_values()


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_metrics_csv_columns_and_plain_values(reported):
    rows = list(csv.DictReader(io.StringIO(run("export_metrics", "--fy", "2010"))))
    assert list(rows[0]) == ["institution_code", "fiscal_year", "metric_code", "value"]
    values = {(r["institution_code"], r["metric_code"]): r["value"] for r in rows}
    assert values[("TLO-AAA", "return_on_cost")] == "7.117"
    assert values[("TLO-AAA", "operating_balance")] == "60670000"
    assert values[("TLO-BBB", "return_on_cost")] == ""  # not defined
    assert {r["fiscal_year"] for r in rows} == {"2010"}
    assert len(rows) == 2 * 17


def test_export_metrics_xlsx_keeps_numbers_numbers(reported, tmp_path):
    target = tmp_path / "metrics.xlsx"
    call_command("export_metrics", "--fy", "2010", "--format", "xlsx", "--output", str(target))
    sheet = load_workbook(target).active
    rows = list(sheet.values)
    assert rows[0] == ("institution_code", "fiscal_year", "metric_code", "value")
    by_key = {(r[0], r[2]): r[3] for r in rows[1:]}
    assert by_key[("TLO-AAA", "return_on_cost")] == 7.117
    assert by_key[("TLO-BBB", "return_on_cost")] is None


def test_export_ranking_named_and_anonymised(reported):
    assert run("export_ranking", "return_on_cost", "--fy", "2010").splitlines() == [
        "rank,label,value",
        "1,機関A,711.7%",
    ]
    assert run("export_ranking", "return_on_cost", "--fy", "2010", "--anonymise").splitlines() == [
        "rank,label,value",
        "1,承認TLO (A),711.7%",
    ]


def test_export_ranking_unknown_metric_is_an_error(reported):
    with pytest.raises(CommandError, match="unknown metric 'batting'"):
        run("export_ranking", "batting", "--fy", "2010")
