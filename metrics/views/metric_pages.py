"""The metric catalogue and one metric's page (ranking, aggregates, downloads)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from core.cache import lazily_cached_data, page_key
from core.downloads import download_response
from institutions.audience import audience_key

from .. import permissions, sheets
from ..anonymity import small_group_threshold
from ..display import formula_text
from ..forms import MetricPageFilter
from ..models import MetricDefinition
from ..selectors import metric_values as selectors
from ..selectors.coverage import coverage, default_fiscal_year
from ..selectors.disclosure import national_cell_withheld, reader_known_ids
from ..selectors.satisfaction import satisfaction_sources, uses_satisfaction


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_anonymised_metrics(request.user):
        raise PermissionDenied
    definitions = [(d, formula_text(d)) for d in selectors.metric_catalogue()]
    context = {
        "definitions": definitions,
        "satisfaction_codes": {d.code for d, _ in definitions if uses_satisfaction(d)},
        "satisfaction_note": satisfaction_sources().catalogue_note(),
    }
    return render(request, "metrics/metric_pages/catalogue.html", context)


@require_GET
def metric_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not permissions.can_view_anonymised_metrics(request.user):
        raise PermissionDenied
    try:
        definition = selectors.metric_definition(code=code)
    except MetricDefinition.DoesNotExist:
        raise Http404 from None
    filters = MetricPageFilter(request.GET)
    context = {"filters": filters, "formula": formula_text(definition), "definition": definition}
    if not filters.is_valid():
        # A parameter we cannot read is said so, never replaced by another year or kind.
        context["page"] = None
        return render(request, "metrics/metric_pages/metric_detail.html", context, status=400)
    params = filters.params()
    kind = params["kind"]

    def compute() -> tuple:
        fiscal_year = params["fiscal_year"] or default_fiscal_year(kind=kind)
        anonymise = not permissions.can_view_named_metrics(request.user)
        page = selectors.metric_page(
            definition=definition,
            fiscal_year=fiscal_year,
            kind=kind,
            top=params["top"],
            anonymise=anonymise,
            own_institution_ids=selectors.own_institution_ids(request.user),
            national_withheld=anonymise
            and national_cell_withheld(
                code=definition.code,
                fiscal_year=fiscal_year
                or next(iter(selectors.metric_fiscal_years(definition=definition)), None),
                kind=kind,
                known=reader_known_ids(request.user),
            ),
        )
        found = None if page.fiscal_year is None else coverage(page.fiscal_year, kind=kind)
        return page, found

    key = page_key(
        "metric",
        (audience_key(request.user), definition.code, params["fiscal_year"], kind, params["top"]),
    )
    data = lazily_cached_data(key, compute)
    if params["format"]:
        page = data[0]
        if page.ranking is not None:
            return _download(
                page,
                params["table"],
                params["format"],
                request.user.amount_unit,
                codes=params["codes"],
            )
    # Read only when the content is drawn: a warm request takes the stored HTML (keyed
    # also by the amount unit, in which the ranking's amounts are written).
    page = SimpleLazyObject(lambda: data[0])
    context["page"] = page
    context["small_group_threshold"] = SimpleLazyObject(small_group_threshold)
    context["coverage"] = SimpleLazyObject(lambda: None if page.fiscal_year is None else data[1])
    context["year_has_values"] = SimpleLazyObject(
        lambda: page.fiscal_year is not None and page.fiscal_year in page.fiscal_years
    )
    context["fragment_key"] = key
    context["unit"] = request.user.amount_unit
    return render(request, "metrics/metric_pages/metric_detail.html", context)


def _download(
    page: selectors.MetricPage, table: str, file_format: str, amount_unit: str, *, codes: bool
) -> HttpResponse:
    if table == "aggregates":
        headers, rows = sheets.aggregate_sheet(page, codes=codes)
    else:
        headers, rows = sheets.ranking_sheet(page.ranking, codes=codes, amount_unit=amount_unit)
    name = f"{page.definition.code}_{page.fiscal_year}_{table}"
    return download_response(headers, rows, file_format=file_format, name=name, sheet_title=table)


urlpatterns = [
    path("", catalogue, name="catalogue"),
    path("<slug:code>/", metric_detail, name="metric_detail"),
]
