"""Spreadsheet import of annual reports: upload → preview → confirm.

The preview (metrics.importing.preview) reads; these functions write. Confirming
applies every row of a file in one transaction or none, after checking that no report
changed since the preview. Writes are bulk, with one history record per report
(who: the person who uploaded the file; why: the file's name).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from core.cache import bump_data_version
from core.jobs import move_job, record_progress, silent_jobs
from core.tables import limits
from core.tables.files import check_size
from core.tables.problems import FileProblem, Problem
from core.tasks import enqueue
from core.text import display_file_name
from core.workflow import TransitionNotAllowed
from institutions.models import Institution, User

from ..enums import ImportAction, ImportState, ReportAction, ReportState, RowOutcome
from ..importing.preview import build_preview, figure_from_json
from ..importing.preview_data import Preview, PreviewRow
from ..importing.problems import ProblemKind
from ..models import AnnualReport, ImportJob, ImportPreviewRow, LicenceAgreement
from ..permissions import can_import, can_import_for
from ..selectors.imports import stored_preview
from ..workflow import (
    IMPORT_WORKFLOW,
    REPORT_WORKFLOW,
    RUNNING_IMPORT_STATES,
    editable,
    may_accept_by_import,
)
from . import bulk, metric_values

logger = logging.getLogger(__name__)

_QUERY_CHUNK = 5_000
_STORED_ROWS_BATCH = 500
_CHANGE_REASON_LENGTH = 100  # simple_history's history_change_reason


_ACCEPT_REFUSED = "Only officials import reports as accepted."


class ImportNotPossible(Exception):
    """The job is not in a state where this can be done (already applied, cancelled…)."""


class ImportConflict(Exception):
    """Rows that cannot be applied as the reports stand now (they changed since the
    preview, or the workflow does not accept them from their state); nothing was applied."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


@dataclass(frozen=True)
class Applied:
    created: int
    updated: int
    institution_ids: list[int]
    fiscal_years: list[int]
    accepted: int = 0  # reports stored accepted (an official's import "as accepted")


def _move_job(job_id: int, action: ImportAction, **fields: Any) -> bool:
    """Move the job along IMPORT_WORKFLOW if it is still in a state the action starts
    from; False if it is not (someone cancelled it, a timeout failed it). A conditional
    UPDATE (core.jobs), so that a background task never overwrites a person's later
    decision."""
    row = IMPORT_WORKFLOW[action]
    return move_job(ImportJob, job_id, sources=row.sources, target=row.target, **fields)


def _fail(
    job_id: int, *, messages: list[str] | None = None, problem: Problem | None = None
) -> bool:
    """Mark a job failed, saying why: conflict messages, or a problem with the file.
    Nothing of the file is applied; the page stops polling. False if the job had
    already ended (applied, cancelled, failed)."""
    preview = Preview.from_json(ImportJob.objects.get(pk=job_id).result)
    if messages:
        preview.conflicts = messages
    if problem is not None:
        preview.file_errors.append(problem)
    return _move_job(job_id, ImportAction.FAIL, result=preview.head_json())


@transaction.atomic
def start_import(*, actor: User, file_name: str, data: bytes, language: str) -> ImportJob:
    """Store an uploaded file, to be checked in the background; nothing is parsed here,
    so that no file, however built, holds the request.

    Side effects, in order: refuses a file over the size limit (FileProblem, nothing
    stored); stores the file privately (core.storage) and an ImportJob (uploaded);
    queues metrics.tasks.preview_import for when the transaction commits (under eager
    settings it runs then in a background thread: the upload returns at once either way).
    """
    if not can_import(actor):
        raise PermissionDenied
    check_size(len(data))
    name = display_file_name(file_name)
    job = ImportJob.objects.create(
        uploaded_by=actor,
        file=ContentFile(data, name=name),
        original_name=name,
        state=ImportState.UPLOADED,
        result=Preview.before_check(language),
    )
    enqueue("metrics.preview_import", job.pk)
    return job


