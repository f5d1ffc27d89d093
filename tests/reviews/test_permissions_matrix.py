"""Every review URL and action × every persona × all six stages.

The expected answers are written here from the issue's rules, not read from the code:
anonymous → the login page; a viewer → 403 everywhere; another institution's staff → 404
for institution A's pages; the wrong role → 403; the right role in a stage that does not
open the activity → 403 or a message (and nothing changes); the right person in the
right stage → the effect in the database.

Each POST runs in a savepoint that is rolled back, so that every action meets the same
world: cycle 2010 with institutions A and B; on A a statement with an attachment, a
hearing, a draft decision, and five assignments — mext_reviewer and meti_reviewer with
draft scores, conflicted_reviewer (conflicted in this cycle), and a MEXT and a METI
reviewer who have submitted (the quorum); on B one spare assignment without scores.
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from core.versions import NEW
from institutions.enums import Ministry
from reviews.enums import ConflictKind, Recommendation, Stage, SupportTier
from reviews.models import (
    Affiliation,
    Assignment,
    Conflict,
    CycleEntry,
    Decision,
    DecisionApproval,
    Hearing,
    HearingStatement,
    ReviewCycle,
    Score,
    StatementAttachment,
)
from reviews.services import conflicts, hearings, statements
from tests.factories import InstitutionFactory, reviewer_of

from .conftest import assign, score_all, set_stage

S = Stage
ALL = set(Stage)
SETTINGS = {S.PLANNING, S.STATEMENTS}
ASSIGNING = {S.PLANNING, S.STATEMENTS, S.SCORING}
CONFLICTS_OPEN = {S.PLANNING, S.STATEMENTS, S.SCORING, S.DELIBERATION}
HEARINGS = {S.PLANNING, S.STATEMENTS, S.SCORING, S.DELIBERATION}
MATERIAL = {S.STATEMENTS, S.SCORING, S.DELIBERATION, S.DECIDED}
REOPENING = {S.SCORING, S.DELIBERATION}
DECIDING = {S.DELIBERATION}
AFTER_SCORING_OPENS = {S.SCORING, S.DELIBERATION, S.DECIDED, S.PUBLISHED}

OFFICIALS = ("mext_official", "meti_official")
ASSIGNED = ("mext_assigned", "meti_assigned")
UNASSIGNED = ("mext_unassigned", "meti_unassigned", "conflicted")
REVIEWERS = ASSIGNED + UNASSIGNED
PERSONAS = (*OFFICIALS, *REVIEWERS, "staff_a", "staff_b", "viewer", "anonymous")

A = "/reviews/2010/institutions/TLO-AAA/"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


@pytest.fixture
def world(
    assigned,
    cycle,
    entry_a,
    entry_b,
    institution_a,
    mext_reviewer,
    meti_reviewer,
    conflicted_reviewer,
    unassigned_reviewer,
    mext_official,
    staff_a,
):
    """The world every persona meets (see the module's docstring), built in planning
    and statements through the services, then set to each stage by the test."""
    conflicts.declare_conflict(
        actor=conflicted_reviewer, entry=entry_a, kind=ConflictKind.OTHER, reason="親族"
    )
    mext_second = reviewer_of(Ministry.MEXT, username="mext-second")
    meti_second = reviewer_of(Ministry.METI, username="meti-second")
    meti_unassigned = reviewer_of(Ministry.METI, username="meti-unassigned")
    spare = reviewer_of(Ministry.METI, username="spare-reviewer")
    hearings.schedule_hearing(
        actor=mext_official,
        entry=entry_a,
        date=datetime.date(2011, 1, 20),
        starts_at=datetime.time(10),
        ends_at=datetime.time(11),
        place="会議室",
        online_url="",
        attendees=[mext_reviewer, mext_official],
        expected_version=NEW,
    )
    set_stage(cycle, Stage.STATEMENTS)
    statements.save_statement(
        actor=staff_a,
        entry=entry_a,
        regional_necessity="必要",
        improvement_plan="計画",
        regional_support="支援",
        support_lines=[],
        expected_version=NEW,
    )
    attachment = statements.add_attachment(
        actor=staff_a, entry=entry_a, upload=SimpleUploadedFile("資料.docx", _docx())
    )
    set_stage(cycle, Stage.SCORING)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), 3, submit=False)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer), 3, submit=False)
    submitted = score_all(assign(entry_a, mext_second), 4)
    score_all(assign(entry_a, meti_second), 4)
    spare_assignment = assign(entry_b, spare)
    Decision.objects.create(
        entry=entry_a,
        tier=SupportTier.STANDARD,
        recommendation=Recommendation.CONTINUE,
        rationale="地域の中核",
    )
    return {
        "cycle": cycle,
        "entry_a": entry_a,
        "entry_b": entry_b,
        "attachment": attachment,
        "submitted": submitted,
        "spare_assignment": spare_assignment,
        "meti_unassigned": meti_unassigned,
        "new_institution": InstitutionFactory(code="TLO-NEW"),
        "conflict": Conflict.objects.get(person=conflicted_reviewer, entry=entry_a),
    }


@pytest.fixture
def personas(
    world,
    mext_official,
    meti_official,
    mext_reviewer,
    meti_reviewer,
    unassigned_reviewer,
    conflicted_reviewer,
    staff_a,
    staff_b,
    viewer,
):
    return {
        "mext_official": mext_official,
        "meti_official": meti_official,
        "mext_assigned": mext_reviewer,
        "meti_assigned": meti_reviewer,
        "mext_unassigned": unassigned_reviewer,
        "meti_unassigned": world["meti_unassigned"],
        "conflicted": conflicted_reviewer,
        "staff_a": staff_a,
        "staff_b": staff_b,
        "viewer": viewer,
        "anonymous": None,
    }


# --- pages -------------------------------------------------------------------------------

PAGES = {
    "list": "/reviews/",
    "new_cycle": "/reviews/new/",
    "cycle": "/reviews/2010/",
    "settings": "/reviews/2010/settings/",
    "assignments": "/reviews/2010/assignments/",
    "proposal": "/reviews/2010/assignments/proposal/",
    "conflicts": "/reviews/2010/conflicts/",
    "hearings": "/reviews/2010/hearings/",
    "my_ics": "/reviews/2010/hearings/mine.ics",
    "deliberation": "/reviews/2010/deliberation/",
    "results": "/reviews/2010/results.csv",
    "entry": A,
    "statement": A + "statement/",
    "attachment": None,  # the fixture's attachment
    "score": A + "score/",
    "hearing_edit": A + "hearing/",
    "hearing_ics": A + "hearing.ics",
    "decision": A + "decision/",
    "sheet_xlsx": A + "sheet.xlsx",
    "sheet_pdf": A + "sheet.pdf",
}
ENTRY_PAGES = {
    "entry",
    "statement",
    "attachment",
    "score",
    "hearing_edit",
    "hearing_ics",
    "decision",
    "sheet_xlsx",
    "sheet_pdf",
}


def page_answer(page: str, persona: str, stage: str) -> int:
    """The status each persona gets for each page in each stage (anonymous aside)."""
    if persona == "viewer":
        return 403
    if persona == "staff_b":
        if page in ENTRY_PAGES:
            return 404
        return 200 if page in {"list", "cycle"} else 403
    if persona == "staff_a":
        mine = {"list", "cycle", "entry", "attachment", "hearing_ics"}
        if page in mine or (page == "statement" and stage == S.STATEMENTS):
            return 200
        return 403
    everyone_in_ministries = {"list", "cycle", "conflicts", "hearings", "my_ics"}
    if persona in REVIEWERS:
        if page in everyone_in_ministries:
            return 200
        material = {"entry", "attachment", "score", "hearing_ics", "sheet_xlsx", "sheet_pdf"}
        if persona in ASSIGNED and page in material and stage in MATERIAL:
            return 200
        return 403
    # officials
    if page in everyone_in_ministries | {
        "new_cycle",
        "assignments",
        "results",
        "entry",
        "attachment",
        "hearing_ics",
        "sheet_xlsx",
        "sheet_pdf",
    }:
        return 200
    opened_in = {
        "settings": SETTINGS,
        "proposal": ASSIGNING,
        "deliberation": AFTER_SCORING_OPENS,
        "hearing_edit": HEARINGS,
        "decision": DECIDING,
    }
    return 200 if stage in opened_in.get(page, set()) else 403


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_pages(personas, world, client_for, persona, stage):
    set_stage(world["cycle"], stage)
    client = client_for(personas[persona])
    urls = {**PAGES, "attachment": f"{A}statement/attachments/{world['attachment'].pk}/"}
    answers = {name: client.get(url).status_code for name, url in urls.items()}
    assert answers == {name: page_answer(name, persona, stage) for name in urls}


@pytest.mark.parametrize("stage", [Stage.PLANNING, Stage.PUBLISHED])
def test_anonymous_is_sent_to_login(world, anonymous_client, stage):
    set_stage(world["cycle"], stage)
    urls = {**PAGES, "attachment": f"{A}statement/attachments/{world['attachment'].pk}/"}
    for url in urls.values():
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


# --- actions -----------------------------------------------------------------------------

FORWARD = {
    S.PLANNING: ("open_statements", {}),
    S.STATEMENTS: ("open_scoring", {}),
    S.SCORING: ("start_deliberation", {}),
    S.DELIBERATION: ("back_to_scoring", {"reason": "再採点"}),
    S.DECIDED: ("publish", {}),
    S.PUBLISHED: ("back_to_deliberation", {"reason": "誤り"}),  # never possible
}


def _settings_data(cycle: ReviewCycle) -> dict:
    data = {
        "version": cycle.version,
        "home_run_threshold": 5_000_000,
        "mext_reviewers_needed": 1,
        "meti_reviewers_needed": 1,
        "quorum": 1,
        "aid_min_return_on_cost": 0.5,
        "aid_min_home_runs": 1,
        "aid_min_model_score": "4.00",
        "aid_min_support_score": "3.50",
    }
    for criterion in cycle.criteria.all():
        data[f"weight_{criterion.pk}"] = "1.00"
    return data


def _score_data(cycle: ReviewCycle) -> dict:
    data = {"save": "1"}
    for criterion in cycle.criteria.all():
        data[f"score_{criterion.code}"] = "2"
        data[f"comment_{criterion.code}"] = "見直した"
    return data


def actions(world) -> dict[str, tuple[str, dict]]:
    """Each action: the URL and a valid body, built from the state stored now."""
    cycle = ReviewCycle.objects.get(pk=world["cycle"].pk)
    entry_a, entry_b = world["entry_a"], world["entry_b"]
    statement = HearingStatement.objects.get(entry=entry_a)
    hearing = Hearing.objects.get(entry=entry_a)
    decision = Decision.objects.get(entry=entry_a)
    forward, forward_data = FORWARD[cycle.stage]
    unassigned = world["meti_unassigned"]
    return {
        "new_cycle": ("/reviews/new/", {"fiscal_year": "2012"}),
        "stage": (f"/reviews/2010/stage/{forward}/", forward_data),
        "settings": ("/reviews/2010/settings/", _settings_data(cycle)),
        "institutions": (
            "/reviews/2010/settings/institutions/",
            {
                "version": cycle.version,
                "institutions": [
                    entry_a.institution_id,
                    entry_b.institution_id,
                    world["new_institution"].pk,
                ],
            },
        ),
        "assign": ("/reviews/2010/assignments/", {"entry": entry_b.pk, "reviewer": unassigned.pk}),
        "remove": (f"/reviews/2010/assignments/{world['spare_assignment'].pk}/remove/", {}),
        "proposal": (
            "/reviews/2010/assignments/proposal/",
            {"pair": [f"{entry_b.pk}:{unassigned.pk}"]},
        ),
        "declare": (
            "/reviews/2010/conflicts/",
            {"entry": entry_b.pk, "kind": ConflictKind.OTHER, "reason": "共同研究"},
        ),
        "withdraw": (f"/reviews/2010/conflicts/{world['conflict'].pk}/withdraw/", {}),
        "confirm": (f"/reviews/2010/conflicts/{world['conflict'].pk}/confirm/", {}),
        "affiliation": (
            "/reviews/2010/affiliations/",
            {"person": unassigned.pk, "institution": world["new_institution"].pk},
        ),
        "statement": (
            A + "statement/",
            {
                "version": statement.version,
                "regional_necessity": "改訂した必要性",
                "improvement_plan": "計画",
                "regional_support": "支援",
                "support-TOTAL_FORMS": "0",
                "support-INITIAL_FORMS": "0",
                "support-MIN_NUM_FORMS": "0",
                "support-MAX_NUM_FORMS": "20",
            },
        ),
        "upload": (
            A + "statement/attachments/",
            {"file": SimpleUploadedFile("追加.docx", _docx())},
        ),
        "delete_attachment": (
            f"{A}statement/attachments/{world['attachment'].pk}/delete/",
            {},
        ),
        "score": (A + "score/", _score_data(cycle)),
        "reopen": (f"{A}scores/{world['submitted'].pk}/reopen/", {"reason": "再確認"}),
        "hearing": (
            A + "hearing/",
            {
                "version": hearing.version,
                "date": "2011-01-21",
                "starts_at": "13:00",
                "ends_at": "14:00",
                "place": "第2会議室",
                "online_url": "",
                "minutes": "",
            },
        ),
        "decision": (
            A + "decision/",
            {
                "version": decision.version,
                "tier": SupportTier.PRIORITISED,
                "recommendation": Recommendation.CONTINUE,
                "rationale": "改めた理由",
            },
        ),
        "approve": (A + "decision/approve/", {"version": decision.version}),
    }


def snapshot() -> tuple:
    """Everything an action could change."""
    return (
        list(
            ReviewCycle.objects.order_by("pk").values_list(
                "fiscal_year", "stage", "version", "home_run_threshold"
            )
        ),
        list(CycleEntry.objects.order_by("pk").values_list("cycle_id", "institution_id")),
        list(Assignment.objects.order_by("pk").values_list("entry_id", "reviewer_id")),
        list(Assignment.objects.order_by("pk").values_list("score_state", "reopen_reason")),
        list(Conflict.objects.order_by("pk").values_list("person_id", "entry_id", "state")),
        list(Affiliation.objects.order_by("pk").values_list("person_id", "institution_id")),
        list(HearingStatement.objects.values_list("version", "regional_necessity")),
        list(StatementAttachment.objects.order_by("pk").values_list("pk", flat=True)),
        list(Score.objects.order_by("pk").values_list("value", "comment")),
        list(Hearing.objects.values_list("version", "place")),
        list(Decision.objects.values_list("state", "version", "rationale", "tier")),
        DecisionApproval.objects.count(),
    )


def action_answer(action: str, persona: str, stage: str) -> int | str:
    """ "ok" (the effect happens), "refused" (a message, nothing changes), or a status."""
    if persona == "viewer":
        return 403
    official = persona in OFFICIALS
    reviewer = persona in REVIEWERS
    entry_level = action in {
        "statement",
        "upload",
        "delete_attachment",
        "score",
        "reopen",
        "hearing",
        "decision",
        "approve",
    }
    if persona == "staff_b" and entry_level:
        return 404
    if action == "new_cycle":
        return "ok" if official else 403
    if action == "stage":
        if not official:
            return 403
        return "refused" if stage == S.PUBLISHED else "ok"
    if action in {"settings", "institutions"}:
        return "ok" if official and stage in SETTINGS else 403
    if action in {"assign", "remove", "proposal"}:
        return "ok" if official and stage in ASSIGNING else 403
    if action == "affiliation":
        return "ok" if official else 403
    if action == "declare":
        if not (official or reviewer):
            return 403
        return "ok" if stage in CONFLICTS_OPEN else "refused"
    if action in {"withdraw", "confirm"}:
        if not (official or reviewer):
            return 403
        if not (official or persona == "conflicted"):
            return 404  # somebody else's conflict
        if stage not in CONFLICTS_OPEN:
            return "refused"
        # The person withdraws their own; officials confirm.
        allowed = persona == "conflicted" if action == "withdraw" else official
        return "ok" if allowed else 403
    if action in {"statement", "upload", "delete_attachment"}:
        return "ok" if persona == "staff_a" and stage == S.STATEMENTS else 403
    if action == "score":
        if persona not in ASSIGNED or stage not in MATERIAL:
            return 403
        return "ok" if stage == S.SCORING else "refused"
    if action == "reopen":
        return "ok" if official and stage in REOPENING else 403
    if action == "hearing":
        return "ok" if official and stage in HEARINGS else 403
    if action in {"decision", "approve"}:
        return "ok" if official and stage in DECIDING else 403
    raise AssertionError(action)


def new_errors(response) -> list[str]:
    """The error messages this request added (not ones left over from earlier requests,
    which the cookie storage hands on until a page shows them)."""
    storage = get_messages(response.wsgi_request)
    return [str(m) for m in storage._queued_messages if m.level == ERROR]


def _outcome(response, before, after) -> int | str:
    errors = new_errors(response)
    if response.status_code in (302, 200) and after != before and not errors:
        return "ok"
    if after != before:
        return f"changed with {response.status_code}"
    if response.status_code == 302 and errors:
        return "refused"
    if response.status_code == 200 and b"errorlist" in response.content:
        return "refused"
    return response.status_code


ACTIONS = (
    "new_cycle",
    "stage",
    "settings",
    "institutions",
    "assign",
    "remove",
    "proposal",
    "declare",
    "withdraw",
    "confirm",
    "affiliation",
    "statement",
    "upload",
    "delete_attachment",
    "score",
    "reopen",
    "hearing",
    "decision",
    "approve",
)


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_actions(personas, world, client_for, persona, stage):
    set_stage(world["cycle"], stage)
    client = client_for(personas[persona])
    outcomes = {}
    for action in ACTIONS:
        with transaction.atomic():
            url, data = actions(world)[action]
            before = snapshot()
            response = client.post(url, data)
            outcomes[action] = _outcome(response, before, snapshot())
            transaction.set_rollback(True)
    assert outcomes == {a: action_answer(a, persona, stage) for a in ACTIONS}


def test_anonymous_posts_change_nothing(world, anonymous_client):
    before = snapshot()
    for action in ACTIONS:
        url, data = actions(world)[action]
        response = anonymous_client.post(url, data)
        assert response.status_code == 302, action
        assert "/accounts/login/" in response["Location"]
    assert snapshot() == before


def test_unknown_cycle_institution_action_and_format(world, client_for, mext_official):
    client = client_for(mext_official)
    assert client.get("/reviews/1999/").status_code == 404
    assert client.get("/reviews/2010/institutions/NOPE/").status_code == 404
    assert client.get("/reviews/2010/results.json").status_code == 404
    assert client.get(A + "sheet.docx").status_code == 404
    assert client.post("/reviews/2010/stage/nonsense/").status_code == 403
    conflict = world["conflict"]
    assert client.post(f"/reviews/2010/conflicts/{conflict.pk}/explode/").status_code == 404
