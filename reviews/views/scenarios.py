"""Consolidation scenario pages (officials of both ministries) and their downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import form_problem
from core.downloads import download_response
from core.versions import missing_version, posted_version
from core.workflow import WorkflowError

from .. import permissions
from ..forms import ScenarioForm, ScenarioLinkForm
from ..models import ConsolidationScenario
from ..selectors import consolidations
from ..selectors import scenarios as selectors
from ..services import scenarios as services
from .common import load_cycle, load_entry, refuse


def _load(request: HttpRequest, fiscal_year: int):
    cycle = load_cycle(request, fiscal_year)
    if not permissions.can_view_consequences(request.user):
        raise PermissionDenied
    return cycle


def _scenario(cycle, pk: int) -> ConsolidationScenario:
    scenario = ConsolidationScenario.objects.filter(cycle=cycle, pk=pk).first()
    if scenario is None:
        raise Http404
    return scenario


def _save(request, cycle, scenario, form) -> ConsolidationScenario | None:
    data = form.cleaned_data
    try:
        return services.save_scenario(
            actor=request.user,
            cycle=cycle,
            scenario=scenario,
            name=data["name"],
            kind=data["kind"],
            members=list(data["members"]),
            continuing=data["continuing"],
            ip_headquarters=data["ip_headquarters"],
            region=data["region"],
            tlo_type=data["tlo_type"],
            saved_costs_percent=data["saved_costs_percent"],
            expected_version=data["version"],
        )
    except WorkflowError as error:
        form.add_error(None, str(error))
        return None


def _search(request: HttpRequest) -> str:
    """The candidate filter (?q=), as typed; at most 100 characters are looked at."""
    return request.GET.get("q", "")[:100]


def _member_choices(form: ScenarioForm, search: str) -> dict:
    groups = form.member_groups(search)
    return {
        "search": search,
        "member_groups": groups,
        "has_member_match": any(g["shown"] for g in groups),
    }


def scenario_list(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    cycle = _load(request, fiscal_year)
    form = ScenarioForm(request.POST or None, initial={"version": 0, "saved_costs_percent": 0})
    if request.method == "POST":
        if form.has_error("version"):
            return missing_version(request)
        if form.is_valid() and (scenario := _save(request, cycle, None, form)):
            messages.success(request, _("The scenario has been saved."))
            return redirect("reviews:scenario", fiscal_year, scenario.pk)
    context = {
        "cycle": cycle,
        "scenarios": selectors.scenario_list(cycle),
        "form": form,
        **_member_choices(form, _search(request)),
    }
    return render(request, "reviews/scenario_list.html", context)


def _initial(scenario: ConsolidationScenario) -> dict:
    return {
        "version": scenario.version,
        "name": scenario.name,
        "kind": scenario.kind,
        "members": [m.institution_id for m in scenario.members.all()],
        "continuing": scenario.continuing_id,
        "ip_headquarters": scenario.ip_headquarters_id,
        "region": scenario.region_id,
        "tlo_type": scenario.tlo_type,
        "saved_costs_percent": scenario.saved_costs_percent,
    }


def scenario_detail(request: HttpRequest, fiscal_year: int, pk: int) -> HttpResponse:
    cycle = _load(request, fiscal_year)
    scenario = _scenario(cycle, pk)
    initial = _initial(scenario)
    form = ScenarioForm(request.POST or None, initial=initial, members=initial["members"])
    if request.method == "POST":
        if form.has_error("version"):
            return missing_version(request)
        if form.is_valid() and _save(request, cycle, scenario, form):
            messages.success(request, _("The scenario has been saved."))
            return redirect("reviews:scenario", fiscal_year, pk)
    result = selectors.compute_scenario(selectors.ScenarioSpec.of(scenario))
    context = {
        "cycle": cycle,
        "scenario": scenario,
        "result": result,
        "form": form,
        **_member_choices(form, _search(request)),
    }
    return render(request, "reviews/scenario_detail.html", context)


@require_POST
def scenario_delete(request: HttpRequest, fiscal_year: int, pk: int) -> HttpResponse:
    cycle = _load(request, fiscal_year)
    scenario = _scenario(cycle, pk)
    version = posted_version(request.POST)
    if version is None:
        return missing_version(request)
    try:
        services.delete_scenario(actor=request.user, scenario=scenario, expected_version=version)
    except WorkflowError as error:
        return refuse(request, error, reverse("reviews:scenario", args=[fiscal_year, pk]))
    messages.success(request, _("The scenario has been deleted."))
    return redirect("reviews:scenarios", fiscal_year)


def scenario_download(
    request: HttpRequest, fiscal_year: int, pk: int, file_format: str
) -> HttpResponse:
    """For people (Japanese headers) or, with `headers=codes`, the columns of
    `consolidation_scenario`."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    cycle = _load(request, fiscal_year)
    result = selectors.compute_scenario(selectors.ScenarioSpec.of(_scenario(cycle, pk)))
    name = f"scenario-{fiscal_year}-{pk}"
    rows = list(selectors.script_rows(result))
    if request.GET.get("headers") == "codes":
        return download_response(selectors.SCRIPT_COLUMNS, rows, file_format=file_format, name=name)
    headers = [_("metric code"), _("institution code"), _("fiscal year"), _("value")]
    return download_response(headers, rows, file_format=file_format, name=name)


def _draftable(user, entry) -> bool:
    return permissions.can_draft_decision(user, entry)


@require_POST
def decision_scenario(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    """Link (or unlink) the scenario a merger or internalisation decision rests on."""
    entry = load_entry(request, fiscal_year, code, check=_draftable)
    decision = getattr(entry, "decision", None)
    if decision is None:
        raise Http404
    form = ScenarioLinkForm(request.POST, cycle=entry.cycle)
    if form.has_error("version"):
        return missing_version(request)
    back = reverse("reviews:entry", args=[fiscal_year, code])
    if not form.is_valid():
        return refuse(request, form_problem(form), back)
    try:
        services.link_scenario(
            actor=request.user,
            decision=decision,
            scenario=form.cleaned_data["scenario"],
            expected_version=form.cleaned_data["version"],
        )
    except WorkflowError as error:
        return refuse(request, error, back)
    messages.success(request, _("The decision's scenario has been saved."))
    return redirect(back)


def cycle_consolidations(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """Every drafted or decided merger and internalisation of the cycle, applied at once."""
    cycle = _load(request, fiscal_year)
    context = {"cycle": cycle, "data": consolidations.cycle_consolidations(cycle)}
    return render(request, "reviews/consolidations.html", context)
