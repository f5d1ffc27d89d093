"""The dashboards (SPEC §6): the national overview at /dashboards/ and each institution's
peer benchmark at /dashboards/institutions/<code>/. Every chart's data downloads as CSV
from the same URL with `download=<chart>` (the same filters, the same anonymisation)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.amounts import unit_label
from core.cache import cached_data, cached_page_data, page_key
from core.downloads import download_response
from core.views import refuse_bad_request
from institutions.audience import audience_key
from institutions.models import Institution

from . import charts, permissions
from .forms import DashboardFilterForm
from .selectors import benchmarks
from .selectors import national as selectors
from .selectors import support_effects as follow_up


@require_GET
def national(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_dashboards(request.user):
        raise PermissionDenied
    choices = selectors.filter_choices()
    form = DashboardFilterForm(request.GET, **choices)
    if not form.is_valid():
        return refuse_bad_request(request, form.problem())
    may_filter = permissions.can_filter_dashboard(request.user)
    if form.filters().view() and not may_filter:
        return refuse_bad_request(request, selectors.filtered_view_refused_text())
    filters, unit = form.filters(), request.user.amount_unit

    def compute() -> tuple:
        board = selectors.national_dashboard(filters=filters, user=request.user)
        return board, charts.national_charts(board, unit), charts.kpi_tiles(board, unit)

    key = page_key("national", (audience_key(request.user), filters, unit))
    board, figures, kpis = cached_data(key, compute)
    if "download" in request.GET:
        return _download(request, figures, f"dashboard_{board.fiscal_year}")
    context = {
        "board": board,
        "filter_selects": form.selects(filtered_views=may_filter),
        "badges": selectors.filter_badges(form.filters(), request.GET, choices=choices),
        "charts": {chart.key: chart for chart in figures},
        "ranking_charts": [chart for chart in figures if chart.key.startswith("ranking_")],
        "kpis": kpis,
        "amount_unit_label": unit_label(request.user.amount_unit),
        "benchmark_links": selectors.benchmark_links(request.user),
        "fragment_key": key,
        "can_view_support_effects": permissions.can_view_support_effects(request.user),
    }
    return render(request, "dashboards/national.html", context)


@require_GET
def benchmark(request: HttpRequest, code: str) -> HttpResponse:
    if not permissions.can_view_benchmarks(request.user):
        raise PermissionDenied
    institution = Institution.objects.filter(code=code).first()
    if institution is None or not permissions.can_view_benchmark(request.user, institution):
        raise Http404
    form = DashboardFilterForm(request.GET, **selectors.filter_choices())
    if not form.is_valid():
        return refuse_bad_request(request, form.problem())
    filters, unit = form.filters(), request.user.amount_unit

    def compute() -> tuple:
        board = benchmarks.peer_benchmark(
            institution=institution, fiscal_year=filters.fiscal_year, user=request.user
        )
        return board, charts.benchmark_charts(board, unit, metric=filters.metric)

    board, figures = cached_page_data(
        "benchmark",
        (audience_key(request.user), institution.pk, filters.fiscal_year, filters.metric, unit),
        compute,
    )
    if "download" in request.GET:
        return _download(request, figures, f"benchmark_{institution.code}_{board.fiscal_year}")
    context = {
        "board": board,
        "form": form,
        "charts": {chart.key: chart for chart in figures},
        "chosen_metric": filters.metric or "return_on_cost",
    }
    return render(request, "dashboards/benchmark.html", context)


def _download(request: HttpRequest, figures: list[charts.Chart], name: str) -> HttpResponse:
    key = request.GET.get("download", "")
    chart = next((c for c in figures if c.key == key), None)
    if chart is None:
        return refuse_bad_request(
            request, _("There is no chart “%(key)s” on this page.") % {"key": key[:40]}
        )
    return download_response(
        chart.headers,
        chart.rows,
        file_format="csv",
        name=f"{name}_{key}",
        encoding=request.GET.get("encoding"),
    )


@require_GET
def support_effects(request: HttpRequest) -> HttpResponse:
    """Whether support worked: each published cycle's tiers against institutions in no
    cycle (officials)."""
    if not permissions.can_view_support_effects(request.user):
        raise PermissionDenied
    unit = request.user.amount_unit
    measures, units = follow_up.measures(), follow_up.measure_units()
    follow_ups = [
        (f.cycle, charts.support_effect_charts(f, measures, units, unit))
        for f in follow_up.support_follow_up()
    ]
    if "download" in request.GET:
        return _download(request, [c for _cycle, cs in follow_ups for c in cs], "support_effects")
    context = {"follow_ups": follow_ups}
    return render(request, "dashboards/support_effects.html", context)
