"""What every app shares in the database: the outbox of Celery tasks."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QueuedTaskQuerySet(models.QuerySet):
    def waiting(self) -> QueuedTaskQuerySet:
        """Recorded, not yet handed to the broker."""
        return self.filter(sent_at__isnull=True)


class QueuedTask(models.Model):
    """A Celery task recorded in the transaction that asked for it, handed to the broker
    after that transaction commits (core.outbox). A task the broker did not take stays
    waiting, and the periodic sweep sends it again: work asked for is never lost."""

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # A sender holds the task until then (the request after commit, or the sweep), so
    # that two senders never send it both.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = QueuedTaskQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="queued_task_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
