"""Ranking rules and anonymised labels (pure)."""

import pytest

from metrics.calculations import (
    anonymised_label,
    anonymised_letters,
    letter_offset,
    rank,
)


def ranks(ranking):
    return [(row.rank, row.key) for row in ranking.rows]


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranking = rank([("a", 0.9), ("b", 0.5), ("c", 0.5), ("d", 0.1)])
    assert ranks(ranking) == [(1, "a"), (2, "b"), (2, "c"), (4, "d")]


def test_values_that_print_alike_but_differ_get_different_ranks():
    ranking = rank([("equal", 1.0), ("just_above", 4001 / 4000)])
    assert ranks(ranking) == [(1, "just_above"), (2, "equal")]


def test_undefined_values_are_left_out_and_counted():
    ranking = rank([("a", 0.2), ("b", None), ("c", 0.3), ("d", None)])
    assert ranks(ranking) == [(1, "c"), (2, "a")]
    assert (ranking.ranked, ranking.excluded) == (2, 2)


def test_top_n_keeps_every_row_tied_at_the_cut():
    ranking = rank([("a", 4.0), ("b", 3.0), ("c", 3.0), ("d", 1.0)], top=2)
    assert ranks(ranking) == [(1, "a"), (2, "b"), (2, "c")]
    assert ranking.ranked == 4


def test_lower_is_better_ranks_ascending():
    ranking = rank([("a", 3.0), ("b", 1.0), ("c", 2.0)], higher_is_better=False)
    assert ranks(ranking) == [(1, "b"), (2, "c"), (3, "a")]


def test_tied_rows_follow_a_stable_order():
    ranking = rank([("z", 1.0), ("m", 1.0), ("a", 1.0)])
    assert ranks(ranking) == [(1, "a"), (1, "m"), (1, "z")]


def test_letters_of_the_seeds_three_tables():
    assert anonymised_letters(10) == list("ABCDEFGHIJ")
    assert anonymised_letters(10, start=10) == list("KLMNOPQRST")
    assert anonymised_letters(10, start=20) == list("UVWXYZABCD")


def test_letters_never_repeat_within_one_long_table():
    letters = anonymised_letters(28)
    assert letters[25:] == ["Z", "A2", "B2"]
    assert len(set(letters)) == 28


def test_letter_offset_and_label():
    assert letter_offset("k") == 10
    assert anonymised_label("承認TLO", "U") == "承認TLO (U)"
    with pytest.raises(ValueError):
        letter_offset("AA")
