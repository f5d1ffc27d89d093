"""Celery tasks of the metrics app: take primitive ids, load, call a service."""


# --- Metric engine -------------------------------------------------------------------

from celery import shared_task


@shared_task(name="metrics.recompute_metrics")
def recompute_metrics_task(
    institution_ids: list[int] | None = None, from_fiscal_year: int | None = None
) -> dict[str, int]:
    """Recompute the stored metric values of these institutions from this fiscal year on."""
    from metrics.services.metric_values import recompute_metric_values

    return recompute_metric_values(
        institution_ids=institution_ids, from_fiscal_year=from_fiscal_year
    ).as_dict()


# --- Spreadsheet import (importer) -------------------------------------------------------


@shared_task(name="metrics.preview_import")
def preview_import(job_id: int) -> None:
    """Check an uploaded file in the background and store its preview."""
    from metrics.services.imports import run_import_preview

    run_import_preview(job_id=job_id)


@shared_task(name="metrics.apply_import")
def apply_import(job_id: int) -> None:
    """Apply a confirmed import in the background, in one transaction."""
    import contextlib

    from metrics.services.imports import ImportConflict, apply_import_job

    # A conflict is recorded on the job, which the person's page shows; nothing to retry.
    with contextlib.suppress(ImportConflict):
        apply_import_job(job_id=job_id)