def run_import_preview(*, job_id: int) -> ImportJob:
    """Build and store the preview of an uploaded file (the background half of
    start_import). Updates processed_rows / total_rows, and the heartbeat, as rows are
    checked. Run again after its worker died (late acknowledgement), it starts over."""
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    if job.state not in IMPORT_WORKFLOW[ImportAction.SHOW_PREVIEW].sources:
        raise ImportNotPossible(job.state)
    _move_job(job.pk, ImportAction.CHECK)
    try:
        with job.file.open("rb") as stored:
            data = stored.read()
    except OSError:
        logger.exception("import %s: the stored file cannot be read", job.pk)
        _fail(job.pk, problem=Problem(ProblemKind.PROCESSING_FAILED))
        return job
    _check(job, data)
    job.refresh_from_db()
    return job


def _check(job: ImportJob, data: bytes) -> None:
    """Build the preview and store it; any unexpected error fails the job instead,
    with a message the person can read (never a job left checking for ever)."""

    def progress(done: int, total: int) -> None:
        record_progress(ImportJob, job.pk, done=done, total=total)

    try:
        with translation.override(Preview.from_json(job.result).language):
            preview = build_preview(
                data=data, file_name=job.original_name, actor=job.uploaded_by, progress=progress
            )
        preview.language = Preview.from_json(job.result).language
        store_preview(job_id=job.pk, preview=preview)
    except Exception:
        logger.exception("import %s: checking the file failed", job.pk)
        _fail(job.pk, problem=Problem(ProblemKind.PROCESSING_FAILED))


@transaction.atomic
def store_preview(*, job_id: int, preview: Preview) -> bool:
    """Store a checked file's preview on its job, in two parts
    (metrics.importing.preview_data): the head in ImportJob.result, each row an
    ImportPreviewRow with its institution's names, so that a page reads one page of rows.

    Side effects, in order, in one transaction: moves the job from parsing to preview
    (failed if the file has errors) with the head and the row counts; replaces its
    stored rows. Stores nothing and returns False if the job had moved on (cancelled,
    failed by the heartbeat sweep)."""
    rows = len(preview.rows)
    action = ImportAction.FAIL if preview.has_errors() else ImportAction.SHOW_PREVIEW
    moved = _move_job(
        job_id, action, result=preview.head_json(), total_rows=rows, processed_rows=rows
    )
    if not moved:
        return False
    ImportPreviewRow.objects.filter(job_id=job_id).delete()
    ImportPreviewRow.objects.bulk_create(
        (
            ImportPreviewRow(
                job_id=job_id,
                position=position,
                row=row.row,
                outcome=row.outcome,
                has_warnings=bool(row.warnings),
                data=_stored_row(preview, row),
            )
            for position, row in enumerate(preview.rows)
        ),
        batch_size=_STORED_ROWS_BATCH,
    )
    return True


def _stored_row(preview: Preview, row: PreviewRow) -> dict[str, Any]:
    data = row.to_json()
    if row.institution_id is not None:
        data["institution"] = preview.institution_of(row)
    return data


def confirm_import(*, actor: User, job: ImportJob, as_accepted: bool = False) -> ImportJob:
    """Apply a previewed file: every row or none.

    With `as_accepted` (officials only: PermissionDenied for anyone else), the file's
    reports are stored accepted by the official, as figures the ministries already hold
    (apply_preview says which rows).

    Side effects, in order: records the choice on the job; for a large file, moves the
    job to applying and queues metrics.tasks.apply_import on commit; otherwise applies
    at once (apply_import_job). Raises ImportNotPossible if the job has errors or was
    already applied or cancelled. A conflict (a report changed since the preview) or
    any other failure leaves the job failed with the reasons, and nothing applied.
    """
    try:
        IMPORT_WORKFLOW.check(actor, job, ImportAction.CONFIRM)
    except TransitionNotAllowed:
        raise ImportNotPossible(job.state) from None
    if as_accepted and not may_accept_by_import(actor):
        raise PermissionDenied(_ACCEPT_REFUSED)
    if Preview.from_json(job.result).has_errors():
        raise ImportNotPossible(job.state)
    if job.total_rows > limits.background_rows():
        # The choice is recorded by the same conditional update that wins the job, so
        # a confirmation that loses a race records nothing.
        if not _move_job(job.pk, ImportAction.CONFIRM, processed_rows=0, as_accepted=as_accepted):
            raise ImportNotPossible(job.state)
        enqueue("metrics.apply_import", job.pk)
        job.refresh_from_db()
        return job
    return apply_import_job(job_id=job.pk, as_accepted=as_accepted)


