"""Hostile files are normal input: each gets a message naming what and where, no job is
left running, nothing is half-applied, and no request answers 500."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from core.storage import private_storage
from metrics.enums import ImportState
from metrics.models import AnnualReport, ImportJob
from metrics.services import imports
from tests.metrics.importing_support import (
    csv_bytes,
    messages_of,
    start_and_check,
    stored,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

HEADER = ["機関コード", "年度", "特許出願件数"]


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


def _post(client, data, name="報告.csv"):
    """Upload, and let the background check run (the upload's on-commit task)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("metrics:import_upload"), {"file": SimpleUploadedFile(name, data)}
        )


def _job_after(response):
    assert response.status_code in (200, 302), response.status_code
    return ImportJob.objects.latest("pk")


def test_csv_with_a_nul_byte_fails_with_a_message_naming_the_line(client_for, staff_a):
    data = "機関コード,年度,特許出願件数\r\nTLO-AAA,2010,1\x002\r\n".encode()
    job = _job_after(_post(client_for(staff_a), data))
    assert job.state == ImportState.FAILED
    assert messages_of(stored(job)) == [
        "2行目: NUL 文字(バイト 0x00、先頭から57バイト目)があります。テキストファイルには"
        "含まれない文字のため、ファイルが壊れているか CSV ではない可能性があります。"
        "CSV で保存し直してからアップロードしてください。"
    ]
    assert AnnualReport.objects.count() == 0


def test_xlsx_cell_with_a_nul_is_a_cell_error_and_stores(client_for, staff_a):
    data = xlsx_bytes([HEADER, ["TLO-AAA", "2010", "1_x0000_2"]])
    job = _job_after(_post(client_for(staff_a), data, "報告.xlsx"))
    assert job.state == ImportState.FAILED
    assert stored(job)["rows"][0]["outcome"] == "error"
    assert "\x00" not in str(job.result)


def test_a_5000_digit_figure_is_out_of_range_not_a_crash(client_for, staff_a):
    data = csv_bytes([HEADER, ["TLO-AAA", "2010", "9" * 5000]])
    job = _job_after(_post(client_for(staff_a), data))
    assert job.state == ImportState.FAILED
    (problem,) = stored(job)["rows"][0]["problems"]
    assert (problem["kind"], problem["column"]) == ("out_of_range", "特許出願件数")
    assert len(problem["value"]) < 120  # echoed by its start, not stored whole


def test_a_5000_digit_fiscal_year_is_not_a_fiscal_year(client_for, staff_a):
    data = csv_bytes([HEADER, ["TLO-AAA", "1" * 5000, "3"]])
    job = _job_after(_post(client_for(staff_a), data))
    assert stored(job)["rows"][0]["problems"][0]["kind"] == "not_a_fiscal_year"


def test_html_in_a_cell_is_shown_as_text(client_for, staff_a):
    data = csv_bytes([HEADER, ['<script>alert("x")</script>', "2010", "3"]])
    job = _job_after(_post(client_for(staff_a), data))
    page = client_for(staff_a).get(reverse("metrics:import_detail", args=[job.pk]))
    html = page.content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_a_file_name_with_control_characters_and_a_path_is_cleaned(client_for, staff_a):
    data = csv_bytes([HEADER, ["TLO-AAA", "2010", "3"]])
    job = _job_after(_post(client_for(staff_a), data, "../../年度\x07報告.csv"))
    assert job.original_name == "年度報告.csv"
    assert "年度" not in job.file.name


def test_an_error_while_storing_the_preview_fails_the_job(staff_a, monkeypatch):
    def broken(job, preview):
        raise RuntimeError("the database refused the preview")

    monkeypatch.setattr(imports, "store_preview", broken)
    job = start_and_check(
        actor=staff_a,
        file_name="r.csv",
        data=csv_bytes([HEADER, ["TLO-AAA", "2010", "1"]]),
        language="ja",
    )
    assert job.state == ImportState.FAILED
    assert [p["kind"] for p in job.result["file_errors"]] == ["processing_failed"]


def test_the_progress_of_a_failed_job_stops_polling(client_for, staff_a):
    job = _job_after(_post(client_for(staff_a), b"\x00\x01\x02"))
    progress = client_for(staff_a).get(reverse("metrics:import_progress", args=[job.pk])).json()
    assert (progress["state"], progress["running"]) == ("failed", False)


def _job(person, state, age):
    then = timezone.now() - age
    job = ImportJob.objects.create(
        uploaded_by=person,
        original_name="x.csv",
        state=state,
        result={},
        applied_at=then if state == ImportState.APPLIED else None,
    )
    job.file.save("x.csv", ContentFile(b"a,b\r\n"))
    ImportJob.objects.filter(pk=job.pk).update(created_at=then, state_changed_at=then)
    return ImportJob.objects.get(pk=job.pk)


def test_jobs_running_for_more_than_an_hour_are_failed(staff_a):
    stuck = _job(staff_a, ImportState.PARSING, datetime.timedelta(hours=2))
    recent = _job(staff_a, ImportState.APPLYING, datetime.timedelta(minutes=10))
    done = _job(staff_a, ImportState.APPLIED, datetime.timedelta(hours=5))
    assert imports.fail_stale_imports(older_than=datetime.timedelta(hours=1)) == 1
    states = {j.pk: j.state for j in ImportJob.objects.all()}
    assert states == {
        stuck.pk: ImportState.FAILED,
        recent.pk: ImportState.APPLYING,
        done.pk: ImportState.APPLIED,
    }
    stuck.refresh_from_db()
    assert [p["kind"] for p in stuck.result["file_errors"]] == ["timed_out"]


def test_unconfirmed_uploads_are_deleted_after_30_days(staff_a):
    old = _job(staff_a, ImportState.PREVIEW, datetime.timedelta(days=31))
    applied = _job(staff_a, ImportState.APPLIED, datetime.timedelta(days=400))
    young = _job(staff_a, ImportState.FAILED, datetime.timedelta(days=3))
    old_path = old.file.name
    assert imports.delete_old_uploads(older_than=datetime.timedelta(days=30)) == 1
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {applied.pk, young.pk}
    assert not private_storage.exists(old_path)
    assert private_storage.exists(applied.file.name)


def test_the_beat_schedule_runs_both_clean_ups(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"metrics.fail_stale_imports", "metrics.delete_old_uploads"} <= tasks


def test_cancelling_is_the_uploaders_alone(client_for, staff_a, mext_official):
    job = _job(staff_a, ImportState.PREVIEW, datetime.timedelta(minutes=1))
    with pytest.raises(imports.PermissionDenied):
        imports.cancel_import(actor=mext_official, job=job)
    imports.cancel_import(actor=staff_a, job=job)
    assert ImportJob.objects.get(pk=job.pk).state == ImportState.CANCELLED


def test_preview_pages_of_a_large_file_stay_small(client_for, mext_official, settings):
    from tests.factories import InstitutionFactory

    settings.IMPORT_BACKGROUND_ROWS = 100_000
    settings.IMPORT_BACKGROUND_BYTES = 100 * 1024 * 1024
    institution = InstitutionFactory()
    rows = [[institution.code, 1950 + n % 150, n] for n in range(3_000)]
    job = start_and_check(
        actor=mext_official, file_name="big.csv", data=csv_bytes([HEADER, *rows]), language="ja"
    )
    response = client_for(mext_official).get(reverse("metrics:import_detail", args=[job.pk]))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 200
    assert len(response.content) < 1_000_000
