"""Registry pages. Each view: load through a selector, check a permission, call a
service, render or redirect."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.cache import cached_data, current_report_list_version, page_cache_key
from core.downloads import download_response
from core.enums import RUNNING_JOB_STATES
from core.sections import contributions
from core.tables.problems import FileProblem
from core.tables.wording import sentence
from core.views import refuse_bad_request

from . import permissions, selectors, services
from .audience import audience_key
from .enums import TloType
from .filters import InstitutionFilter
from .forms import AmountUnitForm, RegistryUploadForm
from .models import Institution
from .registry_file import EXTRA_COLUMNS, REGISTRY_COLUMNS, template_rows
from .resources import InstitutionResource
from .sections import page_sections

PAGE_SIZE = 100


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"panels": contributions("HOME_PANELS", user=request.user)})


@require_GET
def institution_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_registry(request.user):
        raise PermissionDenied
    search = request.GET.get("q", "").strip()
    filterset = InstitutionFilter(request.GET, queryset=selectors.institution_list(search=search))
    institutions = filterset.qs
    export_format = request.GET.get("format")
    if export_format in ("csv", "xlsx"):
        return _download(institutions, export_format)  # every row the filters select
    page = Paginator(institutions.only(*selectors.INSTITUTION_LIST_COLUMNS), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "institutions/institution_list.html",
        {
            "filter": filterset,
            "page": page,
            "institutions": page,
            "search": search,
            "can_manage": permissions.can_manage_registry(request.user),
        },
    )


def _download(institutions, export_format: str) -> HttpResponse:
    dataset = InstitutionResource().export(queryset=institutions)
    return download_response(
        dataset.headers, dataset, file_format=export_format, name="institutions"
    )


def institution_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An institution's page with what every app adds (institutions.sections). Its whole
    content is cached (core.cache) under the data and report versions (the sections show
    drafts too), the reader's audience, the institution, the unit and the language: a
    warm request runs no query of its own but the versions'."""
    if not permissions.can_view_registry(request.user):
        raise PermissionDenied
    user = request.user

    def draw() -> dict[str, str]:
        try:
            institution = selectors.institution_detail(code=code)
        except Institution.DoesNotExist:
            raise Http404 from None  # nothing stored: a code that appears is found at once
        context = {
            "institution": institution,
            "consolidation": selectors.consolidation_of(institution),
            "sections": page_sections(user=user, institution=institution),
        }
        body = render_to_string("institutions/_institution_detail_body.html", context, request)
        return {"title": institution.name_ja, "body": body}

    key = page_cache_key(
        "institution_page",
        (audience_key(user), code[:64], user.amount_unit),
        version=current_report_list_version(),
    )
    page = cached_data(key, draw)
    return render(request, "institutions/institution_detail.html", page)


def registry_timeline(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_registry(request.user):
        raise PermissionDenied
    return render(
        request,
        "institutions/registry_timeline.html",
        {
            "tlo_types": [t.label for t in TloType],
            "rows": selectors.approvals_by_fiscal_year(),
            "events": selectors.consolidation_events(),
        },
    )


def registry_upload(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_registry(request.user):
        raise PermissionDenied
    form = RegistryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.start_registry_upload(
                actor=request.user,
                file_name=upload.name or "",
                data=upload.read(),
                language=get_language(),
            )
        except FileProblem as failure:
            form.add_error("file", sentence(failure.problem))
        else:
            return redirect("institutions:upload_detail", pk=job.pk)
    context = {"form": form, "columns": REGISTRY_COLUMNS, "extra_columns": EXTRA_COLUMNS}
    return render(request, "institutions/registry_upload.html", context)


def registry_upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An upload being checked and loaded (the page polls its progress), or its outcome."""
    if not permissions.can_manage_registry(request.user):
        raise PermissionDenied
    job = selectors.registry_upload_of(user=request.user, pk=pk)
    return render(
        request,
        "institutions/registry_upload_detail.html",
        {"job": job, "running": job.state in RUNNING_JOB_STATES},
    )


@never_cache
@require_GET
def registry_upload_progress(request: HttpRequest, pk: int) -> JsonResponse:
    if not permissions.can_manage_registry(request.user):
        raise PermissionDenied
    job = selectors.registry_upload_progress_of(user=request.user, pk=pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
            "percent": job.progress_percent,
            "running": job.state in RUNNING_JOB_STATES,
            "url": reverse("institutions:upload_detail", args=[job.pk]),
        }
    )


@require_GET
def registry_template(request: HttpRequest) -> HttpResponse:
    """The upload's template: the columns of the list's download, and an example row."""
    if not permissions.can_manage_registry(request.user):
        raise PermissionDenied
    headers, rows = template_rows()
    return download_response(
        headers, rows, file_format=request.GET.get("format"), name="registry_template"
    )


@require_POST
def amount_unit_switch(request: HttpRequest) -> HttpResponse:
    """The header's unit switch: save the person's choice, go back to the page they were on."""
    form = AmountUnitForm(request.POST)
    if not form.is_valid():
        return refuse_bad_request(request, _("Choose yen, thousand yen or million yen."))
    services.set_amount_unit(actor=request.user, unit=form.cleaned_data["amount_unit"])
    target = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "home"
    return redirect(target)
