"""What every app shares in the database: the version of the data pages are computed from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row whose number moves on with every write that can change a cached page's
    data (core.cache). Written in the writer's transaction, so that no reader sees new
    data under an old number: the cache keys of page data carry it."""

    SINGLETON = 1

    number = models.PositiveBigIntegerField(_("number"), default=0)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="core_dataversion_single_row")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"
