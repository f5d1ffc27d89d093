"""The import pages: upload, preview, confirm, progress, template download."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from metrics.enums import ImportState
from metrics.models import AnnualReport, ImportJob
from metrics.report_fields import REPORT_FIELDS
from tests.metrics.importing_support import csv_bytes, make_report, start_and_check, xlsx_bytes
from tests.support import get_ok

pytestmark = pytest.mark.django_db

HEADER = ["機関コード", "年度", "特許出願件数", "ライセンス収入(千円)"]


@pytest.fixture(autouse=True)
def _japanese():
    # A request under /en/ leaves English active in the thread; start each test in Japanese.
    with translation.override("ja"):
        yield


def post_file(client, data, name="reports.csv"):
    """Upload, and let the background check run (the upload's on-commit task)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("metrics:import_upload"), {"file": SimpleUploadedFile(name, data)}
        )


def english_url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def job_of(user, rows):
    return start_and_check(actor=user, file_name="r.csv", data=csv_bytes(rows), language="ja")


@pytest.fixture
def job_a(staff_a):
    return job_of(staff_a, [HEADER, ["TLO-AAA", "H22", "12", "1,234"]])


def test_import_pages_send_anonymous_people_to_sign_in(anonymous_client, job_a):
    for url in (
        reverse("metrics:import_upload"),
        reverse("metrics:import_template"),
        reverse("metrics:import_detail", args=[job_a.pk]),
        reverse("metrics:import_progress", args=[job_a.pk]),
    ):
        response = anonymous_client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_import_pages_are_forbidden_to_viewers_and_reviewers(
    client_for, viewer, mext_reviewer, job_a
):
    for person in (viewer, mext_reviewer):
        client = client_for(person)
        assert client.get(reverse("metrics:import_upload")).status_code == 403
        assert client.get(reverse("metrics:import_template")).status_code == 403
        assert client.get(reverse("metrics:import_detail", args=[job_a.pk])).status_code == 403
        response = post_file(client, csv_bytes([HEADER, ["TLO-AAA", "H22", "1", "1"]]))
        assert response.status_code == 403
    assert ImportJob.objects.count() == 1


def test_another_persons_import_is_not_found(client_for, staff_b, mext_official, job_a):
    for person in (staff_b, mext_official):
        client = client_for(person)
        for name in ("import_detail", "import_progress"):
            assert client.get(reverse(f"metrics:{name}", args=[job_a.pk])).status_code == 404
        for name in ("import_confirm", "import_cancel"):
            assert client.post(reverse(f"metrics:{name}", args=[job_a.pk])).status_code == 404
    job_a.refresh_from_db()
    assert job_a.state == ImportState.PREVIEW
    assert AnnualReport.objects.count() == 0


def test_staff_upload_cp932_preview_and_confirm(client_for, staff_a, institution_a):
    make_report(institution_a, 2009, patent_applications=10)
    make_report(institution_a, 2010, patent_applications=3, licence_income=1_000)
    client = client_for(staff_a)
    rows = [HEADER, ["TLO-AAA", "平成22年度", "１２", "1,234"], ["TLO-AAA", "H23", "11", "－"]]
    response = post_file(client, csv_bytes(rows, "cp932"))
    job = ImportJob.objects.get()
    assert response.url == reverse("metrics:import_detail", args=[job.pk])

    page = client.get(response.url).content.decode()
    assert "3 → 12" in page
    assert "1,000 → 1,234,000" in page
    assert 'id="import-confirm"' in page

    response = client.post(reverse("metrics:import_confirm", args=[job.pk]))
    assert response.url == reverse("metrics:import_detail", args=[job.pk])
    assert list(
        AnnualReport.objects.order_by("fiscal_year").values_list(
            "fiscal_year", "patent_applications", "licence_income", "version"
        )
    ) == [(2009, 10, None, 1), (2010, 12, 1_234_000, 2), (2011, 11, 0, 1)]


def test_preview_page_lists_errors_and_offers_no_confirmation(client_for, staff_a, institution_b):
    client = client_for(staff_a)
    rows = [HEADER, ["TLO-AAA", "H22", "abc", "1"], ["TLO-BBB", "H22", "1", "1"]]
    post_file(client, csv_bytes(rows))
    job = ImportJob.objects.get()
    page = client.get(english_url("metrics:import_detail", job.pk)).content.decode()
    assert "“abc” is not a number; expected a whole number of 0 or more, such as 12." in page
    assert "“TLO-BBB” is not one of your institutions." in page
    assert 'id="import-confirm"' not in page
    client.post(reverse("metrics:import_confirm", args=[job.pk]))
    assert AnnualReport.objects.count() == 0


