"""What each person sees of a survey, prepared for the templates (no queries of its own
beyond the selectors')."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from institutions.models import Institution, User
from metrics.anonymity import is_withheld
from metrics.selectors.disclosure import reader_known_ids

from . import permissions, selectors
from .calculations import SCALE_POINTS, shows_figures
from .enums import NOT_APPLICABLE, Dimension, SurveyAction, WorkAgain
from .models import Survey
from .selectors import DIMENSIONS, TloResult
from .workflow import SURVEY_WORKFLOW

RESULT_COLUMNS = (
    "institution_code",
    "invited",
    "answered",
    "desk_mean",
    "contracting_mean",
    "ip_handling_mean",
    "satisfaction_index",
)
FEWER_THAN_FIVE = gettext_lazy("Fewer than 5 answers: not shown")
TOO_FEW_TLOS = gettext_lazy(
    "Too few TLOs answered for national figures that identify none of them: not shown"
)
REVIEWERS_WITHHELD = gettext_lazy(
    "National figures are not shown to reviewers: the answers of the TLOs assigned to "
    "them could be subtracted from them"
)
SCALE_HEADS = [*(str(p) for p in reversed(SCALE_POINTS)), NOT_APPLICABLE]


@dataclass(frozen=True)
class DimensionView:
    label: str
    mean: float | None
    counts: list[int]  # 5, 4, 3, 2, 1, 「該当しない」


@dataclass(frozen=True)
class ResultView:
    """A result as a page shows it; `figures_shown` False: only the counts and rate."""

    label: str
    result: TloResult
    figures_shown: bool
    dimensions: list[DimensionView]
    work_again: list[tuple[str, int]]


def result_view(label: str, result: TloResult, *, figures_shown: bool) -> ResultView:
    dimensions = [
        DimensionView(
            str(Dimension(d).label),
            result.means.get(d),
            [result.distributions.get(d, {}).get(p, 0) for p in reversed(SCALE_POINTS)]
            + [result.distributions.get(d, {}).get(None, 0)],
        )
        for d in DIMENSIONS
    ]
    again = [(str(WorkAgain(c).label), result.work_again.get(c, 0)) for c in WorkAgain.values]
    return ResultView(label, result, figures_shown, dimensions, again)


def summary_for(survey: Survey, institution: Institution) -> ResultView:
    """A TLO's summary for its staff and its reviewers: counts and rate always, means and
    distributions only from 5 answers; never a comment."""
    result = selectors.tlo_result(survey, institution)
    result.comments = []
    return result_view(institution.name_ja, result, figures_shown=shows_figures(result.answered))


def survey_page_context(survey: Survey, user: User) -> dict[str, Any]:
    context: dict[str, Any] = {
        "survey": survey,
        "fewer_than_five": FEWER_THAN_FIVE,
        "scale_heads": SCALE_HEADS,
    }
    if permissions.can_manage_surveys(user):
        results = selectors.tlo_results(survey)
        context.update(
            official=True,
            actions=SURVEY_WORKFLOW.available(
                user,
                survey,
                [SurveyAction.EDIT, SurveyAction.START, SurveyAction.INVITE, SurveyAction.CLOSE],
            ),
            tlos=[result_view(r.institution.name_ja, r, figures_shown=True) for r in results],
            national=result_view(_("National"), selectors.pooled(results), figures_shown=True),
            by_region=[
                result_view(label, pooled, figures_shown=True)
                for label, pooled, _count in selectors.group_results(
                    results, lambda i: i.region.name_ja if i.region_id else "—"
                )
            ],
            by_type=[
                result_view(label, pooled, figures_shown=True)
                for label, pooled, _count in selectors.group_results(
                    results, lambda i: i.get_tlo_type_display() or "—"
                )
            ],
        )
        return context
    own = permissions.staff_institutions(user)
    if own:
        context["own"] = [
            (i, summary_for(survey, i), permissions.can_edit_contacts(user, survey, i)) for i in own
        ]
        return context
    context.update(national_context(selectors.tlo_results(survey), user))
    return context


def national_context(results: list[TloResult], user: User) -> dict[str, Any]:
    """The national figures for a reader who sees no TLO by name (issue #14's rule).

    They are sums over the TLOs' answers, so a reader who knows some TLOs' answers
    subtracts them: the counts (invited, answered) are shown only when at least
    SMALL_GROUP_THRESHOLD answering TLOs are ones the reader does not know, and the means
    and distributions only when those TLOs also gave SURVEY_MIN_ANSWERS answers. Reviewers
    read their assigned TLOs' summaries, which only reviews can list: they get no national
    figures here (as the metric pages show them no aggregate)."""
    known = reader_known_ids(user)
    if known is None:
        return {"national": None, "national_withheld": REVIEWERS_WITHHELD}
    answering = [r for r in results if r.answered]
    others = [r for r in answering if r.institution.pk not in known]
    if not others or is_withheld(len(answering), known=len(answering) - len(others)):
        return {"national": None, "national_withheld": TOO_FEW_TLOS}
    national = selectors.pooled(results)
    shown = shows_figures(sum(r.answered for r in others))
    return {"national": result_view(_("National"), national, figures_shown=shown)}


def _mean_text(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def results_csv_rows(survey: Survey) -> tuple[list[str], list[list[Any]]]:
    """Officials' download for scripts: one row per TLO with contacts, live while open."""
    rows = [
        [
            r.institution.code,
            r.invited,
            r.answered,
            _mean_text(r.means["desk"]),
            _mean_text(r.means["contracting"]),
            _mean_text(r.means["ip_handling"]),
            _mean_text(r.index),
        ]
        for r in selectors.tlo_results(survey)
    ]
    return list(RESULT_COLUMNS), rows