def apply_import_job(*, job_id: int, as_accepted: bool | None = None) -> ImportJob:
    """Apply a job's preview in one transaction, `as_accepted` as asked, or as recorded
    on the job when the confirmation queued it (None).

    Side effects, in order, all in one transaction: locks the job; creates the new
    reports (draft) and updates the changed ones (version + 1), each with a history
    record by the uploader; marks the job applied, recording `as_accepted`; queues a
    metric recompute for the institutions and fiscal years touched. On a conflict or
    any other error, nothing of that happens and the job is marked failed with the
    reasons.
    """
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().select_related("uploaded_by").get(pk=job_id)
            if job.state not in IMPORT_WORKFLOW[ImportAction.APPLY].sources:
                raise ImportNotPossible(job.state)
            accepted = job.as_accepted if as_accepted is None else as_accepted
            preview = stored_preview(job)
            with translation.override(preview.language):
                apply_preview(
                    actor=job.uploaded_by,
                    preview=preview,
                    change_reason=change_reason(job.original_name, as_accepted=accepted),
                    as_accepted=accepted,
                )
            # The counts are the preview's (new → created, changed → updated); the
            # stored preview, which can be large, is not written again.
            _move_job(
                job.pk,
                ImportAction.APPLY,
                applied_at=timezone.now(),
                processed_rows=job.total_rows,
                as_accepted=accepted,
            )
    except ImportConflict as conflict:
        _fail(job_id, messages=conflict.messages)
    except (ImportNotPossible, PermissionDenied):
        raise
    except Exception:
        logger.exception("import %s: applying failed; nothing was applied", job_id)
        _fail(job_id, messages=[gettext("Nothing was imported because of an error in the system.")])
    return ImportJob.objects.get(pk=job_id)


def cancel_import(*, actor: User, job: ImportJob) -> ImportJob:
    """Drop an import that will not be applied. The stored file is kept until the
    periodic clean-up deletes unconfirmed uploads."""
    try:
        IMPORT_WORKFLOW.check(actor, job, ImportAction.CANCEL)
    except TransitionNotAllowed:
        raise ImportNotPossible(job.state) from None
    if not _move_job(job.pk, ImportAction.CANCEL):
        raise ImportNotPossible(job.state)
    job.refresh_from_db()
    return job


def fail_stale_imports(*, older_than: datetime.timedelta) -> int:
    """Fail the jobs the system has been working on for longer than `older_than` (a
    worker that died, a lost task). Returns how many. Nothing of them was applied: an
    apply is one transaction."""
    stale = ImportJob.objects.filter(
        state__in=RUNNING_IMPORT_STATES, state_changed_at__lt=timezone.now() - older_than
    ).values_list("pk", flat=True)
    return sum(_fail(job_id, problem=Problem(ProblemKind.TIMED_OUT)) for job_id in list(stale))


def fail_silent_imports() -> int:
    """Fail the jobs being checked whose worker gave no sign of life for a few minutes
    (core.jobs.silent_jobs), with a message saying so. Returns how many."""
    return sum(
        _fail(job_id, problem=Problem(ProblemKind.WORKER_LOST)) for job_id in silent_jobs(ImportJob)
    )


def delete_old_uploads(*, older_than: datetime.timedelta) -> int:
    """Delete the jobs and stored files of uploads never applied, older than
    `older_than`. Applied imports are kept: their file is the record of what changed."""
    old = ImportJob.objects.exclude(state=ImportState.APPLIED).filter(
        created_at__lt=timezone.now() - older_than
    )
    count = 0
    for job in old.exclude(state__in=RUNNING_IMPORT_STATES).only("pk", "file"):
        job.file.delete(save=False)
        job.delete()
        count += 1
    return count


