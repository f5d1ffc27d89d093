"""Support allocation (支援の重点化): the budget, its computation, hand adjustments and the
two-key approval (ALLOCATION_WORKFLOW), with the same optimistic versions as decisions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.cache import bump_data_version
from core.versions import NEW, StaleVersion, claim_version
from institutions.models import Institution, User

from ..allocation import UNIT_YEN, AllocationError, Claim, allocate
from ..enums import AllocationAction, AllocationState, DecisionState, SupportTier
from ..errors import ReviewError
from ..models import Allocation, AllocationApproval, AllocationLine, Decision, ReviewCycle
from ..models.allocations import DEFAULT_WEIGHTS
from ..permissions import can_allocate
from ..workflow import ALLOCATION_WORKFLOW, allocation_approve_action

MAX_BUDGET_YEN = 10**15  # a thousand trillion yen: anything above is a typing slip


@dataclass(frozen=True)
class Limits:
    """An institution's floor and ceiling in yen (None: none)."""

    floor_yen: int | None = None
    ceiling_yen: int | None = None


def _whole_thousands(amount: int, what: str) -> None:
    if amount < 0 or amount > MAX_BUDGET_YEN:
        raise ReviewError(_("%(what)s is out of range.") % {"what": what})
    if amount % UNIT_YEN:
        raise ReviewError(
            _("%(what)s must be a whole number of thousand yen (千円).") % {"what": what}
        )


def _withdraw_approvals(allocation: Allocation, actor: User) -> None:
    for approval in allocation.approvals.all():
        approval._history_user = actor
        approval.delete()


def _approved_decisions(cycle: ReviewCycle):
    return (
        Decision.objects.filter(entry__cycle=cycle, state=DecisionState.APPROVED)
        .select_related("entry__institution")
        .order_by("entry__institution__code")
    )


