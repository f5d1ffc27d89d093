"""A survey's life, as a table (core.workflow).

scheduled ──start──▶ open ──close──▶ closed
   │ edit             │ invite
   ▼                  ▼
scheduled            open

A survey also opens by itself on its opening date; the daily task closes it after its
closing date.
"""

from __future__ import annotations

from core.workflow import Transition, Workflow

from .enums import SurveyAction, SurveyPhase
from .permissions import can_manage_surveys

P = SurveyPhase
A = SurveyAction


def _official(user, survey) -> bool:
    return user is None or can_manage_surveys(user)


SURVEY_WORKFLOW = Workflow(
    [
        Transition(A.EDIT, frozenset({P.SCHEDULED}), P.SCHEDULED, _official),
        Transition(A.START, frozenset({P.SCHEDULED}), P.OPEN, _official),
        Transition(A.INVITE, frozenset({P.OPEN}), P.OPEN, _official),
        Transition(A.CLOSE, frozenset({P.OPEN}), P.CLOSED, _official),
    ],
    state_field="phase",
    state_label=lambda state: str(P(state).label),
    action_label=lambda action: str(A(action).label),
)
