"""What the pages of one institution in a cycle show to one person: its review page and
its scoring page. Every score comes through Score.objects.visible_to (aggregates)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from institutions.models import User

from .. import permissions
from ..display import attendance_by_role
from ..enums import Activity, DecisionAction, Recommendation, ScoreAction, ScoreState, Stage
from ..gates import stage_allows
from ..models import Assignment, CycleEntry
from ..workflow import DECISION_WORKFLOW, SCORE_WORKFLOW, approve_action
from . import aggregates, pages
from .allocations import allocation_of, own_amount
from .deliberation import aids_for
from .scenarios import linked_scenario, scenario_list


def stage_note(entry: CycleEntry, *, user: User) -> str:
    """One sentence for the institution's staff or a reviewer: where the review stands
    and what, if anything, they can do now."""
    stage = entry.cycle.stage
    if permissions.is_member(user, entry.institution):
        return {
            Stage.PLANNING: _(
                "The review is being prepared. You can write your hearing "
                "statement once statements open."
            ),
            Stage.STATEMENTS: _(
                "Statements are open: write your hearing statement and attach your documents."
            ),
            Stage.SCORING: _(
                "Statements are closed. The hearings take place and the reviewers score."
            ),
            Stage.DELIBERATION: _(
                "The ministries are deliberating. Your result appears here once it is published."
            ),
            Stage.DECIDED: _(
                "The decisions are taken. Your result appears here once it is published."
            ),
            Stage.PUBLISHED: _("The result is published."),
        }[stage]
    if permissions.is_reviewer(user):
        if stage == Stage.STATEMENTS:
            return _("You can read the material now; scoring opens in the next stage.")
        if stage == Stage.SCORING:
            return _("Scoring is open: score each criterion, then submit.")
        return _("Scoring is closed.")
    return ""


def entry_page(entry: CycleEntry, *, user: User) -> dict[str, Any]:
    """The institution's review page for this person: profile, hearing, statement,
    named material and scores where they may see them, and for officials the reviewers,
    quorum, decision aid and decision with its approvals."""
    cycle = entry.cycle
    is_official = permissions.is_official(user)
    decision = getattr(entry, "decision", None)
    assignment = permissions.assignment_of(user, entry)
    can_material = permissions.can_view_material(user, entry)
    context: dict[str, Any] = {
        "cycle": cycle,
        "entry": entry,
        "institution": entry.institution,
        "stage_note": stage_note(entry, user=user),
        "statement": pages.statement_of(entry),
        "hearing": pages.hearing_of(entry),
        "material": pages.material_of(entry, user=user) if can_material else None,
        "assignment": assignment,
        "score_table": (
            aggregates.score_table(user=user, entry=entry)
            if is_official or assignment is not None
            else None
        ),
        "can_edit_statement": permissions.can_edit_statement(user, entry),
        "can_score": permissions.can_score(user, entry),
        "can_see_minutes": permissions.can_view_minutes(user, entry),
        "can_schedule": permissions.can_schedule_hearing(user, cycle),
        "can_sheet": permissions.can_download_sheet(user, entry),
        "is_official": is_official,
        "decision": decision if permissions.can_view_decision(user, entry, decision) else None,
        "can_draft_decision": permissions.can_draft_decision(user, entry),
        "own_amount": _own_amount(user, entry),
    }
    hearing = context["hearing"]
    # The institution learns who attends by role only, never its reviewers' names.
    context["attendance"] = (
        None
        if hearing is None or permissions.can_see_attendee_addresses(user)
        else attendance_by_role(hearing.attendees.all())
    )
    if is_official:
        table = context["score_table"]
        results = {entry.pk: table.result} if table.result else {}
        assignments = list(
            Assignment.objects.filter(entry=entry)
            .with_conflict_flag()
            .select_related("reviewer", "entry__cycle")
            .order_by("ministry", "reviewer__username")
        )
        context.update(
            quorum=aggregates.quorum_of(entry),
            aid=aids_for(cycle, [entry], results)[entry.pk],
            assignments=[(a, SCORE_WORKFLOW.may(user, a, ScoreAction.REOPEN)) for a in assignments],
        )
        if decision is not None:
            context.update(
                approvals=list(decision.approvals.select_related("official")),
                can_approve=DECISION_WORKFLOW.may(user, decision, approve_action(decision)),
                can_reopen_decision=DECISION_WORKFLOW.may(user, decision, DecisionAction.REOPEN),
                **_scenario_context(user, entry, decision),
            )
    return context


def _own_amount(user: User, entry: CycleEntry):
    """The institution's line of the approved allocation, for its own staff once the
    cycle is published (officials read every amount on the allocation page)."""
    if not permissions.is_member(user, entry.institution):
        return None
    if not permissions.can_see_own_amount(user, entry, allocation_of(entry.cycle)):
        return None
    return own_amount(cycle=entry.cycle, institution_id=entry.institution_id)


def _scenario_context(user: User, entry: CycleEntry, decision) -> dict[str, Any]:
    """The scenario a merger or internalisation decision rests on, and whether this
    official may link one (officials only)."""
    if not permissions.can_view_consequences(user):
        return {}
    rests_on_scenario = decision.recommendation in (
        Recommendation.MERGE,
        Recommendation.INTERNALISE,
    )
    return {
        "scenario": linked_scenario(decision),
        "can_link_scenario": rests_on_scenario
        and DECISION_WORKFLOW.may(user, decision, DecisionAction.EDIT),
        "cycle_scenarios": scenario_list(entry.cycle) if rests_on_scenario else [],
    }


def score_page(entry: CycleEntry, assignment: Assignment, *, user: User) -> dict[str, Any]:
    """The scoring page: the reviewer's own scores with each criterion's rubric, the
    statement and the named material; the other reviewers' scores only once the
    reviewer's own are submitted (Score.objects.visible_to decides)."""
    submitted = assignment.score_state == ScoreState.SUBMITTED
    return {
        "cycle": entry.cycle,
        "entry": entry,
        "institution": entry.institution,
        "assignment": assignment,
        "editable": SCORE_WORKFLOW.may(user, assignment, ScoreAction.SAVE),
        "scoring_open": stage_allows(entry.cycle, Activity.SCORE),
        "submitted": submitted,
        "reopened": assignment.score_state == ScoreState.REOPENED,
        "material": pages.material_of(entry, user=user),
        "statement": pages.statement_of(entry),
        "hearing": pages.hearing_of(entry),
        "score_table": aggregates.score_table(user=user, entry=entry) if submitted else None,
    }


