"""Annual report pages: list, queue, new, detail, edit, and the workflow actions.

Another institution's report is a 404; a role that has no business with reports, or
an action the person's role does not take, is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.actions import take_action
from core.cache import cached_data, current_report_list_version, page_cache_key
from core.versions import VersionForm, missing_version, parse_version, posted_version
from core.workflow import WorkflowError
from institutions.audience import audience_key
from metrics.enums import ReportAction
from metrics.forms import (
    LicenceFormSet,
    NewReportForm,
    ReasonForm,
    ReportFilterForm,
    ReportForm,
    licence_rows,
)
from metrics.models import AnnualReport
from metrics.permissions import (
    can_create_reports,
    can_judge_reports,
    can_list_reports,
    can_view_report,
)
from metrics.selectors import reports as selectors
from metrics.services import reports as services
from metrics.workflow import REPORT_WORKFLOW, available_actions

PAGE_SIZE = 100
MAX_CACHED_PAGE = 1000  # beyond any list's last page (20,000 reports ÷ 100)

BUTTON_LABELS = {
    ReportAction.SUBMIT: gettext_lazy("Submit to the ministries"),
    ReportAction.ACCEPT: gettext_lazy("Accept"),
    ReportAction.RETURN: gettext_lazy("Return to the institution"),
    ReportAction.REOPEN: gettext_lazy("Reopen"),
    ReportAction.DELETE: gettext_lazy("Delete this draft"),
}
# What the confirmation dialog asks before each action is posted.
CONFIRMATIONS = {
    ReportAction.SUBMIT: gettext_lazy(
        "Submit this report to the ministries? You can change it again only if they return it."
    ),
    ReportAction.ACCEPT: gettext_lazy(
        "Accept this report? It will be locked, its institution told, and the metrics recomputed."
    ),
    ReportAction.RETURN: gettext_lazy(
        "Return this report to the institution? They will be e-mailed the reason."
    ),
    ReportAction.REOPEN: gettext_lazy(
        "Reopen this accepted report? The institution will be e-mailed the reason and can "
        "change it; the metrics will be recomputed."
    ),
    ReportAction.DELETE: gettext_lazy(
        "Delete this draft and its licence rows? This cannot be undone."
    ),
}
BULK_ACCEPT_CONFIRMATION = gettext_lazy(
    "Accept the selected reports? Each is locked, its institution told, and the metrics recomputed."
)


def _report_for(request: HttpRequest, pk: int, action: ReportAction | None = None) -> AnnualReport:
    """The report, if this person may see it (else 404) and may take the action on it
    whatever its state (else 403: the table's predicate says who)."""
    try:
        report = selectors.report_detail(pk=pk)
    except AnnualReport.DoesNotExist:
        raise Http404 from None
    if not can_view_report(request.user, report):
        # A role that has no report pages is refused; anyone else is not told it exists.
        raise Http404 if can_list_reports(request.user) else PermissionDenied
    if action and not REPORT_WORKFLOW[action].allowed(request.user, report):
        raise PermissionDenied
    return report


def _export_url(params: dict[str, str]) -> str:
    """The report export (metrics.views.imports) with the list's filters."""
    url = reverse("metrics:report_export")
    return f"{url}?{urlencode(params)}" if params else url


def _buttons(request: HttpRequest, report: AnnualReport) -> list[dict]:
    """The workflow buttons this person may press on this report."""
    return [
        {
            "action": action.value,
            "label": BUTTON_LABELS[action],
            "url": reverse(f"metrics:report_{action.value}", args=[report.pk]),
            "needs_reason": REPORT_WORKFLOW[action].needs_reason,
            "confirm": CONFIRMATIONS[action],
        }
        for action in available_actions(request.user, report)
    ]


def report_list(request: HttpRequest) -> HttpResponse:
    """Reports this person may see, filtered, a page at a time. The list's HTML is
    cached (core.cache) under the data and report versions, the reader's audience, the
    valid filters, the page and the language; a warm request runs three queries
    (session, person, versions) and draws only the page around it."""
    if not can_list_reports(request.user):
        raise PermissionDenied
    user = request.user
    version = current_report_list_version()
    audience = audience_key(user)
    fiscal_years = cached_data(
        page_cache_key("report_fiscal_years", audience, version=version),
        lambda: selectors.report_fiscal_years(user),
    )
    form = ReportFilterForm(
        request.GET,
        fiscal_years=fiscal_years,
        institutions=selectors.reporting_institutions(user),
    )
    valid = form.is_valid()
    page_number = request.GET.get("page") or "1"

    def page_of_reports():
        if valid:
            reports = selectors.report_list(user=user, **form.filters())
        else:  # a filter naming what this person may not see shows nothing, not everything
            reports = AnnualReport.objects.none()
        return Paginator(reports, PAGE_SIZE).get_page(page_number)

    context = {
        "form": form,
        "page": SimpleLazyObject(page_of_reports),  # read only when the list is drawn
        "export_url": _export_url(form.query()),
        "can_create": SimpleLazyObject(lambda: can_create_reports(user)),
        "can_see_queue": can_judge_reports(user),
    }

    def draw() -> str:
        return render_to_string("metrics/reports/_report_list_body.html", context, request)

    # Refused filters and page numbers no list reaches are drawn, never stored.
    if valid and page_number.isdigit() and 0 < int(page_number) <= MAX_CACHED_PAGE:
        key = page_cache_key(
            "report_list", (audience, form.query(), int(page_number)), version=version
        )
        body = cached_data(key, draw)
    else:
        body = draw()
    return render(request, "metrics/reports/report_list.html", {**context, "body": body})


def report_queue(request: HttpRequest) -> HttpResponse:
    if not can_judge_reports(request.user):
        raise PermissionDenied
    return render(
        request,
        "metrics/reports/report_queue.html",
        {"reports": selectors.submitted_queue(), "confirm": BULK_ACCEPT_CONFIRMATION},
    )


@require_POST
def report_bulk_accept(request: HttpRequest) -> HttpResponse:
    """Accept the reports ticked in the queue, each at the version the official saw."""
    if not can_judge_reports(request.user):
        raise PermissionDenied
    versions = _posted_versions(request)
    if versions is None:
        return missing_version(request)
    if not versions:
        messages.error(request, _("Select the reports to accept."))
        return redirect("metrics:report_queue")
    try:
        accepted = services.accept_reports(actor=request.user, versions=versions)
    except services.BatchRefused as refusal:
        messages.error(request, _("Nothing was accepted."))
        for problem in refusal.messages:
            messages.error(request, problem)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s report has been accepted.",
                "%(count)s reports have been accepted.",
                len(accepted),
            )
            % {"count": len(accepted)},
        )
    return redirect("metrics:report_queue")


