"""Celery tasks of the metrics app: take primitive ids, load, call a service."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from .services import collection, imports, metric_values

STALE_IMPORT_AFTER = datetime.timedelta(hours=1)
UNCONFIRMED_UPLOADS_KEPT = datetime.timedelta(days=30)


@shared_task(name="metrics.recompute_metrics")
def recompute_metrics_task(
    institution_ids: list[int] | None = None, from_fiscal_year: int | None = None
) -> dict[str, int]:
    """Recompute the stored metric values of these institutions from this fiscal year on."""
    return metric_values.recompute_metric_values(
        institution_ids=institution_ids, from_fiscal_year=from_fiscal_year
    ).as_dict()


@shared_task(name="metrics.preview_import")
def preview_import(job_id: int) -> None:
    """Check an uploaded file in the background and store its preview. Delivered again
    after the job moved on (a redelivery after a worker died), it does nothing."""
    try:
        imports.run_import_preview(job_id=job_id)
    except imports.ImportNotPossible:
        return


@shared_task(name="metrics.apply_import")
def apply_import(job_id: int) -> None:
    """Apply a confirmed import in the background, in one transaction (a conflict or an
    error is recorded on the job, which the person's page shows; nothing to retry).
    Delivered again after the job moved on, it does nothing."""
    try:
        imports.apply_import_job(job_id=job_id)
    except imports.ImportNotPossible:
        return


@shared_task(name="metrics.fail_stale_imports")
def fail_stale_imports() -> int:
    """Periodic: fail imports the system has been working on for more than an hour."""
    return imports.fail_stale_imports(older_than=STALE_IMPORT_AFTER)


@shared_task(name="metrics.fail_silent_imports")
def fail_silent_imports() -> int:
    """Periodic: fail imports being checked whose worker gave no sign of life for a few
    minutes (it was killed; its task is redelivered to another worker, if any)."""
    return imports.fail_silent_imports()


@shared_task(name="metrics.delete_old_uploads")
def delete_old_uploads() -> int:
    """Periodic: delete uploads never applied, 30 days after they were uploaded."""
    return imports.delete_old_uploads(older_than=UNCONFIRMED_UPLOADS_KEPT)


@shared_task(name="metrics.send_report_reminders")
def send_report_reminders() -> dict[str, int]:
    """Daily: remind the institutions that have not submitted, on the reminder days of
    each running collection round (sending twice on a day sends nothing the second time)."""
    summary = collection.send_due_reminders(today=timezone.localdate())
    return {"institutions": summary.institutions, "recipients": summary.recipients}
