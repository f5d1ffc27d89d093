"""Every status and kind of the metrics app. These strings appear nowhere else."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    ACCEPTED = "accepted", _("accepted")


class LicenseeKind(models.TextChoices):
    LARGE_COMPANY = "large_company", _("large company")
    SME = "sme", _("SME")
    STARTUP = "startup", _("start-up")
    FOREIGN = "foreign", _("foreign company")
    OTHER = "other", _("other")


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded")
    PARSING = "parsing", _("checking")
    PREVIEW = "preview", _("ready to confirm")
    FAILED = "failed", _("has errors")
    APPLYING = "applying", _("applying")
    APPLIED = "applied", _("applied")
    CANCELLED = "cancelled", _("cancelled")
