"""An XLSX whose workbook stores its sheet outside xl/worksheets/: weighed by the
workbook's own relationships, and never parsed in the request."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from core.tables.files import looks_large
from metrics.enums import ImportState
from metrics.models import ImportJob
from tests.metrics.importing_support import handmade_xlsx, sheet_data

pytestmark = pytest.mark.django_db


def outside_sheet_xlsx(rows: int) -> bytes:
    """Rows of cells without references (r="…" left out), the sheet moved to xl/data/."""
    inside = "".join(
        f"<row><c><v>{n}</v></c><c><v>{n}</v></c><c><v>{n}</v></c></row>" for n in range(rows)
    )
    source = zipfile.ZipFile(io.BytesIO(handmade_xlsx(sheet_data({"A1": "x"}))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            text = source.read(name).decode()
            if name == "xl/worksheets/sheet1.xml":
                start = text.index("<sheetData>") + len("<sheetData>")
                archive.writestr("xl/data/sheet1.xml", text[:start] + inside + text[start:])
                continue
            text = text.replace("worksheets/sheet1.xml", "data/sheet1.xml")
            archive.writestr(name, text)
    return buffer.getvalue()


def test_looks_large_follows_the_workbook_relationships(settings):
    settings.IMPORT_BACKGROUND_ROWS = 100
    assert looks_large(outside_sheet_xlsx(5_000)) is True
    assert looks_large(outside_sheet_xlsx(5)) is False


def test_outside_sheet_upload_returns_the_job_page_without_parsing(
    client_for, staff_a, django_capture_on_commit_callbacks
):
    data = outside_sheet_xlsx(20_000)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client_for(staff_a).post(
            reverse("metrics:import_upload"), {"file": SimpleUploadedFile("big.xlsx", data)}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("metrics:import_detail", args=[job.pk])
    assert (job.state, job.total_rows) == (ImportState.UPLOADED, 0)
    assert len(queued) == 1


def test_outside_sheet_is_checked_in_the_background(client_for, staff_a):
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for(staff_a).post(
            reverse("metrics:import_upload"),
            {"file": SimpleUploadedFile("big.xlsx", outside_sheet_xlsx(50))},
        )
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED  # numbers without headers: messages, no 500
