"""The joint review's workflow tables (core.workflow), one per thing.

Cycle stages (official actions, each recorded as a StageChange):

    planning ─▶ statements open ─▶ scoring and hearings ─▶ deliberation ─▶ decided ─▶ published
        ◀──────────── back (reason) ◀──────────── back (reason) ◀──── back (reason)

A reviewer's scores on one institution (state on the Assignment):

    draft ──submit──▶ submitted ──reopen (official, reason)──▶ reopened ──save──▶ draft

A decision:

    draft ──approve (an official)──▶ approved by one ──approve (an official of the other
    ministry)──▶ approved (locked) ──reopen (official, reason)──▶ draft
    editing a draft or a once-approved decision withdraws the approvals (back to draft).

A conflict of interest:

    proposed / declared ──confirm──▶ confirmed ──pin──▶ pinned ──unpin──▶ confirmed
    proposed / declared / confirmed ──withdraw (the person)──▶ withdrawn
    proposed / declared / confirmed ──dismiss (official, reason)──▶ dismissed
    withdrawn / dismissed ──declare (the person)──▶ declared

What each stage opens is reviews.gates; the predicates here combine it with the person.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.workflow import Transition, TransitionNotAllowed, Workflow
from institutions.models import User

from . import permissions
from .enums import (
    Activity,
    AllocationAction,
    AllocationState,
    ConflictAction,
    ConflictState,
    CycleAction,
    DecisionAction,
    DecisionState,
    ScoreAction,
    ScoreState,
    Stage,
)
from .gates import stage_allows
from .models import Allocation, Assignment, Conflict, Decision, ReviewCycle
from .selectors.aggregates import quorum_of

# --- predicates (user, obj) -----------------------------------------------------------


def an_official(user: User, obj) -> bool:
    return permissions.is_official(user)


def the_scoring_reviewer(user: User, assignment: Assignment) -> bool:
    """The assigned, unconflicted reviewer, while the cycle is in scoring."""
    return (
        assignment.reviewer_id == user.pk
        and stage_allows(assignment.entry.cycle, Activity.SCORE)
        and not permissions.has_conflict(user, assignment.entry)
    )


def an_official_while_scores_matter(user: User, assignment: Assignment) -> bool:
    """An official, while the stage lets submitted scores be reopened."""
    return permissions.is_official(user) and stage_allows(
        assignment.entry.cycle, Activity.REOPEN_SCORES
    )


def a_deciding_official(user: User, decision: Decision) -> bool:
    """An official, not conflicted with the institution, during the deliberation."""
    return permissions.can_draft_decision(user, decision.entry)


def _quorum_met(decision: Decision) -> bool:
    return quorum_of(decision.entry).met


def a_first_approver(user: User, decision: Decision) -> bool:
    """A deciding official, with the quorum of submitted reviewers met."""
    return a_deciding_official(user, decision) and _quorum_met(decision)


def holds_the_second_key(user: User, approvals) -> bool:
    """Two keys, for decisions and allocations alike: the second approval comes from an
    official of the ministry that has not approved yet, who is not the person who gave the
    first. `approvals` is the thing's approvals (rows with `ministry` and `official`)."""
    given = list(approvals.values_list("ministry", "official_id"))
    if any(official_id == user.pk for _ministry, official_id in given):
        return False
    return user.ministry not in {ministry for ministry, _official in given}


def an_official_of_the_other_ministry(user: User, decision: Decision) -> bool:
    """A deciding official holding the second key (holds_the_second_key)."""
    return a_first_approver(user, decision) and holds_the_second_key(user, decision.approvals)


def the_person(user: User, conflict: Conflict) -> bool:
    """The person the conflict is about, while the cycle's stage allows conflicts."""
    return conflict.person_id == user.pk and permissions.can_declare_conflicts(
        user, conflict.entry.cycle
    )


def an_official_while_conflicts_open(user: User, conflict: Conflict) -> bool:
    return permissions.can_review_conflicts(user, conflict.entry.cycle)


# --- tables ---------------------------------------------------------------------------

S = Stage
C = CycleAction

CYCLE_WORKFLOW: Workflow[ReviewCycle] = Workflow(
    [
        Transition(C.OPEN_STATEMENTS, frozenset({S.PLANNING}), S.STATEMENTS, an_official),
        Transition(C.OPEN_SCORING, frozenset({S.STATEMENTS}), S.SCORING, an_official),
        Transition(C.START_DELIBERATION, frozenset({S.SCORING}), S.DELIBERATION, an_official),
        Transition(C.CLOSE_DECISIONS, frozenset({S.DELIBERATION}), S.DECIDED, an_official),
        Transition(C.PUBLISH, frozenset({S.DECIDED}), S.PUBLISHED, an_official),
        Transition(C.BACK_TO_PLANNING, frozenset({S.STATEMENTS}), S.PLANNING, an_official, True),
        Transition(C.BACK_TO_STATEMENTS, frozenset({S.SCORING}), S.STATEMENTS, an_official, True),
        Transition(C.BACK_TO_SCORING, frozenset({S.DELIBERATION}), S.SCORING, an_official, True),
        Transition(
            C.BACK_TO_DELIBERATION, frozenset({S.DECIDED}), S.DELIBERATION, an_official, True
        ),
    ],
    state_field="stage",
    state_label=lambda state: str(Stage(state).label),
    action_label=lambda action: str(CycleAction(action).label),
)

