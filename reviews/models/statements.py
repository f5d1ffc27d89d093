"""The hearing statement an institution writes, with its regional support and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.storage import generated_path, get_private_storage

from .cycles import CycleEntry

ATTACHMENT_SUFFIXES = (".pdf", ".xlsx", ".docx")


def attachment_path(instance, filename: str) -> str:
    return generated_path("statements", filename, keep_suffixes=ATTACHMENT_SUFFIXES)


class HearingStatement(models.Model):
    """What the institution says for its hearing (ヒアリング資料)."""

    entry = models.OneToOneField(
        CycleEntry,
        on_delete=models.CASCADE,
        related_name="statement",
        verbose_name=_("institution in a review"),
    )
    regional_necessity = models.TextField(_("regional necessity"), blank=True)
    improvement_plan = models.TextField(_("improvement plan"), blank=True)
    regional_support = models.TextField(_("regional support obtained"), blank=True)
    # Moves on with every change; a form sent from an older version is refused, so two
    # people working at once never silently overwrite each other.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("hearing statement")
        verbose_name_plural = _("hearing statements")

    def __str__(self) -> str:
        return str(self.entry)


class SupportLine(models.Model):
    """Regional support obtained: an amount and from whom."""

    statement = models.ForeignKey(
        HearingStatement,
        on_delete=models.CASCADE,
        related_name="support_lines",
        verbose_name=_("hearing statement"),
    )
    provider = models.CharField(_("from whom"), max_length=200)
    amount = models.PositiveBigIntegerField(_("amount (yen)"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["statement", "id"]
        verbose_name = _("regional support")
        verbose_name_plural = _("regional support")
        constraints = [
            models.CheckConstraint(condition=~Q(provider=""), name="support_line_has_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.amount}"


class StatementAttachment(models.Model):
    """A PDF, XLSX or DOCX file attached to a statement; private, downloaded through a
    view that checks the person."""

    statement = models.ForeignKey(
        HearingStatement,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("hearing statement"),
    )
    file = models.FileField(
        _("file"), storage=get_private_storage, upload_to=attachment_path, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["statement", "uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
