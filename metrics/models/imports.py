"""Spreadsheet imports: one upload, its preview, and its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.storage import generated_path, get_private_storage

from ..enums import ImportState


def import_file_path(instance: ImportJob, filename: str) -> str:
    """Uploads are stored privately under a generated name (core.storage)."""
    return generated_path("imports", filename, keep_suffixes=(".csv", ".xlsx"))


class ImportJob(models.Model):
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
    state = models.CharField(
        _("state"), max_length=12, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    # The preview: one entry per row (outcome, changes, errors, warnings) and a summary.
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # When the state last changed: a job running for an hour since is failed by a
    # periodic task (metrics.tasks.fail_stale_imports).
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)
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

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return round(100 * self.processed_rows / self.total_rows)
