"""Report exports, from the pages and from export_reports: what the person may see,
field codes as columns, amounts in yen, text cells neutralised, numbers kept numbers."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from metrics.models import AnnualReport, ImportJob
from metrics.report_fields import REPORT_FIELD_CODES
from tests.factories import InstitutionFactory
from tests.metrics.importing_support import csv_bytes, make_report

pytestmark = pytest.mark.django_db

EXPORT_URL = "metrics:report_export"


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def reports(institution_a, institution_b):
    return [
        make_report(
            institution_a, 2009, licence_income=1_234_000, satisfaction_desk=Decimal("3.5")
        ),
        make_report(institution_a, 2010, licence_income=2_000_000),
        make_report(institution_b, 2010, licence_income=9),
    ]


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_report_export_staff_gets_only_their_institution(client_for, staff_a, reports):
    rows = csv_rows(client_for(staff_a).get(reverse(EXPORT_URL) + "?format=csv&headers=codes"))
    assert rows[0] == [
        "institution",
        "institution_name",
        "fiscal_year",
        "state",
        *REPORT_FIELD_CODES,
    ]
    assert [(r[0], r[2]) for r in rows[1:]] == [("TLO-AAA", "2009"), ("TLO-AAA", "2010")]


def test_report_export_official_gets_all_filtered(client_for, mext_official, reports):
    client = client_for(mext_official)
    rows = csv_rows(client.get(reverse(EXPORT_URL) + "?format=csv&fiscal_year=H22"))
    assert [(r[0], r[2]) for r in rows[1:]] == [("TLO-AAA", "2010"), ("TLO-BBB", "2010")]
    rows = csv_rows(client.get(reverse(EXPORT_URL) + "?institution=TLO-BBB"))
    assert [(r[0], r[2]) for r in rows[1:]] == [("TLO-BBB", "2010")]


def test_report_export_filters_by_state(client_for, mext_official, reports):
    from metrics.enums import ReportState

    AnnualReport.objects.filter(fiscal_year=2009).update(
        state=ReportState.ACCEPTED, accepted_at=timezone.now()
    )
    client = client_for(mext_official)
    rows = csv_rows(client.get(reverse(EXPORT_URL) + "?format=csv&state=accepted&headers=codes"))
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [("TLO-AAA", "2009", "accepted")]
    assert client.get(reverse(EXPORT_URL) + "?format=csv&state=bogus").status_code == 404


def test_report_export_amounts_in_yen_and_numbers_stay_numbers(client_for, mext_official, reports):
    response = client_for(mext_official).get(
        reverse(EXPORT_URL) + "?format=xlsx&fiscal_year=2009&headers=codes"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = [list(r) for r in sheet.iter_rows(values_only=True)]
    values = dict(zip(header, row, strict=True))
    assert values["licence_income"] == 1_234_000
    assert values["satisfaction_desk"] == 3.5
    assert values["fiscal_year"] == 2009
    assert values["patent_applications"] is None


def test_report_export_other_institution_is_not_found(client_for, staff_a, reports):
    response = client_for(staff_a).get(reverse(EXPORT_URL) + "?institution=TLO-BBB")
    assert response.status_code == 404
    response = client_for(staff_a).get(reverse(EXPORT_URL) + "?institution=NO-SUCH")
    assert response.status_code == 404


def test_report_export_forbidden_to_viewers_and_reviewers(
    client_for, viewer, mext_reviewer, reports
):
    for person in (viewer, mext_reviewer):
        assert client_for(person).get(reverse(EXPORT_URL)).status_code == 403


def test_report_export_anonymous_is_sent_to_sign_in(anonymous_client):
    response = anonymous_client.get(reverse(EXPORT_URL))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x"]
)
def test_report_export_neutralises_formula_like_text(client_for, mext_official, name):
    evil = InstitutionFactory(code="TLO-EVIL", name_ja=name)
    make_report(evil, 2010, licence_income=5)
    client = client_for(mext_official)
    rows = csv_rows(client.get(reverse(EXPORT_URL) + "?institution=TLO-EVIL"))
    assert rows[1][1] == "'" + name
    assert rows[1][REPORT_FIELD_CODES.index("licence_income") + 4] == "5"
    response = client.get(reverse(EXPORT_URL) + "?institution=TLO-EVIL&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    # XML reads a carriage return back as a line feed.
    assert sheet["B2"].value == "'" + name.replace("\r", "\n")
    assert sheet["B2"].data_type == "s"


def test_report_export_reimports_unchanged(client_for, mext_official, reports):
    client = client_for(mext_official)
    exported = client.get(reverse(EXPORT_URL) + "?format=csv").content
    client.post(
        reverse("metrics:import_upload"),
        {"file": SimpleUploadedFile("export.csv", exported)},
    )
    summary = ImportJob.objects.get().result["summary"]
    assert (summary["unchanged"], summary["error"]) == (3, 0)


def test_export_reports_command_csv_to_stdout(reports):
    out = io.StringIO()
    call_command("export_reports", "--fy", "2010", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:4] == ["institution", "institution_name", "fiscal_year", "state"]
    assert [(r[0], r[2], r[4 + REPORT_FIELD_CODES.index("licence_income")]) for r in rows[1:]] == [
        ("TLO-AAA", "2010", "2000000"),
        ("TLO-BBB", "2010", "9"),
    ]


def test_export_reports_command_xlsx_to_a_file(tmp_path, reports):
    path = tmp_path / "out.xlsx"
    call_command(
        "export_reports",
        "--institution",
        "TLO-AAA",
        "--format",
        "xlsx",
        "--output",
        str(path),
        stderr=io.StringIO(),
    )
    sheet = load_workbook(path).active
    assert [r[:3] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("TLO-AAA", "機関A", 2009),
        ("TLO-AAA", "機関A", 2010),
    ]


def test_export_reports_command_output_imports_back(tmp_path, reports, mext_official):
    path = tmp_path / "all.csv"
    call_command("export_reports", "--output", str(path), stderr=io.StringIO())
    AnnualReport.objects.filter(fiscal_year=2009).update(licence_income=1)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_reports", str(path), "--as", "mext-official", stdout=out, stderr=err)
    assert AnnualReport.objects.get(fiscal_year=2009).licence_income == 1_234_000
    assert "1 changed, 2 unchanged" in out.getvalue()


def test_export_reports_template_csv_bytes_are_utf8_with_bom(reports):
    out = io.StringIO()
    call_command("export_reports", stdout=out)
    assert csv_bytes([["a"]], "utf-8-sig").startswith(b"\xef\xbb\xbf")
    assert out.getvalue().startswith("institution,")


def test_report_export_for_people_has_japanese_headers_and_imports_back(
    client_for, staff_a, reports
):
    from metrics.services import imports

    client = client_for(staff_a)
    response = client.get(reverse(EXPORT_URL) + "?format=csv")
    rows = csv_rows(response)
    assert rows[0][:5] == ["機関コード", "機関名", "年度", "状態", "共同研究件数"]
    assert rows[1][3] == "下書き"
    preview, _applied = imports.import_file(
        actor=staff_a, data=response.content, file_name="export.csv", dry_run=True
    )
    assert preview.summary["unchanged"] == 2 and not preview.file_errors
