"""An institution in a cycle: its review page, statement, attachments and scoring."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.storage import attachment_response
from core.workflow import WorkflowError

from .. import permissions
from ..enums import DecisionAction, ScoreAction
from ..forms import AttachmentForm, ReasonForm, ScoreForm, StatementForm, SupportLineFormSet
from ..models import Assignment, StatementAttachment
from ..selectors import aggregates, pages
from ..selectors.deliberation import aids_for
from ..services import scores as score_services
from ..services import statements as statement_services
from ..workflow import DECISION_WORKFLOW, SCORE_WORKFLOW, approve_action
from .common import load_entry, refuse


def _scores_context(request: HttpRequest, entry) -> dict:
    """The scores on this institution this person may see, and their aggregates."""
    visible = list(aggregates.visible_scores(user=request.user, entry=entry))
    results = aggregates.results_for(user=request.user, cycle=entry.cycle, entry=entry)
    return {"scores": visible, "result": results.get(entry.pk), "results": results}


def entry_detail(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code)
    user = request.user
    cycle = entry.cycle
    decision = getattr(entry, "decision", None)
    material = (
        pages.material_of(entry, user=user) if permissions.can_view_material(user, entry) else None
    )
    context = {
        "cycle": cycle,
        "entry": entry,
        "institution": entry.institution,
        "statement": pages.statement_of(entry),
        "hearing": pages.hearing_of(entry),
        "material": material,
        "assignment": permissions.assignment_of(user, entry),
        "can_edit_statement": permissions.can_edit_statement(user, entry),
        "can_score": permissions.can_score(user, entry),
        "can_see_minutes": permissions.can_view_minutes(user, entry),
        "can_schedule": permissions.can_schedule_hearing(user, cycle),
        "can_sheet": permissions.can_download_sheet(user, entry),
        "is_official": permissions.is_official(user),
        "decision": decision if permissions.can_view_decision(user, entry, decision) else None,
        "can_draft_decision": permissions.can_draft_decision(user, entry),
        **_scores_context(request, entry),
    }
    if permissions.is_official(user):
        context["quorum"] = aggregates.quorum_of(entry)
        context["aid"] = aids_for(cycle, [entry], context["results"])[entry.pk]
        context["assignments"] = list(
            Assignment.objects.filter(entry=entry).with_conflict_flag().select_related("reviewer")
        )
        for a in context["assignments"]:
            a.can_reopen = SCORE_WORKFLOW.may(user, a, ScoreAction.REOPEN)
        if decision is not None:
            context["approvals"] = list(decision.approvals.select_related("official"))
            context["can_approve"] = DECISION_WORKFLOW.may(user, decision, approve_action(decision))
            context["can_reopen_decision"] = DECISION_WORKFLOW.may(
                user, decision, DecisionAction.REOPEN
            )
    return render(request, "reviews/entry_detail.html", context)


def statement_edit(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=permissions.can_edit_statement)
    statement = pages.statement_of(entry)
    initial = {}
    lines = []
    if statement:
        initial = {
            "regional_necessity": statement.regional_necessity,
            "improvement_plan": statement.improvement_plan,
            "regional_support": statement.regional_support,
        }
        lines = [
            {"provider": s.provider, "amount": s.amount} for s in statement.support_lines.all()
        ]
    form = StatementForm(request.POST or None, initial=initial)
    formset = SupportLineFormSet(request.POST or None, initial=lines, prefix="support")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        support = [
            statement_services.SupportInput(f["provider"], f["amount"])
            for f in formset.cleaned_data
            if f and f.get("provider", "").strip()
        ]
        statement_services.save_statement(
            actor=request.user, entry=entry, support_lines=support, **form.cleaned_data
        )
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
        },
    )


@require_POST
def attachment_upload(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=permissions.can_edit_statement)
    back = reverse("reviews:statement", args=[fiscal_year, code])
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect(back)
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
    criteria = list(entry.cycle.criteria.all())
    own = {s.criterion.code: s for s in assignment.scores.select_related("criterion")}
    initial = {}
    for c in criteria:
        if c.code in own:
            initial[f"score_{c.code}"] = own[c.code].value
            initial[f"comment_{c.code}"] = own[c.code].comment
    form = ScoreForm(request.POST or None, criteria=criteria, initial=initial)
    editable = SCORE_WORKFLOW.may(request.user, assignment, ScoreAction.SAVE)
    if request.method == "POST":
        if not editable:
            return refuse(
                request,
                WorkflowError(_("These scores cannot be changed now.")),
                reverse("reviews:score", args=[fiscal_year, code]),
            )
        if form.is_valid():
            data = {
                c.code: score_services.ScoreInput(
                    form.cleaned_data[f"score_{c.code}"], form.cleaned_data[f"comment_{c.code}"]
                )
                for c in criteria
            }
            try:
                score_services.record_scores(
                    actor=request.user,
                    assignment=assignment,
                    scores=data,
                    submit="submit" in request.POST,
                )
            except score_services.ScoreErrors as errors:
                for code_, message in errors.errors.items():
                    form.add_error(f"score_{code_}", message)
            except WorkflowError as error:
                return refuse(request, error, reverse("reviews:score", args=[fiscal_year, code]))
            else:
                messages.success(
                    request,
                    _("Your scores have been submitted.")
                    if "submit" in request.POST
                    else _("Your draft has been saved."),
                )
                return redirect("reviews:score", fiscal_year, code)
    return render(
        request,
        "reviews/score_form.html",
        {
            "entry": entry,
            "cycle": entry.cycle,
            "institution": entry.institution,
            "assignment": assignment,
            "form": form,
            "editable": editable,
            "material": pages.material_of(entry, user=request.user),
            "statement": pages.statement_of(entry),
            **_scores_context(request, entry),
        },
    )


@require_POST
def scores_reopen(request: HttpRequest, fiscal_year: int, code: str, pk: int) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=lambda u, e: permissions.is_official(u))
    try:
        assignment = Assignment.objects.get(pk=pk, entry=entry)
    except Assignment.DoesNotExist:
        raise Http404 from None
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    back = reverse("reviews:entry", args=[fiscal_year, code])
    try:
        score_services.reopen_scores(actor=request.user, assignment=assignment, reason=reason)
    except PermissionDenied:
        raise
    except WorkflowError as error:
        return refuse(request, error, back)
    messages.success(request, _("The scores have been reopened."))
    return redirect(back)
