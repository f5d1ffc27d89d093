"""A review cycle whose institutions have approved decisions, for allocations and scenarios."""

from reviews.enums import DecisionState, Recommendation, Stage, SupportTier
from reviews.models import CycleEntry, Decision, ReviewCycle
from tests.factories import InstitutionFactory


def decided_cycle(fiscal_year=2010, tiers=None, stage=Stage.DELIBERATION, institutions=None):
    """A cycle in `stage` with one approved decision per tier given (institution → tier).

    Decisions are stored directly: their own two-key approval is tested elsewhere.
    """
    cycle = ReviewCycle.objects.create(fiscal_year=fiscal_year, stage=stage)
    if tiers is None:
        institutions = institutions or [InstitutionFactory() for _ in range(4)]
        tiers = dict(zip(institutions, SupportTier.values, strict=True))
    for institution, tier in tiers.items():
        entry = CycleEntry.objects.create(cycle=cycle, institution=institution)
        Decision.objects.create(
            entry=entry,
            tier=tier,
            recommendation=Recommendation.CONTINUE,
            rationale="理由",
            state=DecisionState.APPROVED,
        )
    return cycle
