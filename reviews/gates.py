"""The stage gate table: in each stage of a cycle, what each role may do (one place).

Modelled on pretalx's review phases: the stage, not a scattered `if`, decides whether
statements are editable, scores can be entered or decisions taken. Predicates in
reviews.permissions and the workflow tables ask `stage_allows(cycle, activity)`.
"""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from institutions.enums import Role

from .enums import Activity, Stage
from .errors import StageClosed

A = Activity
S = Stage

# Stage → what may be done in it.
STAGE_GATES: dict[str, frozenset[str]] = {
    S.PLANNING: frozenset({A.EDIT_SETTINGS, A.ASSIGN, A.DECLARE_CONFLICT, A.SCHEDULE_HEARING}),
    S.STATEMENTS: frozenset(
        {
            A.EDIT_SETTINGS,
            A.ASSIGN,
            A.DECLARE_CONFLICT,
            A.WRITE_STATEMENT,
            A.READ_MATERIAL,
            A.SCHEDULE_HEARING,
        }
    ),
    S.SCORING: frozenset(
        {
            A.ASSIGN,
            A.DECLARE_CONFLICT,
            A.READ_MATERIAL,
            A.SCHEDULE_HEARING,
            A.SCORE,
            A.REOPEN_SCORES,
            A.DELIBERATE,
        }
    ),
    S.DELIBERATION: frozenset(
        {
            A.DECLARE_CONFLICT,
            A.READ_MATERIAL,
            A.SCHEDULE_HEARING,
            A.REOPEN_SCORES,
            A.DELIBERATE,
            A.DECIDE,
            A.ALLOCATE,
        }
    ),
    S.DECIDED: frozenset({A.READ_MATERIAL, A.DELIBERATE, A.ALLOCATE}),
    S.PUBLISHED: frozenset({A.DELIBERATE, A.SEE_DECISION}),
}

# Activity → the roles that carry it out (officials see and run everything else).
ACTIVITY_ROLES: dict[str, tuple[str, ...]] = {
    A.EDIT_SETTINGS: (Role.OFFICIAL,),
    A.ASSIGN: (Role.OFFICIAL,),
    A.DECLARE_CONFLICT: (Role.REVIEWER, Role.OFFICIAL),
    A.WRITE_STATEMENT: (Role.TLO_STAFF,),
    A.READ_MATERIAL: (Role.REVIEWER,),
    A.SCHEDULE_HEARING: (Role.OFFICIAL,),
    A.SCORE: (Role.REVIEWER,),
    A.REOPEN_SCORES: (Role.OFFICIAL,),
    A.DELIBERATE: (Role.OFFICIAL,),
    A.DECIDE: (Role.OFFICIAL,),
    A.SEE_DECISION: (Role.TLO_STAFF,),
    A.ALLOCATE: (Role.OFFICIAL,),
}


def stage_allows(cycle, activity: str) -> bool:
    """The cycle's current stage opens this activity."""
    return activity in STAGE_GATES[cycle.stage]


def closed_reason(cycle, activity: str) -> str:
    """What to tell a person who tries an activity the cycle's stage does not open."""
    return _("%(activity)s is not possible while the review is in the stage “%(stage)s”.") % {
        "activity": capfirst(Activity(activity).label),
        "stage": Stage(cycle.stage).label,
    }


def require_stage(cycle, activity: str) -> None:
    """Raise StageClosed, with a message naming the activity and the stage, unless the
    cycle's stage opens the activity."""
    if not stage_allows(cycle, activity):
        raise StageClosed(closed_reason(cycle, activity))


def gate_rows() -> list[dict]:
    """The table for the cycle page: each activity, its roles, and the stages it is open in."""
    return [
        {
            "activity": Activity(activity).label,
            "roles": [Role(role).label for role in ACTIVITY_ROLES[activity]],
            "open": [activity in STAGE_GATES[stage] for stage in Stage.values],
        }
        for activity in Activity.values
    ]
