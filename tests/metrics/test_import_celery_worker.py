"""A large import through a real Celery worker and the Redis broker (CI sets
CELERY_BROKER_URL=redis://…; without it the test is skipped)."""

import time

import pytest
from django.conf import settings as django_settings

from metrics.enums import ImportState
from metrics.models import AnnualReport, ImportJob
from metrics.services import imports
from tests.metrics.importing_support import csv_bytes

WAIT_SECONDS = 60


def _wait_for(job: ImportJob, *states: str) -> ImportJob:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in states:
            return job
        time.sleep(0.2)
    raise AssertionError(f"import job still {job.state} after {WAIT_SECONDS} s")


@pytest.fixture
def real_worker(settings):
    if not django_settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        pytest.skip("needs a Redis broker: set CELERY_BROKER_URL=redis://… (CI does)")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    # Read before the settings change: Celery's configuration is read from Django's
    # settings lazily, and later tests need tasks to run in-process again.
    eager = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        app.conf.task_always_eager = eager


@pytest.mark.celery_worker
def test_large_import_runs_in_a_real_worker(transactional_db, real_worker, staff_a, settings):
    settings.IMPORT_BACKGROUND_ROWS = 10
    rows = [["機関コード", "年度", "特許出願件数", "ライセンス収入(千円)"]]
    # Fiscal years from the institution's approval (tests.factories: 1998) on.
    rows += [["TLO-AAA", 1998 + n, n, "1,000"] for n in range(20)]

    job = imports.start_import(
        actor=staff_a, file_name="big.csv", data=csv_bytes(rows, "cp932"), language="ja"
    )
    assert job.state == ImportState.UPLOADED  # returned before the worker checked anything

    job = _wait_for(job, ImportState.PREVIEW, ImportState.FAILED)
    assert (job.state, job.processed_rows, job.total_rows) == (ImportState.PREVIEW, 20, 20)
    assert job.result["summary"]["new"] == 20

    job = imports.confirm_import(actor=staff_a, job=job)
    assert job.state == ImportState.APPLYING
    job = _wait_for(job, ImportState.APPLIED, ImportState.FAILED)
    assert job.state == ImportState.APPLIED
    assert AnnualReport.objects.count() == 20
    assert set(AnnualReport.objects.values_list("licence_income", flat=True)) == {1_000_000}
    assert AnnualReport.history.filter(history_user=staff_a).count() == 20