def import_file(
    *,
    actor: User,
    data: bytes,
    file_name: str,
    dry_run: bool = False,
    as_accepted: bool = False,
) -> tuple[Preview, Applied | None]:
    """The whole pipeline at once, for the command line: preview, then (unless dry_run
    or the file has errors) apply it in one transaction, `as_accepted` if asked (officials
    only). Stores no ImportJob.

    Returns the preview, and what was applied (None if nothing was).
    """
    if not can_import(actor):
        raise PermissionDenied
    if as_accepted and not may_accept_by_import(actor):
        raise PermissionDenied(_ACCEPT_REFUSED)
    try:
        check_size(len(data))
    except FileProblem as failure:
        return Preview(file_name=file_name, file_errors=[failure.problem]), None
    preview = build_preview(data=data, file_name=file_name, actor=actor)
    if dry_run or preview.has_errors():
        return preview, None
    with transaction.atomic():
        applied = apply_preview(
            actor=actor,
            preview=preview,
            change_reason=change_reason(file_name, as_accepted=as_accepted),
            as_accepted=as_accepted,
        )
    return preview, applied


def change_reason(file_name: str, *, as_accepted: bool = False) -> str:
    """The history's reason for an import's writes: the file's name (cut to fit)."""
    if as_accepted:
        reason = gettext("Spreadsheet import, stored as accepted: %(file)s") % {"file": file_name}
    else:
        reason = gettext("Spreadsheet import: %(file)s") % {"file": file_name}
    return reason[:_CHANGE_REASON_LENGTH]


