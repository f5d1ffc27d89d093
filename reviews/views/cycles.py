"""Cycle list, creation, the cycle page, settings and stage changes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import form_problem
from core.versions import missing_version
from core.workflow import WorkflowError

from .. import permissions
from ..enums import CycleAction
from ..forms import InstitutionsForm, NewCycleForm, ReasonForm, SettingsForm
from ..selectors import cycle_pages, pages
from ..services import cycles as services
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
    form = NewCycleForm(request.POST or None, initial={"fiscal_year": pages.next_fiscal_year()})
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
    context = cycle_pages.cycle_page(cycle, user=request.user)
    return render(request, "reviews/cycle_detail.html", context)


@require_POST
def cycle_stage(request: HttpRequest, fiscal_year: int, action: str) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if action not in CycleAction.values or not permissions.can_manage_cycles(request.user):
        raise PermissionDenied
    back = reverse("reviews:cycle", args=[fiscal_year])
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return refuse(request, form_problem(form), back)
    try:
        services.change_stage(
            actor=request.user, cycle=cycle, action=action, reason=form.cleaned_data["reason"]
        )
    except WorkflowError as error:
        return refuse(request, error, back)
    messages.success(request, _("The stage has changed."))
    return redirect(back)


def _settings_page(request, cycle, *, form=None, institutions_form=None) -> HttpResponse:
    form = form or SettingsForm(
        instance=cycle, plans=cycle.plans.all(), criteria=cycle.criteria.all()
    )
    institutions_form = institutions_form or InstitutionsForm(
        cycle=cycle,
        initial={
            "institutions": [e.institution_id for e in cycle.entries.all()],
            "version": cycle.version,
        },
    )
    context = {"cycle": cycle, "form": form, "institutions_form": institutions_form}
    return render(request, "reviews/cycle_settings.html", context)


def cycle_settings(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """Thresholds, quorum, planned dates and criteria; the form carries the cycle's
    version so that two officials never overwrite each other."""
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_edit_settings(request.user, cycle):
        raise PermissionDenied
    if request.method != "POST":
        return _settings_page(request, cycle)
    form = SettingsForm(
        request.POST, instance=cycle, plans=cycle.plans.all(), criteria=cycle.criteria.all()
    )
    if form.has_error("version"):
        return missing_version(request)
    if form.is_valid():
        try:
            services.update_settings(
                actor=request.user,
                cycle=cycle,
                values=form.cleaned_data,
                planned=form.planned(),
                criteria=form.criteria_changes(),
                expected_version=form.cleaned_data["version"],
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect("reviews:settings", fiscal_year)
    return _settings_page(request, cycle, form=form)


@require_POST
def cycle_institutions(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """The institutions in the review (only while settings may change)."""
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_edit_settings(request.user, cycle):
        raise PermissionDenied
    form = InstitutionsForm(request.POST, cycle=cycle)
    if form.has_error("version"):
        return missing_version(request)
    if form.is_valid():
        try:
            services.set_institutions(
                actor=request.user,
                cycle=cycle,
                institutions=form.cleaned_data["institutions"],
                expected_version=form.cleaned_data["version"],
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The institutions have been saved."))
            return redirect("reviews:settings", fiscal_year)
    return _settings_page(request, cycle, institutions_form=form)