def _compute(
    *, budget_yen: int, weights: dict[str, Decimal], rows: list[tuple[Institution, str, Limits]]
) -> dict[int, int]:
    """Institution id → computed amount in yen."""
    claims = [
        Claim(
            key=institution.pk,
            weight=Fraction(weights[tier]),
            floor=(limits.floor_yen or 0) // UNIT_YEN,
            ceiling=None if limits.ceiling_yen is None else limits.ceiling_yen // UNIT_YEN,
        )
        for institution, tier, limits in rows
    ]
    try:
        amounts = allocate(budget_yen // UNIT_YEN, claims)
    except AllocationError as error:
        raise ReviewError(str(error)) from None
    return {key: amount * UNIT_YEN for key, amount in amounts.items()}


@transaction.atomic
def save_allocation(
    *,
    actor: User,
    cycle: ReviewCycle,
    budget_yen: int,
    weights: dict[str, Decimal] | None = None,
    limits: dict[int, Limits] | None = None,
    expected_version: int,
) -> Allocation:
    """Set the budget, the tier weights and the institutions' floors and ceilings, and
    compute each amount: every institution with an approved decision gets its share in
    proportion to its tier's weight (reviews.allocation), in whole 千円, adding up to
    the budget.

    `limits` maps institution ids to their floor and ceiling; an institution left out
    has none. An amount an official adjusted by hand keeps its adjustment and reason.
    Refused (StaleVersion) unless the allocation is still at `expected_version` (`NEW`
    for one not made yet); refused (locked) once both ministries have approved.
    Side effects, in order: the version moves on; approvals are withdrawn (history
    keeps them); the allocation is saved with history; its lines are replaced by the
    new computation (each change in history).
    """
    if not can_allocate(actor, cycle):
        raise PermissionDenied
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    if set(weights) != set(SupportTier.values) or any(w < 0 for w in weights.values()):
        raise ReviewError(_("Give each support tier a weight of 0 or more."))
    _whole_thousands(budget_yen, _("The budget"))
    limits = limits or {}
    for limit in limits.values():
        for amount in (limit.floor_yen, limit.ceiling_yen):
            if amount is not None:
                _whole_thousands(amount, _("A floor or ceiling"))
        if (
            limit.floor_yen is not None
            and limit.ceiling_yen is not None
            and limit.ceiling_yen < limit.floor_yen
        ):
            raise ReviewError(_("A ceiling is below its floor."))
    allocation = Allocation.objects.select_for_update().filter(cycle=cycle).first()
    if allocation is None:
        if expected_version != NEW:
            raise StaleVersion()
        allocation = Allocation(cycle=cycle, state=AllocationState.DRAFT)
    else:
        if allocation.version != expected_version:
            raise StaleVersion(allocation)
        allocation.state = ALLOCATION_WORKFLOW.check(actor, allocation, AllocationAction.EDIT)
        claim_version(allocation, expected_version)
        _withdraw_approvals(allocation, actor)
    rows = [
        (d.entry.institution, d.tier, limits.get(d.entry.institution_id, Limits()))
        for d in _approved_decisions(cycle)
    ]
    if not rows:
        raise ReviewError(
            _("No institution of this review has a decision both ministries approved yet.")
        )
    computed = _compute(budget_yen=budget_yen, weights=weights, rows=rows)
    allocation.budget_yen = budget_yen
    allocation.weight_prioritised = weights[SupportTier.PRIORITISED]
    allocation.weight_standard = weights[SupportTier.STANDARD]
    allocation.weight_conditional = weights[SupportTier.CONDITIONAL]
    allocation.weight_none = weights[SupportTier.NONE]
    allocation.updated_by = actor
    allocation._history_user = actor
    try:
        with transaction.atomic():
            allocation.save()
    except IntegrityError:  # made by someone else at the same moment
        raise StaleVersion() from None
    _replace_lines(allocation, actor, rows, computed, weights)
    return allocation


def _replace_lines(allocation, actor, rows, computed, weights) -> None:
    existing = {line.institution_id: line for line in allocation.lines.all()}
    keep = set()
    for institution, tier, limit in rows:
        line = existing.get(institution.pk) or AllocationLine(
            allocation=allocation, institution=institution
        )
        adjusted = line.pk is not None and bool(line.reason)
        line.tier, line.weight = tier, weights[tier]
        line.floor_yen, line.ceiling_yen = limit.floor_yen, limit.ceiling_yen
        line.computed_yen = computed[institution.pk]
        if not adjusted:
            line.amount_yen = line.computed_yen
        line._history_user = actor
        line.save()
        keep.add(institution.pk)
    for institution_id, line in existing.items():
        if institution_id not in keep:
            line._history_user = actor
            line.delete()


def _current(allocation: Allocation, expected_version: int) -> Allocation:
    current = Allocation.objects.select_for_update().select_related("cycle").get(pk=allocation.pk)
    if current.version != expected_version:
        raise StaleVersion(current)
    return current


@transaction.atomic
def adjust_amount(
    *,
    actor: User,
    allocation: Allocation,
    institution: Institution,
    amount_yen: int | None,
    reason: str,
    expected_version: int,
) -> Allocation:
    """Set one institution's amount by hand, with a reason; `amount_yen=None` returns it
    to the computed amount. The other amounts do not move: the page shows the difference
    from the budget until someone resolves it.

    Side effects, in order: the version moves on; approvals are withdrawn; the line is
    saved with history; the allocation returns to draft.
    """
    allocation = _current(allocation, expected_version)
    state = ALLOCATION_WORKFLOW.check(actor, allocation, AllocationAction.EDIT)
    line = allocation.lines.filter(institution=institution).first()
    if line is None:
        raise ReviewError(_("This institution has no amount in the allocation."))
    if amount_yen is None:
        line.amount_yen, line.reason = line.computed_yen, ""
    else:
        _whole_thousands(amount_yen, _("The amount"))
        if not reason.strip():
            raise ReviewError(_("Give the reason for the adjustment."))
        line.amount_yen, line.reason = amount_yen, reason.strip()
    claim_version(allocation, expected_version)
    _withdraw_approvals(allocation, actor)
    line._history_user = actor
    line.save()
    allocation.state = state
    allocation.updated_by = actor
    allocation._history_user = actor
    allocation.save()
    return allocation


def difference_from_budget(allocation: Allocation) -> int:
    """Budget minus the sum of the amounts (0 when they add up)."""
    total = sum(line.amount_yen for line in allocation.lines.all())
    return allocation.budget_yen - total


@transaction.atomic
def approve_allocation(*, actor: User, allocation: Allocation, expected_version: int) -> Allocation:
    """Approve, for the official's ministry, the version of the allocation they read.

    Refused while the amounts do not add up to the budget. The second approval must
    come from an official of the other ministry (a different person). Side effects, in
    order: the approval is stored (with history); the allocation becomes approved by
    one, or approved (locked); its version moves on.
    """
    allocation = _current(allocation, expected_version)
    target = ALLOCATION_WORKFLOW.check(actor, allocation, allocation_approve_action(allocation))
    difference = difference_from_budget(allocation)
    if difference:
        raise ReviewError(
            _(
                "The amounts do not add up to the budget (difference: %(difference)s yen); "
                "an allocation can be approved only when they do."
            )
            % {"difference": f"{difference:,}"}
        )
    claim_version(allocation, expected_version)
    approval = AllocationApproval(allocation=allocation, ministry=actor.ministry, official=actor)
    approval._history_user = actor
    approval.save()
    allocation.state = target
    allocation._history_user = actor
    allocation.save(update_fields=["state", "version", "updated_at"])
    if allocation.state == AllocationState.APPROVED:
        bump_data_version()  # an institution's page shows its approved amount (core.cache)
    return allocation


@transaction.atomic
def reopen_allocation(
    *, actor: User, allocation: Allocation, reason: str, expected_version: int
) -> Allocation:
    """Unlock an approved allocation so that it can change; both ministries approve again.

    Side effects, in order: the version moves on; the approvals are withdrawn (history
    keeps them); the allocation returns to draft with the reason; the data version moves
    on (core.cache).
    """
    allocation = _current(allocation, expected_version)
    allocation.state = ALLOCATION_WORKFLOW.check(
        actor, allocation, AllocationAction.REOPEN, reason=reason
    )
    claim_version(allocation, expected_version)
    _withdraw_approvals(allocation, actor)
    allocation.reopen_reason = reason.strip()
    allocation._history_user = actor
    allocation.save()
    bump_data_version()  # the approved amount is no longer shown (core.cache)
    return allocation