def test_upload_of_a_file_over_the_limit_is_refused_with_a_message(client_for, staff_a, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    response = post_file(client_for(staff_a), b"x" * 200)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert ImportJob.objects.count() == 0


def test_upload_of_an_unreadable_file_shows_why(client_for, staff_a):
    client = client_for(staff_a)
    post_file(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name="old.xls")
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED
    page = client.get(english_url("metrics:import_detail", job.pk)).content.decode()
    assert "This is an old Excel file (.xls)." in page


def test_import_progress_reports_the_state(client_for, staff_a, job_a):
    data = client_for(staff_a).get(reverse("metrics:import_progress", args=[job_a.pk])).json()
    assert data == {
        "state": "preview",
        "state_label": str(ImportState.PREVIEW.label),
        "processed_rows": 1,
        "total_rows": 1,
        "percent": 100,
        "running": False,
        "url": reverse("metrics:import_detail", args=[job_a.pk]),
    }


def test_large_upload_returns_at_once_with_a_progress_bar(
    client_for, staff_a, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 2
    client = client_for(staff_a)
    rows = [HEADER] + [["TLO-AAA", 2001 + n, n, "1"] for n in range(4)]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("metrics:import_upload"), {"file": SimpleUploadedFile("r.csv", csv_bytes(rows))}
        )
    job = ImportJob.objects.get()
    assert job.state == ImportState.UPLOADED
    page = client.get(response.url).content.decode()
    assert 'id="import-progress"' in page
    assert reverse("metrics:import_progress", args=[job.pk]) in page
    progress = client.get(reverse("metrics:import_progress", args=[job.pk])).json()
    assert progress["running"] is True
    for callback in queued:
        callback()
    progress = client.get(reverse("metrics:import_progress", args=[job.pk])).json()
    assert (progress["state"], progress["running"], progress["percent"]) == ("preview", False, 100)


def test_import_cancel_keeps_the_database_as_it_was(client_for, staff_a, job_a):
    response = client_for(staff_a).post(reverse("metrics:import_cancel", args=[job_a.pk]))
    assert response.status_code == 302
    job_a.refresh_from_db()
    assert job_a.state == ImportState.CANCELLED
    assert AnnualReport.objects.count() == 0


def _template_csv_rows(client):
    response = client.get(reverse("metrics:import_template") + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_template_has_japanese_headers_and_field_codes(client_for, staff_a):
    header, codes = _template_csv_rows(client_for(staff_a))
    assert header[:3] == ["機関コード", "機関名", "年度"]
    assert header[3:] == [spec.label_ja for spec in REPORT_FIELDS]
    assert "特許出願件数" in header and "人件費" in header and "ライセンス収入" in header
    assert codes == ["institution", "institution_name", "fiscal_year"] + [
        spec.code for spec in REPORT_FIELDS
    ]


def test_template_csv_filled_in_imports_back(client_for, staff_a):
    client = client_for(staff_a)
    header, codes = _template_csv_rows(client)
    row = ["TLO-AAA", "機関A", "平成22年度"] + ["1"] * len(REPORT_FIELDS)
    post_file(client, csv_bytes([header, codes, row], "cp932"))
    job = ImportJob.objects.get()
    assert job.result["summary"]["new"] == 1, job.result
    client.post(reverse("metrics:import_confirm", args=[job.pk]))
    report = AnnualReport.objects.get()
    assert all(value == 1 for value in report.figures().values())


def test_template_xlsx_filled_in_imports_back(client_for, staff_a):
    client = client_for(staff_a)
    response = client.get(reverse("metrics:import_template") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["機関コード", "機関名", "年度"]
    rows.append(["TLO-AAA", "機関A", 2010] + [2] * len(REPORT_FIELDS))
    post_file(client, xlsx_bytes(rows), name="template.xlsx")
    job = ImportJob.objects.get()
    assert job.result["summary"]["new"] == 1, job.result
    client.post(reverse("metrics:import_confirm", args=[job.pk]))
    assert AnnualReport.objects.get().licence_income == 2


def test_upload_page_shows_the_headers_and_recent_imports(client_for, staff_a, job_a):
    page = client_for(staff_a).get(reverse("metrics:import_upload")).content.decode()
    assert "特許出願件数" in page
    assert reverse("metrics:import_detail", args=[job_a.pk]) in page


def test_preview_page_query_count_does_not_grow_with_rows(
    client_for, staff_a, assert_constant_queries
):
    client = client_for(staff_a)
    jobs = [job_of(staff_a, [HEADER, ["TLO-AAA", 1950, 1, "1"]])]

    def preview_page():
        get_ok(client, reverse("metrics:import_detail", args=[jobs[-1].pk]))

    def larger_file():
        rows = [["TLO-AAA", 1950 + n, n, "1"] for n in range(60)]
        jobs.append(job_of(staff_a, [HEADER, *rows]))

    assert_constant_queries(preview_page, larger_file, at_most=6)


def test_preview_is_compact_years_and_outcomes_do_not_wrap(client_for, staff_a, institution_a):
    header = ["機関コード", "年度", "特許出願件数", "特許取得件数", "ライセンス件数", "人件費"]
    rows = [
        header,
        ["TLO-AAA", "平成22年度", "12", "3", "4", "5"],
        ["TLO-AAA", "H21", "1", "", "", ""],
    ]
    client = client_for(staff_a)
    response = post_file(client, csv_bytes(rows, "utf-8"))

    page = client.get(response.url).content.decode()

    assert '<td class="nowrap">2010年度(平成22年度)</td>' in page
    assert page.count('<td class="nowrap">新規</td>') == 2
    # Four figures fold under a one-line summary; one figure stays a plain line.
    assert page.count('<details class="row-changes"><summary>4項目: ') == 1
    assert page.count('<details class="row-changes">') == 1


def test_progress_poll_reads_no_stored_preview(client_for, staff_a, job_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(staff_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("metrics:import_progress", args=[job_a.pk]))
    assert response.status_code == 200
    job_queries = [q["sql"] for q in queries if "metrics_importjob" in q["sql"]]
    assert len(job_queries) == 1
    assert '"result"' not in job_queries[0]
