"""Trends over fiscal years: nationally (the view), per region and per TLO type. No queries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from core.amounts import format_yen, plot_value, unit_label
from institutions.fiscal_years import format_fiscal_year
from metrics.selectors.metric_values import withheld_text

from ..selectors.national import (
    AMOUNT_FIELDS,
    GroupTrend,
    NationalDashboard,
    TrendPoint,
)
from .base import (
    COLOURS,
    Chart,
    amount,
    amount_axis_title,
    as_float,
    axis_style,
    field_label,
    figure_header,
    figure_layout,
    figure_number,
    figure_text,
    hover_text,
    with_unit,
    year_label,
)


def _trend_rows(
    points: Sequence[TrendPoint], columns: Sequence[tuple[str, Callable]]
) -> list[list]:
    rows = []
    for point in points:
        row: list[Any] = [format_fiscal_year(point.fiscal_year), point.institutions]
        for _header, value_of in columns:
            row.append(withheld_text() if point.withheld else value_of(point))
        rows.append(row)
    return rows


def coverage_label(point: TrendPoint) -> str:
    """「13/50機関」: how many of the expected institutions reported in the year."""
    return _("%(reported)s/%(expected)s institutions") % {
        "reported": point.institutions,
        "expected": point.expected,
    }


def incomplete_marks(points: Sequence[TrendPoint]) -> dict:
    """Layout additions marking each incomplete year: a faded band over it and its
    coverage above the plot, so that its total is never read as a complete year's."""
    shapes, annotations = [], []
    for point in points:
        if point.complete:
            continue
        year = year_label(point.fiscal_year)
        shapes.append(
            {
                # A thick vertical line: a band over the year, whatever the category width.
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": year,
                "x1": year,
                "y0": 0,
                "y1": 1,
                "line": {"width": 28, "color": "rgba(91,103,118,0.14)"},
                "layer": "below",
            }
        )
        annotations.append(
            {
                "x": year,
                "xref": "x",
                "y": 1.0,
                "yref": "paper",
                "yanchor": "bottom",
                "text": coverage_label(point) + "<br>" + _("incomplete"),
                "showarrow": False,
                "font": {"size": 10, "color": "#5b6776"},
            }
        )
    return {"shapes": shapes, "annotations": annotations} if shapes else {}


def _split_series(points: Sequence[TrendPoint], values: list) -> tuple[list, list]:
    """The values of complete years (a solid line), and those of incomplete years with
    their complete neighbours (a dashed line joining them), None elsewhere."""
    solid = [v if p.complete else None for p, v in zip(points, values, strict=True)]
    dashed = [None] * len(values)
    for i, point in enumerate(points):
        if not point.complete:
            for j in (i - 1, i, i + 1):
                if 0 <= j < len(values):
                    dashed[j] = values[j]
    return solid, dashed


def trend_counts_chart(points: Sequence[TrendPoint]) -> Chart:
    title = _("Trends: patents, licences, commercialisations and joint research")
    codes = [
        "patent_applications",
        "patents_granted",
        "licences_granted",
        "commercialisations",
        "joint_research_count",
    ]
    return _trend_chart("trend_counts", title, points, codes, "", lambda code, v: v)


def trend_amounts_chart(points: Sequence[TrendPoint], amount_unit: str) -> Chart:
    title = _("Trends: licence income and joint research income")
    return _trend_chart(
        "trend_amounts",
        title,
        points,
        list(AMOUNT_FIELDS),
        amount_axis_title(amount_unit),
        lambda code, v: plot_value(v, amount_unit),
        amount_unit=amount_unit,
    )


def _trend_chart(key, title, points, codes, axis_unit, convert, *, amount_unit="yen") -> Chart:
    years = [year_label(p.fiscal_year) for p in points]
    data = []
    for index, code in enumerate(codes):
        colour = COLOURS[index % len(COLOURS)]
        values = [as_float(convert(code, p.totals.get(code))) for p in points]
        texts = [
            f"{year_label(p.fiscal_year)} {field_label(code)}: "
            + (
                withheld_text()
                if p.withheld
                else figure_text(code, p.totals.get(code), amount_unit)
            )
            + ("" if p.complete else f" ({coverage_label(p)}, {_('incomplete')})")
            for p in points
        ]
        solid, dashed = _split_series(points, values)
        if any(v is not None for v in dashed):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": field_label(code) + _(" (incomplete year)"),
                    "legendgroup": code,
                    "showlegend": False,
                    "x": years,
                    "y": dashed,
                    "line": {"dash": "dot", "color": colour},
                    "marker": {"symbol": "circle-open", "color": colour},
                    "opacity": 0.55,
                    **hover_text(texts, trace="scatter"),
                }
            )
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": field_label(code),
                "legendgroup": code,
                "line": {"color": colour},
                "marker": {"color": colour},
                "x": years,
                "y": solid,
                **hover_text(texts, trace="scatter"),
            }
        )
    headers = [_("fiscal year"), _("institutions"), *(figure_header(c, amount_unit) for c in codes)]
    rows = _trend_rows(
        points, [(c, lambda p, c=c: figure_number(c, p.totals.get(c), amount_unit)) for c in codes]
    )
    figure = {
        "data": data,
        "layout": figure_layout(
            title,
            xaxis=axis_style(type="category"),
            yaxis=axis_style(axis_unit),
            **incomplete_marks(points),
        ),
    }
    if not points:
        return Chart(key, title, headers, rows, None, empty=_("No accepted report yet."))
    first, last = points[0], points[-1]
    summary = _("%(first)s to %(last)s, %(count)s fiscal years; see the table for every value.") % {
        "first": format_fiscal_year(first.fiscal_year),
        "last": format_fiscal_year(last.fiscal_year),
        "count": len(points),
    }
    return Chart(key, title, headers, rows, figure, summary=summary)


