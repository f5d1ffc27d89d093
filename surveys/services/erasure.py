"""Personal data erased thirty days after a survey closes (SPEC §4, docs/security.md)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from notifications.services import erase_addresses

from ..models import Contact, ContactUpload, Survey

ERASE_AFTER_DAYS = 30


@transaction.atomic
def erase_survey_contacts(*, survey: Survey) -> int:
    """Erase the survey's customer names and addresses; keep counts and answers.

    Side effects, in order: the outbox messages to the contacts lose their address,
    body and secret link (notifications.services.erase_addresses); the contacts' company,
    person and address are blanked and their token hashes dropped; the same columns are
    blanked in the contacts' history; the uploads of customer lists (their problems quote
    names and addresses) are deleted; the survey records when. Returns how many contacts."""
    contacts = Contact.objects.filter(survey=survey)
    message_ids = list(
        Contact.messages.through.objects.filter(contact__survey=survey).values_list(
            "notification_id", flat=True
        )
    )
    erase_addresses(notification_ids=message_ids)
    now = timezone.now()
    count = contacts.update(company="", person="", email="", token_hash="", erased_at=now)
    Contact.history.filter(survey_id=survey.pk).update(company="", person="", email="")
    for upload in ContactUpload.objects.filter(survey=survey).only("pk", "file"):
        if upload.file:
            upload.file.delete(save=False)
    ContactUpload.objects.filter(survey=survey).delete()
    survey.erased_at = now
    survey.save(update_fields=["erased_at"])
    return count


def erase_due_contacts(*, today: datetime.date | None = None) -> list[int]:
    """Erase the contacts of every survey closed ERASE_AFTER_DAYS days ago or more (the
    daily task's work). Returns the fiscal years erased."""
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=ERASE_AFTER_DAYS)
    erased = []
    for survey in Survey.objects.filter(closed_at__isnull=False, erased_at__isnull=True):
        if timezone.localdate(survey.closed_at) <= limit:
            erase_survey_contacts(survey=survey)
            erased.append(survey.fiscal_year)
    return erased
