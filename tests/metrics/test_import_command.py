"""python manage.py import_reports FILE --as USERNAME [--dry-run]"""

import io

import pytest
from django.core.management import CommandError, call_command

from metrics.models import AnnualReport
from tests.metrics.importing_support import csv_bytes, make_report, xlsx_bytes

pytestmark = pytest.mark.django_db

CODES = ["institution", "fiscal_year", "patent_applications", "licence_income", "staff_fte"]


def run(path, username, *extra):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_reports", str(path), "--as", username, *extra, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_import_reports_with_field_codes(tmp_path, mext_official, institution_a, institution_b):
    path = tmp_path / "reports.csv"
    path.write_bytes(
        csv_bytes(
            [CODES, ["TLO-AAA", "2010", "12", "1234000", "2.5"], ["TLO-BBB", "H22", "3", "0", "1"]]
        )
    )
    status, out, err = run(path, "mext-official")
    assert (status, err) == (0, "")
    assert "2 reports created" in out
    assert list(
        AnnualReport.objects.order_by("institution__code").values_list(
            "institution__code", "fiscal_year", "patent_applications", "licence_income"
        )
    ) == [("TLO-AAA", 2010, 12, 1_234_000), ("TLO-BBB", 2010, 3, 0)]
    history = AnnualReport.history.first()
    assert history.history_user == mext_official


def test_import_reports_accepts_japanese_headers_and_xlsx(tmp_path, staff_a):
    path = tmp_path / "報告.xlsx"
    path.write_bytes(
        xlsx_bytes([["機関コード", "年度", "人件費(千円)"], ["TLO-AAA", "令和2年度", 1500]])
    )
    status, _out, _err = run(path, "staff-a")
    assert status == 0
    assert AnnualReport.objects.get().personnel_costs == 1_500_000


def test_import_reports_errors_one_line_each_and_nothing_stored(tmp_path, staff_a, institution_b):
    path = tmp_path / "bad.csv"
    rows = [CODES, ["TLO-AAA", "2010", "12", "abc", "1"], ["TLO-BBB", "2010", "1", "1", "1"]]
    rows += [["TLO-AAA", "2011", "-4", "1", "1"]]
    path.write_bytes(csv_bytes(rows))
    status, _out, err = run(path, "staff-a", "--language", "en")
    assert status == 1
    assert err.splitlines() == [
        "row 2, column licence_income: “abc” is not a number; expected an amount in yen of 0 or "
        "more, such as 1,234,000.",
        "row 3, column institution: You may import only your own institution's figures; "
        "“TLO-BBB” is not one of your institutions.",
        "row 4, column patent_applications: “-4” is negative; expected a whole number of 0 or "
        "more, such as 12.",
    ]
    assert AnnualReport.objects.count() == 0


def test_import_reports_file_error_is_one_line(tmp_path, staff_a):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes([["institution", "fiscal_year", "licence_incme"], ["TLO-AAA", "2010", "1"]])
    )
    status, _out, err = run(path, "staff-a", "--language", "en")
    assert status == 1
    (line,) = err.splitlines()
    assert line.startswith(
        "row 1, column licence_incme: “licence_incme” is not a column of the annual report. "
        "Use the headers of the template (Japanese labels or field codes). "
        "Did you mean: licence_income, "
    )


def test_import_reports_dry_run_stores_nothing(tmp_path, staff_a, institution_a):
    make_report(institution_a, 2010, patent_applications=1)
    path = tmp_path / "reports.csv"
    path.write_bytes(
        csv_bytes([CODES, ["TLO-AAA", "2010", "2", "", ""], ["TLO-AAA", "2011", "1", "", ""]])
    )
    status, out, _err = run(path, "staff-a", "--dry-run")
    assert status == 0
    assert "dry run" in out and "1 new, 1 changed" in out
    assert list(AnnualReport.objects.values_list("fiscal_year", "patent_applications")) == [
        (2010, 1)
    ]


def test_import_reports_twice_changes_nothing(tmp_path, staff_a):
    path = tmp_path / "reports.csv"
    path.write_bytes(csv_bytes([CODES, ["TLO-AAA", "2010", "2", "5", "1.5"]]))
    assert run(path, "staff-a")[0] == 0
    before = (list(AnnualReport.objects.values()), AnnualReport.history.count())
    status, out, _err = run(path, "staff-a")
    assert status == 0
    assert "1 unchanged" in out
    assert (list(AnnualReport.objects.values()), AnnualReport.history.count()) == before


def test_import_reports_unknown_user_or_role(tmp_path, viewer):
    path = tmp_path / "reports.csv"
    path.write_bytes(csv_bytes([CODES]))
    with pytest.raises(CommandError, match="no such user"):
        call_command("import_reports", str(path), "--as", "nobody")
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_reports", str(path), "--as", "viewer")
