"""Annual reports and their workflow: every write a person makes to a report.

Each function takes the acting person first, re-reads the report under a row lock,
asks metrics.workflow whether the action is allowed in the report's state, and moves
the report's version on with a conditional UPDATE, so that two people working from
the same version can never both write (optimistic locking: the second is refused
with StaleReportError and nothing of theirs is stored).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.cache import bump_data_version, bump_report_version
from core.versions import StaleVersion, check_version, claim_version
from core.workflow import ReasonRequired, TransitionNotAllowed, WorkflowError
from institutions.fiscal_years import format_fiscal_year
from institutions.models import Institution, User

from ..enums import ReportAction, ReportState
from ..models import AnnualReport, LicenceAgreement
from ..permissions import can_create_report
from ..report_fields import CORE_FIGURES, REPORT_FIELD_CODES, REPORT_FIELDS_BY_CODE
from ..report_years import year_refusal
from ..workflow import REPORT_WORKFLOW, ReportError, ReportLockedError
from . import mail, metric_values

__all__ = [
    "BatchRefused",
    "LicenceRow",
    "MissingFiguresError",
    "ReasonRequiredError",
    "ReportError",
    "ReportExistsError",
    "ReportLockedError",
    "StaleReportError",
    "TransitionNotAllowed",
    "accept_report",
    "accept_reports",
    "create_report",
    "delete_report",
    "reopen_report",
    "repair_report",
    "return_report",
    "save_report",
    "submit_report",
]

Figure = int | Decimal | None


class StaleReportError(StaleVersion, ReportError):
    """Someone saved the report after this person opened it; their save is refused.
    The message names who and when (core.versions)."""


class ReportExistsError(ReportError):
    """The institution has a report for this fiscal year already."""


class ReportYearError(ReportError):
    """The fiscal year is outside the years the institution may report for."""


class MissingFiguresError(ReportError):
    """A report cannot be submitted without its core figures; the message names them."""

    def __init__(self, missing: Sequence[str]):
        self.missing = list(missing)
        joiner = "、" if (get_language() or "ja").startswith("ja") else ", "
        labels = joiner.join(str(REPORT_FIELDS_BY_CODE[code].label) for code in self.missing)
        super().__init__(
            _(
                "The report cannot be submitted without these figures: %(figures)s. Enter "
                "them (0 if there were none) and submit again."
            )
            % {"figures": labels}
        )


class BatchRefused(ReportError):
    """Some reports of a batch cannot be accepted; none of the batch was."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__(
            _("Nothing was accepted: %(problems)s") % {"problems": " / ".join(messages)}
        )


# Returning and reopening need a reason (core.workflow says so for every table).
ReasonRequiredError = ReasonRequired


@dataclass(frozen=True)
class LicenceRow:
    """One row of the licence detail sheet as a person entered it.

    `id` names an existing row of the same report; None adds a row.
    """

    reference: str
    licensee_kind: str
    technology: str = ""
    field: str = ""
    licensee_in_region: bool = False
    exclusive: bool = False
    income: int = 0
    id: int | None = None

    def values(self) -> dict[str, object]:
        values = asdict(self)
        del values["id"]
        values["reference"] = self.reference.strip()
        return values


def _locked(report: AnnualReport) -> AnnualReport:
    """The report as stored now, locked for this transaction where the database can."""
    return AnnualReport.objects.select_for_update().get(pk=report.pk)


def _check(
    actor: User, report: AnnualReport, action: ReportAction, reason: str | None = None
) -> str:
    """The state the action leads to; raises if the state, the person or a missing reason
    forbids it (metrics.workflow's table)."""
    try:
        return REPORT_WORKFLOW.check(actor, report, action, reason=reason)
    except PermissionDenied:
        raise PermissionDenied(_("You may not do this to this report.")) from None


def _save(report: AnnualReport, *, actor: User, action: ReportAction) -> None:
    """Store the report with its history record; the report list's version moves on
    (core.cache) in the same transaction."""
    report._history_user = actor  # read by django-simple-history
    report._change_reason = action.value
    report.save()
    bump_report_version()


