"""metrics.anonymity: which group aggregates an anonymised reader may not see."""

import pytest

from metrics.anonymity import is_withheld, small_group_threshold, withheld_groups


def test_groups_under_the_threshold_are_withheld():
    assert withheld_groups([5, 2, 0, 3, 1], threshold=3) == {1, 4}


def test_empty_groups_have_nothing_to_withhold():
    assert withheld_groups([0, 0], threshold=3) == set()


def test_a_lone_withheld_group_of_a_total_takes_the_smallest_other_with_it():
    assert withheld_groups([10, 2, 4, 7], threshold=3, additive_total=True) == {1, 2}


def test_two_withheld_groups_of_a_total_protect_each_other():
    assert withheld_groups([10, 2, 1, 7], threshold=3, additive_total=True) == {1, 2}


# --- the one predicate (metrics.anonymity.is_withheld) ---------------------------------


@pytest.mark.parametrize(
    ("count", "withheld"), [(0, False), (1, True), (2, True), (3, False), (4, False)]
)
def test_is_withheld_at_the_default_threshold_of_three(count, withheld):
    assert is_withheld(count) is withheld


@pytest.mark.parametrize(
    ("count", "known", "withheld"),
    [
        (1, 1, True),  # only the reader's own institution
        (3, 1, True),  # two others: one of them could be read off
        (4, 1, False),  # three others
        (4, 2, True),
        (0, 0, False),
    ],
)
def test_is_withheld_counts_only_the_institutions_the_reader_does_not_know(count, known, withheld):
    assert is_withheld(count, known=known) is withheld


def test_is_withheld_with_an_explicit_threshold():
    assert is_withheld(4, threshold=5)
    assert not is_withheld(5, threshold=5)


def test_the_setting_moves_the_threshold(settings):
    settings.SMALL_GROUP_THRESHOLD = 4
    assert small_group_threshold() == 4
    assert is_withheld(3)
    assert not is_withheld(4)
    assert withheld_groups([5, 3, 4]) == {1}
