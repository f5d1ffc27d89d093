"""The annual report workflow (SPEC §3), as a table (core.workflow).

    draft ──submit──▶ submitted ──accept──▶ accepted (locked)
      ▲                   │                    │
      └──edit── returned ◀┘return (reason)     │
      ▲                                        │
      └────────────── reopen (reason) ─────────┘
    draft never submitted ──delete──▶ (gone)
    draft, returned, submitted ──accept_by_import──▶ accepted   (an official's import
                                                                "as accepted")

Each row says from which states an action may be taken, who may take it (a predicate
on the person and the report), the state it leads to and whether it needs a reason.
The services in metrics.services.reports, and the import's acceptance in
metrics.services.imports, take every transition through this table; the pages ask it
which buttons to show. Who may see a report at all is
AnnualReport.objects.visible_to().
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.workflow import Transition, TransitionNotAllowed, Workflow, WorkflowError, anyone
from institutions.models import User

from .enums import ImportAction, ImportState, ReportAction, ReportState, RoundAction, RoundState
from .models import AnnualReport, CollectionRound
from .permissions import can_judge_reports, can_manage_rounds, is_report_staff


class ReportError(WorkflowError):
    """A report write that cannot be made. The message is for the person who tried."""


class ReportLockedError(TransitionNotAllowed):
    """The report is accepted: nothing changes until an official reopens it."""


def _official(user: User, report: AnnualReport | None) -> bool:
    """Officials, whatever the report (so that it may be asked before any report is read)."""
    return can_judge_reports(user)


def never_submitted(report: AnnualReport) -> bool:
    """The report has never been in the ministries' hands: never submitted, accepted (an
    import "as accepted" accepts without a submission) or reopened."""
    return report.submitted_at is None and report.accepted_at is None and not report.reopen_reason


def _staff_of_unsent_draft(user: User, report: AnnualReport) -> bool:
    return never_submitted(report) and is_report_staff(user, report)


def _refusal(state: str, action: str) -> WorkflowError | None:
    if state == ReportState.ACCEPTED:
        return ReportLockedError(
            _("This report has been accepted and is locked. An official can reopen it.")
        )
    return None


S = ReportState
A = ReportAction

REPORT_WORKFLOW: Workflow[AnnualReport] = Workflow(
    [
        # Saving the form. A returned report becomes a draft again when its staff edit it.
        Transition(A.EDIT, frozenset({S.DRAFT, S.RETURNED}), S.DRAFT, is_report_staff),
        Transition(A.SUBMIT, frozenset({S.DRAFT}), S.SUBMITTED, is_report_staff),
        Transition(A.RETURN, frozenset({S.SUBMITTED}), S.RETURNED, _official, needs_reason=True),
        Transition(A.ACCEPT, frozenset({S.SUBMITTED}), S.ACCEPTED, _official),
        Transition(A.REOPEN, frozenset({S.ACCEPTED}), S.DRAFT, _official, needs_reason=True),
        # Figures the ministries already hold, loaded by an official's import "as
        # accepted" (metrics.services.imports): a new report is a draft until then, a
        # changed one becomes a draft by the import's edit, an unchanged one is accepted
        # from where it stands. A submitted report with different figures is refused by
        # the edit, before this.
        Transition(
            A.ACCEPT_BY_IMPORT,
            frozenset({S.DRAFT, S.RETURNED, S.SUBMITTED}),
            S.ACCEPTED,
            _official,
        ),
        # No target state: the report is gone (its history keeps a deletion record).
        Transition(A.DELETE, frozenset({S.DRAFT}), "", _staff_of_unsent_draft),
    ],
    state_label=lambda state: str(S(state).label),
    action_label=lambda action: str(A(action).label),
    refusal=_refusal,
)

# Buttons on the report page, in this order (editing is a link, not a transition button).
BUTTON_ACTIONS = (A.SUBMIT, A.ACCEPT, A.RETURN, A.REOPEN, A.DELETE)


def available_actions(user: User, report: AnnualReport) -> list[str]:
    """The workflow buttons to show this person on this report."""
    return REPORT_WORKFLOW.available(user, report, BUTTON_ACTIONS)


def may_accept_by_import(user: User) -> bool:
    """This person may confirm an import "as accepted" (the table's row, asked before any
    report is read; each report is checked against the row again when it is applied)."""
    return bool(REPORT_WORKFLOW[A.ACCEPT_BY_IMPORT].allowed(user, None))


def editable(state: str) -> bool:
    """A report in this state may have its figures changed (by its staff, or an import)."""
    return REPORT_WORKFLOW.allows_from(state, A.EDIT)


# ---------------------------------------------------------------------------------------
# Spreadsheet import jobs
#
#   uploaded ─check─▶ checking ─show_preview─▶ preview ─confirm─▶ applying ─apply─▶ applied
#       │                │                        │   └───────────apply──────────────▲
#       └──────fail──────┴────────fail────────────┴──────fail───────┘ (errors, conflicts,
#   cancel: uploaded, checking, preview, failed ─▶ cancelled            the system, timeout)


def is_uploader(user: User, job) -> bool:
    """Only the person who uploaded a file confirms or cancels it."""
    return user.is_authenticated and job.uploaded_by_id == user.pk


I = ImportState  # noqa: E741
IA = ImportAction

IMPORT_WORKFLOW: Workflow = Workflow(
    [
        # `anyone`: steps the import takes itself, in the request or in a Celery task.
        Transition(IA.CHECK, frozenset({I.UPLOADED}), I.PARSING, anyone),
        Transition(IA.SHOW_PREVIEW, frozenset({I.UPLOADED, I.PARSING}), I.PREVIEW, anyone),
        Transition(IA.CONFIRM, frozenset({I.PREVIEW}), I.APPLYING, is_uploader),
        Transition(IA.APPLY, frozenset({I.PREVIEW, I.APPLYING}), I.APPLIED, anyone),
        Transition(
            IA.FAIL,
            frozenset({I.UPLOADED, I.PARSING, I.PREVIEW, I.APPLYING}),
            I.FAILED,
            anyone,
        ),
        Transition(
            IA.CANCEL,
            frozenset({I.UPLOADED, I.PARSING, I.PREVIEW, I.FAILED}),
            I.CANCELLED,
            is_uploader,
        ),
    ],
    state_label=lambda state: str(I(state).label),
    action_label=lambda action: str(IA(action).label),
)

# States in which the system is working on a job: its page polls for progress.
RUNNING_IMPORT_STATES = frozenset({I.UPLOADED, I.PARSING, I.APPLYING})


# ---------------------------------------------------------------------------------------
# Collection rounds (報告依頼)
#
#   open ──close──▶ closed ──reopen──▶ open      (change: open → open)
#
# An open round is shown to its institutions from its opening date and sends reminders;
# a closed one does neither. Officials of either ministry open, change and close rounds.


def _round_manager(user: User, collection_round: CollectionRound) -> bool:
    return can_manage_rounds(user)


RS = RoundState
RA = RoundAction

ROUND_WORKFLOW: Workflow[CollectionRound] = Workflow(
    [
        # Changing the deadline or the expected institutions: reopen a closed round first.
        Transition(RA.CHANGE, frozenset({RS.OPEN}), RS.OPEN, _round_manager),
        Transition(RA.CLOSE, frozenset({RS.OPEN}), RS.CLOSED, _round_manager),
        Transition(RA.REOPEN, frozenset({RS.CLOSED}), RS.OPEN, _round_manager),
    ],
    state_label=lambda state: str(RS(state).label),
    action_label=lambda action: str(RA(action).label),
)
