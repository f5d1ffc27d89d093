"""The queries and the stored previews behind the import pages.

A preview is stored in two parts (metrics.importing.preview_data): its head in
ImportJob.result, its rows one ImportPreviewRow each. A page reads the head and one page
of rows, filtered and ordered by the database, and turns them into what the page shows
in the reader's language; only applying a file reads every row (stored_preview).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language, gettext, ngettext

from core.tables.problems import Problem
from institutions.fiscal_years import format_fiscal_year
from institutions.models import User

from ..enums import ReportAction, RowOutcome
from ..importing.preview_data import Preview, PreviewRow
from ..importing.wording import describe
from ..models import AnnualReport, ImportJob, ImportPreviewRow
from ..report_fields import REPORT_FIELDS_BY_CODE
from ..workflow import REPORT_WORKFLOW


def import_job_of(*, user: User, pk: int) -> ImportJob:
    """One of this person's own import jobs; anyone else's is a 404, officials' included."""
    return get_object_or_404(
        ImportJob.objects.select_related("uploaded_by"), pk=pk, uploaded_by=user
    )


def import_progress_of(*, user: User, pk: int) -> ImportJob:
    """One of this person's import jobs with its progress columns only: a poll every
    second never reads the stored preview, which can weigh megabytes."""
    return get_object_or_404(
        ImportJob.objects.only(
            "pk", "uploaded_by", "state", "total_rows", "processed_rows", "heartbeat_at"
        ),
        pk=pk,
        uploaded_by=user,
    )


def recent_import_jobs(*, user: User, limit: int = 10) -> QuerySet[ImportJob]:
    """This person's latest uploads, without the stored previews (they can be large)."""
    return (
        ImportJob.objects.filter(uploaded_by=user).defer("result").order_by("-created_at")[:limit]
    )


ROWS_PER_PAGE = 200
# A page of a wide file shows fewer rows, so that no page lists more than this many
# figures (a 200-column file: 50 rows a page) and none weighs megabytes.
FIGURES_PER_PAGE = 10_000
WITH_WARNINGS = "warnings"  # the filter that shows rows with warnings


@dataclass
class ShownChange:
    label: str
    old: str
    new: str


