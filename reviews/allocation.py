"""Support allocation (支援の重点化) as a pure calculation: no ORM, easy to test exhaustively.

A budget is shared among institutions in proportion to the weight of each one's support
tier, within each one's floor and ceiling. Exactly: each institution gets
`clamp(λ × weight, floor, ceiling)`, with the one λ that makes the shares add up to the
budget, so what a ceiling cuts off goes to the others in proportion to their weights,
and a floor is paid for by the others in the same way. Shares are then rounded to whole
千円 by the largest remainder, so that they add up to the budget exactly: every share
is first rounded down, and the 千円 left over go one each to the largest remainders
(ties: the larger weight first, then the key), which never breaks a floor or a ceiling
because both are whole 千円.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

UNIT_YEN = 1_000  # amounts are whole 千円


class AllocationError(ValueError):
    """The budget cannot be shared within the floors and ceilings; the message says why."""


@dataclass(frozen=True)
class Claim:
    """One institution's part in the allocation. Amounts are in 千円."""

    key: Hashable
    weight: Fraction | int
    floor: int = 0
    ceiling: int | None = None


def _share(claim: Claim, level: Fraction) -> Fraction:
    amount = level * Fraction(claim.weight)
    if claim.ceiling is not None and amount > claim.ceiling:
        return Fraction(claim.ceiling)
    return max(amount, Fraction(claim.floor))


def _total(claims: Sequence[Claim], level: Fraction) -> Fraction:
    return sum((_share(c, level) for c in claims), Fraction(0))


def proportional_shares(budget: int, claims: Sequence[Claim]) -> dict[Hashable, Fraction]:
    """The exact (unrounded) shares: clamp(λ × weight, floor, ceiling) adding up to budget.

    Raises AllocationError when no λ does: the floors alone pass the budget, or the
    ceilings (and the floors of weightless institutions) cannot reach it.
    """
    for claim in claims:
        if claim.weight < 0 or claim.floor < 0:
            raise AllocationError(_("Weights and floors cannot be negative."))
        if claim.ceiling is not None and claim.ceiling < claim.floor:
            raise AllocationError(_("A ceiling is below its floor."))
    if budget < 0:
        raise AllocationError(_("The budget cannot be negative."))
    floors = sum(c.floor for c in claims)
    if floors > budget:
        raise AllocationError(_("The floors add up to more than the budget."))
    if any(c.weight > 0 and c.ceiling is None for c in claims):
        reachable = None
    else:
        reachable = sum(c.ceiling if c.weight > 0 else c.floor for c in claims)
    if reachable is not None and reachable < budget:
        if not any(c.weight > 0 for c in claims):
            raise AllocationError(_("No institution has a tier with a weight above 0."))
        raise AllocationError(_("The ceilings add up to less than the budget."))
    # The total is piecewise linear and non-decreasing in λ, with kinks where a share
    # reaches its floor or its ceiling: find the piece holding the budget, then solve it.
    kinks = sorted(
        {Fraction(0)}
        | {Fraction(c.floor) / Fraction(c.weight) for c in claims if c.weight > 0}
        | {
            Fraction(c.ceiling) / Fraction(c.weight)
            for c in claims
            if c.weight > 0 and c.ceiling is not None
        }
    )
    low = kinks[0]
    for kink in kinks:
        if _total(claims, kink) >= budget:
            high = kink
            break
        low = kink
    else:
        high = None
    if high is not None and _total(claims, high) == budget:
        level = high
    else:
        # Linear between `low` and the next kink: the slope is the weight of the
        # institutions strictly between their floor and their ceiling there.
        fixed = _total(claims, low)
        probe = low + 1 if high is None else (low + high) / 2
        slope = sum(
            (
                Fraction(c.weight)
                for c in claims
                if c.weight > 0
                and probe * Fraction(c.weight) > c.floor
                and (c.ceiling is None or probe * Fraction(c.weight) < c.ceiling)
            ),
            Fraction(0),
        )
        level = low + (budget - fixed) / slope
    return {c.key: _share(c, level) for c in claims}


def allocate(budget: int, claims: Sequence[Claim]) -> dict[Hashable, int]:
    """Whole 千円 per institution, adding up to `budget` (in 千円) exactly.

    The exact shares of proportional_shares, rounded by the largest remainder.
    """
    exact = proportional_shares(budget, claims)
    rounded = {key: share.numerator // share.denominator for key, share in exact.items()}
    left = budget - sum(rounded.values())
    by_weight = {c.key: Fraction(c.weight) for c in claims}
    order = sorted(
        exact,
        key=lambda key: (-(exact[key] - rounded[key]), -by_weight[key], str(key)),
    )
    for key in order[:left]:
        rounded[key] += 1
    return rounded