def _move(
    *,
    actor: User,
    report: AnnualReport,
    action: ReportAction,
    expected_version: int | None,
    reason: str = "",
) -> AnnualReport:
    """Lock, check the table, require the reason, claim the version and set the state."""
    current = _locked(report)
    target = _check(actor, current, action, reason)
    claim_version(
        current,
        current.version if expected_version is None else expected_version,
        error=StaleReportError,
    )
    current.state = target
    return current


@transaction.atomic
def create_report(*, actor: User, institution: Institution, fiscal_year: int) -> AnnualReport:
    """Start the institution's report for a fiscal year, as an empty draft.

    Side effects, in order:
    1. the draft is stored (version 1);
    2. its first history record names the actor ("create").
    Raises ReportYearError for a fiscal year before the institution's approval (or the
    first year collected) or after the current one, ReportExistsError if the
    institution has a report for that year.
    """
    if not can_create_report(actor, institution):
        raise PermissionDenied(_("You may not start reports for this institution."))
    refusal = year_refusal(fiscal_year, institution.approval_fy)
    if refusal:
        raise ReportYearError(refusal)
    existing = AnnualReport.objects.filter(institution=institution, fiscal_year=fiscal_year)
    if existing.exists():
        raise ReportExistsError(_("There is already a report for this fiscal year."))
    report = AnnualReport(institution=institution, fiscal_year=fiscal_year, state=ReportState.DRAFT)
    report.clean_fields(exclude=["institution"])
    try:
        with transaction.atomic():
            _save(report, actor=actor, action=ReportAction.CREATE)
    except IntegrityError:  # someone created it a moment ago
        raise ReportExistsError(_("There is already a report for this fiscal year.")) from None
    return report


@transaction.atomic
def save_report(
    *,
    actor: User,
    report: AnnualReport,
    figures: Mapping[str, Figure],
    expected_version: int,
    licences: Sequence[LicenceRow] | None = None,
) -> AnnualReport:
    """Store the figures, and optionally the licence rows, of a draft or returned report.

    `figures` maps report field codes to values (None: not reported); codes left out
    keep their value. `licences`, when given, is the whole licence detail sheet.

    Side effects, in order:
    1. the stored version moves on from `expected_version`, or StaleReportError is
       raised (someone saved in between) and nothing is written;
    2. the figures are stored and the state becomes draft (a returned report is being
       revised); a history record names the actor ("edit");
    3. with `licences`: rows left out are deleted, changed rows updated, new rows
       added, each with a history record naming the actor.
    """
    unknown = set(figures) - set(REPORT_FIELD_CODES)
    if unknown:
        raise ValueError(f"not report figures: {sorted(unknown)}")
    current = _locked(report)
    target = _check(actor, current, ReportAction.EDIT)
    claim_version(current, expected_version, error=StaleReportError)
    for code, value in figures.items():
        setattr(current, code, value)
    current.state = target
    current.clean_fields(
        exclude=[f.name for f in AnnualReport._meta.fields if f.name not in figures]
    )
    _save(current, actor=actor, action=ReportAction.EDIT)
    if licences is not None:
        _replace_licences(report=current, rows=licences, actor=actor)
    return current


def _replace_licences(*, report: AnnualReport, rows: Sequence[LicenceRow], actor: User) -> None:
    existing = {licence.pk: licence for licence in report.licences.all()}
    foreign = {row.id for row in rows if row.id is not None} - existing.keys()
    if foreign:
        raise ReportError(_("A licence row does not belong to this report."))
    references = [row.reference.strip() for row in rows]
    duplicates = sorted({r for r in references if references.count(r) > 1})
    if duplicates:
        raise ReportError(
            _("Licence reference %(reference)s appears more than once.")
            % {"reference": duplicates[0]}
        )
    kept = {row.id for row in rows}
    for pk, licence in existing.items():
        if pk not in kept:
            licence._history_user = actor
            licence.delete()
    for row in rows:
        values = row.values()
        if row.id is None:
            licence = LicenceAgreement(report=report, **values)
        else:
            licence = existing[row.id]
            changed = {k: v for k, v in values.items() if getattr(licence, k) != v}
            if not changed:
                continue
            for key, value in changed.items():
                setattr(licence, key, value)
        licence.clean_fields(exclude=["report"])
        licence._history_user = actor
        licence.save()


