"""Spreadsheet import of annual reports: upload → preview → confirm.

The preview (metrics.importing.preview) reads; these functions write. Confirming
applies every row of a file in one transaction or none, after checking that no report
changed since the preview. Writes are bulk, with one history record per report
(who: the person who uploaded the file; why: the file's name).
"""

from __future__ import annotations

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
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from institutions.models import Institution, User

from ..enums import ImportState, ReportAction, ReportState, RowOutcome
from ..importing import limits
from ..importing.preview import (
    build_preview,
    figure_from_json,
    has_errors,
    institution_of,
)
from ..importing.problems import FileProblem, Problem, ProblemKind
from ..importing.tables import check_size, looks_large
from ..models import AnnualReport, ImportJob
from ..permissions import EDITABLE_STATES, can_import, can_import_for
from ..workflow import TRANSITIONS
from . import metric_values

logger = logging.getLogger(__name__)

BATCH_SIZE = 1_000  # for bulk updates, whose CASE … WHEN statements grow with each row
_QUERY_CHUNK = 5_000
_CHANGE_REASON_LENGTH = 100  # simple_history's history_change_reason


class ImportNotPossible(Exception):
    """The job is not in a state where this can be done (already applied, cancelled…)."""


class ImportConflict(Exception):
    """Reports changed between the preview and the confirmation; nothing was applied."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


@dataclass(frozen=True)
class Applied:
    created: int
    updated: int
    institution_ids: list[int]
    fiscal_years: list[int]


def start_import(*, actor: User, file_name: str, data: bytes, language: str) -> ImportJob:
    """Store an uploaded file and check it.

    Side effects, in order: refuses a file over the size limit (FileProblem, nothing
    stored); stores the file and an ImportJob; then, for a small file, builds the
    preview at once and stores it (state preview, or failed when it has errors); for a
    large one, sets the state to checking and queues metrics.tasks.preview_import on
    commit, so the upload returns at once.
    """
    if not can_import(actor):
        raise PermissionDenied
    check_size(len(data))
    job = ImportJob.objects.create(
        uploaded_by=actor,
        file=ContentFile(data, name=file_name),
        original_name=file_name[:255],
        state=ImportState.UPLOADED,
        result={"language": language},
    )
    if looks_large(data):
        job.state = ImportState.PARSING
        job.save(update_fields=["state"])
        transaction.on_commit(lambda: _queue("preview_import", job.pk))
    else:
        _store_preview(job, build_preview(data=data, file_name=file_name, actor=actor))
    return job


def run_import_preview(*, job_id: int) -> ImportJob:
    """Build and store the preview of an uploaded file (the background half of
    start_import). Updates processed_rows / total_rows as rows are checked."""
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    if job.state not in (ImportState.UPLOADED, ImportState.PARSING):
        raise ImportNotPossible(job.state)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.PARSING)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(total_rows=total, processed_rows=done)

    try:
        with job.file.open("rb") as stored:
            data = stored.read()
        with translation.override(job.result.get("language")):
            preview = build_preview(
                data=data, file_name=job.original_name, actor=job.uploaded_by, progress=progress
            )
    except Exception:
        # Never leave the page polling a job that nothing works on any more.
        logger.exception("import %s: the preview failed", job.pk)
        problem = Problem(ProblemKind.PROCESSING_FAILED)
        preview = {"file_errors": [problem.as_json()], "rows": [], "summary": {"rows": 0}}
        _store_preview(job, preview)
        raise
    _store_preview(job, preview)
    return job


def _store_preview(job: ImportJob, preview: dict[str, Any]) -> None:
    job.result = {**preview, "language": job.result.get("language")}
    job.total_rows = job.processed_rows = preview["summary"]["rows"]
    job.state = ImportState.FAILED if has_errors(preview) else ImportState.PREVIEW
    job.save(update_fields=["result", "total_rows", "processed_rows", "state"])


def confirm_import(*, actor: User, job: ImportJob) -> ImportJob:
    """Apply a previewed file: every row or none.

    Side effects, in order: for a large file, sets the state to applying and queues
    metrics.tasks.apply_import on commit; otherwise applies at once (see apply_import_job).
    Raises ImportConflict if a report changed since the preview (nothing applied; the
    job is marked failed with the reasons), ImportNotPossible if the job has errors or
    was already applied or cancelled.
    """
    if job.uploaded_by_id != actor.pk:
        raise PermissionDenied
    if job.state != ImportState.PREVIEW:
        raise ImportNotPossible(job.state)
    if job.total_rows > limits.background_rows():
        updated = ImportJob.objects.filter(pk=job.pk, state=ImportState.PREVIEW).update(
            state=ImportState.APPLYING, processed_rows=0
        )
        if not updated:
            raise ImportNotPossible(job.state)
        transaction.on_commit(lambda: _queue("apply_import", job.pk))
        job.refresh_from_db()
        return job
    return apply_import_job(job_id=job.pk)


def apply_import_job(*, job_id: int) -> ImportJob:
    """Apply a job's preview in one transaction.

    Side effects, in order, all in one transaction: locks the job; creates the new
    reports (draft) and updates the changed ones (version + 1), each with a history
    record by the uploader; marks the job applied; queues a metric recompute for the
    institutions and fiscal years touched. On a conflict, nothing of that happens and
    the job is marked failed with the reasons (then ImportConflict is raised).
    """
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().select_related("uploaded_by").get(pk=job_id)
            if job.state not in (ImportState.PREVIEW, ImportState.APPLYING):
                raise ImportNotPossible(job.state)
            with translation.override(job.result.get("language")):
                apply_preview(
                    actor=job.uploaded_by,
                    preview=job.result,
                    change_reason=change_reason(job.original_name),
                )
            # The counts are the preview's (new → created, changed → updated); the
            # stored preview, which can be large, is not written again.
            job.state = ImportState.APPLIED
            job.applied_at = timezone.now()
            job.processed_rows = job.total_rows
            job.save(update_fields=["state", "applied_at", "processed_rows"])
            return job
    except ImportConflict as conflict:
        _mark_failed(job_id, conflict.messages)
        raise
    except ImportNotPossible:
        raise
    except Exception:
        logger.exception("import %s: applying failed; nothing was applied", job_id)
        _mark_failed(job_id, [gettext("Nothing was imported because of an error in the system.")])
        raise


def _mark_failed(job_id: int, messages: list[str]) -> None:
    job = ImportJob.objects.get(pk=job_id)
    job.state = ImportState.FAILED
    job.result = {**job.result, "conflicts": messages}
    job.save(update_fields=["state", "result"])


def cancel_import(*, actor: User, job: ImportJob) -> ImportJob:
    """Drop a preview that will not be applied. The stored file is kept for the record."""
    if job.uploaded_by_id != actor.pk:
        raise PermissionDenied
    if job.state not in (ImportState.PREVIEW, ImportState.FAILED, ImportState.UPLOADED):
        raise ImportNotPossible(job.state)
    job.state = ImportState.CANCELLED
    job.save(update_fields=["state"])
    return job


def import_file(
    *, actor: User, data: bytes, file_name: str, dry_run: bool = False
) -> tuple[dict[str, Any], Applied | None]:
    """The whole pipeline at once, for the command line: preview, then (unless dry_run
    or the file has errors) apply it in one transaction. Stores no ImportJob.

    Returns the preview, and what was applied (None if nothing was).
    """
    if not can_import(actor):
        raise PermissionDenied
    try:
        check_size(len(data))
    except FileProblem as failure:
        preview = {"file_errors": [failure.problem.as_json()], "rows": [], "summary": {}}
        return preview, None
    preview = build_preview(data=data, file_name=file_name, actor=actor)
    if dry_run or has_errors(preview):
        return preview, None
    with transaction.atomic():
        applied = apply_preview(
            actor=actor, preview=preview, change_reason=change_reason(file_name)
        )
    return preview, applied


def change_reason(file_name: str) -> str:
    reason = gettext("Spreadsheet import: %(file)s") % {"file": file_name}
    return reason[:_CHANGE_REASON_LENGTH]


@transaction.atomic
def apply_preview(*, actor: User, preview: dict[str, Any], change_reason: str) -> Applied:
    """Write the rows of a preview: new reports as drafts, changed reports updated.

    Side effects, in order: locks the reports the preview read and checks none changed
    since (version, state) and that no report appeared where the preview saw none —
    otherwise raises ImportConflict and writes nothing; bulk-creates the new reports and
    bulk-updates the changed ones (version + 1), with one history record each by
    `actor` with `change_reason`; queues the metric recompute on commit.
    """
    if has_errors(preview):
        raise ImportNotPossible(ImportState.FAILED)
    fields = list(preview["fields"])
    rows = preview["rows"]
    to_create = [r for r in rows if r["outcome"] == RowOutcome.NEW]
    to_update = [r for r in rows if r["outcome"] == RowOutcome.CHANGED]
    seen = [r for r in rows if r.get("report_id")]

    current = _locked_reports(r["report_id"] for r in seen)
    conflicts = [_conflict(preview, row, current.get(row["report_id"])) for row in seen]
    conflicts = [message for message in conflicts if message]
    appeared = _existing_pairs(to_create)
    conflicts += [
        gettext(
            "Row %(row)s: a report of %(institution)s for %(fiscal_year)s was created by "
            "someone else after the preview."
        )
        % _row_params(preview, row)
        for row in to_create
        if (row["institution_id"], row["fiscal_year"]) in appeared
    ]
    conflicts += _lost_rights(actor, preview, to_create + to_update)
    if conflicts:
        raise ImportConflict(conflicts)

    now = timezone.now()
    created = _new_reports(to_create, fields)
    edit = TRANSITIONS[ReportAction.EDIT]
    updated = []
    for row in to_update:
        report = current[row["report_id"]]
        for code, (_old, new) in row["changes"].items():
            setattr(report, code, figure_from_json(code, new))
        # Changing figures is an edit: a returned report becomes a draft again, as
        # when its staff save the form.
        report.state = edit.target
        report.version += 1
        report.updated_at = now
        updated.append(report)
    try:
        if created:
            # No batch size: on PostgreSQL one INSERT … UNNEST per table is fastest, and
            # Django still splits where the database needs it (SQLite's parameter limit).
            bulk_create_with_history(
                created,
                AnnualReport,
                default_user=actor,
                default_change_reason=change_reason,
                default_date=now,
            )
    except IntegrityError:
        raise ImportConflict(
            [gettext("A report in this file was created by someone else after the preview.")]
        ) from None
    if updated:
        bulk_update_with_history(
            updated,
            AnnualReport,
            fields=[*fields, "state", "version", "updated_at"],
            batch_size=BATCH_SIZE,
            default_user=actor,
            default_change_reason=change_reason,
            default_date=now,
        )
    touched = to_create + to_update
    applied = Applied(
        created=len(created),
        updated=len(updated),
        institution_ids=sorted({r["institution_id"] for r in touched}),
        fiscal_years=sorted({r["fiscal_year"] for r in touched}),
    )
    if touched:
        metric_values.queue_recompute(
            institution_ids=applied.institution_ids, fiscal_years=applied.fiscal_years
        )
    return applied


def _new_reports(rows: list[dict[str, Any]], fields: list[str]) -> list[AnnualReport]:
    """Draft reports for the new rows, built positionally (as Django builds rows read from
    the database): several times faster than keyword arguments for thousands of rows."""
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
        values[institution] = row["institution_id"]
        values[fiscal_year] = row["fiscal_year"]
        for index, value in zip(field_positions, row["values"], strict=True):
            values[index] = Decimal(value) if type(value) is str else value
        reports.append(AnnualReport(*values))
    return reports


def _lost_rights(actor: User, preview: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    """Institutions the person could import for at the preview but no longer can."""
    ids = {row["institution_id"] for row in rows}
    refused = {
        institution.pk
        for institution in Institution.objects.filter(pk__in=sorted(ids))
        if not can_import_for(actor, institution)
    }
    return [
        gettext("Row %(row)s: you may no longer import figures of %(institution)s.")
        % _row_params(preview, row)
        for row in rows
        if row["institution_id"] in refused
    ]


def _locked_reports(report_ids: Iterable[int]) -> dict[int, AnnualReport]:
    ids = sorted(set(report_ids))
    found: dict[int, AnnualReport] = {}
    for start in range(0, len(ids), _QUERY_CHUNK):
        chunk = ids[start : start + _QUERY_CHUNK]
        for report in AnnualReport.objects.select_for_update().filter(pk__in=chunk):
            found[report.pk] = report
    return found


def _existing_pairs(rows: list[dict[str, Any]]) -> set[tuple[int, int]]:
    ids = sorted({r["institution_id"] for r in rows})
    years = {r["fiscal_year"] for r in rows}
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(ids), _QUERY_CHUNK):
        chunk = ids[start : start + _QUERY_CHUNK]
        pairs.update(
            AnnualReport.objects.filter(
                institution_id__in=chunk, fiscal_year__in=sorted(years)
            ).values_list("institution_id", "fiscal_year")
        )
    return pairs


def _conflict(preview: dict[str, Any], row: dict[str, Any], report: AnnualReport | None) -> str:
    params = _row_params(preview, row)
    if report is None:
        return (
            gettext(
                "Row %(row)s: the %(fiscal_year)s report of %(institution)s was deleted after "
                "the preview."
            )
            % params
        )
    if report.version != row["version"]:
        return gettext(
            "Row %(row)s: the %(fiscal_year)s report of %(institution)s was changed by someone "
            "else after the preview (version %(old)s, now %(new)s)."
        ) % {**params, "old": row["version"], "new": report.version}
    if row["outcome"] == RowOutcome.CHANGED and report.state not in EDITABLE_STATES:
        return gettext(
            "Row %(row)s: the %(fiscal_year)s report of %(institution)s is now %(state)s."
        ) % {**params, "state": report.get_state_display()}
    return ""


def _row_params(preview: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    return {
        "row": row["row"],
        "institution": institution_of(preview, row)[1],
        "fiscal_year": row.get("fiscal_year", ""),
    }


def _queue(task_name: str, job_id: int) -> None:
    # Imported here: the tasks module imports this one.
    from metrics import tasks

    getattr(tasks, task_name).delay(job_id)
