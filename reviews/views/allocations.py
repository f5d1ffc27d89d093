"""Support allocation pages (officials) and an institution's own amount (its staff)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import form_problem
from core.downloads import download_response
from core.versions import missing_version, posted_version
from core.workflow import WorkflowError

from .. import permissions
from ..forms import AdjustmentForm, AllocationForm, VersionReasonForm
from ..models import AllocationLine
from ..selectors import allocations as selectors
from ..services import allocations as services
from ..services.allocations import Limits
from .common import load_cycle, load_entry, refuse


def _load(request: HttpRequest, fiscal_year: int):
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_view_consequences(request.user):
        raise PermissionDenied
    return cycle


def _initial(page) -> dict:
    allocation = page.allocation
    if allocation is None:
        return {"version": 0, **{f"weight_{t}": w for t, w in services.DEFAULT_WEIGHTS.items()}}
    initial = {
        "version": allocation.version,
        "budget": f"{allocation.budget_yen:,}",
        **{f"weight_{tier}": weight for tier, weight in allocation.weights().items()},
    }
    for line in page.lines:
        if line.floor_yen is not None:
            initial[f"floor_{line.institution.code}"] = f"{line.floor_yen:,}"
        if line.ceiling_yen is not None:
            initial[f"ceiling_{line.institution.code}"] = f"{line.ceiling_yen:,}"
    return initial


def allocation_page(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = _load(request, fiscal_year)
    page = selectors.allocation_page(user=request.user, cycle=cycle)
    form = AllocationForm(
        request.POST or None,
        initial=_initial(page),
        institutions=[d.entry.institution for d in page.decided],
        unit=request.user.amount_unit,
    )
    if request.method == "POST":
        if not page.can_edit:
            raise PermissionDenied
        if form.has_error("version"):
            return missing_version(request)
        if form.is_valid():
            try:
                services.save_allocation(
                    actor=request.user,
                    cycle=cycle,
                    budget_yen=form.cleaned_data["budget"],
                    weights=form.weights(),
                    limits={k: Limits(*v) for k, v in form.limits().items()},
                    expected_version=form.cleaned_data["version"],
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The allocation has been computed and saved."))
                return redirect("reviews:allocation", fiscal_year)
    context = {"cycle": cycle, "page": page, "form": form, "adjust_form": AdjustmentForm()}
    return render(request, "reviews/allocation.html", context)


@require_POST
def allocation_adjust(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    cycle = _load(request, fiscal_year)
    allocation = selectors.allocation_of(cycle)
    if allocation is None:
        raise Http404
    line = get_object_or_404(AllocationLine, allocation=allocation, institution__code=code)
    form = AdjustmentForm(request.POST, unit=request.user.amount_unit)
    if form.has_error("version"):
        return missing_version(request)
    back = reverse("reviews:allocation", args=[fiscal_year])
    if not form.is_valid():
        return refuse(request, f"{code}: {form_problem(form)}", back)
    try:
        services.adjust_amount(
            actor=request.user,
            allocation=allocation,
            institution=line.institution,
            amount_yen=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except WorkflowError as error:
        return refuse(request, f"{code}: {error}", back)
    messages.success(request, _("The amount has been changed."))
    return redirect(back)


@require_POST
def allocation_approve(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """Approve, for the official's own ministry, the version of the allocation they read."""
    cycle = _load(request, fiscal_year)
    allocation = selectors.allocation_of(cycle)
    if allocation is None:
        raise Http404
    version = posted_version(request.POST)
    if version is None:
        return missing_version(request)
    back = reverse("reviews:allocation", args=[fiscal_year])
    try:
        services.approve_allocation(
            actor=request.user, allocation=allocation, expected_version=version
        )
    except PermissionDenied:
        raise
    except WorkflowError as error:
        return refuse(request, error, back)
    messages.success(request, _("You have approved the allocation for your ministry."))
    return redirect(back)


@require_POST
def allocation_reopen(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = _load(request, fiscal_year)
    allocation = selectors.allocation_of(cycle)
    if allocation is None:
        raise Http404
    form = VersionReasonForm(request.POST)
    if form.has_error("version"):
        return missing_version(request)
    back = reverse("reviews:allocation", args=[fiscal_year])
    if not form.is_valid():
        return refuse(request, form_problem(form), back)
    try:
        services.reopen_allocation(
            actor=request.user,
            allocation=allocation,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except WorkflowError as error:
        return refuse(request, error, back)
    messages.success(request, _("The allocation has been reopened; both ministries approve again."))
    return redirect(back)


def allocation_download(request: HttpRequest, fiscal_year: int, file_format: str) -> HttpResponse:
    """For people (Japanese headers, the reader's unit) or, with `headers=codes`, for
    scripts (the columns of `export_allocation`, amounts in yen)."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    cycle = _load(request, fiscal_year)
    allocation = selectors.allocation_of(cycle)
    if allocation is None:
        raise Http404
    name = f"support-allocation-{fiscal_year}"
    if request.GET.get("headers") == "codes":
        rows = list(selectors.script_rows(allocation))
        return download_response(selectors.SCRIPT_COLUMNS, rows, file_format=file_format, name=name)
    headers, rows = selectors.people_table(allocation, request.user.amount_unit)
    return download_response(headers, rows, file_format=file_format, name=name)


def _may_see_amount(user, entry) -> bool:
    if permissions.can_view_consequences(user):
        return True
    return permissions.can_see_own_amount(user, entry, selectors.allocation_of(entry.cycle))


def own_amount(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    """The institution's approved amount: its staff once the cycle is published, and
    officials."""
    entry = load_entry(request, fiscal_year, code, check=_may_see_amount)
    line = selectors.own_amount(cycle=entry.cycle, institution_id=entry.institution_id)
    context = {"cycle": entry.cycle, "institution": entry.institution, "line": line}
    return render(request, "reviews/allocation_own.html", context)
