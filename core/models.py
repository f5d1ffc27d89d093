"""What every app shares in the database: the outbox of Celery tasks, the fields of a
background job (core.jobs), and the version of the data pages are computed from
(core.cache)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import JobState


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


class BackgroundJob(models.Model):
    """What every background job over an upload has (core.jobs works on these fields):
    its state, its progress, when the state last changed, the last sign of life of the
    process working on it, and the messages that say why it failed.

    Progress lives in these small columns, apart from whatever large result a job keeps,
    so that polling it never reads the result."""

    state = models.CharField(
        _("state"), max_length=12, choices=JobState.choices, default=JobState.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # When the state last changed: a job running for an hour since is failed.
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)
    # Written with the progress: a job being checked without a sign of life for a few
    # minutes lost its worker, and is failed with a message (core.jobs.silent_jobs).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return round(100 * self.processed_rows / self.total_rows)


class DataVersion(models.Model):
    """One row whose number moves on with every write that can change a cached page's
    data (core.cache). Written in the writer's transaction, so that no reader sees new
    data under an old number: the cache keys of page data carry it."""

    SINGLETON = 1

    number = models.PositiveBigIntegerField(_("number"), default=0)
    # Moves on with every write to an annual report, a draft's included (the report list
    # shows drafts; the computed pages only accepted reports, which move `number`).
    reports = models.PositiveBigIntegerField(_("report list number"), default=0)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="core_dataversion_single_row")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"
