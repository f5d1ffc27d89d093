"""Blind scoring: before submitting, nothing a reviewer can reach shows another reviewer's
scores or comments — no page, list order, count, aggregate, download or export."""

import pytest

from reviews.enums import Stage
from reviews.models import Assignment, Score
from reviews.sheets import hearing_sheet, result_rows, score_rows

from .conftest import score_all, set_stage

SECRET = "他の審査委員だけが知るコメント"


@pytest.fixture
def meti_submitted(scoring, entry_a, meti_reviewer):
    assignment = Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer)
    score_all(assignment, 5, comment=SECRET)
    return assignment


def _mine(entry, user):
    return Assignment.objects.get(entry=entry, reviewer=user)


def test_visible_to_before_submitting_shows_only_own(meti_submitted, entry_a, mext_reviewer):
    score_all(_mine(entry_a, mext_reviewer), 2, submit=False)
    visible = Score.objects.visible_to(mext_reviewer)
    assert {s.assignment.reviewer_id for s in visible} == {mext_reviewer.pk}


def test_visible_to_after_submitting_shows_submitted_scores(meti_submitted, entry_a, mext_reviewer):
    score_all(_mine(entry_a, mext_reviewer), 2)
    visible = Score.objects.visible_to(mext_reviewer)
    assert {s.assignment.reviewer_id for s in visible} == {
        mext_reviewer.pk,
        meti_submitted.reviewer_id,
    }


def test_visible_to_never_shows_other_drafts(scoring, entry_a, mext_reviewer, meti_reviewer):
    score_all(_mine(entry_a, meti_reviewer), 3, submit=False, comment=SECRET)
    score_all(_mine(entry_a, mext_reviewer), 2)
    visible = Score.objects.visible_to(mext_reviewer)
    assert {s.assignment.reviewer_id for s in visible} == {mext_reviewer.pk}


def test_visible_to_for_staff_viewer_and_unassigned_is_empty(
    meti_submitted, staff_a, viewer, unassigned_reviewer
):
    for person in (staff_a, viewer, unassigned_reviewer):
        assert Score.objects.visible_to(person).count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/reviews/2010/institutions/TLO-AAA/",
        "/reviews/2010/institutions/TLO-AAA/score/",
        "/reviews/2010/",
        "/reviews/2010/hearings/",
        "/en/reviews/2010/institutions/TLO-AAA/",
        "/",
    ],
)
def test_pages_hide_other_scores_before_submitting(meti_submitted, client_for, mext_reviewer, url):
    body = client_for(mext_reviewer).get(url).content.decode()
    assert SECRET not in body
    assert "aggregate-table" not in body
    assert "score-table" not in body


def test_pages_show_submitted_scores_after_submitting(
    meti_submitted, entry_a, client_for, mext_reviewer
):
    score_all(_mine(entry_a, mext_reviewer), 2)
    body = client_for(mext_reviewer).get("/reviews/2010/institutions/TLO-AAA/").content.decode()
    assert SECRET in body
    assert "aggregate-table" in body


@pytest.mark.parametrize("file_format", ["xlsx", "pdf"])
def test_hearing_sheet_download_hides_other_scores(
    meti_submitted, client_for, mext_reviewer, file_format
):
    response = client_for(mext_reviewer).get(
        f"/reviews/2010/institutions/TLO-AAA/sheet.{file_format}"
    )
    assert response.status_code == 200
    assert SECRET.encode() not in response.content


def test_hearing_sheet_sections_hide_scores_before_and_show_after(
    meti_submitted, entry_a, mext_reviewer
):
    before = hearing_sheet(entry_a, user=mext_reviewer)
    assert all(SECRET not in row for s in before for row in s.rows)
    # Profile, metric trends, statement, scores (none of anyone else's); no aggregates.
    assert len(before) == 4
    assert before[3].rows == []
    score_all(_mine(entry_a, mext_reviewer), 2)
    after = hearing_sheet(entry_a, user=mext_reviewer)
    assert any(SECRET in row for s in after for row in s.rows)


def test_exports_read_through_the_same_rule(meti_submitted, mext_reviewer, mext_official):
    cycle = meti_submitted.entry.cycle
    assert score_rows(user=mext_reviewer, cycle=cycle) == []
    assert all(row[2:5] == ["", "", ""] for row in result_rows(user=mext_reviewer, cycle=cycle))
    assert any(SECRET in row for row in score_rows(user=mext_official, cycle=cycle))


def test_reviewer_cannot_reach_deliberation_or_result_table(
    meti_submitted, client_for, mext_reviewer
):
    client = client_for(mext_reviewer)
    assert client.get("/reviews/2010/deliberation/").status_code == 403
    assert client.get("/reviews/2010/results.csv").status_code == 403


def test_list_order_does_not_follow_scores(
    scoring, cycle, entry_a, entry_b, client_for, mext_reviewer, meti_reviewer
):
    """The reviewer's list is by institution code whatever the scores (pretalx leaked
    aggregates through a list's sort order)."""
    Assignment.objects.create(entry=entry_b, reviewer=mext_reviewer)
    Assignment.objects.create(entry=entry_b, reviewer=meti_reviewer)
    score_all(_mine(entry_a, meti_reviewer), 1, comment="低い")
    score_all(_mine(entry_b, meti_reviewer), 5, comment="高い")
    body = client_for(mext_reviewer).get("/reviews/2010/").content.decode()
    assert body.index("機関A") < body.index("機関B")
    assert "高い" not in body and "低い" not in body


def test_reopened_reviewer_is_blind_again_until_resubmitting(
    meti_submitted, entry_a, mext_reviewer, mext_official
):
    from reviews.services.scores import reopen_scores

    mine = score_all(_mine(entry_a, mext_reviewer), 2)
    reopen_scores(actor=mext_official, assignment=mine, reason="再確認")
    visible = Score.objects.visible_to(mext_reviewer)
    assert {s.assignment.reviewer_id for s in visible} == {mext_reviewer.pk}


def test_counted_scores_exclude_drafts_and_reopened(
    meti_submitted, entry_a, mext_reviewer, mext_official
):
    score_all(_mine(entry_a, mext_reviewer), 2, submit=False)
    counted = Score.objects.visible_to(mext_official).counted()
    assert {s.assignment.reviewer_id for s in counted} == {meti_submitted.reviewer_id}


def test_scores_only_in_scoring_stage(assigned, entry_a, mext_reviewer):
    from django.core.exceptions import PermissionDenied

    set_stage(assigned, Stage.STATEMENTS)
    with pytest.raises(PermissionDenied):
        score_all(_mine(entry_a, mext_reviewer), 3)
