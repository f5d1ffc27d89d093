"""The registry upload is a background job: the request stores the file and returns the
job page at once; checking and loading run in the worker, with progress."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from core.enums import JobState
from core.jobs import SILENT_AFTER
from institutions import registry_file, services
from institutions.models import Institution, RegistryUpload
from institutions.services import (
    fail_silent_registry_uploads,
    run_registry_upload,
    start_registry_upload,
)
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def _csv(rows: int) -> bytes:
    lines = ["code,name_ja,kind,region"]
    lines += [f"TLO-N{n:05d},機関{n},approved_tlo,kanto" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_registry_upload_of_60000_rows_returns_the_job_page_at_once(
    client_for, mext_official, django_capture_on_commit_callbacks
):
    data = _csv(60_000)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client_for(mext_official).post(
            reverse("institutions:upload"), {"file": SimpleUploadedFile("big.csv", data)}
        )
    elapsed = time.monotonic() - started
    job = RegistryUpload.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("institutions:upload_detail", args=[job.pk])
    assert (job.state, job.total_rows) == (JobState.UPLOADED, 0)
    assert len(queued) == 1
    assert elapsed < 10
    assert not Institution.objects.exists()
    page = client_for(mext_official).get(response.url).content.decode()
    progress_url = reverse("institutions:upload_progress", args=[job.pk])
    assert f'<div id="import-progress" data-url="{progress_url}">' in page


def test_registry_upload_runs_in_background_with_progress(client_for, mext_official, monkeypatch):
    RegionFactory(code="kanto")
    monkeypatch.setattr(registry_file, "PROGRESS_EVERY", 2)
    seen = []
    original = services.record_progress

    def spy(model, job_id, *, done, total):
        seen.append((done, total))
        original(model, job_id, done=done, total=total)

    monkeypatch.setattr(services, "record_progress", spy)

    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        job = start_registry_upload(
            actor=mext_official, file_name="r.csv", data=_csv(5), language="ja"
        )
    client = client_for(mext_official)
    poll = client.get(reverse("institutions:upload_progress", args=[job.pk])).json()
    assert (poll["state"], poll["running"]) == ("uploaded", True)
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert job.state == JobState.APPLIED
    assert job.summary == {"created": 5, "updated": 0, "unchanged": 0}
    assert (job.processed_rows, job.total_rows) == (5, 5)
    assert seen == [(0, 5), (2, 5), (4, 5)]  # checked before rows 2, 4 and 6 of the file
    assert Institution.objects.count() == 5
    poll = client.get(reverse("institutions:upload_progress", args=[job.pk])).json()
    assert (poll["state"], poll["running"], poll["percent"]) == ("applied", False, 100)
    page = client.get(reverse("institutions:upload_detail", args=[job.pk])).content.decode()
    assert 'id="registry-applied"' in page


def test_registry_upload_task_delivered_twice_loads_once(mext_official):
    RegionFactory(code="kanto")
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = start_registry_upload(
            actor=mext_official, file_name="r.csv", data=_csv(3), language="ja"
        )
    history = Institution.history.count()
    assert run_registry_upload(upload_id=job.pk).state == JobState.APPLIED
    assert Institution.history.count() == history


def test_registry_upload_pages_for_the_wrong_people(
    client_for, anonymous_client, mext_official, meti_official, viewer
):
    with TestCase.captureOnCommitCallbacks(execute=False):
        job = start_registry_upload(
            actor=mext_official, file_name="r.csv", data=_csv(1), language="ja"
        )
    for name in ("institutions:upload_detail", "institutions:upload_progress"):
        url = reverse(name, args=[job.pk])
        assert anonymous_client.get(url).status_code == 302
        assert client_for(viewer).get(url).status_code == 403
        assert client_for(meti_official).get(url).status_code == 404
        assert client_for(mext_official).get(url).status_code == 200


def test_registry_upload_over_the_size_limit_is_refused_in_the_form(
    client_for, mext_official, settings
):
    settings.IMPORT_MAX_FILE_BYTES = 100
    response = client_for(mext_official).post(
        reverse("institutions:upload"), {"file": SimpleUploadedFile("r.csv", _csv(20))}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not RegistryUpload.objects.exists()


def test_registry_upload_without_heartbeat_is_failed_with_message(mext_official):
    with TestCase.captureOnCommitCallbacks(execute=False):
        job = start_registry_upload(
            actor=mext_official, file_name="r.csv", data=_csv(1), language="en"
        )
    then = timezone.now() - SILENT_AFTER - datetime.timedelta(seconds=5)
    RegistryUpload.objects.filter(pk=job.pk).update(
        state=JobState.PARSING, state_changed_at=then, heartbeat_at=then
    )
    assert fail_silent_registry_uploads() == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    with translation.override("en"):
        assert "no sign of life" in job.problems[0]
