"""The import template's second sheet, ライセンス明細: licence rows imported with their
reports."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from metrics.enums import ReportState
from metrics.models import AnnualReport, LicenceAgreement
from metrics.services import imports
from tests.metrics.importing_support import make_report, messages_of

pytestmark = pytest.mark.django_db

REPORTS = [["機関コード", "年度", "ライセンス件数", "ライセンス収入"]]
LICENCES = [
    [
        "機関コード",
        "年度",
        "契約番号",
        "技術名",
        "技術分野",
        "ライセンシー種別",
        "同一地域",
        "独占",
        "当年度収入(千円)",
    ]
]


def workbook(reports, licences, *, licence_title="ライセンス明細") -> bytes:
    book = Workbook()
    first = book.active
    first.title = "年度報告"
    for row in reports:
        first.append(row)
    if licences is not None:
        sheet = book.create_sheet(licence_title)
        for row in licences:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(actor, data, **kwargs):
    preview, applied = imports.import_file(actor=actor, data=data, file_name="報告.xlsx", **kwargs)
    return preview.to_json(), applied


def test_licence_rows_are_imported_with_a_new_report(staff_a, institution_a):
    data = workbook(
        [*REPORTS, ["TLO-AAA", "H22", 2, 1_500_000]],
        [
            *LICENCES,
            ["TLO-AAA", "2010", "L-1", "新素材", "材料", "中小企業", "○", "×", 1_000],
            ["TLO-AAA", "平成22年度", "L-2", "", "", "ベンチャー", "", "○", 500],
        ],
    )
    preview, applied = _import(staff_a, data)
    assert applied is not None, messages_of(preview)
    report = AnnualReport.objects.get()
    rows = list(
        report.licences.order_by("reference").values_list(
            "reference", "licensee_kind", "licensee_in_region", "exclusive", "income"
        )
    )
    assert rows == [
        ("L-1", "sme", True, False, 1_000_000),
        ("L-2", "startup", False, True, 500_000),
    ]
    assert LicenceAgreement.history.filter(history_user=staff_a).count() == 2
    assert "warnings" not in preview["rows"][0]  # income equals the rows' total


def test_licence_rows_replace_those_of_an_existing_draft(staff_a, institution_a):
    report = make_report(institution_a, 2010, licences_granted=1, licence_income=100)
    LicenceAgreement.objects.create(report=report, reference="OLD", licensee_kind="sme", income=100)
    data = workbook(
        [*REPORTS, ["TLO-AAA", "2010", 1, 100]],
        [*LICENCES, ["TLO-AAA", "2010", "NEW", "", "", "大企業", "", "", "0.1"]],
    )
    preview, _applied = _import(staff_a, data)
    assert preview["rows"][0]["outcome"] == "changed"
    assert preview["rows"][0]["licence_change"] == [1, 1]
    assert list(report.licences.values_list("reference", "income")) == [("NEW", 100)]
    assert AnnualReport.objects.get().version == 2


def test_a_report_without_rows_on_the_sheet_keeps_its_licences(staff_a, institution_a):
    report = make_report(institution_a, 2010, licences_granted=1)
    LicenceAgreement.objects.create(report=report, reference="KEEP", licensee_kind="sme")
    data = workbook([*REPORTS, ["TLO-AAA", "2010", 1, 5]], [*LICENCES])
    _import(staff_a, data)
    assert list(report.licences.values_list("reference", flat=True)) == ["KEEP"]


def test_same_licence_rows_again_leave_the_report_unchanged(staff_a, institution_a):
    report = make_report(institution_a, 2010, licences_granted=1, licence_income=1000)
    LicenceAgreement.objects.create(
        report=report, reference="L-1", licensee_kind="sme", income=1000
    )
    data = workbook(
        [*REPORTS, ["TLO-AAA", "2010", 1, 1000]],
        [*LICENCES, ["TLO-AAA", "2010", "L-1", "", "", "sme", "", "", 1]],
    )
    preview, _applied = _import(staff_a, data)
    assert preview["rows"][0]["outcome"] == "unchanged"
    assert AnnualReport.objects.get().version == 1


def test_licence_rows_of_a_submitted_report_are_refused(staff_a, institution_a):
    make_report(institution_a, 2010, state=ReportState.SUBMITTED, licences_granted=1)
    data = workbook(
        [*REPORTS, ["TLO-AAA", "2010", 1, None]],
        [*LICENCES, ["TLO-AAA", "2010", "L-1", "", "", "sme", "", "", 1]],
    )
    preview, applied = _import(staff_a, data)
    assert applied is None
    assert preview["rows"][0]["outcome"] == "error"
    assert not LicenceAgreement.objects.exists()


def test_licence_sheet_errors_name_sheet_row_and_column(staff_a, institution_a):
    data = workbook(
        [*REPORTS, ["TLO-AAA", "2010", 1, 1]],
        [
            *LICENCES,
            ["TLO-AAA", "2010", "", "", "", "sme", "", "", 1],
            ["TLO-AAA", "2010", "L-2", "", "", "宇宙人", "たぶん", "", "abc"],
            ["TLO-AAA", "2010", "L-3", "x" * 201, "", "sme", "", "", 1],
            ["TLO-AAA", "2010", "L-4", "", "", "sme", "", "", 1],
            ["TLO-AAA", "2010", "L-4", "", "", "sme", "", "", 1],
            ["TLO-AAA", "2009", "L-5", "", "", "sme", "", "", 1],
        ],
    )
    preview, applied = _import(staff_a, data)
    assert applied is None
    with translation.override("en"):
        messages = messages_of(preview)
    assert any(m.startswith("row 2, column “ライセンス明細!契約番号”") for m in messages)
    assert any("row 3, column “ライセンス明細!ライセンシー種別”" in m for m in messages)
    assert any("row 3, column “ライセンス明細!同一地域”" in m for m in messages)
    assert any("row 3, column “ライセンス明細!当年度収入(千円)”" in m for m in messages)
    assert any("row 4, column “ライセンス明細!技術名”" in m and "200" in m for m in messages)
    assert any(m.startswith("row 6") and "row 5" in m for m in messages)
    assert any(m.startswith("row 7") and "first sheet" in m for m in messages)
    assert not AnnualReport.objects.exists()


def test_licence_income_differing_from_the_rows_is_warned(staff_a, institution_a):
    data = workbook(
        [*REPORTS, ["TLO-AAA", "2010", 1, 9_999]],
        [*LICENCES, ["TLO-AAA", "2010", "L-1", "", "", "sme", "", "", 1]],
    )
    preview, _applied = _import(staff_a, data, dry_run=True)
    assert [w["field"] for w in preview["rows"][0]["warnings"]] == ["licence_income"]


def test_template_has_the_licence_sheet_and_imports_back(client_for, staff_a, institution_a):
    response = client_for(staff_a).get(reverse("metrics:import_template"), {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["年度報告", "ライセンス明細"]
    headers = [cell.value for cell in book["ライセンス明細"][1]]
    assert headers[:3] == ["機関コード", "年度", "契約番号"]
    book["年度報告"].append(["TLO-AAA", None, "2010"])
    book["ライセンス明細"].append(["TLO-AAA", "2010", "L-1", None, None, "中小企業", "○", "", 10])
    buffer = io.BytesIO()
    book.save(buffer)
    preview, applied = _import(staff_a, buffer.getvalue())
    assert applied is not None, messages_of(preview)
    assert LicenceAgreement.objects.get().income == 10


def test_a_far_cell_on_the_licence_sheet_is_refused_before_parsing(staff_a, institution_a):
    book = Workbook()
    book.active.title = "年度報告"
    for row in [*REPORTS, ["TLO-AAA", "2010", 1, 1]]:
        book.active.append(row)
    sheet = book.create_sheet("ライセンス明細")
    sheet.append(LICENCES[0])
    sheet.cell(row=500_000, column=1, value="遠いセル")
    buffer = io.BytesIO()
    book.save(buffer)
    preview, applied = _import(staff_a, buffer.getvalue())
    assert applied is None
    assert [p["kind"] for p in preview["file_errors"]] == ["cell_out_of_range"]
    assert not AnnualReport.objects.exists()