def own_scores(assignment: Assignment) -> dict[str, Any]:
    """The form's initial values: the reviewer's saved scores and comments."""
    initial = {}
    for score in assignment.scores.select_related("criterion"):
        initial[f"score_{score.criterion.code}"] = score.value
        initial[f"comment_{score.criterion.code}"] = score.comment
    return initial


def decision_initial(decision) -> dict[str, Any]:
    """The decision form's initial values (version 0: not drafted yet)."""
    if decision is None:
        return {"version": 0}
    return {
        "version": decision.version,
        "tier": decision.tier,
        "recommendation": decision.recommendation,
        "merge_partner": decision.merge_partner,
        "rationale": decision.rationale,
    }


def decision_page(entry: CycleEntry, *, user: User) -> dict[str, Any]:
    """What an official drafting a decision reads beside the form: the scores and their
    aggregates, the quorum and the decision aid."""
    table = aggregates.score_table(user=user, entry=entry)
    results = {entry.pk: table.result} if table.result else {}
    return {
        "cycle": entry.cycle,
        "entry": entry,
        "institution": entry.institution,
        "decision": getattr(entry, "decision", None),
        "score_table": table,
        "quorum": aggregates.quorum_of(entry),
        "aid": aids_for(entry.cycle, [entry], results)[entry.pk],
        "scenario": linked_scenario(getattr(entry, "decision", None)),
    }