@transaction.atomic
def apply_preview(
    *, actor: User, preview: Preview, change_reason: str, as_accepted: bool = False
) -> Applied:
    """Write the rows of a preview: new reports as drafts, changed reports updated.

    With `as_accepted` (an official loading figures the ministries already hold), new and
    changed reports are stored accepted by `actor`, and so are unchanged rows whose
    report is not accepted yet, each through the workflow's accept_by_import row (which
    says from which states, and who); rows whose report is submitted or accepted with
    different figures are errors of the preview already (those go through return or
    reopen).

    Side effects, in order: locks the reports the preview read and checks none changed
    since (version, state) and that no report appeared where the preview saw none, and,
    as accepted, that the workflow accepts every report from its state — otherwise
    raises ImportConflict and writes nothing; bulk-creates the new reports and
    bulk-updates the changed (and, as accepted, the newly accepted) ones (version + 1),
    with one history record each by `actor` with `change_reason`; replaces the licence
    rows of the reports that have rows on the file's licence sheet (ライセンス明細);
    if any report was written, moves the data version on (core.cache) and queues one
    metric recompute on commit. No e-mail: these are the ministries' own
    figures.
    """
    if preview.has_errors():
        raise ImportNotPossible(ImportState.FAILED)
    if as_accepted and not may_accept_by_import(actor):
        raise PermissionDenied(_ACCEPT_REFUSED)
    fields = list(preview.fields)
    rows = preview.rows
    to_create = [r for r in rows if r.outcome == RowOutcome.NEW]
    to_update = [r for r in rows if r.outcome == RowOutcome.CHANGED]
    to_accept = [r for r in rows if as_accepted and r.outcome == RowOutcome.UNCHANGED]
    seen = [r for r in rows if r.report_id]

    current = _locked_reports(r.report_id for r in seen)
    conflicts = [_conflict(preview, row, current.get(row.report_id)) for row in seen]
    conflicts = [message for message in conflicts if message]
    appeared = _existing_pairs(to_create)
    conflicts += [
        gettext(
            "Row %(row)s: a report of %(institution)s for %(fiscal_year)s was created by "
            "someone else after the preview."
        )
        % _row_params(preview, row)
        for row in to_create
        if (row.institution_id, row.fiscal_year) in appeared
    ]
    conflicts += _lost_rights(actor, preview, to_create + to_update)
    if conflicts:
        raise ImportConflict(conflicts)

    now = timezone.now()
    created = _new_reports(to_create, fields)
    edit = REPORT_WORKFLOW[ReportAction.EDIT]
    updated = []
    for row in to_update:
        report = current[row.report_id]
        for code, new in row.written_values(fields).items():
            setattr(report, code, figure_from_json(code, new))
        # Changing figures is an edit: a returned report becomes a draft again, as
        # when its staff save the form.
        report.state = edit.target
        report.version += 1
        report.updated_at = now
        updated.append(report)
    unchanged = [
        (row, current[row.report_id])
        for row in to_accept
        if current[row.report_id].state != ReportState.ACCEPTED
    ]
    newly_accepted = [report for _row, report in unchanged]
    for report in newly_accepted:
        report.version += 1
        report.updated_at = now
    if as_accepted:
        _accept_by_import(
            actor,
            preview,
            [
                *zip(to_create, created, strict=True),
                *((row, current[row.report_id]) for row in to_update),
                *unchanged,
            ],
            now=now,
        )
    try:
        with transaction.atomic():
            bulk.create_with_history(created, actor=actor, reason=change_reason, now=now)
    except IntegrityError:
        raise ImportConflict(
            [gettext("A report in this file was created by someone else after the preview.")]
        ) from None
    _write_licences(
        [(report, row.licences) for row, report in zip(to_create, created, strict=True)]
        + [(current[row.report_id], row.licences) for row in to_update if row.licences is not None],
        replace=[current[row.report_id] for row in to_update if row.licences is not None],
        actor=actor,
        change_reason=change_reason,
        now=now,
    )
    bookkeeping = ["state", "version", "updated_at"]
    if as_accepted:
        bookkeeping += ["accepted_at", "accepted_by", "return_reason"]
    bulk.update_with_history(
        updated, fields=[*fields, *bookkeeping], actor=actor, reason=change_reason, now=now
    )
    bulk.update_with_history(
        newly_accepted, fields=bookkeeping, actor=actor, reason=change_reason, now=now
    )
    touched = to_create + to_update + [row for row, _report in unchanged]
    applied = Applied(
        created=len(created),
        updated=len(updated),
        institution_ids=sorted({r.institution_id for r in touched}),
        fiscal_years=sorted({r.fiscal_year for r in touched}),
        accepted=len(created) + len(updated) + len(newly_accepted) if as_accepted else 0,
    )
    if touched:
        bump_data_version()
        metric_values.queue_recompute(
            institution_ids=applied.institution_ids, fiscal_years=applied.fiscal_years
        )
    return applied


def _write_licences(
    sheets: list[tuple[AnnualReport, list[dict[str, Any]] | None]],
    *,
    replace: list[AnnualReport],
    actor: User,
    change_reason: str,
    now: datetime.datetime,
) -> None:
    """The licence detail sheet's rows: the old rows of `replace` deleted (one history
    record each), the new rows bulk-created with history."""
    for licence in LicenceAgreement.objects.filter(report__in=[r.pk for r in replace]):
        licence._history_user = actor
        licence._change_reason = change_reason
        licence.delete()
    rows = [
        LicenceAgreement(report=report, **values)
        for report, licences in sheets
        for values in licences or []
    ]
    if rows:
        bulk_create_with_history(
            rows,
            LicenceAgreement,
            default_user=actor,
            default_change_reason=change_reason,
            default_date=now,
        )


def _accept_by_import(
    actor: User,
    preview: Preview,
    rows: list[tuple[PreviewRow, AnnualReport]],
    *,
    now: datetime.datetime,
) -> None:
    """Accept the reports of an import "as accepted" (in memory: the caller writes them),
    each through the workflow's accept_by_import row. Raises ImportConflict naming every
    row whose report the table does not accept from its state, and PermissionDenied if
    the table refuses the person; then nothing is accepted."""
    action = ReportAction.ACCEPT_BY_IMPORT
    refusals = []
    for row, report in rows:
        try:
            target = REPORT_WORKFLOW.check(actor, report, action)
        except TransitionNotAllowed:
            refusals.append(
                gettext(
                    "Row %(row)s: the %(fiscal_year)s report of %(institution)s is %(state)s "
                    "and cannot be accepted by an import."
                )
                % {**_row_params(preview, row), "state": report.get_state_display()}
            )
            continue
        except PermissionDenied:
            raise PermissionDenied(_ACCEPT_REFUSED) from None
        report.state = target
        report.accepted_at, report.accepted_by = now, actor
        report.return_reason = ""
    if refusals:
        raise ImportConflict(refusals)


