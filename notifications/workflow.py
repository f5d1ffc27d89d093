"""A notification's life, as a table (core.workflow).

staged ──release──▶ queued ──deliver──▶ sent
  │                   │  ▲
  └─discard─▶ discarded └fail─▶ failed ─retry─┘
"""

from __future__ import annotations

from core.workflow import Transition, Workflow, anyone

from .enums import NotificationAction, NotificationState
from .permissions import can_release

S = NotificationState
A = NotificationAction

NOTIFICATION_WORKFLOW = Workflow(
    [
        Transition(A.RELEASE, frozenset({S.STAGED}), S.QUEUED, can_release),
        Transition(A.DISCARD, frozenset({S.STAGED}), S.DISCARDED, can_release),
        Transition(A.RETRY, frozenset({S.FAILED}), S.QUEUED, can_release),
        # Taken by the sending task, not by a person.
        Transition(A.DELIVER, frozenset({S.QUEUED}), S.SENT, anyone),
        Transition(A.FAIL, frozenset({S.QUEUED}), S.FAILED, anyone),
    ],
    state_label=lambda state: str(S(state).label),
    action_label=lambda action: str(A(action).label),
)
