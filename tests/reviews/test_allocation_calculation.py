"""The allocation's arithmetic (reviews.allocation): exact sums, floors, ceilings, order."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.allocation import AllocationError, Claim, allocate, proportional_shares

TIER_WEIGHTS = [3, 2, 1, 0]  # the defaults: prioritised, standard, conditional, none


def test_allocate_splits_in_proportion_to_weights():
    # 600 千円 over weights 3, 2, 1: 300, 200, 100 exactly.
    claims = [Claim("a", 3), Claim("b", 2), Claim("c", 1)]
    assert allocate(600, claims) == {"a": 300, "b": 200, "c": 100}


def test_allocate_gives_the_remainder_to_the_largest_fractions():
    # 100 over 1, 1, 1: 33⅓ each; the 1 left over goes to the first key on a tie.
    assert allocate(100, [Claim("a", 1), Claim("b", 1), Claim("c", 1)]) == {
        "a": 34,
        "b": 33,
        "c": 33,
    }
    # 10 over 3, 2, 1: 5, 3⅓, 1⅔ → 5, 3, 1 and the 1 left goes to c (⅔ > ⅓).
    assert allocate(10, [Claim("a", 3), Claim("b", 2), Claim("c", 1)]) == {"a": 5, "b": 3, "c": 2}


def test_allocate_shares_what_a_ceiling_cuts_off_in_proportion():
    # 1000 over 3, 2, 1 would give a 500; its ceiling 200 leaves 800 for b and c (2:1).
    claims = [Claim("a", 3, ceiling=200), Claim("b", 2), Claim("c", 1)]
    shares = proportional_shares(1000, claims)
    assert shares == {"a": 200, "b": Fraction(1600, 3), "c": Fraction(800, 3)}
    assert allocate(1000, claims) == {"a": 200, "b": 533, "c": 267}


def test_allocate_pays_a_floor_from_the_others():
    # 1000 over 3, 1, 0 with a floor of 100 for the weightless one: 900 shared 3:1.
    claims = [Claim("a", 3), Claim("b", 1), Claim("none", 0, floor=100)]
    assert allocate(1000, claims) == {"a": 675, "b": 225, "none": 100}


def test_allocate_refuses_floors_above_the_budget():
    with pytest.raises(AllocationError):
        allocate(100, [Claim("a", 1, floor=60), Claim("b", 1, floor=60)])


def test_allocate_refuses_ceilings_below_the_budget():
    with pytest.raises(AllocationError):
        allocate(100, [Claim("a", 1, ceiling=30), Claim("b", 1, ceiling=30)])


def test_allocate_refuses_when_nobody_has_weight():
    with pytest.raises(AllocationError):
        allocate(100, [Claim("a", 0), Claim("b", 0)])


@st.composite
def allocations(draw):
    count = draw(st.integers(min_value=1, max_value=12))
    claims = []
    for index in range(count):
        tier = draw(st.integers(min_value=0, max_value=3))
        floor = draw(st.one_of(st.just(0), st.integers(min_value=0, max_value=5_000)))
        ceiling = draw(st.one_of(st.none(), st.integers(min_value=floor, max_value=50_000)))
        claims.append(Claim(index, TIER_WEIGHTS[tier], floor=floor, ceiling=ceiling))
    budget = draw(st.integers(min_value=0, max_value=2_000_000))
    return budget, claims


@settings(max_examples=400, deadline=None)
@given(allocations())
def test_allocate_properties(case):
    budget, claims = case
    try:
        amounts = allocate(budget, claims)
    except AllocationError:
        floors = sum(c.floor for c in claims)
        unbounded = any(c.weight > 0 and c.ceiling is None for c in claims)
        if floors > budget:
            return
        assert not unbounded
        assert sum(c.ceiling if c.weight > 0 else c.floor for c in claims) < budget
        return
    # The sum is the budget, exactly; nothing negative; no floor or ceiling broken.
    assert sum(amounts.values()) == budget
    for claim in claims:
        assert amounts[claim.key] >= 0
        assert amounts[claim.key] >= claim.floor
        if claim.ceiling is not None:
            assert amounts[claim.key] <= claim.ceiling
    # Among institutions no floor or ceiling touches, a higher tier never gets less.
    free = [c for c in claims if c.floor == 0 and c.ceiling is None]
    for higher in free:
        for lower in free:
            if higher.weight > lower.weight:
                assert amounts[higher.key] >= amounts[lower.key]
