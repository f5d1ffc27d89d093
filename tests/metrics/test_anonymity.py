"""metrics.calculations.anonymity: which group aggregates an anonymised reader may not see."""

from metrics.calculations import withheld_groups


def test_groups_under_the_threshold_are_withheld():
    assert withheld_groups([5, 2, 0, 3, 1], threshold=3) == {1, 4}


def test_empty_groups_have_nothing_to_withhold():
    assert withheld_groups([0, 0], threshold=3) == set()


def test_a_lone_withheld_group_of_a_total_takes_the_smallest_other_with_it():
    assert withheld_groups([10, 2, 4, 7], threshold=3, additive_total=True) == {1, 2}


def test_two_withheld_groups_of_a_total_protect_each_other():
    assert withheld_groups([10, 2, 1, 7], threshold=3, additive_total=True) == {1, 2}
