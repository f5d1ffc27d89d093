"""A preview is stored in two parts (the head on the job, one ImportPreviewRow per row):
a page of a large preview reads that page's rows only, and the progress poll reads no
preview at all. Before, both read the whole stored preview (20 MB for a large file)."""

import importlib
import json
import time

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.enums import ImportState, RowOutcome
from metrics.importing.preview_data import Preview, PreviewRow
from metrics.models import ImportJob, ImportPreviewRow
from metrics.report_fields import REPORT_FIELDS
from metrics.selectors import imports as selectors
from metrics.services import imports
from metrics.validation import FigureWarning

pytestmark = pytest.mark.django_db

FIELDS = [f.code for f in REPORT_FIELDS][:22]
ROWS = 12_000
ERROR_EVERY = 1_000  # rows 1000, 2000, …: 12 errors
WARNING_EVERY = 7


def _row(number: int, institution_id: int) -> PreviewRow:
    if number % ERROR_EVERY == 0:
        return PreviewRow(row=number, outcome=RowOutcome.ERROR, institution_id=institution_id)
    return PreviewRow(
        row=number,
        outcome=RowOutcome.CHANGED,
        institution_id=institution_id,
        fiscal_year=2010,
        report_id=number,
        version=1,
        # Large figures in every field: about 1.7 kB a row.
        changes={code: [number * 10**14 + 3, number * 10**14 + 7] for code in FIELDS},
        warnings=(
            [FigureWarning(FIELDS[0], "前年度から大きく変わっています")]
            if number % WARNING_EVERY == 0
            else []
        ),
    )


def _job(user, *, state=ImportState.PARSING) -> ImportJob:
    return ImportJob.objects.create(
        uploaded_by=user, original_name="big.csv", state=state, result={"language": "ja"}
    )


@pytest.fixture
def large_job(staff_a, institution_a):
    """A job whose preview, stored whole, would weigh about 20 MB."""
    job = _job(staff_a)
    preview = Preview(
        file_name="big.csv",
        fields=FIELDS,
        rows=[_row(number, institution_a.pk) for number in range(2, ROWS + 2)],
        institutions={institution_a.pk: ["TLO-AAA", "機関A", "Institution A"]},
        language="ja",
    )
    assert len(json.dumps(preview.to_json())) > 18_000_000, len(json.dumps(preview.to_json()))
    assert imports.store_preview(job_id=job.pk, preview=preview) is True
    job.refresh_from_db()
    return job


def test_a_large_preview_is_stored_apart_from_the_job(large_job):
    # The job holds the head and the counts; the rows are rows of their own.
    assert len(json.dumps(large_job.result)) < 5_000
    assert large_job.state == ImportState.FAILED  # 12 rows with errors
    assert large_job.result["summary"]["rows"] == ROWS
    assert large_job.result["summary"]["error"] == ROWS // ERROR_EVERY
    assert ImportPreviewRow.objects.filter(job=large_job).count() == ROWS


def test_a_page_of_a_large_preview_reads_that_page_only(
    large_job, staff_a, client_for, monkeypatch
):
    read = []
    original = PreviewRow.from_json.__func__
    monkeypatch.setattr(
        PreviewRow,
        "from_json",
        classmethod(lambda cls, data: read.append(1) or original(cls, data)),
    )
    client = client_for(staff_a)
    url = reverse("metrics:import_detail", args=[large_job.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"outcome": "changed", "page": 3})
    assert response.status_code == 200
    shown = response.context["page"].object_list
    per_page = len(shown)
    assert 20 <= per_page <= selectors.ROWS_PER_PAGE
    # Page 3 of the changed rows, in file order: the rows without errors from the
    # (2·per_page)th on.
    changed = [n for n in range(2, ROWS + 2) if n % ERROR_EVERY]
    assert [row.row for row in shown] == changed[2 * per_page : 3 * per_page]
    assert shown[0].institution == "機関A"
    # Only that page's rows were read back, with a LIMIT in the query that read them.
    assert len(read) == per_page
    row_reads = [q["sql"] for q in queries.captured_queries if "importpreviewrow" in q["sql"]]
    assert any("LIMIT" in sql.upper() and '"data"' in sql for sql in row_reads), row_reads


