"""Spreadsheet imports: one upload, its preview, and its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BackgroundJob
from core.storage import generated_path, get_private_storage

from ..enums import ImportState, RowOutcome


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


class ImportPreviewRow(models.Model):
    """One row of an import's preview, stored apart from the job (ImportJob.result holds
    the rest: metrics.importing.preview_data) so that a page of a preview of 60,000 rows
    reads one page of rows, filtered and ordered by the database."""

    job = models.ForeignKey(
        ImportJob,
        on_delete=models.CASCADE,
        related_name="preview_rows",
        verbose_name=_("import"),
    )
    # The row's place in the preview (the order of the file).
    position = models.PositiveIntegerField(_("position"))
    row = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=RowOutcome.choices)
    has_warnings = models.BooleanField(_("with warnings"), default=False)
    # PreviewRow.to_json(), and "institution": [code, Japanese name, English name].
    data = models.JSONField(_("row"), default=dict)

    class Meta:
        ordering = ["job", "position"]
        verbose_name = _("preview row")
        verbose_name_plural = _("preview rows")
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="import_preview_row_once"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=RowOutcome.values),
                name="import_preview_row_outcome_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["job", "outcome", "position"], name="import_preview_by_outcome")
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row}"
