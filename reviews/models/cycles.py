"""Review cycles (審査): a fiscal year's stages, settings, criteria and institutions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.fiscal_years import format_fiscal_year
from institutions.models import Institution

from ..enums import Stage


class ReviewCycleQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewCycleQuerySet:
        """The cycles this person has a part in. The one place this rule is written
        (reviews.permissions.can_view_cycle and the cycle list both ask it).

        Officials and every reviewer (they declare conflicts before being assigned) see
        every cycle; TLO staff the cycles their institutions are in; everyone else none.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_official or user.is_reviewer:
            return self.all()
        if user.is_tlo_staff:
            entries = CycleEntry.objects.filter(
                institution__in=user.memberships.values("institution")
            )
            return self.filter(pk__in=entries.values("cycle"))
        return self.none()


class ReviewCycle(models.Model):
    """One joint review of a fiscal year, with its settings. Exactly one stage is current."""

    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        unique=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.PLANNING
    )
    home_run_threshold = models.PositiveBigIntegerField(
        _("home-run threshold (yen)"),
        default=10_000_000,
        help_text=_("Licence income in the year from which a licence counts as a home run."),
    )
    mext_reviewers_needed = models.PositiveSmallIntegerField(
        _("MEXT reviewers per institution"), default=1, validators=[MinValueValidator(1)]
    )
    meti_reviewers_needed = models.PositiveSmallIntegerField(
        _("METI reviewers per institution"), default=1, validators=[MinValueValidator(1)]
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum per ministry"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Reviewers of each ministry who must have submitted before a decision."),
    )
    aid_min_return_on_cost = models.FloatField(
        _("model rule: minimum return on cost"),
        default=0.5,
        validators=[MinValueValidator(0)],
        help_text=_("(a) licence income / (personnel + patent costs), e.g. 0.5 for 50%."),
    )
    aid_min_home_runs = models.PositiveSmallIntegerField(
        _("model rule: minimum home-run licences"), default=1
    )
    aid_min_model_score = models.DecimalField(
        _("model rule: minimum model-activity score"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("4.00"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    aid_min_support_score = models.DecimalField(
        _("deficit rule: minimum score for necessity, self-help and regional support"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("3.50"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Moves on with every change; a form sent from an older version is refused, so two
    # people working at once never silently overwrite each other.
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()
    objects = ReviewCycleQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("review cycle")
        verbose_name_plural = _("review cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="review_cycle_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=1950) & Q(fiscal_year__lte=2100),
                name="review_cycle_fiscal_year_range",
            ),
            models.CheckConstraint(
                condition=Q(quorum__gte=1)
                & Q(mext_reviewers_needed__gte=1)
                & Q(meti_reviewers_needed__gte=1),
                name="review_cycle_counts_positive",
            ),
            models.CheckConstraint(
                condition=Q(aid_min_model_score__gte=1)
                & Q(aid_min_model_score__lte=5)
                & Q(aid_min_support_score__gte=1)
                & Q(aid_min_support_score__lte=5),
                name="review_cycle_aid_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        return _("%(year)s review") % {"year": format_fiscal_year(self.fiscal_year)}


class StagePlan(models.Model):
    """The planned start date of one stage of a cycle."""

    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.CASCADE, related_name="plans", verbose_name=_("review cycle")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    planned_on = models.DateField(_("planned date"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("stage plan")
        verbose_name_plural = _("stage plans")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "stage"], name="stage_plan_one_per_stage"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="stage_plan_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.stage}"


class StageChange(models.Model):
    """A move from one stage to another: who, when, why. The cycle's official record."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=16, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=16, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    changed_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.cycle}: {self.from_stage} → {self.to_stage}"


class Criterion(models.Model):
    """A criterion scored 1–5, with its weight and a rubric text for each score."""

    cycle = models.ForeignKey(
        ReviewCycle,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("review cycle"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name_ja = models.CharField(_("Japanese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    rubric_1 = models.TextField(_("rubric for 1"), blank=True)
    rubric_2 = models.TextField(_("rubric for 2"), blank=True)
    rubric_3 = models.TextField(_("rubric for 3"), blank=True)
    rubric_4 = models.TextField(_("rubric for 4"), blank=True)
    rubric_5 = models.TextField(_("rubric for 5"), blank=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "order", "code"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="criterion_code_per_cycle"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = get_language() or "ja"
        return self.name_en if language.startswith("en") and self.name_en else self.name_ja

    def rubric(self) -> list[tuple[int, str]]:
        return [(value, getattr(self, f"rubric_{value}")) for value in range(1, 6)]


class CycleEntry(models.Model):
    """An institution reviewed in a cycle."""

    cycle = models.ForeignKey(
        ReviewCycle,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("review cycle"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="review_entries",
        verbose_name=_("institution"),
    )

    class Meta:
        ordering = ["cycle", "institution__code"]
        verbose_name = _("institution in a review")
        verbose_name_plural = _("institutions in a review")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "institution"], name="entry_one_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} – {self.institution}"
