"""The dashboards (SPEC §6): the national overview at /dashboards/ and each institution's
peer benchmark at /dashboards/institutions/<code>/. Every chart's data downloads as CSV
from the same URL with `download=<chart>` (the same filters, the same anonymisation)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.amounts import unit_label
from core.cache import cached_data, current_data_version, lazily_cached_data, page_cache_key
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
    """The national dashboard. Its data and its whole rendered content are cached
    (core.cache) under the data version, the reader's audience, the filters, the unit and
    the language: a warm request reads the version and the filters' choices, checks the
    filters, and draws only the page around the stored content."""
    if not permissions.can_view_dashboards(request.user):
        raise PermissionDenied
    user = request.user
    version = current_data_version()
    choices = cached_data(
        page_cache_key("dashboard_filter_choices", (), version=version), selectors.filter_choices
    )
    form = DashboardFilterForm(request.GET, **choices)
    if not form.is_valid():
        return refuse_bad_request(request, form.problem())
    may_filter = permissions.can_filter_dashboard(user)
    if form.filters().view() and not may_filter:
        return refuse_bad_request(request, selectors.filtered_view_refused_text())
    filters, unit = form.filters(), user.amount_unit

    def compute() -> tuple:
        board = selectors.national_dashboard(filters=filters, user=user)
        return board, charts.national_charts(board, unit), charts.kpi_tiles(board, unit)

    key = page_cache_key("national", (audience_key(user), filters, unit), version=version)
    data = lazily_cached_data(key, compute)
    if "download" in request.GET:
        board, figures, _kpis = data
        return _download(request, figures, f"dashboard_{board.fiscal_year}")
    # Read only when the content is drawn (a cold request): a warm one takes it whole.
    context = {
        "board": SimpleLazyObject(lambda: data[0]),
        "filter_selects": SimpleLazyObject(lambda: form.selects(filtered_views=may_filter)),
        "badges": SimpleLazyObject(
            lambda: selectors.filter_badges(filters, request.GET, choices=choices)
        ),
        "charts": SimpleLazyObject(lambda: {chart.key: chart for chart in data[1]}),
        "ranking_charts": SimpleLazyObject(
            lambda: [chart for chart in data[1] if chart.key.startswith("ranking_")]
        ),
        "kpis": SimpleLazyObject(lambda: data[2]),
        "amount_unit_label": unit_label(unit),
        "benchmark_links": SimpleLazyObject(lambda: selectors.benchmark_links(user)),
        "fragment_key": key,
        "can_view_support_effects": permissions.can_view_support_effects(user),
    }
    return render(request, "dashboards/national.html", context)


@require_GET
def benchmark(request: HttpRequest, code: str) -> HttpResponse:
    """An institution against its peers; cached like the national dashboard (data and
    whole content), keyed also by the institution, the fiscal year and the metric."""
    if not permissions.can_view_benchmarks(request.user):
        raise PermissionDenied
    user = request.user
    institution = Institution.objects.filter(code=code).first()
    if institution is None or not permissions.can_view_benchmark(user, institution):
        raise Http404
    version = current_data_version()
    choices = cached_data(
        page_cache_key("dashboard_filter_choices", (), version=version), selectors.filter_choices
    )
    form = DashboardFilterForm(request.GET, **choices)
    if not form.is_valid():
        return refuse_bad_request(request, form.problem())
    filters, unit = form.filters(), user.amount_unit

    def compute() -> tuple:
        board = benchmarks.peer_benchmark(
            institution=institution, fiscal_year=filters.fiscal_year, user=user
        )
        return board, charts.benchmark_charts(board, unit, metric=filters.metric)

    key = page_cache_key(
        "benchmark",
        (audience_key(user), institution.pk, filters.fiscal_year, filters.metric, unit),
        version=version,
    )
    data = lazily_cached_data(key, compute)
    if "download" in request.GET:
        board, figures = data
        return _download(request, figures, f"benchmark_{institution.code}_{board.fiscal_year}")
    context = {
        "institution": institution,
        "board": SimpleLazyObject(lambda: data[0]),
        "form": form,
        "charts": SimpleLazyObject(lambda: {chart.key: chart for chart in data[1]}),
        "chosen_metric": filters.metric or "return_on_cost",
        "fragment_key": key,
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
