"""The annual collection for officials: rounds (報告依頼) and the status page (提出状況).

Every page here names institutions, so only officials (and administrators, for the
status page) open them; anyone else gets a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import take_action
from core.downloads import download_response
from core.versions import VersionForm, missing_version
from core.workflow import WorkflowError
from institutions.fiscal_years import FiscalYearError, parse_fiscal_year
from institutions.models import Institution, Region

from .. import sheets
from ..enums import RoundAction
from ..forms import RoundForm, StatusFilterForm
from ..models import CollectionRound
from ..permissions import can_manage_rounds, can_view_collection_status
from ..report_years import current_fiscal_year
from ..selectors import collection as selectors
from ..selectors.coverage import existing_in
from ..services import collection as services
from ..workflow import ROUND_WORKFLOW


def collection_status(request: HttpRequest) -> HttpResponse:
    if not can_view_collection_status(request.user):
        raise PermissionDenied
    years = selectors.status_fiscal_years()
    current = current_fiscal_year()
    if current not in years:
        years = sorted([*years, current], reverse=True)
    query = request.GET.copy()
    if not query.get("fy"):
        # The year shown is the year selected: without one, the default year is both.
        query["fy"] = str(selectors.default_status_year() or current)
    form = StatusFilterForm(query, fiscal_years=years, regions=Region.objects.all())
    if not form.is_valid():
        context = {"form": form, "status": None, "years": years}
        return render(request, "metrics/collection/status.html", context, status=400)
    fiscal_year = form.cleaned_data["fy"]
    status = selectors.collection_status(
        fiscal_year=fiscal_year,
        region=form.cleaned_data["region"],
        tlo_type=form.cleaned_data["tlo_type"],
    )
    if form.cleaned_data["format"]:
        # The CSV is for scripts (codes); the XLSX for people, codes one parameter away.
        for_people = form.cleaned_data["format"] == "xlsx" and request.GET.get("headers") != "codes"
        return download_response(
            sheets.STATUS_HEADERS_JA if for_people else sheets.STATUS_COLUMNS,
            sheets.status_rows_for_people(status) if for_people else sheets.status_rows(status),
            file_format=form.cleaned_data["format"],
            name=f"collection_status_FY{fiscal_year}",
        )
    collection_round = status.round
    return render(
        request,
        "metrics/collection/status.html",
        {
            "form": form,
            "status": status,
            "round": collection_round,
            "can_manage": can_manage_rounds(request.user),
            "round_actions": _round_actions(request, collection_round),
            "reminders": selectors.reminders_of(collection_round)[:200] if collection_round else [],
            "query": form.cleaned_data,
        },
    )


def _round_actions(request: HttpRequest, collection_round: CollectionRound | None) -> list[str]:
    if collection_round is None:
        return []
    return ROUND_WORKFLOW.available(request.user, collection_round)


def _reporting_institutions():
    return Institution.objects.reporting().active().order_by("kind", "code")


def round_list(request: HttpRequest) -> HttpResponse:
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    return render(request, "metrics/collection/round_list.html", {"rounds": selectors.round_list()})


def round_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    proposed_year = _proposed_year(request.GET.get("fy", ""))
    form = RoundForm(
        request.POST or None,
        institutions=_reporting_institutions(),
        initial={
            "fiscal_year": str(proposed_year),
            "opens_on": timezone.localdate(),
            "expected": list(existing_in(proposed_year).values_list("code", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            collection_round = services.open_round(
                actor=request.user,
                fiscal_year=form.cleaned_data["fiscal_year"],
                opens_on=form.cleaned_data["opens_on"],
                deadline=form.cleaned_data["deadline"],
                expected=form.cleaned_data["expected"],
            )
        except WorkflowError as error:
            form.add_error("fiscal_year", str(error))
        else:
            messages.success(request, _("The collection round has been opened."))
            return redirect(f"{_status_url()}?fy={collection_round.fiscal_year}")
    return render(request, "metrics/collection/round_form.html", {"form": form, "round": None})


def _proposed_year(text: str) -> int:
    """The year a new round's form starts from: ?fy= if it is one, else last fiscal year
    (a year's figures are collected after it ends)."""
    try:
        year = parse_fiscal_year(text)
    except FiscalYearError:
        return current_fiscal_year() - 1
    return min(year, current_fiscal_year())


def _round_of(fiscal_year: int) -> CollectionRound:
    try:
        return CollectionRound.objects.get(fiscal_year=fiscal_year)
    except CollectionRound.DoesNotExist:
        raise Http404 from None


def round_edit(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    collection_round = _round_of(fiscal_year)
    if not ROUND_WORKFLOW.may(request.user, collection_round, RoundAction.CHANGE):
        messages.error(request, _("Reopen the round before changing it."))
        return redirect(f"{_status_url()}?fy={fiscal_year}")
    form = RoundForm(
        request.POST or None,
        institutions=_reporting_institutions(),
        fixed_year=True,
        initial={
            "fiscal_year": str(collection_round.fiscal_year),
            "opens_on": collection_round.opens_on,
            "deadline": collection_round.deadline,
            "expected": list(collection_round.expected.values_list("code", flat=True)),
            "version": collection_round.version,
        },
    )
    if request.method == "POST" and form.has_error("version"):
        return missing_version(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_round(
                actor=request.user,
                collection_round=collection_round,
                opens_on=form.cleaned_data["opens_on"],
                deadline=form.cleaned_data["deadline"],
                expected=form.cleaned_data["expected"],
                expected_version=form.cleaned_data["version"],
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The collection round has been changed."))
            return redirect(f"{_status_url()}?fy={fiscal_year}")
    context = {"form": form, "round": collection_round}
    return render(request, "metrics/collection/round_form.html", context)


def _round_act(request: HttpRequest, fiscal_year: int, service, message: str) -> HttpResponse:
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    collection_round = _round_of(fiscal_year)
    return take_action(
        request,
        VersionForm(request.POST),
        call=lambda data: service(
            actor=request.user,
            collection_round=collection_round,
            expected_version=data["version"],
        ),
        success=message,
        back=f"{_status_url()}?fy={fiscal_year}",
    )


@require_POST
def round_close(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    return _round_act(
        request, fiscal_year, services.close_round, _("The collection round has been closed.")
    )


@require_POST
def round_reopen(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    return _round_act(
        request, fiscal_year, services.reopen_round, _("The collection round is open again.")
    )


def _status_url() -> str:
    return reverse("metrics:collection_status")


urlpatterns = [
    path("status/", collection_status, name="collection_status"),
    path("rounds/", round_list, name="round_list"),
    path("rounds/new/", round_create, name="round_create"),
    path("rounds/<int:fiscal_year>/edit/", round_edit, name="round_edit"),
    path("rounds/<int:fiscal_year>/close/", round_close, name="round_close"),
    path("rounds/<int:fiscal_year>/reopen/", round_reopen, name="round_reopen"),
]