@transaction.atomic
def submit_report(
    *, actor: User, report: AnnualReport, expected_version: int | None = None
) -> AnnualReport:
    """Hand a draft to the ministries.

    Side effects, in order:
    1. the version moves on (StaleReportError if `expected_version` is given and old);
    2. state submitted, submission time set, an earlier return reason cleared (it has
       been answered; the history keeps it); a history record names the actor.
    Raises MissingFiguresError, naming them, if a core figure (CORE_FIGURES) is blank.
    """
    current = _move(
        actor=actor, report=report, action=ReportAction.SUBMIT, expected_version=expected_version
    )
    missing = [code for code in CORE_FIGURES if getattr(current, code) is None]
    if missing:
        raise MissingFiguresError(missing)
    current.submitted_at = timezone.now()
    current.return_reason = ""
    _save(current, actor=actor, action=ReportAction.SUBMIT)
    return current


@transaction.atomic
def return_report(
    *, actor: User, report: AnnualReport, reason: str, expected_version: int | None = None
) -> AnnualReport:
    """Send a submitted report back to its institution with a reason.

    Side effects, in order:
    1. the version moves on (StaleReportError if `expected_version` is given and old);
    2. state returned, the reason stored; a history record names the actor;
    3. the institution's staff are e-mailed the reason (metrics.services.mail).
    """
    current = _move(
        actor=actor,
        report=report,
        action=ReportAction.RETURN,
        expected_version=expected_version,
        reason=reason,
    )
    current.return_reason = reason.strip()
    _save(current, actor=actor, action=ReportAction.RETURN)
    mail.report_returned(actor=actor, report=current)
    return current


@transaction.atomic
def accept_report(
    *, actor: User, report: AnnualReport, expected_version: int | None = None
) -> AnnualReport:
    """Accept a submitted report; it is locked from then on.

    Side effects, in order:
    1. the version moves on (StaleReportError if `expected_version` is given and old);
    2. state accepted, acceptance time and official stored; a history record names them;
    3. the institution's staff are e-mailed;
    4. the data version moves on (core.cache: cached pages show the change);
    5. a recompute of the metrics of this institution from this fiscal year on is
       queued for when the transaction commits.
    """
    current = _accept(actor=actor, report=report, expected_version=expected_version)
    bump_data_version()
    metric_values.queue_recompute(
        institution_ids=[current.institution_id], fiscal_years=[current.fiscal_year]
    )
    return current


def _accept(*, actor: User, report: AnnualReport, expected_version: int | None) -> AnnualReport:
    current = _move(
        actor=actor, report=report, action=ReportAction.ACCEPT, expected_version=expected_version
    )
    current.accepted_at = timezone.now()
    current.accepted_by = actor
    _save(current, actor=actor, action=ReportAction.ACCEPT)
    mail.report_accepted(actor=actor, report=current)
    return current


@transaction.atomic
def accept_reports(*, actor: User, versions: Mapping[int, int]) -> list[AnnualReport]:
    """Accept several submitted reports at once: all of them, or none.

    `versions` maps each report's id to the version the official saw. Every report goes
    through the same steps as accept_report (history, version, e-mail), in id order.
    Side effects, in order:
    1. every report is locked and checked: still submitted, at the version seen, and
       acceptable by this official; if any is not, BatchRefused names each one and
       nothing is stored;
    2. each is accepted as by accept_report, steps 1–3;
    3. the data version moves on once (core.cache);
    4. one recompute is queued for all their institutions, from the earliest of their
       fiscal years, for when the transaction commits.
    """
    if not versions:
        return []
    reports = {
        r.pk: r
        for r in AnnualReport.objects.select_for_update()
        .select_related("institution")
        .filter(pk__in=sorted(versions))
        .order_by("pk")
    }
    problems = []
    for pk in sorted(versions):
        report = reports.get(pk)
        if report is None:
            problems.append(_("a selected report no longer exists"))
            continue
        label = f"{report.institution.name_ja} {format_fiscal_year(report.fiscal_year)}"
        try:
            _check(actor, report, ReportAction.ACCEPT)
            check_version(report, versions[pk], error=StaleReportError)
        except StaleReportError as error:
            problems.append(
                _("%(report)s was changed by %(person)s after you opened the list")
                % {"report": label, "person": error.changed_by}
            )
        except (WorkflowError, PermissionDenied) as error:
            problems.append(f"{label}: {error}")
    if problems:
        raise BatchRefused(problems)
    accepted = [
        _accept(actor=actor, report=reports[pk], expected_version=versions[pk])
        for pk in sorted(versions)
    ]
    bump_data_version()
    metric_values.queue_recompute(
        institution_ids=[r.institution_id for r in accepted],
        fiscal_years=[r.fiscal_year for r in accepted],
    )
    return accepted