def test_a_large_preview_shows_its_errors_first_and_filters_by_warnings(
    large_job, staff_a, client_for
):
    client = client_for(staff_a)
    url = reverse("metrics:import_detail", args=[large_job.pk])
    first = client.get(url).context["page"].object_list
    errors = list(range(ERROR_EVERY, ROWS + 2, ERROR_EVERY))
    assert [row.row for row in first[: len(errors)]] == errors
    assert first[len(errors)].row == 2
    warned = client.get(url, {"outcome": "warnings"}).context["page"]
    assert warned.paginator.count == len(
        [n for n in range(2, ROWS + 2) if n % WARNING_EVERY == 0 and n % ERROR_EVERY]
    )
    assert all(row.row % WARNING_EVERY == 0 for row in warned.object_list)


def test_polling_a_large_preview_reads_no_preview(large_job, staff_a, client_for):
    client = client_for(staff_a)
    url = reverse("metrics:import_progress", args=[large_job.pk])
    client.get(url)  # the session and the user, loaded once
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    elapsed = time.monotonic() - started
    assert response.json()["total_rows"] == ROWS
    job_reads = [q["sql"] for q in queries.captured_queries if "metrics_import" in q["sql"]]
    assert len(job_reads) == 1
    assert '"result"' not in job_reads[0] and "importpreviewrow" not in job_reads[0]
    assert elapsed < 1.0, f"a poll took {elapsed:.2f} s"


def test_storing_a_preview_again_replaces_its_rows(staff_a, institution_a):
    """A check delivered twice (its worker died after storing) keeps one set of rows."""
    job = _job(staff_a)
    preview = Preview(file_name="r.csv", fields=FIELDS, rows=[_row(2, institution_a.pk)])
    assert imports.store_preview(job_id=job.pk, preview=preview) is True
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.PARSING)
    assert imports.store_preview(job_id=job.pk, preview=preview) is True
    assert list(ImportPreviewRow.objects.filter(job=job).values_list("row", flat=True)) == [2]


def test_a_preview_of_a_job_that_moved_on_is_not_stored(staff_a, institution_a):
    job = _job(staff_a, state=ImportState.CANCELLED)
    preview = Preview(file_name="r.csv", fields=FIELDS, rows=[_row(2, institution_a.pk)])
    assert imports.store_preview(job_id=job.pk, preview=preview) is False
    assert not ImportPreviewRow.objects.filter(job=job).exists()
    job.refresh_from_db()
    assert (job.state, job.result) == (ImportState.CANCELLED, {"language": "ja"})


def test_a_preview_stored_whole_moves_its_rows_to_the_table(staff_a, institution_a):
    """Migration 0011: a job stored with its rows in ImportJob.result (format 1)."""
    migration = importlib.import_module("metrics.migrations.0011_import_preview_rows")
    whole = {
        "format_version": 1,
        "file_name": "r.csv",
        "file_errors": [],
        "notices": [],
        "fields": ["patent_applications"],
        "rows": [
            {"row": 2, "outcome": "new", "institution_id": institution_a.pk,
             "fiscal_year": 2010, "values": [3],
             "warnings": [{"field": "patent_applications", "message": "多い"}]},
            {"row": 3, "outcome": "error", "problems": [{"kind": "unknown_institution",
             "row": 3, "column": "機関コード", "value": "X", "params": {}}]},
        ],
        "institutions": {str(institution_a.pk): ["TLO-AAA", "機関A", "A"]},
        "summary": {"rows": 2, "new": 1, "changed": 0, "unchanged": 0, "error": 1,
                    "with_warnings": 1, "file_errors": 0},
        "language": "ja",
    }  # fmt: skip
    job = _job(staff_a, state=ImportState.FAILED)
    ImportJob.objects.filter(pk=job.pk).update(result=whole)

    migration.split_stored_previews(current_apps, None)

    job.refresh_from_db()
    assert "rows" not in job.result and "institutions" not in job.result
    assert job.result["summary"] == whole["summary"]
    stored = list(ImportPreviewRow.objects.filter(job=job).order_by("position"))
    assert [(r.row, r.outcome, r.has_warnings) for r in stored] == [
        (2, "new", True),
        (3, "error", False),
    ]
    preview = selectors.stored_preview(job)
    assert preview.institution_of(preview.rows[0]) == ["TLO-AAA", "機関A", "A"]
    assert [r.values for r in preview.rows] == [[3], None]
    assert preview.has_errors()
