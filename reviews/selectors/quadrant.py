"""What the dashboards read from the review: the quadrant of return on cost against the
regional-necessity score (dashboards.selectors.national)."""

from __future__ import annotations

from institutions.models import User

from ..enums import AidRule, DecisionState, ScoreState, SupportTier
from ..models import ReviewCycle, Score
from ..permissions import is_official
from .aggregates import results_for
from .deliberation import aids_for


def quadrant_points(*, user: User) -> dict | None:
    """The latest cycle with submitted scores: each institution's joint regional-necessity
    score (submitted scores only) and its category (the approved decision's tier, else the
    decision aid's rule). None unless the person may see scores across institutions
    (officials), or when no cycle has submitted scores."""
    if not is_official(user):
        return None
    cycle = (
        ReviewCycle.objects.filter(
            entries__assignments__score_state=ScoreState.SUBMITTED,
        )
        .order_by("-fiscal_year")
        .first()
    )
    if (
        cycle is None
        or not Score.objects.visible_to(user)
        .counted()
        .filter(assignment__entry__cycle=cycle)
        .exists()
    ):
        return None
    entries = list(cycle.entries.select_related("institution", "decision"))
    results = results_for(user=user, cycle=cycle)
    aids = aids_for(cycle, entries, results)
    points = []
    for entry in entries:
        result = results.get(entry.pk)
        necessity = result.criteria.get("regional_necessity") if result else None
        if necessity is None or necessity.joint is None:
            continue
        decision = getattr(entry, "decision", None)
        if decision is not None and decision.state == DecisionState.APPROVED:
            category = str(SupportTier(decision.tier).label)
        else:
            category = str(AidRule(aids[entry.pk].rule).label)
        points.append(
            {
                "institution_id": entry.institution_id,
                "regional_necessity": float(necessity.joint),
                "category": category,
            }
        )
    return {"cycle": str(cycle.label), "fiscal_year": cycle.fiscal_year, "points": points}