def _posted_versions(request: HttpRequest) -> dict[int, int] | None:
    """Report id → version for every ticked report (`report` values, `version-<id>`);
    None if an id or its version is missing or not a number."""
    versions = {}
    for value in request.POST.getlist("report")[:1000]:
        # A report id is a whole number like a version; the one parser reads both.
        pk, version = parse_version(value), posted_version(request.POST, f"version-{value}")
        if pk is None or version is None:
            return None
        versions[pk] = version
    return versions


def report_create(request: HttpRequest) -> HttpResponse:
    if not can_create_reports(request.user):
        raise PermissionDenied
    form = NewReportForm(
        request.POST or None,
        institutions=selectors.reporting_institutions(request.user),
        # The home page's "start the report" link names the institution and year.
        initial={
            "institution": request.GET.get("institution", "")[:40],
            "fiscal_year": request.GET.get("fiscal_year", "")[:16],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.create_report(actor=request.user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error("fiscal_year", str(error))
        else:
            messages.success(request, _("The report has been started as a draft."))
            return redirect("metrics:report_edit", pk=report.pk)
    return render(request, "metrics/reports/report_create.html", {"form": form})


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    previous = selectors.previous_report(report)
    for_official = can_judge_reports(request.user)
    warnings = selectors.warnings_for(report, previous=previous, for_official=for_official)
    return render(
        request,
        "metrics/reports/report_detail.html",
        {
            "report": report,
            "previous": previous,
            "groups": selectors.figure_groups(report, previous=previous, warnings=warnings),
            "warnings": warnings,
            "licences": selectors.report_licences(report),
            "history": selectors.report_history(report),
            "buttons": _buttons(request, report),
            "can_edit": REPORT_WORKFLOW.may(request.user, report, ReportAction.EDIT),
            "reason_form": ReasonForm(initial={"version": report.version}),
            "missing_core": selectors.missing_core_figures(report),
            "for_official": for_official,
        },
    )


def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, ReportAction.EDIT)
    if not REPORT_WORKFLOW.may(request.user, report, ReportAction.EDIT):
        messages.error(request, _("This report cannot be edited in its present state."))
        return redirect("metrics:report_detail", pk=report.pk)
    previous = selectors.previous_report(report)
    data = request.POST if request.method == "POST" else None
    form = ReportForm(data, report=report, previous=previous)
    formset = LicenceFormSet(data, instance=report, prefix="licences")
    status = 200
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            services.save_report(
                actor=request.user,
                report=report,
                figures=form.figures(),
                licences=licence_rows(formset),
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleReportError as error:
            form.add_error(None, str(error))
            status = 409
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The report has been saved."))
            return redirect("metrics:report_detail", pk=report.pk)
    warnings = selectors.warnings_for(report, previous=previous)
    context = {
        "report": report,
        "form": form,
        "formset": formset,
        "warnings": warnings,
        "missing_core": selectors.missing_core_figures(report),
    }
    return render(request, "metrics/reports/report_form.html", context, status=status)


def _act(
    request: HttpRequest,
    pk: int,
    action: ReportAction,
    service,
    message: str,
    *,
    form_class=VersionForm,
    done: str | None = None,
) -> HttpResponse:
    """Take a workflow action on a report from the version the person saw (and with the
    reason, for the actions that need one), then go back to the report."""
    report = _report_for(request, pk, action)
    back = reverse("metrics:report_detail", args=[report.pk])
    return take_action(
        request,
        form_class(request.POST),
        call=lambda data: service(actor=request.user, report=report, **_arguments(data)),
        success=message,
        back=back,
        done=done,
        invalid=lambda form: _reason_page(request, report, form, action),
    )


def _arguments(data) -> dict:
    """A posted action form's cleaned data as the service's keyword arguments."""
    arguments = {"expected_version": data["version"]}
    if "reason" in data:
        arguments["reason"] = data["reason"]
    return arguments


def _reason_page(request: HttpRequest, report: AnnualReport, form, action: ReportAction):
    context = {"report": report, "form": form, "action": action}
    return render(request, "metrics/reports/reason_form.html", context)


@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ReportAction.SUBMIT,
        services.submit_report,
        _("The report has been submitted."),
    )


@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, ReportAction.ACCEPT, services.accept_report, _("The report has been accepted.")
    )


@require_POST
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ReportAction.DELETE,
        services.delete_report,
        _("The draft has been deleted."),
        done=reverse("metrics:report_list"),
    )