def per_agreement_chart(board: NationalDashboard, amount_unit: str) -> Chart:
    """Joint research income per agreement (the seed: stayed near ¥2.5M), nationally, per
    region and per TLO type: the pooled figure, income summed over agreements summed."""
    title = _("Joint research income per agreement")
    series: list[tuple[str, Sequence[TrendPoint]]] = [(_("Nation (this view)"), board.trend)]
    series += [(g.label, g.points) for g in (*board.region_trends, *board.type_trends)]
    years = [year_label(p.fiscal_year) for p in board.trend]
    data = []
    for index, (label, points) in enumerate(series):
        per = [p.per("joint_research_income", "joint_research_count") for p in points]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label,
                "x": years,
                "y": [plot_value(v, amount_unit) for v in per],
                "line": {"width": 3 if index == 0 else 1.5},
                **hover_text(
                    [
                        f"{label} {year_label(p.fiscal_year)}: "
                        + (withheld_text() if p.withheld else format_yen(v, amount_unit))
                        for p, v in zip(points, per, strict=True)
                    ],
                    trace="scatter",
                ),
            }
        )
    headers = [
        _("fiscal year"),
        *(with_unit(label, unit_label(amount_unit)) for label, _p in series),
    ]
    rows = []
    for i, point in enumerate(board.trend):
        row: list[Any] = [format_fiscal_year(point.fiscal_year)]
        for _label, points in series:
            p = points[i]
            row.append(
                withheld_text()
                if p.withheld
                else amount(p.per("joint_research_income", "joint_research_count"), amount_unit)
            )
        rows.append(row)
    figure = {
        "data": data,
        "layout": figure_layout(
            title,
            xaxis=axis_style(type="category"),
            yaxis=axis_style(amount_axis_title(amount_unit)),
            **incomplete_marks(board.trend),
        ),
    }
    summary = _("Joint research income divided by the number of agreements, per fiscal year.")
    return Chart("per_agreement", title, headers, rows, figure, summary=summary)


def region_income_chart(trends: Sequence[GroupTrend], amount_unit: str) -> Chart:
    title = _("Licence income by region")
    years = sorted({p.fiscal_year for g in trends for p in g.points})
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": g.label,
            "x": [year_label(p.fiscal_year) for p in g.points],
            "y": [plot_value(p.totals.get("licence_income"), amount_unit) for p in g.points],
            **hover_text(
                [
                    f"{g.label} {year_label(p.fiscal_year)}: "
                    + (
                        withheld_text()
                        if p.withheld
                        else format_yen(p.totals.get("licence_income"), amount_unit)
                    )
                    for p in g.points
                ],
                trace="scatter",
            ),
        }
        for g in trends
    ]
    headers = [_("fiscal year"), *(with_unit(g.label, unit_label(amount_unit)) for g in trends)]
    rows = []
    for i, fiscal_year in enumerate(years):
        row: list[Any] = [format_fiscal_year(fiscal_year)]
        for g in trends:
            p = g.points[i]
            row.append(
                withheld_text()
                if p.withheld
                else amount(p.totals.get("licence_income"), amount_unit)
            )
        rows.append(row)
    figure = {
        "data": data,
        "layout": figure_layout(
            title,
            xaxis=axis_style(type="category"),
            yaxis=axis_style(amount_axis_title(amount_unit)),
        ),
    }
    if not trends:
        return Chart(
            "region_income", title, headers, rows, None, empty=_("No accepted report yet.")
        )
    summary = _("Licence income per region and fiscal year; see the table for every value.")
    return Chart("region_income", title, headers, rows, figure, summary=summary)
