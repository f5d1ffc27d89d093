"""Celery tasks of the surveys app (daily, celery beat): load, call a service."""

from celery import shared_task

from .services import contacts
from .services.erasure import erase_due_contacts
from .services.invitations import stage_reminders
from .services.rounds import close_due_surveys


@shared_task(name="surveys.close_due_surveys")
def close_due_surveys_task() -> list[int]:
    return close_due_surveys()


@shared_task(name="surveys.send_reminders")
def send_reminders_task() -> int:
    return stage_reminders()


@shared_task(name="surveys.erase_contacts")
def erase_contacts_task() -> list[int]:
    return erase_due_contacts()


@shared_task(name="surveys.load_contact_upload")
def load_contact_upload_task(upload_id: int) -> None:
    """Check and add an uploaded customer list (surveys.services.contacts)."""
    contacts.run_contact_upload(upload_id=upload_id)


@shared_task(name="surveys.fail_silent_contact_uploads")
def fail_silent_contact_uploads_task() -> int:
    return contacts.fail_silent_contact_uploads()