def _act_with_reason(request: HttpRequest, pk: int, action: ReportAction, service, message: str):
    """A reason's page (GET) and the action it posts."""
    if request.method != "POST":
        report = _report_for(request, pk, action)
        form = ReasonForm(initial={"version": report.version})
        return _reason_page(request, report, form, action)
    return _act(request, pk, action, service, message, form_class=ReasonForm)


def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_with_reason(
        request,
        pk,
        ReportAction.RETURN,
        services.return_report,
        _("The report has been returned to the institution."),
    )


def report_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_with_reason(
        request,
        pk,
        ReportAction.REOPEN,
        services.reopen_report,
        _("The report has been reopened; the institution can correct it."),
    )


urlpatterns = [
    path("reports/", report_list, name="report_list"),
    path("reports/queue/", report_queue, name="report_queue"),
    path("reports/queue/accept/", report_bulk_accept, name="report_bulk_accept"),
    path("reports/new/", report_create, name="report_create"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", report_submit, name="report_submit"),
    path("reports/<int:pk>/return/", report_return, name="report_return"),
    path("reports/<int:pk>/accept/", report_accept, name="report_accept"),
    path("reports/<int:pk>/reopen/", report_reopen, name="report_reopen"),
    path("reports/<int:pk>/delete/", report_delete, name="report_delete"),
]
