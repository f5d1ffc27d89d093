"""Hearings (ヒアリング): when and where an institution is heard, who attends, minutes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .cycles import CycleEntry


class Hearing(models.Model):
    entry = models.OneToOneField(
        CycleEntry,
        on_delete=models.CASCADE,
        related_name="hearing",
        verbose_name=_("institution in a review"),
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("start"))
    ends_at = models.TimeField(_("end"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True, max_length=300)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="review_hearings",
        verbose_name=_("attending reviewers and officials"),
        blank=True,
    )
    minutes = models.TextField(_("minutes"), blank=True)
    # Moves on with every change; a form sent from an older version is refused, so two
    # people working at once never silently overwrite each other.
    version = models.PositiveIntegerField(_("version"), default=1)
    # The iCalendar event's identity and revision: a moved hearing updates the same event.
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "starts_at", "entry__institution__code"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="hearing_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_url=""), name="hearing_has_place_or_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} {self.date}"
