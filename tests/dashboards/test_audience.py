"""Audience.withholds: small groups are withheld from anonymised readers only."""

from dashboards.selectors.national import Audience


def test_audience_withholds_a_small_group_from_an_anonymised_reader():
    reader = Audience(named=False, threshold=3)
    assert [reader.withholds(count) for count in (1, 2, 3, 4)] == [True, True, False, False]


def test_audience_withholds_counting_only_institutions_the_reader_does_not_know():
    reader = Audience(named=False, threshold=3)
    assert reader.withholds(3, known=1) is True
    assert reader.withholds(4, known=1) is False


def test_audience_withholds_nothing_from_a_named_reader():
    official = Audience(named=True, threshold=3)
    assert [official.withholds(count) for count in (1, 2, 3)] == [False, False, False]
