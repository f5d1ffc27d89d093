"""Blind scoring, adversarially: until a reviewer has submitted their own scores on an
institution, nothing they can reach says anything about anyone else's scores on it — no
page (Japanese or English), list order or count, progress, aggregate, download, calendar,
home panel, HTML comment or data attribute. The strongest form: every page and file the
reviewer can reach is the same, byte for byte (less CSRF tokens and timestamps), whether
or not a co-reviewer has scored.

Decided and documented (docs/reviews.md): a reviewer may know who their co-reviewers are (they
attend the hearing together, and the hearing lists its attendees); they never learn how
far a co-reviewer has got, nor any score or comment, before submitting their own. After
submitting, they see the submitted scores (so also how many have submitted), never drafts.
"""

import io
import re

import pytest
from openpyxl import load_workbook

from reviews.enums import Stage
from reviews.models import Assignment, Score
from reviews.services.scores import reopen_scores
from reviews.sheets import hearing_sheet, result_rows, score_rows

from .conftest import assign, score_all, set_stage

SECRET = "他の審査委員だけが知るコメント"
A = "/reviews/2010/institutions/TLO-AAA/"
REACHABLE = [
    "/",
    "/reviews/",
    "/reviews/2010/",
    "/reviews/2010/conflicts/",
    "/reviews/2010/hearings/",
    A,
    A + "score/",
    "/en/",
    "/en/reviews/2010/",
    "/en" + A,
    "/en" + A + "score/",
]
FILES = [A + "hearing.ics", "/reviews/2010/hearings/mine.ics", A + "sheet.xlsx"]


def _mine(entry, user):
    return Assignment.objects.get(entry=entry, reviewer=user)


@pytest.fixture
def blind_world(scoring, entry_a, mext_reviewer, meti_reviewer, mext_official):
    """Institution A in scoring with a hearing both reviewers attend; mext_reviewer has
    saved a draft (their own scores, not submitted)."""
    import datetime

    from core.versions import NEW
    from reviews.services.hearings import schedule_hearing

    schedule_hearing(
        actor=mext_official,
        entry=entry_a,
        date=datetime.date(2011, 1, 20),
        starts_at=datetime.time(10),
        ends_at=datetime.time(11),
        place="会議室",
        online_url="",
        attendees=[mext_reviewer, meti_reviewer, mext_official],
        expected_version=NEW,
    )
    score_all(_mine(entry_a, mext_reviewer), 3, submit=False, comment="自分の下書き")
    return scoring


def _normalised(response) -> bytes:
    """The response without what changes on every request (CSRF tokens, the calendar's
    time stamp); an XLSX as the text of its cells."""
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content))
        return repr(
            [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook]
        ).encode()
    body = response.content
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    body = re.sub(rb"DTSTAMP:[0-9TZ]+", b"", body)
    return body


def _everything(client) -> dict[str, bytes]:
    return {url: _normalised(client.get(url)) for url in REACHABLE + FILES}


def test_nothing_reachable_changes_when_a_co_reviewer_scores(
    blind_world, entry_a, client_for, mext_reviewer, meti_reviewer, conflicted_reviewer
):
    client = client_for(mext_reviewer)
    before = _everything(client)
    score_all(_mine(entry_a, meti_reviewer), 5, comment=SECRET)
    score_all(_mine(entry_a, conflicted_reviewer), 1, submit=False, comment="下書き")
    after = _everything(client)
    assert {url for url in before if before[url] != after[url]} == set()
    assert all(SECRET.encode() not in body for body in after.values())


def test_reopened_reviewer_is_blind_again_until_resubmitting(
    blind_world, entry_a, client_for, mext_reviewer, meti_reviewer, mext_official
):
    score_all(_mine(entry_a, meti_reviewer), 5, comment=SECRET)
    mine = score_all(_mine(entry_a, mext_reviewer), 2)
    client = client_for(mext_reviewer)
    assert SECRET in client.get(A).content.decode()
    reopen_scores(actor=mext_official, assignment=mine, reason="再確認")
    before = _everything(client)
    assert all(SECRET.encode() not in body for body in before.values())
    # What the others do meanwhile stays out of sight too.
    other = _mine(entry_a, meti_reviewer)
    reopen_scores(actor=mext_official, assignment=other, reason="再確認")
    score_all(other, 4, comment="改めた" + SECRET)
    assert _everything(client) == before
    visible = Score.objects.visible_to(mext_reviewer)
    assert {s.assignment.reviewer_id for s in visible} == {mext_reviewer.pk}


@pytest.mark.parametrize("url", REACHABLE)
def test_no_comments_data_attributes_or_progress_of_others(
    blind_world, entry_a, client_for, mext_reviewer, meti_reviewer, url
):
    score_all(_mine(entry_a, meti_reviewer), 5, comment=SECRET)
    body = client_for(mext_reviewer).get(url).content.decode()
    assert "<!--" not in body
    assert "data-" not in body
    assert SECRET not in body
    # The co-reviewer has submitted; the reviewer's own scores are a draft. No state
    # "submitted" is shown anywhere, so no page tells them how far the other has got.
    assert ">提出済み<" not in body and ">submitted<" not in body


def test_score_table_before_submitting_holds_only_own_column(
    blind_world, entry_a, client_for, mext_reviewer, meti_reviewer
):
    score_all(_mine(entry_a, meti_reviewer), 5, comment=SECRET)
    for url in (A, A + "score/"):
        table = client_for(mext_reviewer).get(url).context.get("score_table")
        columns = [] if table is None else [c.reviewer for c in table.columns]
        assert columns in ([], [mext_reviewer])
        assert table is None or table.result is None


def test_after_submitting_the_reviewer_sees_submitted_scores_never_drafts(
    blind_world, entry_a, client_for, mext_reviewer, meti_reviewer, conflicted_reviewer
):
    score_all(_mine(entry_a, meti_reviewer), 5, comment=SECRET)
    score_all(_mine(entry_a, conflicted_reviewer), 1, submit=False, comment="まだ下書き")
    score_all(_mine(entry_a, mext_reviewer), 2)
    response = client_for(mext_reviewer).get(A + "score/")
    body = response.content.decode()
    assert SECRET in body
    assert "まだ下書き" not in body
    table = response.context["score_table"]
    assert [c.reviewer for c in table.columns] == [mext_reviewer, meti_reviewer]
    assert table.result.criteria["model_activity"].joint == 3.5


def test_visible_to_before_submitting_shows_only_own(blind_world, entry_a, mext_reviewer):
    score_all(_mine(entry_a, _mine(entry_a, mext_reviewer).reviewer), 2, submit=False)
    visible = Score.objects.visible_to(mext_reviewer)
    assert {s.assignment.reviewer_id for s in visible} == {mext_reviewer.pk}


def test_visible_to_for_staff_viewer_and_unassigned_is_empty(
    blind_world, entry_a, meti_reviewer, staff_a, viewer, unassigned_reviewer
):
    score_all(_mine(entry_a, meti_reviewer), 5, comment=SECRET)
    for person in (staff_a, viewer, unassigned_reviewer):
        assert Score.objects.visible_to(person).count() == 0


def test_hearing_sheet_before_and_after_submitting(
    blind_world, entry_a, mext_reviewer, meti_reviewer
):
    score_all(_mine(entry_a, meti_reviewer), 5, comment=SECRET)
    before = hearing_sheet(entry_a, user=mext_reviewer)
    assert all(SECRET not in str(row) for s in before for row in s.rows)
    scores = next(s for s in before if s.title == "採点")
    assert scores.headers == ["評価項目", "mext-reviewer (文部科学省, 下書き)"]  # no means
    score_all(_mine(entry_a, mext_reviewer), 2)
    after = hearing_sheet(entry_a, user=mext_reviewer)
    assert any(SECRET in str(row) for s in after for row in s.rows)


def test_pdf_sheet_does_not_change_with_a_co_reviewers_scores(
    blind_world, entry_a, client_for, mext_reviewer, meti_reviewer
):
    """The PDF is drawn from hearing_sheet's sections; those must not change."""
    before = hearing_sheet(entry_a, user=mext_reviewer)
    score_all(_mine(entry_a, meti_reviewer), 5, comment=SECRET)
    assert hearing_sheet(entry_a, user=mext_reviewer) == before
    assert client_for(mext_reviewer).get(A + "sheet.pdf").status_code == 200


def test_exports_read_through_the_same_rule(
    blind_world, entry_a, mext_reviewer, meti_reviewer, mext_official
):
    score_all(_mine(entry_a, meti_reviewer), 5, comment=SECRET)
    cycle = entry_a.cycle
    assert {row[1] for row in score_rows(user=mext_reviewer, cycle=cycle)} == {"mext-reviewer"}
    assert all(row[2:5] == ["", "", ""] for row in result_rows(user=mext_reviewer, cycle=cycle))
    assert any(SECRET in row for row in score_rows(user=mext_official, cycle=cycle))


def test_reviewer_cannot_reach_deliberation_result_table_or_outbox(
    blind_world, client_for, mext_reviewer
):
    client = client_for(mext_reviewer)
    assert client.get("/reviews/2010/deliberation/").status_code == 403
    assert client.get("/reviews/2010/results.csv").status_code == 403
    assert client.get("/notifications/").status_code == 403


def test_list_order_does_not_follow_scores(
    blind_world, cycle, entry_a, entry_b, client_for, mext_reviewer, meti_reviewer
):
    """The reviewer's lists are by institution code whatever the scores (pretalx leaked
    aggregates through a list's sort order)."""
    assign(entry_b, mext_reviewer)
    assign(entry_b, meti_reviewer)
    score_all(_mine(entry_a, meti_reviewer), 1, comment="低い")
    score_all(_mine(entry_b, meti_reviewer), 5, comment="高い")
    for url in ("/reviews/2010/", "/"):
        body = client_for(mext_reviewer).get(url).content.decode()
        assert body.index("機関A") < body.index("機関B")
        assert "高い" not in body and "低い" not in body


def test_counted_scores_exclude_drafts_and_reopened(
    blind_world, entry_a, mext_reviewer, meti_reviewer, mext_official
):
    score_all(_mine(entry_a, meti_reviewer), 5, comment=SECRET)
    counted = Score.objects.visible_to(mext_official).counted()
    assert {s.assignment.reviewer_id for s in counted} == {meti_reviewer.pk}
    reopen_scores(actor=mext_official, assignment=_mine(entry_a, meti_reviewer), reason="確認")
    assert Score.objects.visible_to(mext_official).counted().count() == 0


def test_scores_only_in_scoring_stage(assigned, entry_a, mext_reviewer):
    from django.core.exceptions import PermissionDenied

    set_stage(assigned, Stage.STATEMENTS)
    with pytest.raises(PermissionDenied):
        score_all(_mine(entry_a, mext_reviewer), 3)
