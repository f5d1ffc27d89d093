"""The demo's consequences of decisions (called by reviews.demo while a cycle is in
deliberation): FY2009 gets an approved support allocation, a merger scenario and an
internalisation scenario; FY2010's draft merger decision rests on a scenario."""

from __future__ import annotations

from core.versions import NEW
from institutions.enums import InstitutionKind
from institutions.models import Institution, User

from .enums import Recommendation, ScenarioKind
from .models import Decision, ReviewCycle
from .services import allocations, scenarios

DEMO_BUDGET_YEN = 1_200_000_000  # 12億円
MERGER = ("TLO-KUMAMOTO", "TLO-OITA")


def _headquarters_for(tlo: Institution) -> Institution | None:
    """An IP headquarters of the registry for the TLO's internalisation: one in its
    region if there is one."""
    found = Institution.objects.filter(kind=InstitutionKind.IP_HEADQUARTERS)
    return (
        found.filter(region=tlo.region_id).order_by("code").first()
        or found.order_by("code").first()
    )


def _merger(cycle: ReviewCycle, official: User):
    members = list(Institution.objects.filter(code__in=MERGER).order_by("code"))
    if len(members) < 2:
        return None
    return scenarios.save_scenario(
        actor=official,
        cycle=cycle,
        scenario=None,
        name="くまもとテクノ・大分TLO 統合案",
        kind=ScenarioKind.MERGER,
        members=members,
        continuing=members[0],
        expected_version=NEW,
    )


def add_consequences(cycle: ReviewCycle, people: dict[str, User]) -> None:
    mext, meti = people["mext-official"], people["meti-official"]
    cycle = ReviewCycle.objects.get(pk=cycle.pk)  # the stage as stored now
    if cycle.fiscal_year == 2009:
        allocation = allocations.save_allocation(
            actor=mext, cycle=cycle, budget_yen=DEMO_BUDGET_YEN, expected_version=NEW
        )
        for official in (mext, meti):
            allocation = allocations.approve_allocation(
                actor=official, allocation=allocation, expected_version=allocation.version
            )
        _merger(cycle, mext)
        oita = Institution.objects.filter(code="TLO-OITA").first()
        headquarters = _headquarters_for(oita) if oita else None
        if oita and headquarters:
            scenarios.save_scenario(
                actor=meti,
                cycle=cycle,
                scenario=None,
                name="大分TLO 内部化案",
                kind=ScenarioKind.INTERNALISATION,
                members=[oita],
                ip_headquarters=headquarters,
                expected_version=NEW,
            )
    if cycle.fiscal_year == 2010:
        scenario = _merger(cycle, mext)
        decision = Decision.objects.filter(
            entry__cycle=cycle, recommendation=Recommendation.MERGE
        ).first()
        if scenario is not None and decision is not None:
            scenarios.link_scenario(
                actor=mext, decision=decision, scenario=scenario, expected_version=decision.version
            )
