"""A notification's life, as a table (core.workflow).

staged ──release──▶ queued ──deliver──▶ sent
  │                   │  ▲
  └─discard─▶ discarded └fail─▶ failed ─retry─┘

The outbox asks this table which messages an official may tick and what releasing one
does; neither the view nor the template restates it.
"""

from __future__ import annotations

from core.workflow import Transition, Workflow, anyone

from .enums import NotificationAction, NotificationState
from .models import Notification
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

# The outbox's "release" button releases a staged message and sends a failed one again.
RELEASE_ACTIONS = (A.RELEASE, A.RETRY)
# Its two buttons between them: release (or send again), discard.
OUTBOX_ACTIONS = (*RELEASE_ACTIONS, A.DISCARD)


def release_action(notification: Notification) -> str | None:
    """What releasing this message from the outbox is (release, or send again), or None
    if its state allows neither."""
    return next(
        (a for a in RELEASE_ACTIONS if NOTIFICATION_WORKFLOW.allows_from(notification.state, a)),
        None,
    )


def outbox_states() -> frozenset[str]:
    """The states of the messages an official may tick in the outbox: those from which
    one of its buttons' actions starts."""
    return frozenset().union(*(NOTIFICATION_WORKFLOW[a].sources for a in OUTBOX_ACTIONS))
