"""Conflicts of interest and affiliations."""

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
from ..enums import ConflictAction
from ..forms import AffiliationForm, ConflictForm, ReasonForm
from ..models import Affiliation, Conflict
from ..services import conflicts as services
from ..workflow import CONFLICT_WORKFLOW
from .common import load_cycle, refuse

ROW_ACTIONS = (
    ConflictAction.CONFIRM,
    ConflictAction.PIN,
    ConflictAction.UNPIN,
    ConflictAction.WITHDRAW,
    ConflictAction.DISMISS,
    ConflictAction.DECLARE,
)


def conflict_list(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    user = request.user
    if not permissions.can_declare_conflicts(user):
        raise PermissionDenied
    institutions = cycle.entries.values("institution")
    conflicts = Conflict.objects.filter(institution__in=institutions).select_related(
        "person", "institution", "proposed_from", "reviewed_by"
    )
    if not permissions.can_review_conflicts(user):
        conflicts = conflicts.filter(person=user)
    rows = [
        {
            "conflict": c,
            "actions": [
                {
                    "action": a,
                    "label": ConflictAction(a).label,
                    "needs_reason": CONFLICT_WORKFLOW[a].needs_reason,
                }
                for a in CONFLICT_WORKFLOW.available(user, c, ROW_ACTIONS)
            ],
        }
        for c in conflicts
    ]
    form = ConflictForm(request.POST or None)
    form.fields["institution"].queryset = form.fields["institution"].queryset.filter(
        pk__in=institutions
    )
    back = reverse("reviews:conflicts", args=[fiscal_year])
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_conflict(
                actor=user,
                institution=form.cleaned_data["institution"],
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except WorkflowError as error:
            return refuse(request, error, back)
        messages.success(request, _("The conflict of interest has been declared."))
        return redirect(back)
    affiliations = Affiliation.objects.select_related("person", "institution")
    if not permissions.can_manage_affiliations(user):
        affiliations = affiliations.filter(person=user)
    return render(
        request,
        "reviews/conflicts.html",
        {
            "cycle": cycle,
            "rows": rows,
            "form": form,
            "affiliations": affiliations,
            "affiliation_form": AffiliationForm()
            if permissions.can_manage_affiliations(user)
            else None,
        },
    )


@require_POST
def conflict_action(request: HttpRequest, fiscal_year: int, pk: int, action: str) -> HttpResponse:
    load_cycle(request, fiscal_year)
    if action not in ConflictAction.values:
        raise Http404
    try:
        conflict = Conflict.objects.get(pk=pk)
    except Conflict.DoesNotExist:
        raise Http404 from None
    if not (
        permissions.can_review_conflicts(request.user) or conflict.person_id == request.user.pk
    ):
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    back = reverse("reviews:conflicts", args=[fiscal_year])
    try:
        services.act_on_conflict(
            actor=request.user, conflict=conflict, action=action, reason=reason
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
        messages.error(request, _("Choose a person and an institution."))
        return redirect(back)
    services.add_affiliation(actor=request.user, **form.cleaned_data)
    messages.success(
        request, _("The affiliation has been recorded; conflicts were proposed from it.")
    )
    return redirect(back)
