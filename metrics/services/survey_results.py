"""Customer-survey results handed over by the `surveys` app when a survey closes.

The metric engine never imports `surveys`: the survey gives each TLO's result to
`record_survey_results`, which stores it where `load_series` reads its operands and
queues the recompute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from core.cache import bump_data_version
from core.tasks import enqueue
from institutions.models import User

from ..models import SurveyResult
from ..models.surveys import SURVEY_MIN_ANSWERS

SATISFACTION_FIELDS = ("satisfaction_desk", "satisfaction_contracting", "satisfaction_ip_handling")


@dataclass(frozen=True)
class SurveyFigures:
    """One TLO's result of a closed survey."""

    institution_id: int
    invited: int
    answered: int
    desk_mean: float | None
    contracting_mean: float | None
    ip_handling_mean: float | None


@transaction.atomic
def record_survey_results(
    *, actor: User | None, fiscal_year: int, results: Iterable[SurveyFigures]
) -> int:
    """Store the survey results of a fiscal year (replacing any earlier ones of that year).

    Side effects, in order: the year's results are replaced by these; the data version
    moves on (core.cache: the metric pages name each value's source); on commit, a
    recompute of every institution's metrics from that fiscal year on (the first
    survey's year changes what every TLO's satisfaction index means). Returns how many
    results were stored.
    """
    rows = [
        SurveyResult(
            institution_id=r.institution_id,
            fiscal_year=fiscal_year,
            invited=r.invited,
            answered=r.answered,
            desk_mean=r.desk_mean,
            contracting_mean=r.contracting_mean,
            ip_handling_mean=r.ip_handling_mean,
        )
        for r in results
    ]
    SurveyResult.objects.filter(fiscal_year=fiscal_year).delete()
    SurveyResult.objects.bulk_create(rows)
    bump_data_version()
    enqueue("metrics.recompute_metrics", from_fiscal_year=fiscal_year)
    return len(rows)


def first_survey_year() -> int | None:
    """The fiscal year of the first survey with a result, or None before any."""
    return (
        SurveyResult.objects.order_by("fiscal_year").values_list("fiscal_year", flat=True).first()
    )


def survey_operands() -> tuple[int | None, dict[tuple[int, int], tuple[float | None, ...]]]:
    """(first survey year, (institution id, fiscal year) → the three means, or Nones under
    SURVEY_MIN_ANSWERS answers). One query: a row per TLO and surveyed year, a small table."""
    operands = {}
    first = None
    for (
        institution_id,
        year,
        answered,
        desk,
        contracting,
        ip_handling,
    ) in SurveyResult.objects.order_by().values_list(
        "institution_id",
        "fiscal_year",
        "answered",
        "desk_mean",
        "contracting_mean",
        "ip_handling_mean",
    ):
        first = year if first is None else min(first, year)
        means = (desk, contracting, ip_handling)
        operands[(institution_id, year)] = (
            means if answered >= SURVEY_MIN_ANSWERS else (None, None, None)
        )
    return first, operands


def with_survey_operands(
    figures: dict[str, object],
    *,
    institution_id: int,
    fiscal_year: int,
    first_year: int | None,
    operands: dict[tuple[int, int], tuple[float | None, ...]],
) -> dict[str, object]:
    """A report's figures with the satisfaction operands taken from the customers' survey
    from the first survey's year on (none when the TLO had no usable survey); earlier
    years keep the self-reported scores."""
    if first_year is None or fiscal_year < first_year:
        return figures
    means = operands.get((institution_id, fiscal_year), (None, None, None))
    return {**figures, **dict(zip(SATISFACTION_FIELDS, means, strict=True))}