def _new_reports(rows: list[PreviewRow], fields: list[str]) -> list[AnnualReport]:
    """Drafts for the new rows, built positionally (as Django builds rows read from the
    database): several times faster than keyword arguments for thousands of rows."""
    concrete = AnnualReport._meta.concrete_fields
    template = [f.get_default() for f in concrete]
    position = {f.attname: index for index, f in enumerate(concrete)}
    template[position["state"]] = ReportState.DRAFT
    template[position["version"]] = 1
    institution, fiscal_year = position["institution_id"], position["fiscal_year"]
    field_positions = [position[code] for code in fields]
    reports = []
    for row in rows:
        values = template.copy()
        values[institution] = row.institution_id
        values[fiscal_year] = row.fiscal_year
        for index, value in zip(field_positions, row.values or [], strict=True):
            values[index] = Decimal(value) if type(value) is str else value
        reports.append(AnnualReport(*values))
    return reports


def _lost_rights(actor: User, preview: Preview, rows: list[PreviewRow]) -> list[str]:
    """Institutions the person could import for at the preview but no longer can."""
    ids = {row.institution_id for row in rows}
    refused = {
        institution.pk
        for institution in Institution.objects.filter(pk__in=sorted(ids))
        if not can_import_for(actor, institution)
    }
    return [
        gettext("Row %(row)s: you may no longer import figures of %(institution)s.")
        % _row_params(preview, row)
        for row in rows
        if row.institution_id in refused
    ]


def _locked_reports(report_ids: Iterable[int]) -> dict[int, AnnualReport]:
    ids = sorted(set(report_ids))
    found: dict[int, AnnualReport] = {}
    for start in range(0, len(ids), _QUERY_CHUNK):
        chunk = ids[start : start + _QUERY_CHUNK]
        for report in AnnualReport.objects.select_for_update().filter(pk__in=chunk):
            found[report.pk] = report
    return found


def _existing_pairs(rows: list[PreviewRow]) -> set[tuple[int, int]]:
    ids = sorted({r.institution_id for r in rows})
    years = {r.fiscal_year for r in rows}
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(ids), _QUERY_CHUNK):
        chunk = ids[start : start + _QUERY_CHUNK]
        pairs.update(
            AnnualReport.objects.filter(
                institution_id__in=chunk, fiscal_year__in=sorted(years)
            ).values_list("institution_id", "fiscal_year")
        )
    return pairs


def _conflict(preview: Preview, row: PreviewRow, report: AnnualReport | None) -> str:
    params = _row_params(preview, row)
    if report is None:
        return (
            gettext(
                "Row %(row)s: the %(fiscal_year)s report of %(institution)s was deleted after "
                "the preview."
            )
            % params
        )
    if report.version != row.version:
        return gettext(
            "Row %(row)s: the %(fiscal_year)s report of %(institution)s was changed by someone "
            "else after the preview (version %(old)s, now %(new)s)."
        ) % {**params, "old": row.version, "new": report.version}
    if row.outcome == RowOutcome.CHANGED and not editable(report.state):
        return gettext(
            "Row %(row)s: the %(fiscal_year)s report of %(institution)s is now %(state)s."
        ) % {**params, "state": report.get_state_display()}
    return ""


def _row_params(preview: Preview, row: PreviewRow) -> dict[str, Any]:
    return {
        "row": row.row,
        "institution": preview.institution_of(row)[1],
        "fiscal_year": row.fiscal_year if row.fiscal_year is not None else "",
    }
