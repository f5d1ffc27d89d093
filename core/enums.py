"""Statuses shared by every app: those of a background job."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    """A background job over an uploaded file (core.jobs): stored, checked in the
    background, shown for confirmation, applied; or failed or cancelled."""

    UPLOADED = "uploaded", _("uploaded")
    PARSING = "parsing", _("checking")
    PREVIEW = "preview", _("ready to confirm")
    FAILED = "failed", _("has errors")
    APPLYING = "applying", _("applying")
    APPLIED = "applied", _("applied")
    CANCELLED = "cancelled", _("cancelled")


# The system is working on the job: the page polls its progress.
RUNNING_JOB_STATES = frozenset({JobState.UPLOADED, JobState.PARSING, JobState.APPLYING})
