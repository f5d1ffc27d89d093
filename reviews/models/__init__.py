"""The reviews app's models, one module per kind of thing."""

from .allocations import Allocation, AllocationApproval, AllocationLine
from .cycles import Criterion, CycleEntry, ReviewCycle, StageChange, StagePlan
from .decisions import Decision, DecisionApproval
from .hearings import Hearing
from .people import Affiliation, Assignment, Conflict, active_conflict_between
from .scenarios import ConsolidationScenario, DecisionScenario, ScenarioMember
from .scores import Score
from .statements import HearingStatement, StatementAttachment, SupportLine

__all__ = [
    "Affiliation",
    "Allocation",
    "AllocationApproval",
    "AllocationLine",
    "Assignment",
    "Conflict",
    "ConsolidationScenario",
    "Criterion",
    "CycleEntry",
    "Decision",
    "DecisionApproval",
    "DecisionScenario",
    "Hearing",
    "HearingStatement",
    "ReviewCycle",
    "ScenarioMember",
    "Score",
    "StageChange",
    "StagePlan",
    "StatementAttachment",
    "SupportLine",
    "active_conflict_between",
]
