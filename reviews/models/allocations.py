"""Support allocation (支援の重点化): a cycle's budget split by support tier, approved by
both ministries like a decision."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.enums import Ministry
from institutions.models import Institution

from ..enums import AllocationState, SupportTier
from .cycles import ReviewCycle

DEFAULT_WEIGHTS = {
    SupportTier.PRIORITISED: Decimal(3),
    SupportTier.STANDARD: Decimal(2),
    SupportTier.CONDITIONAL: Decimal(1),
    SupportTier.NONE: Decimal(0),
}


def _weight(label) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )


class Allocation(models.Model):
    """A cycle's support budget and the weight of each tier.

    Takes effect only when an official of MEXT and one of METI have approved exactly the
    version they read (reviews.workflow.ALLOCATION_WORKFLOW); any change withdraws the
    approvals; once both have approved it is locked.
    """

    cycle = models.OneToOneField(
        ReviewCycle,
        on_delete=models.CASCADE,
        related_name="allocation",
        verbose_name=_("review cycle"),
    )
    budget_yen = models.PositiveBigIntegerField(_("budget (yen)"))
    weight_prioritised = _weight(_("weight of prioritised support"))
    weight_standard = _weight(_("weight of standard support"))
    weight_conditional = _weight(_("weight of conditional support"))
    weight_none = _weight(_("weight of no support"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=AllocationState.choices,
        default=AllocationState.DRAFT,
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
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
        verbose_name = _("support allocation")
        verbose_name_plural = _("support allocations")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=AllocationState.values), name="allocation_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(budget_yen__gte=0), name="allocation_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Exact(Mod("budget_yen", 1000), 0),
                name="allocation_budget_whole_thousands",
            ),
            models.CheckConstraint(
                condition=Q(weight_prioritised__gte=0)
                & Q(weight_standard__gte=0)
                & Q(weight_conditional__gte=0)
                & Q(weight_none__gte=0),
                name="allocation_weights_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.budget_yen}"

    @property
    def is_approved(self) -> bool:
        return self.state == AllocationState.APPROVED

    def weights(self) -> dict[str, Decimal]:
        """Support tier → its weight."""
        return {
            SupportTier.PRIORITISED: self.weight_prioritised,
            SupportTier.STANDARD: self.weight_standard,
            SupportTier.CONDITIONAL: self.weight_conditional,
            SupportTier.NONE: self.weight_none,
        }


class AllocationLine(models.Model):
    """One institution's amount: as computed, and as an official may have adjusted it."""

    allocation = models.ForeignKey(
        Allocation,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("support allocation"),
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    tier = models.CharField(_("support tier"), max_length=16, choices=SupportTier.choices)
    weight = _weight(_("weight"))
    floor_yen = models.PositiveBigIntegerField(_("floor (yen)"), null=True, blank=True)
    ceiling_yen = models.PositiveBigIntegerField(_("ceiling (yen)"), null=True, blank=True)
    computed_yen = models.PositiveBigIntegerField(_("computed amount (yen)"))
    amount_yen = models.PositiveBigIntegerField(_("amount (yen)"))
    reason = models.TextField(_("reason for the adjustment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["allocation", "institution__code"]
        verbose_name = _("allocated amount")
        verbose_name_plural = _("allocated amounts")
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "institution"], name="allocation_line_one_per_institution"
            ),
            models.CheckConstraint(
                condition=Exact(Mod("amount_yen", 1000), 0) & Exact(Mod("computed_yen", 1000), 0),
                name="allocation_line_whole_thousands",
            ),
            models.CheckConstraint(
                condition=Q(tier__in=SupportTier.values), name="allocation_line_tier_valid"
            ),
            models.CheckConstraint(
                condition=Q(ceiling_yen__isnull=True)
                | Q(floor_yen__isnull=True)
                | Q(ceiling_yen__gte=F("floor_yen")),
                name="allocation_line_ceiling_above_floor",
            ),
            # An amount that differs from the computed one says why.
            models.CheckConstraint(
                condition=Q(amount_yen=F("computed_yen")) | ~Q(reason=""),
                name="allocation_line_adjustment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation}: {self.institution} {self.amount_yen}"

    @property
    def is_adjusted(self) -> bool:
        return self.amount_yen != self.computed_yen or bool(self.reason)


class AllocationApproval(models.Model):
    """One ministry's approval of an allocation, by one of its officials."""

    allocation = models.ForeignKey(
        Allocation,
        on_delete=models.CASCADE,
        related_name="approvals",
        verbose_name=_("support allocation"),
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
        ordering = ["allocation", "approved_at"]
        verbose_name = _("approval of an allocation")
        verbose_name_plural = _("approvals of allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "ministry"], name="allocation_approval_one_per_ministry"
            ),
            models.UniqueConstraint(
                fields=["allocation", "official"], name="allocation_approvers_differ"
            ),
            models.CheckConstraint(
                condition=Q(ministry__in=Ministry.values),
                name="allocation_approval_ministry_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation} ✓ {self.ministry}"
