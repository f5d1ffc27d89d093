"""Assignments: the workload view, assigning by hand, the automatic proposal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.text import safe_excerpt
from core.views import refuse_bad_request
from core.workflow import WorkflowError

from .. import permissions
from ..forms import AssignForm
from ..models import Assignment, CycleEntry
from ..selectors import pages
from ..services import assignments as services
from .common import load_cycle, refuse


def workload(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if not permissions.is_official(request.user):
        raise PermissionDenied
    form = AssignForm(request.POST or None, cycle=cycle)
    back = reverse("reviews:assignments", args=[fiscal_year])
    if request.method == "POST":
        if not permissions.can_assign(request.user, cycle):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.assign_reviewers(
                    actor=request.user,
                    cycle=cycle,
                    pairs=[(form.cleaned_data["entry"], form.cleaned_data["reviewer"])],
                )
            except WorkflowError as error:
                return refuse(request, error, back)
            messages.success(request, _("The reviewer has been assigned."))
            return redirect(back)
    return render(
        request,
        "reviews/workload.html",
        {
            "cycle": cycle,
            "lines": pages.workload(cycle),
            "entries": pages.entry_lines(cycle, user=request.user),
            "form": form,
            "can_assign": permissions.can_assign(request.user, cycle),
        },
    )


def proposal(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_assign(request.user, cycle):
        raise PermissionDenied
    if request.method == "POST":
        pairs = pages.proposal_pairs(cycle, request.POST.getlist("pair"))
        if isinstance(pairs, str):
            return refuse_bad_request(
                request,
                _("The proposal was not understood: %(value)s")
                % {"value": safe_excerpt(pairs, limit=80)},
            )
        try:
            created = services.assign_reviewers(actor=request.user, cycle=cycle, pairs=pairs)
        except WorkflowError as error:
            return refuse(request, error, reverse("reviews:proposal", args=[fiscal_year]))
        messages.success(
            request, _("%(count)s assignments have been made.") % {"count": len(created)}
        )
        return redirect("reviews:assignments", fiscal_year)
    return render(
        request,
        "reviews/proposal.html",
        {"cycle": cycle, "proposal": pages.assignment_proposal(cycle)},
    )


@require_POST
def assignment_remove(request: HttpRequest, fiscal_year: int, pk: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_assign(request.user, cycle):
        raise PermissionDenied
    try:
        assignment = Assignment.objects.select_related("entry__cycle", "reviewer").get(
            pk=pk, entry__cycle=cycle
        )
    except (Assignment.DoesNotExist, CycleEntry.DoesNotExist):
        raise Http404 from None
    back = reverse("reviews:assignments", args=[fiscal_year])
    try:
        services.remove_assignment(actor=request.user, assignment=assignment)
    except WorkflowError as error:
        return refuse(request, error, back)
    messages.success(request, _("The assignment has been removed."))
    return redirect(back)
