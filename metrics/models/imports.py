"""Spreadsheet imports: one upload, its preview, and its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BackgroundJob
from core.storage import generated_path, get_private_storage

from ..enums import ImportState


def import_file_path(instance: ImportJob, filename: str) -> str:
    """Uploads are stored privately under a generated name (core.storage)."""
    return generated_path("imports", filename, keep_suffixes=(".csv", ".xlsx"))


class ImportJob(BackgroundJob):
    """A report import (core.jobs): its state and progress are BackgroundJob's; the
    preview, which can be large, is `result`."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(
        _("file"), upload_to=import_file_path, storage=get_private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    # The preview: one entry per row (outcome, changes, errors, warnings) and a summary.
    result = models.JSONField(_("result"), default=dict, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # An official confirmed the file "as accepted": its reports are stored accepted.
    as_accepted = models.BooleanField(_("stored as accepted"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows")),
                name="import_progress_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=ImportState.values), name="import_state_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(state=ImportState.APPLIED) | models.Q(applied_at__isnull=False),
                name="import_applied_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