@transaction.atomic
def reopen_report(
    *, actor: User, report: AnnualReport, reason: str, expected_version: int | None = None
) -> AnnualReport:
    """Unlock an accepted report so that its institution can correct it.

    Side effects, in order:
    1. the version moves on (StaleReportError if `expected_version` is given and old);
    2. state draft, the reason stored (the latest stays on the report, every one in
       the history), the acceptance cleared; a history record names the official;
    3. the institution's staff are e-mailed the reason;
    4. the data version moves on (core.cache: cached pages show the change);
    5. a recompute of the metrics of this institution from this fiscal year on is
       queued for when the transaction commits.
    """
    current = _move(
        actor=actor,
        report=report,
        action=ReportAction.REOPEN,
        expected_version=expected_version,
        reason=reason,
    )
    current.reopen_reason = reason.strip()
    current.accepted_at = None
    current.accepted_by = None
    _save(current, actor=actor, action=ReportAction.REOPEN)
    mail.report_reopened(actor=actor, report=current)
    bump_data_version()
    metric_values.queue_recompute(
        institution_ids=[current.institution_id], fiscal_years=[current.fiscal_year]
    )
    return current


@transaction.atomic
def delete_report(*, actor: User, report: AnnualReport, expected_version: int) -> None:
    """Delete a draft that was never submitted (started for the wrong year, say).

    Side effects, in order: the report is locked and checked (a draft never submitted,
    accepted or reopened; the actor is its institution's staff; the version is the one
    they saw, else StaleReportError); the report and its licence rows are deleted, the
    history keeping a deletion record by the actor.
    """
    current = _locked(report)
    _check(actor, current, ReportAction.DELETE)
    check_version(current, expected_version, error=StaleReportError)
    current._history_user = actor
    current._change_reason = ReportAction.DELETE.value
    for licence in current.licences.all():
        licence._history_user = actor
        licence.delete()
    current.delete()
    bump_report_version()


REPAIR_REASON = "admin repair"


@transaction.atomic
def repair_report(
    *,
    actor: User,
    report: AnnualReport,
    figures: Mapping[str, Figure],
    expected_version: int,
    licences_changed: bool = False,
) -> AnnualReport:
    """An administrator's correction in the Django admin: figures only, never the state,
    the acceptance or the institution (those change only through the workflow).

    Side effects, in order:
    1. the version moves on from `expected_version` (StaleReportError otherwise);
    2. the figures are stored with a history record by the administrator, reason
       "admin repair";
    3. if the report is accepted and anything changed (or `licences_changed`), the data
       version moves on (core.cache) and the metric recompute of its institution from
       its fiscal year is queued on commit.
    """
    if not (actor.is_authenticated and actor.is_administrator):
        raise PermissionDenied(_("Only administrators repair reports in the admin."))
    unknown = set(figures) - set(REPORT_FIELD_CODES)
    if unknown:
        raise ValueError(f"not report figures: {sorted(unknown)}")
    current = _locked(report)
    claim_version(current, expected_version, error=StaleReportError)
    changed = {code: value for code, value in figures.items() if getattr(current, code) != value}
    for code, value in changed.items():
        setattr(current, code, value)
    current.clean_fields(
        exclude=[f.name for f in AnnualReport._meta.fields if f.name not in changed]
    )
    current._history_user = actor
    current._change_reason = REPAIR_REASON
    current.save()
    bump_report_version()
    if current.state == ReportState.ACCEPTED and (changed or licences_changed):
        bump_data_version()
        metric_values.queue_recompute(
            institution_ids=[current.institution_id], fiscal_years=[current.fiscal_year]
        )
    return current
