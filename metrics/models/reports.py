"""Annual reports (年度報告): what each institution did in a fiscal year."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.models import Institution

from ..enums import LicenseeKind, ReportState
from ..report_fields import REPORT_FIELDS, REPORT_FIELDS_BY_CODE, Unit


def figure(code: str) -> models.Field:
    """The model field for one figure of SPEC §3: optional, typed by its unit."""
    spec = REPORT_FIELDS_BY_CODE[code]
    common = {
        "verbose_name": spec.label,
        "help_text": spec.label_ja,
        "null": True,
        "blank": True,
    }
    if spec.unit == Unit.COUNT:
        return models.PositiveIntegerField(**common)
    if spec.unit == Unit.YEN:
        return models.PositiveBigIntegerField(**common)
    if spec.unit == Unit.SCORE:
        return models.DecimalField(
            max_digits=3,
            decimal_places=2,
            validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))],
            **common,
        )
    return models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal(0))], **common
    )


class AnnualReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> AnnualReportQuerySet:
        """The reports this person may see. The one place this rule is written.

        Officials and administrators see every report; TLO staff their own
        institutions'. Everyone else sees none here: the review shows its assigned
        reviewers the accepted reports of their institutions on pages of its own
        (reviews.selectors.reports), under its own rule.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_official or user.is_administrator:
            return self.all()
        if user.is_tlo_staff:
            return self.filter(institution__in=user.memberships.values("institution"))
        return self.none()

    def accepted(self) -> AnnualReportQuerySet:
        return self.filter(state=ReportState.ACCEPTED)

    def submitted(self) -> AnnualReportQuerySet:
        return self.filter(state=ReportState.SUBMITTED)

    def for_fiscal_year(self, fiscal_year: int) -> AnnualReportQuerySet:
        return self.filter(fiscal_year=fiscal_year)


class AnnualReport(models.Model):
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="annual_reports",
        verbose_name=_("institution"),
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ReportState.choices, default=ReportState.DRAFT
    )
    # Optimistic locking: every save through a service increments it, and a save
    # that started from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    is_demo = models.BooleanField(_("demo data"), default=False)
    return_reason = models.TextField(_("reason for return"), blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    joint_research_count = figure("joint_research_count")
    joint_research_income = figure("joint_research_income")
    derived_research_count = figure("derived_research_count")
    patent_applications = figure("patent_applications")
    patents_granted = figure("patents_granted")
    licences_granted = figure("licences_granted")
    licence_income = figure("licence_income")
    personnel_costs = figure("personnel_costs")
    patent_costs = figure("patent_costs")
    other_costs = figure("other_costs")
    other_income = figure("other_income")
    national_subsidies = figure("national_subsidies")
    regional_support = figure("regional_support")
    commercialisations = figure("commercialisations")
    startups_founded = figure("startups_founded")
    jobs_created = figure("jobs_created")
    licensed_product_sales = figure("licensed_product_sales")
    induced_research_count = figure("induced_research_count")
    survey_responses = figure("survey_responses")
    satisfaction_desk = figure("satisfaction_desk")
    satisfaction_contracting = figure("satisfaction_contracting")
    satisfaction_ip_handling = figure("satisfaction_ip_handling")
    staff_fte = figure("staff_fte")

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        ordering = ["institution__code", "fiscal_year"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "fiscal_year"], name="report_one_per_institution_year"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=1950) & Q(fiscal_year__lte=2100),
                name="report_fiscal_year_range",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f.code}__isnull": True})
                    | (Q(**{f"{f.code}__gte": 1}) & Q(**{f"{f.code}__lte": 5})),
                    name=f"report_{f.code}_1_to_5",
                )
                for f in REPORT_FIELDS
                if f.unit == Unit.SCORE
            ],
            models.CheckConstraint(
                condition=~Q(state=ReportState.RETURNED) | ~Q(return_reason=""),
                name="report_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="report_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=ReportState.SUBMITTED) | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=ReportState.ACCEPTED) | Q(accepted_at__isnull=False),
                name="report_accepted_has_time",
            ),
            # Reopening clears the acceptance: only an accepted report names one.
            models.CheckConstraint(
                condition=Q(state=ReportState.ACCEPTED)
                | (Q(accepted_at__isnull=True) & Q(accepted_by__isnull=True)),
                name="report_acceptance_only_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.fiscal_year}"

    def figures(self) -> dict[str, object]:
        """Field code → value, for every figure of SPEC §3."""
        return {f.code: getattr(self, f.code) for f in REPORT_FIELDS}


class LicenceAgreement(models.Model):
    """One licence agreement of a report's licence detail sheet."""

    report = models.ForeignKey(
        AnnualReport,
        on_delete=models.CASCADE,
        related_name="licences",
        verbose_name=_("annual report"),
    )
    reference = models.CharField(_("reference"), max_length=64)
    technology = models.CharField(_("technology"), max_length=200, blank=True)
    field = models.CharField(_("technology field"), max_length=100, blank=True)
    licensee_kind = models.CharField(
        _("licensee kind"), max_length=16, choices=LicenseeKind.choices
    )
    licensee_in_region = models.BooleanField(_("licensee in the same region"), default=False)
    exclusive = models.BooleanField(_("exclusive"), default=False)
    income = models.PositiveBigIntegerField(_("income in the year (yen)"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "reference"]
        verbose_name = _("licence agreement")
        verbose_name_plural = _("licence agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "reference"], name="licence_reference_unique_per_report"
            )
        ]

    def __str__(self) -> str:
        return self.reference
