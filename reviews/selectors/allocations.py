"""The reads behind the allocation pages and downloads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.amounts import scaled, unit_label
from institutions.models import User

from ..display import local_name
from ..enums import AllocationAction, DecisionState, SupportTier
from ..models import Allocation, AllocationLine, Decision, ReviewCycle
from ..permissions import can_allocate
from ..workflow import ALLOCATION_WORKFLOW, allocation_approve_action

SCRIPT_COLUMNS = ("institution_code", "tier", "weight", "computed_yen", "amount_yen", "reason")


def allocation_of(cycle: ReviewCycle) -> Allocation | None:
    return Allocation.objects.filter(cycle=cycle).first()


def lines_of(allocation: Allocation) -> list[AllocationLine]:
    return list(allocation.lines.select_related("institution").order_by("institution__code"))


@dataclass
class AllocationPage:
    cycle: ReviewCycle
    allocation: Allocation | None
    lines: list[AllocationLine]
    decided: list[Decision]
    difference: int = 0
    total_computed: int = 0
    total_amount: int = 0
    approvals: list = field(default_factory=list)
    can_edit: bool = False
    can_approve: bool = False
    can_reopen: bool = False
    outdated: bool = False  # the approved decisions changed since the computation


def allocation_page(*, user: User, cycle: ReviewCycle) -> AllocationPage:
    """The cycle's allocation with its lines, the approved decisions it would cover,
    and what this official may do with it."""
    allocation = allocation_of(cycle)
    decided = list(
        Decision.objects.filter(entry__cycle=cycle, state=DecisionState.APPROVED)
        .select_related("entry__institution")
        .order_by("entry__institution__code")
    )
    page = AllocationPage(cycle=cycle, allocation=allocation, lines=[], decided=decided)
    if allocation is None:
        page.can_edit = bool(decided) and can_allocate(user, cycle)
        return page
    # Tier by tier (prioritised support first), as the ministries read an allocation.
    tier_order = {tier: index for index, tier in enumerate(SupportTier.values)}
    page.lines = sorted(
        lines_of(allocation),
        key=lambda line: (tier_order.get(line.tier, 99), line.institution.code),
    )
    page.total_computed = sum(line.computed_yen for line in page.lines)
    page.total_amount = sum(line.amount_yen for line in page.lines)
    page.difference = allocation.budget_yen - page.total_amount
    page.approvals = list(allocation.approvals.select_related("official"))
    page.can_edit = ALLOCATION_WORKFLOW.may(user, allocation, AllocationAction.EDIT)
    page.can_approve = ALLOCATION_WORKFLOW.may(
        user, allocation, allocation_approve_action(allocation)
    )
    page.can_reopen = ALLOCATION_WORKFLOW.may(user, allocation, AllocationAction.REOPEN)
    page.outdated = {(d.entry.institution_id, d.tier) for d in decided} != {
        (line.institution_id, line.tier) for line in page.lines
    }
    return page


def script_rows(allocation: Allocation) -> Iterator[tuple]:
    """The rows of `export_allocation` and of the page's `headers=codes` download."""
    for line in lines_of(allocation):
        yield (
            line.institution.code,
            line.tier,
            _plain(line.weight),
            line.computed_yen,
            line.amount_yen,
            line.reason,
        )


def _plain(weight) -> str:
    text = f"{weight:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def people_table(allocation: Allocation, unit: str) -> tuple[list[str], list[tuple]]:
    """The download for people: Japanese headers, amounts in the reader's unit."""
    label = unit_label(unit)
    headers = [
        _("institution code"),
        _("institution"),
        _("support tier"),
        _("weight"),
        _("floor (%(unit)s)") % {"unit": label},
        _("ceiling (%(unit)s)") % {"unit": label},
        _("computed amount (%(unit)s)") % {"unit": label},
        _("amount (%(unit)s)") % {"unit": label},
        _("reason for the adjustment"),
    ]

    def money(value):
        return None if value is None else _number(scaled(value, unit))

    rows = [
        (
            line.institution.code,
            local_name(line.institution),
            str(SupportTier(line.tier).label),
            float(line.weight),
            money(line.floor_yen),
            money(line.ceiling_yen),
            money(line.computed_yen),
            money(line.amount_yen),
            line.reason,
        )
        for line in lines_of(allocation)
    ]
    return headers, rows


def _number(value):
    return int(value) if value == value.to_integral_value() else float(value)


def own_amount(*, cycle: ReviewCycle, institution_id: int) -> AllocationLine | None:
    """The institution's line of the cycle's approved allocation, if any."""
    return (
        AllocationLine.objects.filter(allocation__cycle=cycle, institution_id=institution_id)
        .select_related("allocation", "institution")
        .first()
    )
