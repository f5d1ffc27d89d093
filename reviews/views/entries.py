"""An institution in a cycle: its review page, statement, attachments and scoring."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.actions import form_problem, take_action
from core.sections import contributions
from core.storage import attachment_response
from core.versions import missing_version
from core.workflow import WorkflowError
from metrics.models import AnnualReport
from metrics.selectors import reports as report_selectors

from .. import permissions
from ..enums import Stage
from ..forms import (
    AttachmentForm,
    ReasonForm,
    ScoreForm,
    StatementForm,
    SupportLineFormSet,
)
from ..models import Assignment, StatementAttachment
from ..selectors import entry_pages, pages
from ..selectors.reports import material_report, material_reports
from ..services import scores as score_services
from ..services import statements as statement_services
from .common import load_entry, refuse


def entry_detail(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code)
    context = entry_pages.entry_page(entry, user=request.user)
    return render(request, "reviews/entry_detail.html", context)


@require_GET
def report_page(
    request: HttpRequest, fiscal_year: int, code: str, report_year: int
) -> HttpResponse:
    """An accepted annual report of the institution, read only, as review material."""
    entry = load_entry(request, fiscal_year, code, check=permissions.can_view_material)
    try:
        report = material_report(entry, user=request.user, fiscal_year=report_year)
    except AnnualReport.DoesNotExist:
        raise Http404 from None
    # Last year's column only from a report the reviewer may read too (never a draft).
    previous = material_reports(entry, user=request.user).filter(fiscal_year=report_year - 1)
    context = {
        "cycle": entry.cycle,
        "institution": entry.institution,
        "report": report,
        "groups": report_selectors.figure_groups(report, previous=previous.first(), warnings=[]),
        "licences": report_selectors.report_licences(report),
    }
    return render(request, "reviews/report.html", context)


def statement_edit(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=permissions.can_edit_statement)
    statement = pages.statement_of(entry)
    form = StatementForm(request.POST or None, initial=pages.statement_initial(statement))
    formset = SupportLineFormSet(
        request.POST or None, initial=pages.support_initial(statement), prefix="support"
    )
    if request.method == "POST":
        if form.has_error("version"):
            return missing_version(request)
        if form.is_valid() and formset.is_valid():
            try:
                statement_services.save_statement(
                    actor=request.user,
                    entry=entry,
                    regional_necessity=form.cleaned_data["regional_necessity"],
                    improvement_plan=form.cleaned_data["improvement_plan"],
                    regional_support=form.cleaned_data["regional_support"],
                    support_lines=[
                        statement_services.SupportInput(f["provider"], f["amount"])
                        for f in formset.cleaned_data
                        if f and f.get("provider", "").strip()
                    ],
                    expected_version=form.cleaned_data["version"],
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The statement has been saved."))
                return redirect("reviews:statement", fiscal_year, code)
    return render(
        request,
        "reviews/statement_form.html",
        {
            "entry": entry,
            "cycle": entry.cycle,
            "form": form,
            "formset": formset,
            "statement": statement,
            "attachment_form": AttachmentForm(),
            "closes_on": pages.planned_on(entry.cycle, Stage.SCORING),
        },
    )


@require_POST
def attachment_upload(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=permissions.can_edit_statement)
    back = reverse("reviews:statement", args=[fiscal_year, code])
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return refuse(request, form_problem(form), back)
    try:
        statement_services.add_attachment(
            actor=request.user, entry=entry, upload=form.cleaned_data["file"]
        )
    except WorkflowError as error:
        return refuse(request, error, back)
    messages.success(request, _("The file has been attached."))
    return redirect(back)


def _attachment(entry, pk: int) -> StatementAttachment:
    try:
        return StatementAttachment.objects.select_related("statement__entry").get(
            pk=pk, statement__entry=entry
        )
    except StatementAttachment.DoesNotExist:
        raise Http404 from None


def attachment_download(request: HttpRequest, fiscal_year: int, code: str, pk: int) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=permissions.can_view_statement)
    attachment = _attachment(entry, pk)
    return attachment_response(
        attachment.file,
        download_name=attachment.original_name,
        content_type=attachment.content_type,
    )


@require_POST
def attachment_delete(request: HttpRequest, fiscal_year: int, code: str, pk: int) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=permissions.can_edit_statement)
    statement_services.delete_attachment(actor=request.user, attachment=_attachment(entry, pk))
    messages.success(request, _("The attachment has been removed."))
    return redirect("reviews:statement", fiscal_year, code)


def score_page(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=permissions.can_score)
    assignment = permissions.assignment_of(request.user, entry)
    context = entry_pages.score_page(entry, assignment, user=request.user)
    form = ScoreForm(
        request.POST if context["editable"] else None,
        criteria=entry.cycle.criteria.all(),
        initial=entry_pages.own_scores(assignment),
        editable=context["editable"],
    )
    back = reverse("reviews:score", args=[fiscal_year, code])
    if request.method == "POST":
        if not context["editable"]:
            return refuse(request, _("These scores cannot be changed now."), back)
        submit = "submit" in request.POST
        if form.is_valid():
            try:
                score_services.record_scores(
                    actor=request.user,
                    assignment=assignment,
                    scores=form.score_inputs(),
                    submit=submit,
                )
            except score_services.ScoreErrors as errors:
                for criterion_code, message in errors.errors.items():
                    form.add_error(f"score_{criterion_code}", message)
            except WorkflowError as error:
                return refuse(request, error, back)
            else:
                messages.success(
                    request,
                    _("Your scores have been submitted.")
                    if submit
                    else _("Your draft has been saved."),
                )
                return redirect(back)
    # What other apps add under the scoring page (settings.SCORING_PAGE_SECTIONS).
    sections = contributions(
        "SCORING_PAGE_SECTIONS",
        user=request.user,
        institution=entry.institution,
        fiscal_year=entry.cycle.fiscal_year,
    )
    return render(
        request, "reviews/score_form.html", {**context, "form": form, "sections": sections}
    )


@require_POST
def scores_reopen(request: HttpRequest, fiscal_year: int, code: str, pk: int) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=lambda u, e: permissions.is_official(u))
    try:
        assignment = Assignment.objects.get(pk=pk, entry=entry)
    except Assignment.DoesNotExist:
        raise Http404 from None
    return take_action(
        request,
        ReasonForm(request.POST),
        call=lambda data: score_services.reopen_scores(
            actor=request.user, assignment=assignment, reason=data["reason"]
        ),
        success=_("The scores have been reopened."),
        back=reverse("reviews:entry", args=[fiscal_year, code]),
    )
