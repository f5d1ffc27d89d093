"""Celery tasks of the institutions app: take primitive ids, load, call a service."""

from celery import shared_task

from . import services


@shared_task(name="institutions.load_registry_upload")
def load_registry_upload(upload_id: int) -> None:
    """Check and load an uploaded registry file in the background (all rows or none)."""
    services.run_registry_upload(upload_id=upload_id)


@shared_task(name="institutions.fail_silent_registry_uploads")
def fail_silent_registry_uploads() -> int:
    """Periodic: fail registry uploads whose worker gave no sign of life for minutes."""
    return services.fail_silent_registry_uploads()
