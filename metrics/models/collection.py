"""Collection rounds (報告依頼): the ministries ask the institutions for a fiscal year's
figures by a deadline, and remind those who have not reported."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.models import Institution

from ..enums import ReminderTiming, RoundState


class CollectionRoundQuerySet(models.QuerySet):
    def open(self) -> CollectionRoundQuerySet:
        return self.filter(state=RoundState.OPEN)

    def running_on(self, day: datetime.date) -> CollectionRoundQuerySet:
        """Open rounds that have started by `day` (institutions see them, reminders go)."""
        return self.open().filter(opens_on__lte=day)


class CollectionRound(models.Model):
    """One fiscal year's request for annual reports: who is expected, and by when."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    opens_on = models.DateField(_("opening date"))
    # The last day on which a submission is on time (Japan time, the whole day).
    deadline = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=8, choices=RoundState.choices, default=RoundState.OPEN
    )
    expected = models.ManyToManyField(
        Institution,
        related_name="collection_rounds",
        verbose_name=_("expected institutions"),
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    objects = CollectionRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("collection round")
        verbose_name_plural = _("collection rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("opens_on")), name="round_deadline_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=1950) & Q(fiscal_year__lte=2100),
                name="round_fiscal_year_range",
            ),
            models.CheckConstraint(
                condition=Q(state__in=RoundState.values), name="round_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}"


class SentReminder(models.Model):
    """A reminder e-mailed to an institution's staff: kept so that the daily task never
    sends the same reminder twice, and so that officials can see what went out."""

    round = models.ForeignKey(
        CollectionRound,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("collection round"),
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="+", verbose_name=_("institution")
    )
    sent_on = models.DateField(_("date"))
    timing = models.CharField(_("timing"), max_length=8, choices=ReminderTiming.choices)
    days = models.PositiveSmallIntegerField(_("days from the deadline"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "institution__code"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "institution", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.institution} {self.sent_on}"