@dataclass
class ShownRow:
    row: int
    outcome: str
    outcome_label: str
    institution: str
    fiscal_year: str
    changes: list[ShownChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    report_url: str = ""  # once applied: the report the row wrote
    may_submit: bool = False  # …and the viewer may submit it (its TLO's staff, a draft)


def file_messages(preview: Preview) -> list[str]:
    return [describe(problem, preview.file_name) for problem in preview.file_errors]


def notices(preview: Preview) -> list[str]:
    return [describe(problem) for problem in preview.notices]


def preview_head(job: ImportJob) -> Preview:
    """A job's preview without its rows: the file's problems, fields and counts."""
    return Preview.from_json(job.result)


def stored_preview(job: ImportJob) -> Preview:
    """A job's whole preview, every row read back (to apply it): rows in file order,
    the institutions' names from the rows."""
    preview = preview_head(job)
    preview.counts = None
    preview.institutions = {}
    rows = ImportPreviewRow.objects.filter(job=job).order_by("position")
    for data in rows.values_list("data", flat=True).iterator(chunk_size=2000):
        row = PreviewRow.from_json(data)
        preview.rows.append(row)
        if row.institution_id is not None:
            preview.institutions[row.institution_id] = list(data.get("institution") or [])
    return preview


def preview_page(
    job: ImportJob,
    preview: Preview,
    *,
    outcome: str = "",
    page: Any = 1,
    applied_for: User | None = None,
    as_accepted: bool = False,
) -> Page:
    """One page of a job's stored preview rows (`preview` is its head), errors first
    when no filter is chosen. Reads that page's rows only, and counts the others.

    `applied_for`: the job has been applied and this person reads it; each row that
    wrote a report (new or changed; with `as_accepted`, unchanged rows too) links to it,
    and says whether the person may submit it. One query per page, and one per
    institution of the page that has a draft."""
    rows = ImportPreviewRow.objects.filter(job=job)
    if outcome == WITH_WARNINGS:
        rows = rows.filter(has_warnings=True).order_by("position")
    elif outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome).order_by("position")
    else:
        errors_first = Case(
            When(outcome=RowOutcome.ERROR, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        rows = rows.order_by(errors_first, "position")
    columns = max(1, len(preview.fields))
    per_page = max(20, min(ROWS_PER_PAGE, FIGURES_PER_PAGE // columns))
    paginator = Paginator(rows.values_list("data", flat=True), per_page)
    shown = paginator.get_page(page)
    stored = list(shown.object_list)
    entries = [PreviewRow.from_json(data) for data in stored]
    shown.object_list = [
        _shown(preview, entry, data.get("institution"))
        for entry, data in zip(entries, stored, strict=True)
    ]
    if applied_for is not None:
        _link_reports(entries, shown.object_list, applied_for, as_accepted=as_accepted)
    return shown


WRITTEN = (RowOutcome.NEW, RowOutcome.CHANGED)


def _link_reports(
    entries: list[PreviewRow], rows: list[ShownRow], user: User, *, as_accepted: bool
) -> None:
    keys = {
        (e.institution_id, e.fiscal_year)
        for e in entries
        if e.outcome != RowOutcome.ERROR and e.institution_id and e.fiscal_year
    }
    if not keys:
        return
    reports = {
        (r.institution_id, r.fiscal_year): r
        for r in AnnualReport.objects.filter(
            institution_id__in={k[0] for k in keys}, fiscal_year__in={k[1] for k in keys}
        ).select_related("institution")
    }
    may_submit: dict[tuple[int, str], bool] = {}
    for entry, row in zip(entries, rows, strict=True):
        report = reports.get((entry.institution_id, entry.fiscal_year))
        if report is None or entry.outcome == RowOutcome.ERROR:
            continue
        if entry.outcome not in WRITTEN and not as_accepted:
            continue  # unchanged: the import did nothing to it
        row.report_url = reverse("metrics:report_detail", args=[report.pk])
        key = (report.institution_id, report.state)
        if key not in may_submit:
            may_submit[key] = REPORT_WORKFLOW.may(user, report, ReportAction.SUBMIT)
        row.may_submit = may_submit[key]


def _shown(preview: Preview, entry: PreviewRow, names: list[str] | None) -> ShownRow:
    _code, name_ja, name_en = names or ["", "", ""]
    english = (get_language() or "ja").startswith("en")
    row = ShownRow(
        row=entry.row,
        outcome=entry.outcome,
        outcome_label=str(RowOutcome(entry.outcome).label),
        institution=(name_en if english else "") or name_ja,
        fiscal_year=format_fiscal_year(entry.fiscal_year),
        problems=[_problem_text(problem) for problem in entry.problems],
        warnings=[str(w.message) for w in entry.warnings],
    )
    if entry.is_changed:
        row.changes = [
            ShownChange(_label(code), _figure(old), _figure(new))
            for code, (old, new) in (entry.changes or {}).items()
        ]
        if entry.licence_change is not None:
            old, new = entry.licence_change
            row.changes.append(ShownChange(_licence_label(), _rows(old), _rows(new)))
    elif entry.is_new:
        row.changes = [
            ShownChange(_label(code), "", _figure(value))
            for code, value in entry.written_values(preview.fields).items()
            if value is not None
        ]
        if entry.licences:
            row.changes.append(ShownChange(_licence_label(), "", _rows(len(entry.licences))))
    return row


def _licence_label() -> str:
    return gettext("Licence detail sheet")


def _rows(count: int) -> str:
    return ngettext("%(count)s row", "%(count)s rows", count) % {"count": count}


def _problem_text(problem: Problem) -> str:
    """The column and the sentence; the row is in the table's first column."""
    problem.row = None
    return describe(problem)


def _label(code: str) -> str:
    return str(REPORT_FIELDS_BY_CODE[code].label)


def _figure(value: int | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
