"""The deliberation page and decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import take_action
from core.cache import lazily_cached_data, page_key
from core.versions import VersionForm, missing_version
from core.workflow import WorkflowError
from institutions.audience import audience_key

from .. import permissions
from ..enums import AidRule
from ..forms import DecisionForm, VersionReasonForm
from ..selectors import entry_pages
from ..selectors.deliberation import deliberation
from ..selectors.scenarios import scenario_links_of
from ..services import decisions as services
from .common import load_cycle, load_entry


def deliberation_page(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_deliberate(request.user, cycle):
        raise PermissionDenied
    key = page_key("deliberation", (audience_key(request.user), cycle.pk))
    data = lazily_cached_data(key, lambda: deliberation(user=request.user, cycle=cycle))
    rows = SimpleLazyObject(lambda: _ranked_rows(data))
    context = {
        "cycle": cycle,
        "data": data,
        "rows": rows,
        "aid_rules": AidRule.choices,
        "scenario_links": SimpleLazyObject(lambda: scenario_links_of(cycle)),
        "fragment_key": key,
    }
    return render(request, "reviews/deliberation.html", context)


def _official(user, entry) -> bool:
    return permissions.is_official(user)


def decision_edit(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=permissions.can_draft_decision)
    decision = getattr(entry, "decision", None)
    form = DecisionForm(
        request.POST or None,
        initial=entry_pages.decision_initial(decision),
        institution=entry.institution,
    )
    if request.method == "POST":
        if form.has_error("version"):
            return missing_version(request)
        if form.is_valid():
            try:
                services.save_decision(
                    actor=request.user,
                    entry=entry,
                    tier=form.cleaned_data["tier"],
                    recommendation=form.cleaned_data["recommendation"],
                    merge_partner=form.cleaned_data["merge_partner"],
                    rationale=form.cleaned_data["rationale"],
                    expected_version=form.cleaned_data["version"],
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The decision has been saved."))
                return redirect("reviews:entry", fiscal_year, code)
    return render(
        request,
        "reviews/decision_form.html",
        {**entry_pages.decision_page(entry, user=request.user), "form": form},
    )


def _decision_of(entry):
    decision = getattr(entry, "decision", None)
    if decision is None:
        raise Http404
    return decision


@require_POST
def decision_approve(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    """Approve, for the official's own ministry (a posted ministry is never read), the
    version of the decision they read."""
    entry = load_entry(request, fiscal_year, code, check=_official)
    decision = _decision_of(entry)
    return take_action(
        request,
        VersionForm(request.POST),
        call=lambda data: services.approve_decision(
            actor=request.user, decision=decision, expected_version=data["version"]
        ),
        success=_("You have approved the decision for your ministry."),
        back=reverse("reviews:entry", args=[fiscal_year, code]),
    )


@require_POST
def decision_reopen(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    entry = load_entry(request, fiscal_year, code, check=_official)
    decision = _decision_of(entry)
    return take_action(
        request,
        VersionReasonForm(request.POST),
        call=lambda data: services.reopen_decision(
            actor=request.user,
            decision=decision,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        success=_("The decision has been reopened; both ministries approve again."),
        back=reverse("reviews:entry", args=[fiscal_year, code]),
    )


def _ranked_rows(data) -> list[tuple]:
    """(row, rank, tied) by rank: equal totals share a rank (1, 1, 3: 「1位(同順位)」),
    unranked last, then by code. The table's headers re-sort it in the page."""
    totals = {r.entry.pk: r.result.weighted_total for r in data.rows if r.result}
    defined = [t for t in totals.values() if t is not None]
    shared = {pk: 1 + sum(1 for t in defined if t > total) for pk, total in totals.items()}
    shared = {pk: rank for pk, rank in shared.items() if totals[pk] is not None}
    tied = {pk for pk, total in totals.items() if total is not None and defined.count(total) > 1}
    rows = sorted(
        data.rows,
        key=lambda r: (
            r.entry.pk not in shared,
            shared.get(r.entry.pk, 0),
            r.entry.institution.code,
        ),
    )
    return [(r, shared.get(r.entry.pk), r.entry.pk in tied) for r in rows]
