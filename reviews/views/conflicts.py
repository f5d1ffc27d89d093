"""Conflicts of interest and affiliations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import form_problem
from core.workflow import WorkflowError

from .. import permissions
from ..enums import ConflictAction
from ..forms import AffiliationForm, ConflictForm, ReasonForm
from ..selectors import cycle_pages
from ..services import conflicts as services
from .common import load_cycle, refuse


def conflict_list(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    user = request.user
    if not permissions.can_view_conflicts(user):
        raise PermissionDenied
    form = ConflictForm(request.POST or None, cycle=cycle)
    back = reverse("reviews:conflicts", args=[fiscal_year])
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_conflict(
                actor=user,
                entry=form.cleaned_data["entry"],
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except WorkflowError as error:
            return refuse(request, error, back)
        messages.success(request, _("The conflict of interest has been declared."))
        return redirect(back)
    return render(
        request,
        "reviews/conflicts.html",
        {
            **cycle_pages.conflicts_page(cycle, user=user),
            "form": form,
            "affiliation_form": (
                AffiliationForm() if permissions.can_manage_affiliations(user) else None
            ),
        },
    )


@require_POST
def conflict_action(request: HttpRequest, fiscal_year: int, pk: int, action: str) -> HttpResponse:
    """An action on one conflict of this cycle: another cycle's conflict, or another
    person's for a reviewer, is a 404."""
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_view_conflicts(request.user):
        raise PermissionDenied
    if action not in ConflictAction.values:
        raise Http404
    conflict = cycle_pages.conflict_for(cycle, pk, user=request.user)
    if conflict is None:
        raise Http404
    back = reverse("reviews:conflicts", args=[fiscal_year])
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return refuse(request, form_problem(form), back)
    try:
        services.act_on_conflict(
            actor=request.user, conflict=conflict, action=action, reason=form.cleaned_data["reason"]
        )
    except WorkflowError as error:
        return refuse(request, error, back)
    messages.success(request, _("The conflict of interest has been updated."))
    return redirect(back)


@require_POST
def affiliation_add(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    load_cycle(request, fiscal_year)
    if not permissions.can_manage_affiliations(request.user):
        raise PermissionDenied
    form = AffiliationForm(request.POST)
    back = reverse("reviews:conflicts", args=[fiscal_year])
    if not form.is_valid():
        return refuse(request, form_problem(form), back)
    services.add_affiliation(
        actor=request.user,
        person=form.cleaned_data["person"],
        institution=form.cleaned_data["institution"],
    )
    messages.success(
        request, _("The affiliation has been recorded; conflicts were proposed from it.")
    )
    return redirect(back)
