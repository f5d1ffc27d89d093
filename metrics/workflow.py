"""The annual report workflow (SPEC §3), as a table.

    draft ──submit──▶ submitted ──accept──▶ accepted (locked)
      ▲                   │                    │
      └──edit── returned ◀┘return (reason)     │
      ▲                                        │
      └────────────── reopen (reason) ─────────┘

Each row says from which states an action may be taken, by which roles, what state
it leads to and whether it needs a reason. The services in metrics.services.reports
take every transition through `transition()`; the pages ask `available_actions()`
which buttons to show. Who may see a report at all (their own institution, or every
institution) stays in metrics.permissions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from institutions.enums import Role
from institutions.models import User

from .enums import ReportAction, ReportState
from .models import AnnualReport
from .permissions import can_view_report


@dataclass(frozen=True)
class Transition:
    action: ReportAction
    sources: frozenset[ReportState]
    target: ReportState
    roles: frozenset[Role]
    needs_reason: bool = False


TRANSITIONS: dict[ReportAction, Transition] = {
    t.action: t
    for t in (
        # Saving the form. A returned report becomes a draft again when its staff edit it.
        Transition(
            ReportAction.EDIT,
            sources=frozenset({ReportState.DRAFT, ReportState.RETURNED}),
            target=ReportState.DRAFT,
            roles=frozenset({Role.TLO_STAFF}),
        ),
        Transition(
            ReportAction.SUBMIT,
            sources=frozenset({ReportState.DRAFT}),
            target=ReportState.SUBMITTED,
            roles=frozenset({Role.TLO_STAFF}),
        ),
        Transition(
            ReportAction.RETURN,
            sources=frozenset({ReportState.SUBMITTED}),
            target=ReportState.RETURNED,
            roles=frozenset({Role.OFFICIAL}),
            needs_reason=True,
        ),
        Transition(
            ReportAction.ACCEPT,
            sources=frozenset({ReportState.SUBMITTED}),
            target=ReportState.ACCEPTED,
            roles=frozenset({Role.OFFICIAL}),
        ),
        Transition(
            ReportAction.REOPEN,
            sources=frozenset({ReportState.ACCEPTED}),
            target=ReportState.DRAFT,
            roles=frozenset({Role.OFFICIAL}),
            needs_reason=True,
        ),
    )
}

# Buttons on the report page, in this order (editing is a link, not a transition button).
BUTTON_ACTIONS = (
    ReportAction.SUBMIT,
    ReportAction.ACCEPT,
    ReportAction.RETURN,
    ReportAction.REOPEN,
)


class ReportError(Exception):
    """A report write that cannot be made. The message is for the person who tried."""


class TransitionNotAllowed(ReportError):
    """The report's state does not allow this action."""


class ReportLockedError(TransitionNotAllowed):
    """The report is accepted: nothing changes until an official reopens it."""


def role_may(user: User, action: ReportAction) -> bool:
    """The person's role is one that takes this action (whatever the report's state)."""
    return user.is_authenticated and user.role in TRANSITIONS[action].roles


def may_take(user: User, report: AnnualReport, action: ReportAction) -> bool:
    """This person may take this action on this report now."""
    transition = TRANSITIONS[action]
    return (
        report.state in transition.sources
        and role_may(user, action)
        and can_view_report(user, report)
    )


def available_actions(user: User, report: AnnualReport) -> list[ReportAction]:
    """The workflow buttons to show this person on this report."""
    return [action for action in BUTTON_ACTIONS if may_take(user, report, action)]


def transition(state: str, action: ReportAction) -> ReportState:
    """The state a report in `state` moves to by `action`; raises if the table forbids it."""
    row = TRANSITIONS[action]
    if state in row.sources:
        return row.target
    if state == ReportState.ACCEPTED:
        raise ReportLockedError(
            _("This report has been accepted and is locked. An official can reopen it.")
        )
    raise TransitionNotAllowed(
        _("%(action)s is not possible for a report in the state “%(state)s”.")
        % {"state": ReportState(state).label, "action": action.label}
    )


def can_see_queue(user: User) -> bool:
    """The queue of submitted reports is the officials' work list."""
    return role_may(user, ReportAction.ACCEPT)
