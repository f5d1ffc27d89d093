"""Decisions per institution, and the two ministries' approvals they need."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.enums import Ministry
from institutions.models import Institution

from ..enums import DecisionState, Recommendation, SupportTier
from .cycles import CycleEntry


class Decision(models.Model):
    """The support tier and recommendation for one institution of a cycle.

    Takes effect only when an official of MEXT and one of METI have approved it
    (reviews.workflow.DECISION_WORKFLOW); any change withdraws the approvals.
    """

    entry = models.OneToOneField(
        CycleEntry,
        on_delete=models.CASCADE,
        related_name="decision",
        verbose_name=_("institution in a review"),
    )
    tier = models.CharField(_("support tier"), max_length=16, choices=SupportTier.choices)
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation.choices
    )
    merge_partner = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner institution of the merger"),
    )
    rationale = models.TextField(_("rationale"))
    state = models.CharField(
        _("state"), max_length=16, choices=DecisionState.choices, default=DecisionState.DRAFT
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    # Moves on with every change; a form sent from an older version is refused, so two
    # people working at once never silently overwrite each other.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["entry"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=DecisionState.values), name="decision_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(tier__in=SupportTier.values)
                & Q(recommendation__in=Recommendation.values),
                name="decision_choices_valid",
            ),
            models.CheckConstraint(
                condition=(Q(recommendation=Recommendation.MERGE) & Q(merge_partner__isnull=False))
                | (~Q(recommendation=Recommendation.MERGE) & Q(merge_partner__isnull=True)),
                name="decision_merge_has_partner",
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_has_rationale"),
        ]

    def __str__(self) -> str:
        return f"{self.entry}: {self.tier}"

    @property
    def is_approved(self) -> bool:
        return self.state == DecisionState.APPROVED


class DecisionApproval(models.Model):
    """One ministry's approval of a decision, by one of its officials."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("decision")
    )
    ministry = models.CharField(_("ministry"), max_length=8, choices=Ministry.choices)
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("official"),
    )
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "approved_at"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "ministry"], name="approval_one_per_ministry"
            ),
            models.UniqueConstraint(
                fields=["decision", "official"], name="approval_approvers_differ"
            ),
            models.CheckConstraint(
                condition=Q(ministry__in=Ministry.values), name="approval_ministry_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} ✓ {self.ministry}"
