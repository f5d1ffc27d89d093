"""Two-key approval, quorum, locking, withdrawal of approvals, publication."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from core.versions import NEW
from core.workflow import WorkflowError
from institutions.enums import Ministry
from notifications.enums import NotificationKind, NotificationState
from notifications.models import Notification
from reviews.enums import (
    ConflictKind,
    CycleAction,
    DecisionState,
    Recommendation,
    Stage,
    SupportTier,
)
from reviews.models import Assignment, Decision, DecisionApproval
from reviews.services import conflicts, cycles, decisions
from tests.factories import official_of

from .conftest import score_all, set_stage


@pytest.fixture
def deliberating(scoring, entry_a, mext_reviewer, meti_reviewer):
    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), 4)
    score_all(Assignment.objects.get(entry=entry_a, reviewer=meti_reviewer), 4)
    return set_stage(scoring, Stage.DELIBERATION)


def draft(entry, actor, rationale="地域の中核である。"):
    """Draft or change the decision from the version stored now (a form just opened)."""
    current = Decision.objects.filter(entry=entry).first()
    return decisions.save_decision(
        actor=actor,
        entry=entry,
        tier=SupportTier.STANDARD,
        recommendation=Recommendation.CONTINUE,
        merge_partner=None,
        rationale=rationale,
        expected_version=current.version if current else NEW,
    )


def approve(actor, decision):
    """Approve the decision as stored now (the official has just read it)."""
    decision.refresh_from_db()
    return decisions.approve_decision(
        actor=actor, decision=decision, expected_version=decision.version
    )


def test_one_ministry_alone_cannot_decide(deliberating, entry_a, mext_official):
    decision = draft(entry_a, mext_official)
    decision = approve(mext_official, decision)
    assert decision.state == DecisionState.APPROVED_BY_ONE
    other_mext = official_of(Ministry.MEXT, username="mext-official-2")
    with pytest.raises(PermissionDenied):
        approve(other_mext, decision)
    decision.refresh_from_db()
    assert decision.state == DecisionState.APPROVED_BY_ONE


def test_same_official_cannot_approve_twice(deliberating, entry_a, mext_official):
    decision = approve(mext_official, draft(entry_a, mext_official))
    with pytest.raises(PermissionDenied):
        approve(mext_official, decision)
    assert DecisionApproval.objects.count() == 1


def test_both_ministries_approve_and_lock(deliberating, entry_a, mext_official, meti_official):
    decision = approve(mext_official, draft(entry_a, mext_official))
    decision = approve(meti_official, decision)
    assert decision.state == DecisionState.APPROVED
    with pytest.raises(WorkflowError):
        draft(entry_a, mext_official, rationale="変更")
    decision.refresh_from_db()
    assert decision.rationale == "地域の中核である。"


def test_change_after_an_approval_withdraws_it(deliberating, entry_a, mext_official, meti_official):
    decision = approve(mext_official, draft(entry_a, mext_official))
    decision = draft(entry_a, meti_official, rationale="理由を改めた。")
    assert decision.state == DecisionState.DRAFT
    assert decision.approvals.count() == 0
    assert decision.history.filter(rationale="地域の中核である。").exists()


def test_saving_unchanged_keeps_approval(deliberating, entry_a, mext_official):
    decision = approve(mext_official, draft(entry_a, mext_official))
    decision = draft(entry_a, mext_official)
    assert decision.state == DecisionState.APPROVED_BY_ONE


def test_reopen_needs_reason_and_both_again(deliberating, entry_a, mext_official, meti_official):
    decision = approve(mext_official, draft(entry_a, mext_official))
    decision = approve(meti_official, decision)
    with pytest.raises(WorkflowError):
        decisions.reopen_decision(
            actor=mext_official, decision=decision, reason=" ", expected_version=decision.version
        )
    decision = decisions.reopen_decision(
        actor=mext_official,
        decision=decision,
        reason="新たな資料",
        expected_version=decision.version,
    )
    assert decision.state == DecisionState.DRAFT
    assert decision.approvals.count() == 0


def test_quorum_blocks_approval(scoring, entry_a, mext_reviewer, mext_official):
    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), 4)  # no METI yet
    set_stage(scoring, Stage.DELIBERATION)
    decision = draft(entry_a, mext_official)
    with pytest.raises(PermissionDenied):
        approve(mext_official, decision)


def test_quorum_counts_per_ministry(deliberating, entry_a, mext_official):
    from reviews.selectors.aggregates import quorum_of

    deliberating.quorum = 2
    deliberating.save()
    quorum = quorum_of(entry_a)
    assert (quorum.mext, quorum.meti, quorum.met) == (1, 1, False)


def test_conflicted_official_cannot_approve(
    deliberating, entry_a, mext_official, meti_official, institution_a
):
    decision = approve(mext_official, draft(entry_a, mext_official))
    conflicts.declare_conflict(
        actor=meti_official, entry=entry_a, kind=ConflictKind.OTHER, reason="x"
    )
    with pytest.raises(PermissionDenied):
        approve(meti_official, decision)


def test_decisions_only_in_deliberation(scoring, entry_a, mext_official):
    with pytest.raises(PermissionDenied):
        draft(entry_a, mext_official)


def test_merger_needs_partner(deliberating, entry_a, mext_official):
    from reviews.errors import ReviewError

    with pytest.raises(ReviewError):
        decisions.save_decision(
            actor=mext_official,
            entry=entry_a,
            tier=SupportTier.NONE,
            recommendation=Recommendation.MERGE,
            merge_partner=None,
            rationale="x",
            expected_version=NEW,
        )


def test_database_refuses_two_approvals_by_one_ministry(deliberating, entry_a, mext_official):
    decision = approve(mext_official, draft(entry_a, mext_official))
    other = official_of(Ministry.MEXT, username="mext-official-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionApproval.objects.create(decision=decision, ministry=Ministry.MEXT, official=other)


def test_close_needs_every_decision_and_publish_stages_messages(
    deliberating, entry_a, entry_b, mext_official, meti_official, staff_a
):
    decision = approve(mext_official, draft(entry_a, mext_official))
    approve(meti_official, decision)
    with pytest.raises(WorkflowError):  # B has no decision
        cycles.change_stage(
            actor=mext_official, cycle=deliberating, action=CycleAction.CLOSE_DECISIONS
        )
    entry_b.delete()
    cycles.change_stage(actor=mext_official, cycle=deliberating, action=CycleAction.CLOSE_DECISIONS)
    cycles.change_stage(actor=mext_official, cycle=deliberating, action=CycleAction.PUBLISH)
    message = Notification.objects.get(kind=NotificationKind.DECISION_PUBLISHED)
    assert message.recipient == staff_a
    assert message.state == NotificationState.STAGED
    assert deliberating.stage_changes.count() == 2


def test_staff_never_see_a_decision_approved_by_one_ministry_only(
    deliberating, entry_a, mext_official, staff_a, client_for
):
    approve(mext_official, draft(entry_a, mext_official))
    set_stage(deliberating, Stage.PUBLISHED)
    body = client_for(staff_a).get("/reviews/2010/institutions/TLO-AAA/").content.decode()
    assert "地域の中核である。" not in body


def test_staff_see_own_decision_only_after_publication(
    deliberating, entry_a, mext_official, meti_official, staff_a, staff_b, client_for
):
    decision = approve(mext_official, draft(entry_a, mext_official))
    approve(meti_official, decision)
    url = "/reviews/2010/institutions/TLO-AAA/"
    assert "地域の中核である。" not in client_for(staff_a).get(url).content.decode()
    set_stage(deliberating, Stage.PUBLISHED)
    body = client_for(staff_a).get(url).content.decode()
    assert "地域の中核である。" in body
    assert "score-table" not in body and "aggregate-table" not in body
    assert client_for(staff_b).get(url).status_code == 404
    assert (
        "地域の中核である。" in client_for(staff_a).get("/institutions/TLO-AAA/").content.decode()
    )


def test_save_decision_merger_with_itself_refused(
    deliberating, entry_a, mext_official, institution_a
):
    from reviews.errors import ReviewError

    with pytest.raises(ReviewError):
        decisions.save_decision(
            actor=mext_official,
            entry=entry_a,
            tier=SupportTier.NONE,
            recommendation=Recommendation.MERGE,
            merge_partner=institution_a,
            rationale="統合",
            expected_version=NEW,
        )
    assert not Decision.objects.filter(entry=entry_a).exists()


def test_save_decision_merger_with_another_institution_stored(
    deliberating, entry_a, mext_official, institution_b
):
    decision = decisions.save_decision(
        actor=mext_official,
        entry=entry_a,
        tier=SupportTier.NONE,
        recommendation=Recommendation.MERGE,
        merge_partner=institution_b,
        rationale="統合",
        expected_version=NEW,
    )
    assert Decision.objects.get(pk=decision.pk).merge_partner == institution_b


def test_save_decision_new_from_a_stale_version_refused(deliberating, entry_a, mext_official):
    from core.versions import StaleVersion

    with pytest.raises(StaleVersion):
        decisions.save_decision(
            actor=mext_official,
            entry=entry_a,
            tier=SupportTier.STANDARD,
            recommendation=Recommendation.CONTINUE,
            merge_partner=None,
            rationale="地域の中核である。",
            expected_version=NEW + 3,
        )
    assert not Decision.objects.filter(entry=entry_a).exists()
