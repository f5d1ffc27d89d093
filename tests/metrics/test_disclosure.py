"""Statistical disclosure control (metrics.calculations.disclosure): exact checks of what a
set of published numbers determines, and the suppression that stops it."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.calculations.disclosure import (
    DOMINANCE,
    PRIMARY,
    SECONDARY,
    Cell,
    Knowledge,
    determined_small_sums,
    suppress,
    tied_order_statistics,
)


def cell(table, group, members, value=1):
    return Cell(table, group, {m: Fraction(value) for m in members})


def test_knowledge_determines_a_difference_of_two_sums():
    knowledge = Knowledge()
    knowledge.add(dict.fromkeys([1, 2, 3, 4, 5], 1))  # a region's total
    knowledge.add(dict.fromkeys([1, 2, 3], 1))  # the same region and one TLO type
    assert knowledge.determines({4: 1, 5: 1})
    assert not knowledge.determines({4: 1})
    assert determined_small_sums(knowledge, [1, 2, 3, 4, 5], below=3) == [(4, 5)]


def test_knowledge_takes_a_pooled_ratio_as_a_linear_equation():
    # r = Σa/Σb over institutions 1 and 2 with r = 1/2: a1 + a2 − ½(b1 + b2) = 0.
    knowledge = Knowledge()
    half = Fraction(1, 2)
    knowledge.add({("a", 1): 1, ("a", 2): 1, ("b", 1): -half, ("b", 2): -half})
    knowledge.add({("b", 1): 1, ("b", 2): 1})  # the group's Σb is shown elsewhere
    assert knowledge.determines({("a", 1): 1, ("a", 2): 1})
    assert not knowledge.determines({("a", 1): 1})


def test_knowledge_stays_exact_when_a_pivot_is_not_one():
    """Whole coefficients are kept as int for speed; a division that is not whole must
    give a Fraction, never a float that would round (3a + b and a + b: b is determined
    only through ⅓ and ½ steps)."""
    knowledge = Knowledge()
    knowledge.add({"a": 3, "b": 1, "c": 2})
    knowledge.add({"a": 1, "b": 1})
    knowledge.add({"c": 7})
    assert knowledge.determines({"b": 1}) and knowledge.determines({"a": 1})
    residual = knowledge.reduce({"a": 1, "d": Fraction(1, 3)})
    assert residual == {"d": Fraction(1, 3)}
    rows = knowledge.copy()._rows.values()
    assert all(isinstance(v, int | Fraction) for row in rows for v in row.values())


def test_staff_subtract_their_own_figures_from_a_national_total_of_three():
    knowledge = Knowledge()
    knowledge.add({1: 1, 2: 1, 3: 1})
    knowledge.add({1: 1})  # their own institution
    assert determined_small_sums(knowledge, [2, 3], below=3) == [(2, 3)]


def test_determined_small_sums_finds_triples_when_asked():
    knowledge = Knowledge()
    knowledge.add(dict.fromkeys(range(1, 7), 1))
    knowledge.add(dict.fromkeys([1, 2, 3], 1))
    found = determined_small_sums(knowledge, range(1, 7), below=4)
    assert (1, 2, 3) in found and (4, 5, 6) in found
    with pytest.raises(ValueError):
        determined_small_sums(knowledge, range(1, 7), below=5)


def test_primary_suppression_withholds_small_cells():
    result = suppress(
        [cell("national", "", range(1, 11)), cell("region", "a", [1, 2])], threshold=3
    )
    assert [(c.group, c.withheld, c.reason) for c in result.cells] == [
        ("", False, ""),
        ("a", True, PRIMARY),
    ]


def test_primary_suppression_counts_only_members_the_reader_does_not_know():
    cells = [cell("national", "", range(1, 21)), cell("region", "a", [1, 2, 3])]
    assert not suppress(cells, threshold=3).cells[1].withheld
    # Staff of institution 1 know one of the three: two unknown are too few.
    assert suppress(cells, threshold=3, known=[1]).cells[1].reason == PRIMARY


def test_dominance_withholds_a_cell_where_one_member_makes_the_total():
    dominated = Cell("region", "a", {1: Fraction(90), 2: Fraction(5), 3: Fraction(5)})
    result = suppress([dominated], threshold=3, dominance=Fraction(4, 5))
    assert result.cells[0].reason == DOMINANCE
    assert not suppress([dominated], threshold=3, dominance=None).cells[0].withheld


def test_secondary_suppression_stops_a_region_minus_a_type():
    """The attack of issue #14: region (5) minus region-and-type (3) names two TLOs.
    Published one dimension at a time, a region and a type still overlap."""
    cells = [
        cell("national", "", range(1, 11)),
        cell("region", "a", [1, 2, 3, 4, 5]),
        cell("region", "b", [6, 7, 8, 9, 10]),
        cell("type", "x", [1, 2, 3]),
        cell("type", "y", [4, 5, 6, 7, 8, 9, 10]),
    ]
    before = Knowledge()
    for c in cells:
        before.add(dict.fromkeys(c.members, 1))
    assert determined_small_sums(before, range(1, 11), below=3) == [(4, 5)]
    result = suppress(cells, threshold=3)
    assert any(c.reason == SECONDARY for c in result.cells)
    assert determined_small_sums(result.knowledge, range(1, 11), below=3) == []


def test_secondary_suppression_protects_a_withheld_cell_from_subtraction():
    cells = [
        cell("national", "", range(1, 8)),
        cell("region", "a", [1, 2]),
        cell("region", "b", [3, 4, 5, 6, 7]),
    ]
    result = suppress(cells, threshold=3)
    assert [c.withheld for c in result.cells] == [False, True, True]
    assert not result.knowledge.determines({1: 1, 2: 1})


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=3, max_value=14),
    st.lists(st.integers(min_value=0, max_value=3), min_size=14, max_size=14),
    st.lists(st.integers(min_value=0, max_value=2), min_size=14, max_size=14),
    st.lists(st.integers(min_value=1, max_value=14), max_size=2, unique=True),
)
def test_suppression_never_leaves_a_small_sum_determined(size, regions, types, known):
    members = range(1, size + 1)
    known = [k for k in known if k <= size]
    cells = [cell("national", "", members)]
    for table, labels in (("region", regions), ("type", types)):
        for label in sorted(set(labels[:size])):
            cells.append(cell(table, str(label), [m for m in members if labels[m - 1] == label]))
    result = suppress(cells, threshold=3, known=known, dominance=None)
    unknown = [m for m in members if m not in known]
    assert determined_small_sums(result.knowledge, unknown, below=3) == []
    for withheld in (c for c in result.cells if c.withheld):
        hidden = [m for m in withheld.members if m not in known]
        assert not hidden or not result.knowledge.determines(dict.fromkeys(hidden, 1))


def test_a_median_shown_in_two_groups_is_tied_to_their_one_common_member():
    values = {1: Fraction(10), 2: Fraction(20), 3: Fraction(20), 4: Fraction(30)}
    groups = {"region a": [1, 2], "type x": [2, 4], "type y": [1, 3]}
    shown = [("region a", Fraction(20)), ("type x", Fraction(20))]
    assert tied_order_statistics(shown, groups, values) == [(Fraction(20), 2)]
    # A smoothed median that is nobody's own value ties to nobody.
    assert tied_order_statistics([("region a", Fraction(15))], groups, values) == []


def test_a_remembered_secondary_step_gives_what_working_it_out_gives():
    """The secondary step is remembered by structure (members, primary cells, what the
    reader knows); a dominated cell changes the structure, so the same members with other
    figures are worked out again, and the answer equals a fresh one."""
    from metrics.calculations import disclosure

    def cells(big):
        return [
            Cell("national", "", {m: Fraction(1) for m in range(1, 11)}),
            Cell("region", "a", {1: Fraction(big), 2: Fraction(1), 3: Fraction(1), 4: 1, 5: 1}),
            Cell("region", "b", {m: Fraction(1) for m in range(6, 11)}),
            Cell("type", "x", {m: Fraction(1) for m in (1, 2, 3)}),
            Cell("type", "y", {m: Fraction(1) for m in range(4, 11)}),
        ]

    def outcome(result):
        return [(c.withheld, c.reason) for c in result.cells]

    disclosure._SECONDARY_MEMO.clear()
    even = suppress(cells(1), threshold=3)
    assert len(disclosure._SECONDARY_MEMO) == 1
    again = suppress(cells(1), threshold=3)
    assert outcome(again) == outcome(even) and len(disclosure._SECONDARY_MEMO) == 1
    dominated = suppress(cells(100), threshold=3)  # region a: one member makes the total
    assert dominated.cells[1].reason == DOMINANCE
    assert len(disclosure._SECONDARY_MEMO) == 2
    disclosure._SECONDARY_MEMO.clear()
    assert outcome(suppress(cells(100), threshold=3)) == outcome(dominated)
    staff = suppress(cells(1), threshold=3, known=[1])  # a reader who knows 1: another key
    assert len(disclosure._SECONDARY_MEMO) == 2
    assert staff.cells[3].withheld  # type x: two others only
    assert determined_small_sums(staff.knowledge, range(2, 11), below=3) == []