SS = ScoreState
SCORE_WORKFLOW: Workflow[Assignment] = Workflow(
    [
        Transition(
            ScoreAction.SAVE, frozenset({SS.DRAFT, SS.REOPENED}), SS.DRAFT, the_scoring_reviewer
        ),
        Transition(
            ScoreAction.SUBMIT,
            frozenset({SS.DRAFT, SS.REOPENED}),
            SS.SUBMITTED,
            the_scoring_reviewer,
        ),
        Transition(
            ScoreAction.REOPEN,
            frozenset({SS.SUBMITTED}),
            SS.REOPENED,
            an_official_while_scores_matter,
            needs_reason=True,
        ),
    ],
    state_field="score_state",
    state_label=lambda state: str(ScoreState(state).label),
    action_label=lambda action: str(ScoreAction(action).label),
    refusal=lambda state, action: (
        TransitionNotAllowed(_submitted_refusal())
        if state == SS.SUBMITTED and action != ScoreAction.REOPEN
        else None
    ),
)


def _submitted_refusal() -> str:
    return _("These scores are submitted. Only an official can reopen them, with a reason.")


DS = DecisionState
DA = DecisionAction
DECISION_WORKFLOW: Workflow[Decision] = Workflow(
    [
        Transition(
            DA.EDIT, frozenset({DS.DRAFT, DS.APPROVED_BY_ONE}), DS.DRAFT, a_deciding_official
        ),
        Transition(DA.APPROVE, frozenset({DS.DRAFT}), DS.APPROVED_BY_ONE, a_first_approver),
        Transition(
            DA.COUNTERSIGN,
            frozenset({DS.APPROVED_BY_ONE}),
            DS.APPROVED,
            an_official_of_the_other_ministry,
        ),
        Transition(
            DA.REOPEN, frozenset({DS.APPROVED}), DS.DRAFT, a_deciding_official, needs_reason=True
        ),
    ],
    state_label=lambda state: str(DecisionState(state).label),
    action_label=lambda action: str(DecisionAction(action).label),
    refusal=lambda state, action: (
        TransitionNotAllowed(_locked_refusal()) if state == DS.APPROVED else None
    ),
)


def _locked_refusal() -> str:
    return _(
        "Both ministries have approved this decision; it is locked. An official can reopen "
        "it with a reason, and then both ministries approve again."
    )


def approve_action(decision: Decision) -> str:
    """The approval row that applies to the decision's state (first or second)."""
    return DA.COUNTERSIGN if decision.state == DS.APPROVED_BY_ONE else DA.APPROVE


CS = ConflictState
CA = ConflictAction
CONFLICT_WORKFLOW: Workflow[Conflict] = Workflow(
    [
        Transition(CA.DECLARE, frozenset({CS.WITHDRAWN, CS.DISMISSED}), CS.DECLARED, the_person),
        Transition(
            CA.CONFIRM,
            frozenset({CS.PROPOSED, CS.DECLARED}),
            CS.CONFIRMED,
            an_official_while_conflicts_open,
        ),
        Transition(
            CA.PIN,
            frozenset({CS.PROPOSED, CS.DECLARED, CS.CONFIRMED}),
            CS.PINNED,
            an_official_while_conflicts_open,
        ),
        Transition(
            CA.UNPIN, frozenset({CS.PINNED}), CS.CONFIRMED, an_official_while_conflicts_open
        ),
        Transition(
            CA.WITHDRAW,
            frozenset({CS.PROPOSED, CS.DECLARED, CS.CONFIRMED}),
            CS.WITHDRAWN,
            the_person,
        ),
        Transition(
            CA.DISMISS,
            frozenset({CS.PROPOSED, CS.DECLARED, CS.CONFIRMED}),
            CS.DISMISSED,
            an_official_while_conflicts_open,
            needs_reason=True,
        ),
    ],
    state_label=lambda state: str(ConflictState(state).label),
    action_label=lambda action: str(ConflictAction(action).label),
    refusal=lambda state, action: (
        TransitionNotAllowed(_pinned_refusal()) if state == CS.PINNED else None
    ),
)


def _pinned_refusal() -> str:
    return _("An official has pinned this conflict; only an official can change it.")


# --- support allocation ---------------------------------------------------------------


def an_allocating_official(user: User, allocation: Allocation) -> bool:
    """An official, while the cycle's stage allows allocating."""
    return permissions.can_allocate(user, allocation.cycle)


def an_allocating_official_of_the_other_ministry(user: User, allocation: Allocation) -> bool:
    """An allocating official holding the second key (holds_the_second_key)."""
    return an_allocating_official(user, allocation) and holds_the_second_key(
        user, allocation.approvals
    )


AS = AllocationState
AA = AllocationAction
ALLOCATION_WORKFLOW: Workflow[Allocation] = Workflow(
    [
        Transition(
            AA.EDIT, frozenset({AS.DRAFT, AS.APPROVED_BY_ONE}), AS.DRAFT, an_allocating_official
        ),
        Transition(AA.APPROVE, frozenset({AS.DRAFT}), AS.APPROVED_BY_ONE, an_allocating_official),
        Transition(
            AA.COUNTERSIGN,
            frozenset({AS.APPROVED_BY_ONE}),
            AS.APPROVED,
            an_allocating_official_of_the_other_ministry,
        ),
        Transition(
            AA.REOPEN,
            frozenset({AS.APPROVED}),
            AS.DRAFT,
            an_allocating_official,
            needs_reason=True,
        ),
    ],
    state_label=lambda state: str(AllocationState(state).label),
    action_label=lambda action: str(AllocationAction(action).label),
    refusal=lambda state, action: (
        TransitionNotAllowed(_locked_allocation()) if state == AS.APPROVED else None
    ),
)


def _locked_allocation() -> str:
    return _(
        "Both ministries have approved this allocation; it is locked. An official can "
        "reopen it with a reason, and then both ministries approve again."
    )


def allocation_approve_action(allocation: Allocation) -> str:
    """The approval row that applies to the allocation's state (first or second)."""
    return AA.COUNTERSIGN if allocation.state == AS.APPROVED_BY_ONE else AA.APPROVE
