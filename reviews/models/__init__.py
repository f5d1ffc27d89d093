"""The reviews app's models, one module per kind of thing."""

from .allocations import Allocation, AllocationApproval, AllocationLine
from .cycles import Criterion, CycleEntry, ReviewCycle, StageChange, StagePlan
from .decisions import Decision, DecisionApproval
from .hearings import Hearing
from .people import Affiliation, Assignment, Conflict, active_conflict_between
from .scores import Score
from .statements import HearingStatement, StatementAttachment, SupportLine

__all__ = [
    "Affiliation",
    "Allocation",
    "AllocationApproval",
    "AllocationLine",
    "Assignment",
    "Conflict",
    "Criterion",
    "CycleEntry",
    "Decision",
    "DecisionApproval",
    "Hearing",
    "HearingStatement",
    "ReviewCycle",
    "Score",
    "StageChange",
    "StagePlan",
    "StatementAttachment",
    "SupportLine",
    "active_conflict_between",
]
