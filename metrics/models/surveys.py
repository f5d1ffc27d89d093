"""Customer-survey results as the metric engine reads them (SPEC §4, issue #18).

The `surveys` app (above metrics) runs the licensee survey; when a survey closes it
hands each TLO's result here (metrics.services.survey_results). From the fiscal year of
the first survey on, the three satisfaction operands of a report are these means, not
the self-reported scores; a TLO with fewer than SURVEY_MIN_ANSWERS answers has none.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution

# Below this many answers a TLO's survey figures are not an indicator, for anyone.
SURVEY_MIN_ANSWERS = 5


class SurveyResult(models.Model):
    """One TLO's closed survey of one fiscal year: counts and the three dimension means
    (「該当しない」 left out; None when nobody rated that dimension)."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="survey_results",
        verbose_name=_("institution"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    invited = models.PositiveIntegerField(_("invited"))
    answered = models.PositiveIntegerField(_("answered"))
    desk_mean = models.FloatField(_("contact desk (mean)"), null=True, blank=True)
    contracting_mean = models.FloatField(_("contracting (mean)"), null=True, blank=True)
    ip_handling_mean = models.FloatField(_("handling of IP (mean)"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "fiscal_year"], name="survey_result_unique"
            ),
            models.CheckConstraint(
                condition=Q(answered__lte=F("invited")), name="survey_result_answered_le_invited"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} FY{self.fiscal_year}: {self.answered}/{self.invited}"

    @property
    def is_indicator(self) -> bool:
        return self.answered >= SURVEY_MIN_ANSWERS

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None
