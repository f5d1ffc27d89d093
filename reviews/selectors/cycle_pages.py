"""What the pages of a whole cycle show to one person: the cycle page and its
conflicts of interest."""

from __future__ import annotations

from typing import Any

from institutions.models import User

from .. import permissions
from ..enums import ConflictAction, CycleAction, Stage
from ..gates import gate_rows
from ..models import Affiliation, Conflict, ReviewCycle
from ..workflow import CONFLICT_WORKFLOW, CYCLE_WORKFLOW
from . import pages

CONFLICT_ROW_ACTIONS = (
    ConflictAction.CONFIRM,
    ConflictAction.PIN,
    ConflictAction.UNPIN,
    ConflictAction.WITHDRAW,
    ConflictAction.DISMISS,
    ConflictAction.DECLARE,
)


def _action(table, labels, action: str) -> dict[str, Any]:
    """A button: the action, its label, and whether it asks for a reason."""
    return {
        "action": action,
        "label": labels(action).label,
        "needs_reason": table[action].needs_reason,
    }


def cycle_page(cycle: ReviewCycle, *, user: User) -> dict[str, Any]:
    """The cycle page: its stages with planned dates, the stage moves this person may
    make (forward ones apart from moves back, which need a reason), its institutions as
    this person may list them, a reviewer's own assignments, the criteria, the stage
    gate table and, for officials, the record of stage changes."""
    plans = {p.stage: p.planned_on for p in cycle.plans.all()}
    moves = [_action(CYCLE_WORKFLOW, CycleAction, a) for a in CYCLE_WORKFLOW.available(user, cycle)]
    is_official = permissions.is_official(user)
    is_reviewer = permissions.is_reviewer(user)
    return {
        "cycle": cycle,
        "stages": [
            {"label": s.label, "planned": plans.get(s), "current": s == cycle.stage} for s in Stage
        ],
        "stage_labels": [s.label for s in Stage],
        "gates": gate_rows(),
        "forward": [m for m in moves if not m["needs_reason"]],
        "back": [m for m in moves if m["needs_reason"]],
        "lines": pages.entry_lines(cycle, user=user),
        "my_assignments": pages.my_assignments(cycle, user=user),
        "changes": (list(cycle.stage_changes.select_related("actor")) if is_official else []),
        "criteria": list(cycle.criteria.all()),
        "is_official": is_official,
        "is_reviewer": is_reviewer,
        "links_entries": is_official or not is_reviewer,
        "can_edit_settings": permissions.can_edit_settings(user, cycle),
        "can_deliberate": permissions.can_deliberate(user, cycle),
        "can_export": permissions.can_export_results(user),
        "can_view_conflicts": permissions.can_view_conflicts(user),
        "can_view_hearings": permissions.can_view_hearing_day(user, cycle),
        "publishing": CycleAction.PUBLISH in CYCLE_WORKFLOW.available(user, cycle),
    }


def conflicts_page(cycle: ReviewCycle, *, user: User) -> dict[str, Any]:
    """The cycle's conflicts this person may see (officials: everyone's; a reviewer:
    their own), each with the actions they may take now; affiliations likewise."""
    conflicts = (
        Conflict.objects.filter(entry__cycle=cycle)
        .select_related("person", "entry__institution", "entry__cycle", "proposed_from")
        .order_by("entry__institution__code", "person__username")
    )
    affiliations = Affiliation.objects.select_related("person", "institution").order_by(
        "person__username", "institution__code"
    )
    if not permissions.can_see_all_conflicts(user):
        conflicts = conflicts.filter(person=user)
        affiliations = affiliations.filter(person=user)
    rows = [
        {
            "conflict": c,
            "actions": [
                _action(CONFLICT_WORKFLOW, ConflictAction, a)
                for a in CONFLICT_WORKFLOW.available(user, c, CONFLICT_ROW_ACTIONS)
            ],
        }
        for c in conflicts
    ]
    return {
        "cycle": cycle,
        "rows": rows,
        "affiliations": list(affiliations),
        "can_declare": permissions.can_declare_conflicts(user, cycle),
        "sees_all": permissions.can_see_all_conflicts(user),
    }


def conflict_for(cycle: ReviewCycle, pk: int, *, user: User) -> Conflict | None:
    """The conflict if it belongs to this cycle and this person may act on it (officials:
    any; a reviewer: their own)."""
    conflicts = Conflict.objects.filter(pk=pk, entry__cycle=cycle).select_related(
        "entry__cycle", "entry__institution"
    )
    if not permissions.can_see_all_conflicts(user):
        conflicts = conflicts.filter(person=user)
    return conflicts.first()
