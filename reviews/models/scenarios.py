"""Consolidation scenarios (整理統合シミュレーション): what a merger or an internalisation
would make, computed without changing the registry."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.enums import TloType
from institutions.models import Institution, Region

from ..enums import ScenarioKind
from .cycles import ReviewCycle
from .decisions import Decision


class ConsolidationScenario(models.Model):
    """A merger of approved TLOs, or a TLO internalised into a university's IP HQ.

    Members are the TLOs (ScenarioMember). A merger continues as one of them
    (`continuing`) or as a new institution with `region` and `tlo_type`; an
    internalisation names the IP headquarters (`ip_headquarters`).
    """

    cycle = models.ForeignKey(
        ReviewCycle,
        on_delete=models.CASCADE,
        related_name="scenarios",
        verbose_name=_("review cycle"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ScenarioKind.choices)
    continuing = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("continuing institution"),
    )
    ip_headquarters = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("university IP headquarters"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region of the combined institution"),
    )
    tlo_type = models.CharField(
        _("TLO type of the combined institution"),
        max_length=24,
        choices=TloType.choices,
        blank=True,
    )
    saved_costs_percent = models.DecimalField(
        _("shared costs saved (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("As a percentage of the members' combined personnel and patent costs."),
    )
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
        ordering = ["cycle", "name", "pk"]
        verbose_name = _("consolidation scenario")
        verbose_name_plural = _("consolidation scenarios")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ScenarioKind.values), name="scenario_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(saved_costs_percent__gte=0) & Q(saved_costs_percent__lte=100),
                name="scenario_saved_costs_percent_range",
            ),
            models.CheckConstraint(
                condition=(Q(kind=ScenarioKind.INTERNALISATION) & Q(ip_headquarters__isnull=False))
                | (Q(kind=ScenarioKind.MERGER) & Q(ip_headquarters__isnull=True)),
                name="scenario_internalisation_has_headquarters",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="scenario_has_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioMember(models.Model):
    """A TLO that takes part in a scenario."""

    scenario = models.ForeignKey(
        ConsolidationScenario,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("consolidation scenario"),
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["scenario", "institution__code"]
        verbose_name = _("member of a scenario")
        verbose_name_plural = _("members of scenarios")
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "institution"], name="scenario_member_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario}: {self.institution}"


class DecisionScenario(models.Model):
    """The scenario a merger or internalisation decision rests on (one per decision)."""

    decision = models.OneToOneField(
        Decision,
        on_delete=models.CASCADE,
        related_name="scenario_link",
        verbose_name=_("decision"),
    )
    scenario = models.ForeignKey(
        ConsolidationScenario,
        on_delete=models.PROTECT,
        related_name="decision_links",
        verbose_name=_("consolidation scenario"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scenario of a decision")
        verbose_name_plural = _("scenarios of decisions")

    def __str__(self) -> str:
        return f"{self.decision} ← {self.scenario}"
