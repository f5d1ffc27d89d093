"""Spreadsheet import pages (upload, preview, confirm, progress), the template download
and the report export. Thin: load, check, call one service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.downloads import download_response
from core.storage import attachment_response
from core.tables.problems import FileProblem
from institutions.fiscal_years import FiscalYearError, parse_fiscal_year
from institutions.models import Institution

from .. import sheets
from ..enums import ImportAction, ImportState, ReportState, RowOutcome
from ..forms import ImportUploadForm
from ..importing.wording import sentence
from ..permissions import (
    can_export_institution,
    can_export_reports,
    can_import,
)
from ..report_fields import REPORT_FIELDS
from ..selectors import imports as selectors
from ..selectors import reports as report_selectors
from ..services import imports
from ..workflow import IMPORT_WORKFLOW, RUNNING_IMPORT_STATES, may_accept_by_import


def import_upload(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.start_import(
                actor=request.user,
                file_name=upload.name,
                data=upload.read(),
                language=get_language(),
            )
        except FileProblem as failure:
            form.add_error("file", sentence(failure.problem))
        else:
            return redirect("metrics:import_detail", pk=job.pk)
    return render(
        request,
        "metrics/imports/upload.html",
        {
            "form": form,
            "jobs": selectors.recent_import_jobs(user=request.user),
            "fields": REPORT_FIELDS,
        },
    )


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied
    job = selectors.import_job_of(user=request.user, pk=pk)
    preview = selectors.preview_head(job)
    outcome = request.GET.get("outcome", "")
    return render(
        request,
        "metrics/imports/detail.html",
        {
            "job": job,
            "running": job.state in RUNNING_IMPORT_STATES,
            "can_confirm": IMPORT_WORKFLOW.may(request.user, job, ImportAction.CONFIRM)
            and not preview.has_errors(),
            "can_accept": may_accept_by_import(request.user),
            "can_cancel": IMPORT_WORKFLOW.may(request.user, job, ImportAction.CANCEL),
            "summary": preview.summary,
            "file_messages": selectors.file_messages(preview),
            "notices": selectors.notices(preview),
            "conflicts": preview.conflicts,
            "applied": job.state == ImportState.APPLIED,
            "page": selectors.preview_page(
                job,
                preview,
                outcome=outcome,
                page=request.GET.get("page", 1),
                applied_for=request.user if job.state == ImportState.APPLIED else None,
                as_accepted=job.as_accepted,
            ),
            "outcome": outcome,
            "outcomes": [*RowOutcome.choices, (selectors.WITH_WARNINGS, _("with warnings"))],
        },
    )


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied
    job = selectors.import_job_of(user=request.user, pk=pk)
    as_accepted = request.POST.get("as_accepted") == "yes"
    if as_accepted and not may_accept_by_import(request.user):
        raise PermissionDenied
    try:
        job = imports.confirm_import(actor=request.user, job=job, as_accepted=as_accepted)
    except imports.ImportNotPossible:
        messages.error(request, _("This import cannot be confirmed (it has errors or is done)."))
    else:
        if job.state == ImportState.APPLIED:
            messages.success(request, _("The import was applied."))
        elif job.state == ImportState.FAILED:
            messages.error(request, _("Nothing was imported. See the reasons below."))
    return redirect("metrics:import_detail", pk=job.pk)


@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied
    job = selectors.import_job_of(user=request.user, pk=pk)
    try:
        imports.cancel_import(actor=request.user, job=job)
    except imports.ImportNotPossible:
        messages.error(request, _("This import can no longer be cancelled."))
    else:
        messages.success(request, _("The import was cancelled; nothing was changed."))
    return redirect("metrics:import_upload")


@never_cache
@require_GET
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    if not can_import(request.user):
        raise PermissionDenied
    job = selectors.import_progress_of(user=request.user, pk=pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
            "percent": job.progress_percent,
            "running": job.state in RUNNING_IMPORT_STATES,
            "url": reverse("metrics:import_detail", args=[job.pk]),
        }
    )


@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied
    labels, codes = sheets.template_headers()
    return download_response(
        labels,
        [codes],
        file_format=request.GET.get("format"),
        name="annual_report_template",
        sheet_title="年度報告",
        more_sheets=[sheets.licence_template()],
    )


@require_GET
def report_export(request: HttpRequest) -> HttpResponse:
    if not can_export_reports(request.user):
        raise PermissionDenied
    try:
        fiscal_year = _fiscal_year(request.GET.get("fiscal_year", ""))
    except FiscalYearError:
        raise Http404 from None
    institution = None
    if code := request.GET.get("institution", "").strip():
        institution = Institution.objects.filter(code=code).first()
        if institution is None or not can_export_institution(request.user, institution):
            raise Http404
    state = request.GET.get("state", "")
    if state and state not in ReportState.values:
        raise Http404
    reports = report_selectors.exportable_reports(
        user=request.user, fiscal_year=fiscal_year, institution=institution, state=state
    )
    name = "annual_reports" + (f"_FY{fiscal_year}" if fiscal_year else "")
    codes = request.GET.get("headers") == sheets.CODES
    return download_response(
        sheets.export_headers(codes=codes),
        sheets.export_rows(reports, codes=codes),
        file_format=request.GET.get("format"),
        name=name,
    )


def _fiscal_year(text: str) -> int | None:
    return parse_fiscal_year(text) if text.strip() else None


@require_GET
def import_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded file itself, back to the person who uploaded it, as an attachment."""
    if not can_import(request.user):
        raise PermissionDenied
    job = selectors.import_job_of(user=request.user, pk=pk)
    if not job.file:
        raise Http404
    return attachment_response(job.file, download_name=job.original_name)


urlpatterns = [
    path("imports/", import_upload, name="import_upload"),
    path("imports/template/", import_template, name="import_template"),
    path("imports/<int:pk>/", import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", import_progress, name="import_progress"),
    path("imports/<int:pk>/confirm/", import_confirm, name="import_confirm"),
    path("imports/<int:pk>/cancel/", import_cancel, name="import_cancel"),
    path("imports/<int:pk>/file/", import_file, name="import_file"),
    path("export/reports/", report_export, name="report_export"),
]
