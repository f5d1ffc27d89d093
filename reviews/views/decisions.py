"""The deliberation page and decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.workflow import WorkflowError

from .. import permissions
from ..forms import DecisionForm, ReasonForm
from ..selectors.deliberation import deliberation
from ..services import decisions as services
from .common import load_cycle, load_entry, refuse


def deliberation_page(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_deliberate(request.user, cycle):
        raise PermissionDenied
    data = deliberation(user=request.user, cycle=cycle)
    return render(request, "reviews/deliberation.html", {"cycle": cycle, "data": data})


def _official(user, entry) -> bool:
    return permissions.is_official(user)


def decision_edit(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=permissions.can_draft_decision)
    decision = getattr(entry, "decision", None)
    initial = {}
    if decision:
        initial = {
            "tier": decision.tier,
            "recommendation": decision.recommendation,
            "merge_partner": decision.merge_partner,
            "rationale": decision.rationale,
        }
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_decision(actor=request.user, entry=entry, **form.cleaned_data)
        except WorkflowError as error:
            return refuse(request, error, reverse("reviews:decision", args=[fiscal_year, code]))
        messages.success(request, _("The decision has been saved."))
        return redirect("reviews:entry", fiscal_year, code)
    return render(
        request,
        "reviews/decision_form.html",
        {"entry": entry, "cycle": entry.cycle, "form": form, "decision": decision},
    )


def _decision_of(entry):
    decision = getattr(entry, "decision", None)
    if decision is None:
        raise Http404
    return decision


@require_POST
def decision_approve(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=_official)
    back = reverse("reviews:entry", args=[fiscal_year, code])
    try:
        services.approve_decision(actor=request.user, decision=_decision_of(entry))
    except PermissionDenied:
        raise
    except WorkflowError as error:
        return refuse(request, error, back)
    messages.success(request, _("You have approved the decision for your ministry."))
    return redirect(back)


@require_POST
def decision_reopen(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=_official)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    back = reverse("reviews:entry", args=[fiscal_year, code])
    try:
        services.reopen_decision(actor=request.user, decision=_decision_of(entry), reason=reason)
    except WorkflowError as error:
        return refuse(request, error, back)
    messages.success(request, _("The decision has been reopened; both ministries approve again."))
    return redirect(back)
