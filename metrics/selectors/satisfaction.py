"""Where a satisfaction value comes from, in words (issue #18).

From the fiscal year of the first customer survey on, the satisfaction operands are the
means of the TLO's customers' answers (metrics.services.survey_results); earlier years
keep the scores each TLO reported about itself. Every page that shows such a value says
which, so that no series silently changes its meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..calculations import format_value
from ..enums import MetricUnit
from ..models import MetricDefinition, SurveyResult
from ..services.survey_results import SATISFACTION_FIELDS


def uses_satisfaction(definition: MetricDefinition) -> bool:
    """Whether the definition reads a satisfaction score (satisfaction_index, or one an
    administrator defined on them)."""
    terms = {*definition.numerator_terms, *(definition.denominator_terms or ())}
    return bool(terms & set(SATISFACTION_FIELDS))


@dataclass(frozen=True)
class SatisfactionSources:
    """The first survey's fiscal year, and (institution id, fiscal year) → (invited,
    answered) for every TLO surveyed."""

    first_year: int | None
    counts: dict[tuple[int, int], tuple[int, int]]

    def is_self_reported(self, fiscal_year: int) -> bool:
        return self.first_year is None or fiscal_year < self.first_year

    def source(self, institution_id: int, fiscal_year: int) -> str:
        """One institution's value of one year: 「自己申告」 or 「顧客N社への調査(回答率R%)」."""
        if self.is_self_reported(fiscal_year):
            return self_reported_label()
        counts = self.counts.get((institution_id, fiscal_year))
        if counts is None:
            return _("not in the customer survey")
        invited, answered = counts
        return _("survey of %(invited)s customers, response rate %(rate)s") % {
            "invited": invited,
            "rate": format_value(answered / invited if invited else 0, MetricUnit.PERCENT),
        }

    def year_note(self, fiscal_year: int) -> str:
        """What every value of one fiscal year is, for a page about that year."""
        if self.first_year is None:
            return _(
                "Self-reported: the TLOs' own scores in their annual reports. Once the "
                "ministries survey the TLOs' customers, values come from the customers' answers."
            )
        if fiscal_year < self.first_year:
            return _(
                "Self-reported: the TLOs' own scores in their annual reports. From "
                "FY%(first)s on, values come from a survey of each TLO's customers."
            ) % {"first": self.first_year}
        return _(
            "From a survey of each TLO's customers: the mean of the three questions' means "
            "(「該当しない」 left out), defined only with at least 5 answers. Before "
            "FY%(first)s the values were self-reported by the TLOs."
        ) % {"first": self.first_year}

    def catalogue_note(self) -> str:
        """Both meanings of a satisfaction metric, for the catalogue."""
        if self.first_year is None:
            return _(
                "Self-reported: each TLO's own scores in its annual report, until the "
                "ministries first survey the TLOs' customers. From that survey's fiscal year "
                "on: the mean of the customers' three questions' means, defined only with at "
                "least 5 answers."
            )
        return _(
            "From FY%(first)s on: a survey of each TLO's customers, the mean of the three "
            "questions' means (「該当しない」 left out), defined only with at least 5 answers. "
            "Before FY%(first)s: self-reported, the TLO's own scores in its annual report."
        ) % {"first": self.first_year}


def self_reported_label() -> str:
    return _("self-reported")


def satisfaction_sources() -> SatisfactionSources:
    """The sources of every satisfaction value. One query (a row per TLO and survey)."""
    counts = {
        (institution_id, year): (invited, answered)
        for institution_id, year, invited, answered in SurveyResult.objects.order_by().values_list(
            "institution_id", "fiscal_year", "invited", "answered"
        )
    }
    first_year = min((key[1] for key in counts), default=None)
    return SatisfactionSources(first_year, counts)
