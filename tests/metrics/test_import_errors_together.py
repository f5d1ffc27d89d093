"""One round fixes a file: the header's problems and the cells' are shown together; and
once confirmed, the import page links to each report it wrote (and, for the TLO's staff,
to submitting a draft)."""

import pytest
from django.urls import reverse
from django.utils import translation

from metrics.enums import ReportState
from metrics.importing.headers import map_headers
from metrics.importing.preview import build_preview
from metrics.importing.problems import ProblemKind
from metrics.models import AnnualReport, ImportJob
from tests.metrics.importing_support import csv_bytes, make_report, messages_of, start_and_check

pytestmark = pytest.mark.django_db

HEADER = ["機関コード", "年度", "特許出願件数", "ライセンス収入(千円)"]


def _preview(rows, actor):
    with translation.override("ja"):
        preview = build_preview(data=csv_bytes(rows), file_name="r.csv", actor=actor)
        return preview, messages_of(preview)


def test_unknown_header_and_bad_cells_are_reported_together(staff_a, institution_a):
    rows = [
        [*HEADER, "特許出願件数x"],
        ["TLO-AAA", "H22", "abc", "1", "9"],
        ["TLO-AAA", "H99", "1", "1", "9"],
        ["TLO-AAA", "H21", "1", "1", "9"],
    ]
    preview, messages = _preview(rows, staff_a)
    assert [p.kind for p in preview.file_errors] == [ProblemKind.UNKNOWN_COLUMN]
    assert [(r.row, [p.kind for p in r.problems]) for r in preview.rows] == [
        (2, [ProblemKind.NOT_A_NUMBER]),
        (3, [ProblemKind.YEAR_NOT_REPORTABLE]),
    ]
    assert messages[0].startswith(
        "1行目、「特許出願件数x」列: 「特許出願件数x」は年度報告の項目ではありません"
    )
    assert any("「abc」は数値ではありません" in m for m in messages)
    assert preview.has_errors()
    assert preview.institution_of(preview.rows[0])[1] == "機関A"  # named on the page


def test_missing_fiscal_year_column_and_bad_cells_are_reported_together(staff_a, institution_a):
    rows = [["機関コード", "特許出願件数"], ["TLO-AAA", "-3"], ["TLO-ZZZ", "2"]]
    preview, _messages = _preview(rows, staff_a)
    assert [p.kind for p in preview.file_errors] == [ProblemKind.MISSING_FISCAL_YEAR_COLUMN]
    assert [(r.row, [p.kind for p in r.problems]) for r in preview.rows] == [
        (2, [ProblemKind.NEGATIVE]),
        (3, [ProblemKind.UNKNOWN_INSTITUTION]),
    ]


def test_map_headers_says_a_missing_column_along_with_an_unknown_one():
    mapped = map_headers(["機関コード", "ねんど", "人件費"], row=1)
    assert [e.kind for e in mapped.errors] == [
        ProblemKind.UNKNOWN_COLUMN,
        ProblemKind.MISSING_FISCAL_YEAR_COLUMN,
    ]


def test_preview_page_shows_header_and_cell_problems_and_no_confirmation(
    client_for, staff_a, institution_a
):
    job = start_and_check(
        actor=staff_a,
        file_name="r.csv",
        data=csv_bytes([[*HEADER, "備考x"], ["TLO-AAA", "H22", "abc", "1", "x"]]),
        language="ja",
    )
    page = client_for(staff_a).get(reverse("metrics:import_detail", args=[job.pk]))
    text = page.content.decode()
    assert "「備考x」は年度報告の項目ではありません" in text
    assert "「abc」は数値ではありません" in text
    assert 'id="import-confirm"' not in text


def _applied(client, user, rows, **confirm):
    job = start_and_check(actor=user, file_name="r.csv", data=csv_bytes(rows), language="ja")
    client.post(reverse("metrics:import_confirm", args=[job.pk]), confirm)
    assert ImportJob.objects.get(pk=job.pk).state == "applied"
    return client.get(reverse("metrics:import_detail", args=[job.pk])).content.decode()


def test_applied_import_links_each_written_report_and_offers_staff_to_submit(
    client_for, staff_a, institution_a
):
    make_report(institution_a, 2009, patent_applications=1)  # unchanged by the file
    make_report(institution_a, 2010, patent_applications=1)  # changed
    rows = [
        HEADER,
        ["TLO-AAA", "H21", "1", ""],
        ["TLO-AAA", "H22", "5", ""],
        ["TLO-AAA", "H23", "7", "1"],
    ]
    page = _applied(client_for(staff_a), staff_a, rows)
    reports = {r.fiscal_year: r.pk for r in AnnualReport.objects.all()}
    for year in (2010, 2011):
        assert f'href="/metrics/reports/{reports[year]}/"' in page
        assert f'href="/metrics/reports/{reports[year]}/#report-actions"' in page
    assert f"/metrics/reports/{reports[2009]}/" not in page
    assert page.count("確認して提出する") == 2


def test_applied_import_as_accepted_links_unchanged_reports_and_offers_no_submission(
    client_for, mext_official, institution_a
):
    make_report(institution_a, 2009, patent_applications=1, state=ReportState.DRAFT)
    rows = [HEADER, ["TLO-AAA", "H21", "1", ""], ["TLO-AAA", "H22", "5", ""]]
    page = _applied(client_for(mext_official), mext_official, rows, as_accepted="yes")
    reports = {r.fiscal_year: r for r in AnnualReport.objects.all()}
    assert {r.state for r in reports.values()} == {ReportState.ACCEPTED}
    for year in (2009, 2010):
        assert f'href="/metrics/reports/{reports[year].pk}/"' in page
    assert "確認して提出する" not in page


def test_preview_before_confirming_links_no_report(client_for, staff_a, institution_a):
    make_report(institution_a, 2010, patent_applications=1)
    job = start_and_check(
        actor=staff_a,
        file_name="r.csv",
        data=csv_bytes([HEADER, ["TLO-AAA", "H22", "5", ""]]),
        language="ja",
    )
    page = client_for(staff_a).get(reverse("metrics:import_detail", args=[job.pk]))
    assert "/metrics/reports/" not in page.content.decode().split('id="import-rows"')[1]
