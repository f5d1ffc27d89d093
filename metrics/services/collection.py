"""Collection rounds (報告依頼) and their reminders: every write of the annual collection
that is not a report's own workflow (metrics.services.reports)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.cache import bump_data_version
from core.versions import StaleVersion, claim_version
from core.workflow import TransitionNotAllowed, WorkflowError
from institutions.fiscal_years import MIN_FISCAL_YEAR, format_fiscal_year
from institutions.models import Institution, User

from ..enums import ReminderTiming, ReportState, RoundAction
from ..models import AnnualReport, CollectionRound, SentReminder
from ..permissions import can_manage_rounds
from ..report_years import current_fiscal_year
from ..workflow import ROUND_WORKFLOW
from . import mail

logger = logging.getLogger(__name__)

# Reports in these states have not reached the ministries: their staff are reminded.
NOT_SUBMITTED = (ReportState.DRAFT, ReportState.RETURNED)


class RoundError(WorkflowError):
    """A round that cannot be opened or changed so; the message says why."""


class StaleRoundError(StaleVersion, RoundError):
    """Someone changed the round after this person opened it (core.versions)."""


@dataclass(frozen=True)
class ReminderSummary:
    institutions: int = 0
    recipients: int = 0


def _check_dates(
    fiscal_year: int, opens_on: datetime.date, deadline: datetime.date, *, today=None
) -> None:
    if not MIN_FISCAL_YEAR <= fiscal_year <= current_fiscal_year(today):
        raise RoundError(
            _("A round can be opened for a fiscal year up to the current one, %(last)s.")
            % {"last": format_fiscal_year(current_fiscal_year(today))}
        )
    if deadline < opens_on:
        raise RoundError(_("The deadline cannot be before the opening date."))


@transaction.atomic
def open_round(
    *,
    actor: User,
    fiscal_year: int,
    opens_on: datetime.date,
    deadline: datetime.date,
    expected: Iterable[Institution],
) -> CollectionRound:
    """Ask the institutions for a fiscal year's reports by a deadline.

    Side effects, in order: the round is stored open, with the expected institutions
    (the form proposes the approved and certified TLOs of that year:
    metrics.selectors.coverage.existing_in); a history record names the official; the
    data version moves on (core.cache: coverage on the dashboards follows the round). From
    its opening date the institutions see it on their home page and the daily task
    reminds those who have not submitted. Raises RoundError for a fiscal year that has
    a round already, a future fiscal year, or a deadline before the opening date.
    """
    if not can_manage_rounds(actor):
        raise PermissionDenied(_("Only officials open collection rounds."))
    _check_dates(fiscal_year, opens_on, deadline)
    if CollectionRound.objects.filter(fiscal_year=fiscal_year).exists():
        raise RoundError(
            _("There is already a collection round for %(year)s.")
            % {"year": format_fiscal_year(fiscal_year)}
        )
    collection_round = CollectionRound(
        fiscal_year=fiscal_year, opens_on=opens_on, deadline=deadline, created_by=actor
    )
    collection_round._history_user = actor
    collection_round._change_reason = RoundAction.OPEN.value
    try:
        with transaction.atomic():
            collection_round.save()
    except IntegrityError:
        raise RoundError(
            _("There is already a collection round for %(year)s.")
            % {"year": format_fiscal_year(fiscal_year)}
        ) from None
    collection_round.expected.set(list(expected))
    bump_data_version()
    return collection_round


def _claim(collection_round: CollectionRound, expected_version: int) -> CollectionRound:
    current = CollectionRound.objects.select_for_update().get(pk=collection_round.pk)
    claim_version(current, expected_version, error=StaleRoundError)
    return current


def _move(
    actor: User, collection_round: CollectionRound, action: RoundAction, expected_version: int
) -> CollectionRound:
    current = _claim(collection_round, expected_version)
    try:
        current.state = ROUND_WORKFLOW.check(actor, current, action)
    except PermissionDenied:
        raise PermissionDenied(_("Only officials change collection rounds.")) from None
    current._history_user = actor
    current._change_reason = action.value
    return current


@transaction.atomic
def change_round(
    *,
    actor: User,
    collection_round: CollectionRound,
    opens_on: datetime.date,
    deadline: datetime.date,
    expected: Iterable[Institution],
    expected_version: int,
) -> CollectionRound:
    """Move an open round's dates (extend the deadline) or change who is expected.

    Side effects, in order: the version moves on (StaleRoundError if someone changed
    the round since `expected_version`); dates and expected institutions stored; a
    history record names the official; the data version moves on (core.cache). Reports already made are not touched; reminders
    follow the new deadline from the next daily run.
    """
    current = _move(actor, collection_round, RoundAction.CHANGE, expected_version)
    _check_dates(current.fiscal_year, opens_on, deadline, today=None)
    current.opens_on, current.deadline = opens_on, deadline
    current.save()
    current.expected.set(list(expected))
    bump_data_version()
    return current


@transaction.atomic
def close_round(
    *, actor: User, collection_round: CollectionRound, expected_version: int
) -> CollectionRound:
    """Close a round: no more reminders, and institutions no longer see it on their
    home page. Reports can still be made and submitted. A history record names the
    official."""
    current = _move(actor, collection_round, RoundAction.CLOSE, expected_version)
    current.save()
    return current


@transaction.atomic
def reopen_round(
    *, actor: User, collection_round: CollectionRound, expected_version: int
) -> CollectionRound:
    """Open a closed round again (reminders resume). A history record names the official."""
    current = _move(actor, collection_round, RoundAction.REOPEN, expected_version)
    current.save()
    return current


def reminder_days() -> tuple[list[int], list[int]]:
    """Days before the deadline, and days after it, on which reminders go."""
    before = getattr(settings, "REPORT_REMINDER_DAYS_BEFORE", [14, 3])
    after = getattr(settings, "REPORT_REMINDER_DAYS_AFTER", [1, 7])
    return [int(d) for d in before], [int(d) for d in after]


def reminder_due(collection_round: CollectionRound, today: datetime.date) -> tuple[str, int]:
    """(timing, days) if `today` is a reminder day of the round, else ("", 0)."""
    before, after = reminder_days()
    days = (collection_round.deadline - today).days
    if days >= 0 and days in before:
        return ReminderTiming.BEFORE, days
    if days < 0 and -days in after:
        return ReminderTiming.AFTER, -days
    return "", 0


def send_due_reminders(*, today: datetime.date) -> ReminderSummary:
    """The daily task's work: remind the institutions of each running round that have
    not submitted, on the days settings name (REPORT_REMINDER_DAYS_BEFORE / _AFTER the
    deadline).

    Side effects, per institution due a reminder, each in its own transaction: a
    SentReminder is recorded (one per round, institution and day: running twice on a
    day sends nothing the second time), and its active TLO staff are e-mailed
    (metrics.services.mail.reminder). An institution is due when it is expected by the
    round and has no report for the year, or a draft or returned one.
    """
    institutions = recipients = 0
    for collection_round in CollectionRound.objects.running_on(today):
        timing, days = reminder_due(collection_round, today)
        if not timing:
            continue
        reports = {
            r.institution_id: r
            for r in AnnualReport.objects.filter(
                fiscal_year=collection_round.fiscal_year,
                institution__in=collection_round.expected.all(),
            )
        }
        for institution in collection_round.expected.order_by("code"):
            report = reports.get(institution.pk)
            if report is not None and report.state not in NOT_SUBMITTED:
                continue
            sent = _remind(collection_round, institution, report, today, timing, days)
            if sent is not None:
                institutions += 1
                recipients += sent
    return ReminderSummary(institutions=institutions, recipients=recipients)


def _remind(collection_round, institution, report, today, timing, days) -> int | None:
    """One institution's reminder for the day, or None if it went already."""
    try:
        with transaction.atomic():
            record = SentReminder.objects.create(
                round=collection_round,
                institution=institution,
                sent_on=today,
                timing=timing,
                days=days,
            )
            record.recipients = mail.reminder(
                collection_round=collection_round,
                institution=institution,
                report=report,
                today=today,
            )
            record.save(update_fields=["recipients"])
    except IntegrityError:  # sent already today (a second run, or another worker)
        return None
    return record.recipients


__all__ = [
    "ReminderSummary",
    "RoundError",
    "StaleRoundError",
    "TransitionNotAllowed",
    "change_round",
    "close_round",
    "open_round",
    "reminder_due",
    "reopen_round",
    "send_due_reminders",
]
