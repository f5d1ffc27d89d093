"""Workflow tables: for each action, the states it moves between and who may take it.

An app declares its table once (metrics.workflow, reviews.workflow); services ask the
table before writing, pages ask it which buttons to show. Who may take an action is a
predicate `(user, obj) -> bool`, so that "an official of the other ministry" or "an
assigned, unconflicted reviewer" is one line of the table rather than an `if` in a view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

Obj = TypeVar("Obj")
Predicate = Callable[[Any, Any], bool]


class WorkflowError(Exception):
    """A write the workflow forbids. The message is for the person who tried."""


class TransitionNotAllowed(WorkflowError):
    """The object's state does not allow this action."""


class ReasonRequired(WorkflowError):
    """The action needs a reason and none was given."""


@dataclass(frozen=True)
class Transition:
    """One row of a table: `action` moves an object from any of `sources` to `target`,
    for the people `allowed(user, obj)` accepts."""

    action: str
    sources: frozenset[str]
    target: str
    allowed: Predicate
    needs_reason: bool = False


def anyone(user, obj) -> bool:
    """For actions the system takes (a background job), not a person."""
    return True


class Workflow(Generic[Obj]):
    """A table of transitions over objects whose state is `obj.<state_field>`.

    `refusal(state, action)` may give the error for a state (a locked report says it is
    locked); by default the message names the action and the state.
    """

    def __init__(
        self,
        transitions: Iterable[Transition],
        *,
        state_field: str = "state",
        state_label: Callable[[str], str] = str,
        action_label: Callable[[str], str] = str,
        refusal: Callable[[str, str], WorkflowError | None] | None = None,
    ):
        self.transitions = {t.action: t for t in transitions}
        self.state_field = state_field
        self._state_label = state_label
        self._action_label = action_label
        self._refusal = refusal

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def state_of(self, obj: Obj) -> str:
        return getattr(obj, self.state_field)

    def allows_from(self, state: str, action: str) -> bool:
        """The action may be taken from this state, by someone."""
        return state in self.transitions[action].sources

    def may(self, user, obj: Obj, action: str) -> bool:
        """This person may take this action on this object now."""
        row = self.transitions[action]
        return self.state_of(obj) in row.sources and bool(row.allowed(user, obj))

    def available(self, user, obj: Obj, actions: Iterable[str] | None = None) -> list[str]:
        """The actions (in the given order, or the table's) this person may take now."""
        return [a for a in (actions or self.transitions) if self.may(user, obj, a)]

    def target(self, obj: Obj, action: str) -> str:
        """The state the action leads to from the object's state; raises
        TransitionNotAllowed if the table does not allow it from there."""
        return self.next_state(self.state_of(obj), action)

    def next_state(self, state: str, action: str) -> str:
        """The state `action` leads to from `state`; raises TransitionNotAllowed (or the
        table's own refusal for that state, such as "locked") if it may not be taken."""
        row = self.transitions[action]
        if state in row.sources:
            return row.target
        refusal = self._refusal(state, action) if self._refusal else None
        raise refusal or TransitionNotAllowed(
            _("%(action)s is not possible in the state “%(state)s”.")
            % {"action": self._action_label(action), "state": self._state_label(state)}
        )

    def check(self, user, obj: Obj, action: str, *, reason: str | None = None) -> str:
        """The state the action leads to, if the state, the person and the reason allow it.

        Raises TransitionNotAllowed (wrong state), PermissionDenied (wrong person) or
        ReasonRequired (a reason is needed and `reason` is blank).
        """
        target = self.target(obj, action)
        row = self.transitions[action]
        if not row.allowed(user, obj):
            raise PermissionDenied(_("You may not do this."))
        if row.needs_reason and not (reason or "").strip():
            raise ReasonRequired(_("Please give a reason."))
        return target
