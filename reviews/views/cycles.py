"""Cycle list, creation, the cycle page, settings and stage changes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.workflow import WorkflowError

from .. import permissions
from ..enums import CycleAction, Stage
from ..forms import InstitutionsForm, NewCycleForm, ReasonForm, SettingsForm
from ..gates import gate_rows
from ..selectors import pages
from ..services import cycles as services
from ..workflow import CYCLE_WORKFLOW
from .common import load_cycle, refuse


def cycle_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_list_cycles(request.user):
        raise PermissionDenied
    return render(
        request,
        "reviews/cycle_list.html",
        {
            "cycles": pages.cycles_for(request.user),
            "can_create": permissions.can_manage_cycles(request.user),
        },
    )


def cycle_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_cycles(request.user):
        raise PermissionDenied
    form = NewCycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.create_cycle(
                actor=request.user, fiscal_year=form.cleaned_data["fiscal_year"]
            )
        except WorkflowError as error:
            return refuse(request, error, reverse("reviews:cycle_create"))
        messages.success(request, _("The review cycle has been created."))
        return redirect("reviews:cycle", cycle.fiscal_year)
    return render(request, "reviews/cycle_form.html", {"form": form})


def cycle_detail(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    user = request.user
    actions = [
        {"action": a, "label": CycleAction(a).label, "needs_reason": CYCLE_WORKFLOW[a].needs_reason}
        for a in CYCLE_WORKFLOW.available(user, cycle)
    ]
    plans = {p.stage: p.planned_on for p in cycle.plans.all()}
    return render(
        request,
        "reviews/cycle_detail.html",
        {
            "cycle": cycle,
            "stages": [
                {"code": s, "label": s.label, "planned": plans.get(s), "current": s == cycle.stage}
                for s in Stage
            ],
            "stage_labels": [s.label for s in Stage],
            "gates": gate_rows(),
            "actions": actions,
            "lines": pages.entry_lines(cycle, user=user),
            "my_assignments": pages.my_assignments(cycle, user=user),
            "changes": cycle.stage_changes.select_related("actor"),
            "is_official": permissions.is_official(user),
            "can_edit_settings": permissions.can_edit_settings(user, cycle),
            "can_deliberate": permissions.can_deliberate(user, cycle),
            "criteria": list(cycle.criteria.all()),
        },
    )


@require_POST
def cycle_stage(request: HttpRequest, fiscal_year: int, action: str) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if action not in CycleAction.values:
        raise PermissionDenied
    if not CYCLE_WORKFLOW[action].allowed(request.user, cycle):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.change_stage(actor=request.user, cycle=cycle, action=action, reason=reason)
    except WorkflowError as error:
        return refuse(request, error, reverse("reviews:cycle", args=[fiscal_year]))
    messages.success(request, _("The stage has changed."))
    return redirect("reviews:cycle", fiscal_year)


def cycle_settings(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_edit_settings(request.user, cycle):
        raise PermissionDenied
    form = SettingsForm(
        request.POST or None, instance=cycle, plans=cycle.plans.all(), criteria=cycle.criteria.all()
    )
    institutions_form = InstitutionsForm(
        request.POST if "institutions" in request.POST else None,
        initial={"institutions": [e.institution_id for e in cycle.entries.all()]},
    )
    if request.method == "POST":
        if "save_institutions" in request.POST:
            if institutions_form.is_valid():
                try:
                    services.set_institutions(
                        actor=request.user,
                        cycle=cycle,
                        institutions=institutions_form.cleaned_data["institutions"],
                    )
                except WorkflowError as error:
                    return refuse(request, error, reverse("reviews:settings", args=[fiscal_year]))
                messages.success(request, _("The institutions have been saved."))
                return redirect("reviews:settings", fiscal_year)
        elif form.is_valid():
            services.update_settings(
                actor=request.user,
                cycle=cycle,
                values=form.cleaned_data,
                planned=form.planned(),
                criteria=form.criteria_changes(),
            )
            messages.success(request, _("The settings have been saved."))
            return redirect("reviews:cycle", fiscal_year)
    return render(
        request,
        "reviews/cycle_settings.html",
        {"cycle": cycle, "form": form, "institutions_form": institutions_form},
    )
