"""Every review URL × persona × stage: the answer each person gets (anonymous → login,
wrong role → 403, another institution's staff → 404, the right person → 200)."""

import pytest

from reviews.enums import ConflictKind, Stage
from reviews.services import conflicts

from .conftest import set_stage

A = "/reviews/2010/institutions/TLO-AAA/"
PAGES = {
    "list": "/reviews/",
    "cycle": "/reviews/2010/",
    "settings": "/reviews/2010/settings/",
    "assignments": "/reviews/2010/assignments/",
    "proposal": "/reviews/2010/assignments/proposal/",
    "conflicts": "/reviews/2010/conflicts/",
    "hearings": "/reviews/2010/hearings/",
    "deliberation": "/reviews/2010/deliberation/",
    "results": "/reviews/2010/results.csv",
    "entry": A,
    "statement": A + "statement/",
    "score": A + "score/",
    "hearing_edit": A + "hearing/",
    "decision": A + "decision/",
    "sheet": A + "sheet.xlsx",
}

# persona → stage → pages answering 200 (everything else: 403, or 404 where noted).
OK = {
    "official": {
        Stage.STATEMENTS: {
            "list",
            "cycle",
            "settings",
            "assignments",
            "proposal",
            "conflicts",
            "hearings",
            "results",
            "entry",
            "hearing_edit",
            "sheet",
        },
        Stage.SCORING: {
            "list",
            "cycle",
            "assignments",
            "proposal",
            "conflicts",
            "hearings",
            "deliberation",
            "results",
            "entry",
            "hearing_edit",
            "sheet",
        },
        Stage.DELIBERATION: {
            "list",
            "cycle",
            "assignments",
            "conflicts",
            "hearings",
            "deliberation",
            "results",
            "entry",
            "hearing_edit",
            "decision",
            "sheet",
        },
    },
    "assigned": {
        # The scoring page shows the material outside scoring too; its form is read-only.
        Stage.STATEMENTS: {"list", "cycle", "conflicts", "hearings", "entry", "score", "sheet"},
        Stage.SCORING: {"list", "cycle", "conflicts", "hearings", "entry", "score", "sheet"},
        Stage.DELIBERATION: {"list", "cycle", "conflicts", "hearings", "entry", "score", "sheet"},
    },
    "conflicted": {
        stage: {"list", "cycle", "conflicts", "hearings"}
        for stage in (Stage.STATEMENTS, Stage.SCORING, Stage.DELIBERATION)
    },
    "unassigned": {
        stage: {"list", "cycle", "conflicts", "hearings"}
        for stage in (Stage.STATEMENTS, Stage.SCORING, Stage.DELIBERATION)
    },
    "staff_a": {
        Stage.STATEMENTS: {"list", "cycle", "entry", "statement"},
        Stage.SCORING: {"list", "cycle", "entry"},
        Stage.DELIBERATION: {"list", "cycle", "entry"},
    },
    "staff_b": {
        stage: {"list", "cycle"} for stage in (Stage.STATEMENTS, Stage.SCORING, Stage.DELIBERATION)
    },
    "viewer": {stage: set() for stage in (Stage.STATEMENTS, Stage.SCORING, Stage.DELIBERATION)},
}
# Staff of another institution get 404 for institution A's pages (it is not theirs).
NOT_FOUND = {"staff_b": {"entry", "statement", "score", "hearing_edit", "decision", "sheet"}}


@pytest.fixture
def personas(
    assigned,
    mext_official,
    mext_reviewer,
    conflicted_reviewer,
    unassigned_reviewer,
    staff_a,
    staff_b,
    viewer,
    institution_a,
):
    conflicts.declare_conflict(
        actor=conflicted_reviewer, institution=institution_a, kind=ConflictKind.OTHER, reason="x"
    )
    return {
        "official": mext_official,
        "assigned": mext_reviewer,
        "conflicted": conflicted_reviewer,
        "unassigned": unassigned_reviewer,
        "staff_a": staff_a,
        "staff_b": staff_b,
        "viewer": viewer,
    }


@pytest.mark.parametrize("stage", [Stage.STATEMENTS, Stage.SCORING, Stage.DELIBERATION])
@pytest.mark.parametrize("persona", list(OK))
def test_permission_matrix(personas, assigned, client_for, persona, stage):
    set_stage(assigned, stage)
    client = client_for(personas[persona])
    answers = {name: client.get(url).status_code for name, url in PAGES.items()}
    expected = {
        name: 200
        if name in OK[persona][stage]
        else 404
        if name in NOT_FOUND.get(persona, ())
        else 403
        for name in PAGES
    }
    assert answers == expected


@pytest.mark.parametrize("url", list(PAGES.values()))
def test_anonymous_is_sent_to_login(assigned, anonymous_client, url):
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_cycle_and_institution_are_404(assigned, client_for, mext_official):
    client = client_for(mext_official)
    assert client.get("/reviews/1999/").status_code == 404
    assert client.get("/reviews/2010/institutions/NOPE/").status_code == 404
    assert client.get("/reviews/2010/results.json").status_code == 404


def test_forged_stage_action_is_refused(assigned, client_for, mext_reviewer, mext_official):
    assert client_for(mext_reviewer).post("/reviews/2010/stage/open_statements/").status_code == 403
    assert client_for(mext_official).post("/reviews/2010/stage/nonsense/").status_code == 403
    response = client_for(mext_official).post("/reviews/2010/stage/open_statements/")
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.stage == Stage.STATEMENTS
