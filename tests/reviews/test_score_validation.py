"""The checks record_scores makes before storing anything: range, comments, their length."""

import pytest

from reviews.models import Assignment, Score
from reviews.services.scores import ScoreErrors, ScoreInput, record_scores


def _record(assignment, value, comment, *, submit=False):
    codes = [c.code for c in assignment.entry.cycle.criteria.all()]
    scores = {code: ScoreInput(value, comment) for code in codes}
    return record_scores(
        actor=assignment.reviewer, assignment=assignment, scores=scores, submit=submit
    )


@pytest.fixture
def assignment(scoring, entry_a, mext_reviewer):
    return Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer)


@pytest.mark.parametrize("value", [1, 5])
def test_record_scores_extreme_without_comment_refused(assignment, value):
    with pytest.raises(ScoreErrors) as refused:
        _record(assignment, value, "  ")
    criteria = set(assignment.entry.cycle.criteria.values_list("code", flat=True))
    assert set(refused.value.errors) == criteria
    assert Score.objects.filter(assignment=assignment).count() == 0


@pytest.mark.parametrize("value", [1, 5])
def test_record_scores_extreme_with_comment_stored(assignment, value):
    _record(assignment, value, "根拠あり", submit=True)
    stored = set(Score.objects.filter(assignment=assignment).values_list("value", flat=True))
    assert stored == {value}


@pytest.mark.parametrize("value", [2, 3, 4])
def test_record_scores_middle_without_comment_stored(assignment, value):
    _record(assignment, value, "", submit=True)
    stored = set(Score.objects.filter(assignment=assignment).values_list("value", flat=True))
    assert stored == {value}


@pytest.mark.parametrize("value", [0, 6, -1])
def test_record_scores_outside_one_to_five_refused(assignment, value):
    with pytest.raises(ScoreErrors):
        _record(assignment, value, "根拠あり")
    assert Score.objects.filter(assignment=assignment).count() == 0


def test_record_scores_comment_of_5000_characters_stored(assignment):
    comment = "長" * 4999 + "終"
    _record(assignment, 3, comment)
    stored = set(Score.objects.filter(assignment=assignment).values_list("comment", flat=True))
    assert stored == {comment}


def test_record_scores_comment_of_5001_characters_refused(assignment):
    with pytest.raises(ScoreErrors):
        _record(assignment, 3, "長" * 5001)
    assert Score.objects.filter(assignment=assignment).count() == 0
