"""A worker that dies mid-check: its task is redelivered (late acknowledgement), and a
job without a sign of life for a few minutes is failed with a readable message."""

import datetime
import threading
import time

import pytest
from celery import current_app
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from core.jobs import SILENT_AFTER
from metrics.enums import ImportState
from metrics.models import ImportJob
from metrics.services import imports
from tests.metrics.importing_support import csv_bytes

pytestmark = pytest.mark.django_db

ROWS = [["institution", "fiscal_year", "patent_applications"], ["TLO-AAA", "2010", "1"]]


def _job_checking(staff, *, silent_for: datetime.timedelta) -> ImportJob:
    with TestCase.captureOnCommitCallbacks(execute=False):
        job = imports.start_import(
            actor=staff, file_name="r.csv", data=csv_bytes(ROWS), language="ja"
        )
    then = timezone.now() - silent_for
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.PARSING, state_changed_at=then, heartbeat_at=then
    )
    return job


def test_job_checking_without_heartbeat_is_failed_with_message(staff_a, client_for):
    silent = _job_checking(staff_a, silent_for=SILENT_AFTER + datetime.timedelta(seconds=5))
    alive = _job_checking(staff_a, silent_for=datetime.timedelta(seconds=10))
    assert imports.fail_silent_imports() == 1
    silent.refresh_from_db()
    alive.refresh_from_db()
    assert (silent.state, alive.state) == (ImportState.FAILED, ImportState.PARSING)
    with translation.override("en"):
        page = client_for(staff_a).get(reverse("metrics:import_detail", args=[silent.pk]))
    assert "no sign of life" in page.content.decode() or "応答" in page.content.decode()


def test_progress_is_the_heartbeat(staff_a):
    job = _job_checking(staff_a, silent_for=SILENT_AFTER * 2)
    imports.run_import_preview(job_id=job.pk)  # a redelivered task starts over
    job.refresh_from_db()
    assert job.state == ImportState.PREVIEW
    assert timezone.now() - job.heartbeat_at < datetime.timedelta(minutes=1)
    assert imports.fail_silent_imports() == 0


def test_tasks_are_acknowledged_late_and_redelivered_when_a_worker_dies():
    assert current_app.conf.task_acks_late is True
    assert current_app.conf.task_reject_on_worker_lost is True
    assert "metrics.fail_silent_imports" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


@pytest.mark.django_db(transaction=True)
def test_eager_upload_is_checked_in_a_background_thread(staff_a, client_for, settings):
    settings.TASKS_IN_THREAD = True
    started = threading.active_count()
    response = client_for(staff_a).post(
        reverse("metrics:import_upload"),
        {
            "file": __import__("django").core.files.uploadedfile.SimpleUploadedFile(
                "r.csv", csv_bytes(ROWS)
            )
        },
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    deadline = time.monotonic() + 30
    while job.state in (ImportState.UPLOADED, ImportState.PARSING) and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.state in (ImportState.PREVIEW, ImportState.FAILED)
    assert threading.active_count() <= started + 1


def test_redelivered_tasks_after_the_job_moved_on_do_nothing(staff_a):
    from metrics.tasks import apply_import, preview_import

    job = _job_checking(staff_a, silent_for=SILENT_AFTER * 2)
    imports.fail_silent_imports()
    preview_import(job.pk)  # the task of the dead worker, delivered again
    apply_import(job.pk)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED
