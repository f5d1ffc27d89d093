"""Forged and hostile POSTs: another institution's or another cycle's ids, somebody else's
assignment, the other ministry's approval, missing or mangled versions, NUL bytes, very
long texts, HTML. Each gets a clear answer (a message, a 400, 403 or 404), never a 500,
and nothing is half-applied."""

import datetime
import io
import zipfile

import pytest
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from core.versions import NEW
from institutions.enums import Ministry
from reviews.enums import ConflictKind, DecisionState, Recommendation, Stage, SupportTier
from reviews.models import (
    Assignment,
    Conflict,
    Decision,
    DecisionApproval,
    Hearing,
    HearingStatement,
    ReviewCycle,
    Score,
    StatementAttachment,
)
from reviews.services import conflicts, cycles, hearings, statements
from tests.factories import reviewer_of

from .conftest import assign, score_all, set_stage

A = "/reviews/2010/institutions/TLO-AAA/"
B = "/reviews/2010/institutions/TLO-BBB/"
HTML = '<script>alert("x")</script><b>太字</b>'
FORMULA = '=HYPERLINK("http://evil.example","押して")'


def errors_of(response) -> list[str]:
    storage = get_messages(response.wsgi_request)
    return [str(m) for m in storage._queued_messages if m.level == ERROR]


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return buffer.getvalue()


@pytest.fixture
def deliberating(scoring, entry_a, mext_reviewer, meti_reviewer, mext_official):
    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), 4)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer), 4)
    set_stage(scoring, Stage.DELIBERATION)
    Decision.objects.create(
        entry=entry_a,
        tier=SupportTier.STANDARD,
        recommendation=Recommendation.CONTINUE,
        rationale="地域の中核",
    )
    return scoring


@pytest.fixture
def other_cycle(institution_a, mext_official):
    """A FY2011 cycle in planning with institution A."""
    return cycles.create_cycle(actor=mext_official, fiscal_year=2011, institutions=[institution_a])


# --- ids of another institution or cycle ----------------------------------------------


def test_attachment_of_another_institution_is_404(assigned, entry_b, staff_a, staff_b, client_for):
    set_stage(assigned, Stage.STATEMENTS)
    theirs = statements.add_attachment(
        actor=staff_b, entry=entry_b, upload=SimpleUploadedFile("b.docx", _docx())
    )
    client = client_for(staff_a)
    assert client.get(f"{A}statement/attachments/{theirs.pk}/").status_code == 404
    assert client.post(f"{A}statement/attachments/{theirs.pk}/delete/").status_code == 404
    assert StatementAttachment.objects.filter(pk=theirs.pk).exists()


def test_reopening_another_institutions_assignment_is_404(
    scoring, entry_b, mext_reviewer, mext_official, client_for
):
    theirs = score_all(assign(entry_b, mext_reviewer), 3)
    response = client_for(mext_official).post(f"{A}scores/{theirs.pk}/reopen/", {"reason": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_submitted


def test_ids_of_another_cycle(
    assigned, other_cycle, entry_a, mext_official, meti_reviewer, client_for
):
    later_entry = other_cycle.entries.get()
    later_conflict = conflicts.declare_conflict(
        actor=meti_reviewer, entry=later_entry, kind=ConflictKind.OTHER, reason="x"
    )
    later_assignment = assign(later_entry, meti_reviewer)
    client = client_for(mext_official)
    url = f"/reviews/2010/conflicts/{later_conflict.pk}/confirm/"
    assert client.post(url).status_code == 404
    url = f"/reviews/2010/assignments/{later_assignment.pk}/remove/"
    assert client.post(url).status_code == 404
    response = client.post(
        "/reviews/2010/assignments/proposal/", {"pair": [f"{later_entry.pk}:{meti_reviewer.pk}"]}
    )
    assert response.status_code == 400
    assert f"{later_entry.pk}:{meti_reviewer.pk}" in response.content.decode()
    response = client.post(
        "/reviews/2010/assignments/", {"entry": later_entry.pk, "reviewer": meti_reviewer.pk}
    )
    assert response.status_code == 200 and b"errorlist" in response.content
    later_conflict.refresh_from_db()
    assert later_conflict.state == "declared"
    assert Assignment.objects.filter(pk=later_assignment.pk).exists()
    assert not Assignment.objects.filter(entry=later_entry).exclude(pk=later_assignment.pk)
    # A conflict declared through 2010's page for an institution of 2011 is refused.
    response = client_for(meti_reviewer).post(
        "/reviews/2010/conflicts/", {"entry": later_entry.pk, "kind": "other", "reason": "y"}
    )
    assert response.status_code == 200 and b"errorlist" in response.content
    assert Conflict.objects.count() == 1


@pytest.mark.parametrize(
    "value",
    ["x", "1:", ":2", "1:2:3", "１:２", "9" * 5000 + ":1", "1\x00:2", "-1:2", "1:99999999999"],
)
def test_mangled_proposal_pairs_are_400(assigned, mext_official, client_for, value):
    response = client_for(mext_official).post(
        "/reviews/2010/assignments/proposal/", {"pair": [value]}
    )
    assert response.status_code == 400
    assert Assignment.objects.count() == 3


def test_reviewer_posting_scores_for_an_institution_not_theirs(
    scoring, entry_b, mext_reviewer, client_for
):
    data = {"score_model_activity": "5", "comment_model_activity": "x", "submit": "1"}
    response = client_for(mext_reviewer).post(B + "score/", data)
    assert response.status_code == 403
    assert not Score.objects.filter(assignment__entry=entry_b).exists()


def test_forged_assignment_field_is_ignored(
    scoring, entry_a, mext_reviewer, meti_reviewer, client_for
):
    theirs = Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer)
    data = {"assignment": theirs.pk, "reviewer": meti_reviewer.pk, "save": "1"}
    for criterion in scoring.criteria.all():
        data[f"score_{criterion.code}"] = "3"
    client_for(mext_reviewer).post(A + "score/", data)
    assert not Score.objects.filter(assignment=theirs).exists()
    mine = Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer)
    assert Score.objects.filter(assignment=mine).count() == 4


def test_official_cannot_approve_for_the_other_ministry(
    deliberating, entry_a, mext_official, client_for
):
    decision = Decision.objects.get(entry=entry_a)
    client_for(mext_official).post(
        A + "decision/approve/",
        {"version": decision.version, "ministry": Ministry.METI, "official": 999},
    )
    approval = DecisionApproval.objects.get()
    assert (approval.ministry, approval.official) == (Ministry.MEXT, mext_official)
    decision.refresh_from_db()
    assert decision.state == DecisionState.APPROVED_BY_ONE


# --- versions ------------------------------------------------------------------------------


def _version_posts(entry_a):
    decision = Decision.objects.get(entry=entry_a)
    return {
        "decision": (
            A + "decision/",
            {"tier": "none", "recommendation": "continue", "rationale": "変えた"},
        ),
        "approve": (A + "decision/approve/", {}),
        "settings": ("/reviews/2010/settings/", {"home_run_threshold": "1"}),
        "institutions": (
            "/reviews/2010/settings/institutions/",
            {"institutions": [entry_a.institution_id]},
        ),
        "hearing": (
            A + "hearing/",
            {"date": "2011-01-20", "starts_at": "10:00", "ends_at": "11:00", "place": "別室"},
        ),
        "statement": (
            A + "statement/",
            {"regional_necessity": "変えた", "support-TOTAL_FORMS": "0"},
        ),
        "decision_obj": decision,
    }


@pytest.mark.parametrize("version", [None, "", "abc", "1.5", "-1", "1e3", "9" * 5000, "1\x00"])
def test_missing_or_mangled_versions_are_400_and_change_nothing(
    deliberating, entry_a, mext_official, staff_a, client_for, version
):
    posts = _version_posts(entry_a)
    posts.pop("decision_obj")
    before = list(Decision.objects.values_list("state", "version", "rationale"))
    for name, (url, data) in posts.items():
        if name in ("settings", "institutions", "statement"):
            set_stage(deliberating, Stage.STATEMENTS)
        else:
            set_stage(deliberating, Stage.DELIBERATION)
        client = client_for(staff_a if name == "statement" else mext_official)
        body = dict(data)
        if version is not None:
            body["version"] = version
        response = client.post(url, body)
        assert response.status_code == 400, name
        assert "version" in response.content.decode() or "版" in response.content.decode()
    assert list(Decision.objects.values_list("state", "version", "rationale")) == before
    assert ReviewCycle.objects.get(pk=deliberating.pk).home_run_threshold == 10_000_000
    assert not HearingStatement.objects.exists() and not Hearing.objects.exists()
    assert deliberating.entries.count() == 2


def test_a_stale_decision_is_not_approved(
    deliberating, entry_a, mext_official, meti_official, client_for
):
    """The METI official read version 1; a MEXT official then changed the rationale.
    Approving what they read approves nothing."""
    decision = Decision.objects.get(entry=entry_a)
    seen = decision.version
    client_for(mext_official).post(
        A + "decision/",
        {"version": seen, "tier": "none", "recommendation": "continue", "rationale": "差替え"},
    )
    response = client_for(meti_official).post(A + "decision/approve/", {"version": seen})
    assert response.status_code == 302
    assert errors_of(response)
    assert DecisionApproval.objects.count() == 0


def test_a_stale_statement_is_not_saved(assigned, entry_a, staff_a, client_for):
    set_stage(assigned, Stage.STATEMENTS)
    colleague = statements.save_statement(
        actor=staff_a,
        entry=entry_a,
        regional_necessity="同僚の文",
        improvement_plan="",
        regional_support="",
        support_lines=[],
        expected_version=NEW,
    )
    response = client_for(staff_a).post(
        A + "statement/",
        {"version": NEW, "regional_necessity": "上書き", "support-TOTAL_FORMS": "0"},
    )
    assert response.status_code == 200 and b"errorlist" in response.content
    colleague.refresh_from_db()
    assert colleague.regional_necessity == "同僚の文"


def test_a_stale_hearing_is_not_saved(assigned, entry_a, mext_official, meti_official, client_for):
    hearing = hearings.schedule_hearing(
        actor=mext_official,
        entry=entry_a,
        date=datetime.date(2011, 1, 20),
        starts_at=datetime.time(10),
        ends_at=datetime.time(11),
        place="会議室",
        online_url="",
        attendees=[],
        minutes="甲の議事録",
        expected_version=NEW,
    )
    seen = hearing.version
    hearings.schedule_hearing(
        actor=mext_official,
        entry=entry_a,
        date=hearing.date,
        starts_at=hearing.starts_at,
        ends_at=hearing.ends_at,
        place="会議室",
        online_url="",
        attendees=[],
        minutes="甲が書き足した議事録",
        expected_version=seen,
    )
    response = client_for(meti_official).post(
        A + "hearing/",
        {
            "version": seen,
            "date": "2011-01-20",
            "starts_at": "10:00",
            "ends_at": "11:00",
            "place": "会議室",
            "minutes": "乙の議事録",
        },
    )
    assert response.status_code == 200 and b"errorlist" in response.content
    assert Hearing.objects.get().minutes == "甲が書き足した議事録"


# --- NUL bytes, long texts, HTML -----------------------------------------------------


def _scores(cycle, comment, value="3"):
    data = {"save": "1"}
    for criterion in cycle.criteria.all():
        data[f"score_{criterion.code}"] = value
        data[f"comment_{criterion.code}"] = comment
    return data


@pytest.mark.parametrize("comment", ["ab\x00cd", "長" * 5001])
def test_hostile_score_comments_are_refused_whole(
    scoring, entry_a, mext_reviewer, client_for, comment
):
    response = client_for(mext_reviewer).post(A + "score/", _scores(scoring, comment))
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not Score.objects.filter(assignment__reviewer=mext_reviewer).exists()


def test_a_5000_character_comment_is_kept_whole(scoring, entry_a, mext_reviewer, client_for):
    comment = "長" * 4999 + "終"
    response = client_for(mext_reviewer).post(A + "score/", _scores(scoring, comment, "5"))
    assert response.status_code == 302
    assert set(
        Score.objects.filter(assignment__reviewer=mext_reviewer).values_list("comment", flat=True)
    ) == {comment}


@pytest.mark.parametrize("reason", ["x\x00y", "理" * 2001])
def test_hostile_reasons_get_a_message_naming_the_field(
    deliberating, entry_a, mext_official, client_for, reason
):
    submitted = Assignment.objects.filter(entry=entry_a).submitted().first()
    client = client_for(mext_official)
    for url in (
        f"{A}scores/{submitted.pk}/reopen/",
        "/reviews/2010/stage/back_to_scoring/",
    ):
        response = client.post(url, {"reason": reason})
        assert response.status_code == 302, url
        (message,) = errors_of(response)
        assert "理由" in message
    submitted.refresh_from_db()
    assert submitted.is_submitted
    assert ReviewCycle.objects.get(pk=deliberating.pk).stage == Stage.DELIBERATION


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/reviews/2010/conflicts/", "reason"),
        (A + "decision/", "rationale"),
        (A + "hearing/", "place"),
    ],
)
def test_nul_bytes_in_forms_are_refused(
    deliberating, entry_a, mext_official, client_for, url, field
):
    decision = Decision.objects.get(entry=entry_a)
    data = {
        "entry": entry_a.pk,
        "kind": "other",
        "reason": "理由",
        "version": decision.version if "decision" in url else NEW,
        "tier": "none",
        "recommendation": "continue",
        "rationale": "理由",
        "date": "2011-01-20",
        "starts_at": "10:00",
        "ends_at": "11:00",
        "place": "会議室",
    }
    data[field] = "悪い\x00値"
    response = client_for(mext_official).post(url, data)
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not Conflict.objects.exists() and not Hearing.objects.exists()
    assert Decision.objects.get().rationale == "地域の中核"


def test_html_and_formulas_are_escaped_on_pages_and_in_downloads(
    scoring, entry_a, mext_reviewer, meti_reviewer, mext_official, client_for
):
    score_all(Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer), 5, comment=HTML)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), 1, comment=FORMULA)
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;太字&lt;/b&gt;"
    for user in (mext_official, mext_reviewer):
        for url in (A, A + "score/") if user == mext_reviewer else (A,):
            body = client_for(user).get(url).content.decode()
            assert "<script>alert" not in body and "<b>太字" not in body, url
            assert escaped in body, url
    set_stage(scoring, Stage.DELIBERATION)
    body = client_for(mext_official).get(A + "decision/").content.decode()
    assert "<script>alert" not in body and escaped in body
    pdf = client_for(mext_official).get(A + "sheet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    workbook = load_workbook(io.BytesIO(client_for(mext_official).get(A + "sheet.xlsx").content))
    cells = [c for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row]
    assert HTML in cells
    assert FORMULA not in cells and any(str(c).endswith(FORMULA[1:]) for c in cells if c)
    results = client_for(mext_official).get("/reviews/2010/results.csv")
    assert results.status_code == 200


def test_pdf_survives_markup_in_every_text(
    deliberating, entry_a, staff_a, mext_official, client_for
):
    set_stage(deliberating, Stage.STATEMENTS)
    statements.save_statement(
        actor=staff_a,
        entry=entry_a,
        regional_necessity=HTML + "<para>& </font>",
        improvement_plan="<br/><unclosed",
        regional_support=FORMULA,
        support_lines=[statements.SupportInput("<i>県</i>", 1)],
        expected_version=NEW,
    )
    set_stage(deliberating, Stage.DELIBERATION)
    response = client_for(mext_official).get(A + "sheet.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_conflicted_official_cannot_approve_even_with_a_good_version(
    deliberating, entry_a, meti_official, client_for
):
    conflicts.declare_conflict(
        actor=meti_official, entry=entry_a, kind=ConflictKind.OTHER, reason="x"
    )
    decision = Decision.objects.get(entry=entry_a)
    response = client_for(meti_official).post(
        A + "decision/approve/", {"version": decision.version}
    )
    assert response.status_code == 403
    assert DecisionApproval.objects.count() == 0


def test_a_reviewer_without_a_ministry_cannot_be_assigned(cycle, entry_b, mext_official):
    from reviews.errors import ReviewError
    from reviews.services.assignments import assign_reviewers

    person = reviewer_of(Ministry.MEXT, username="odd")
    person.ministry = ""  # as a broken import might leave it
    with pytest.raises(ReviewError):
        assign_reviewers(actor=mext_official, cycle=cycle, pairs=[(entry_b, person)])
