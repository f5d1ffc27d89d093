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
    Chart,
    amount,
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
        unit_label(amount_unit),
        lambda code, v: plot_value(v, amount_unit),
        amount_unit=amount_unit,
    )


def _trend_chart(key, title, points, codes, axis_unit, convert, *, amount_unit="yen") -> Chart:
    years = [year_label(p.fiscal_year) for p in points]
    data = []
    for code in codes:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": field_label(code),
                "x": years,
                "y": [as_float(convert(code, p.totals.get(code))) for p in points],
                **hover_text(
                    [
                        f"{year_label(p.fiscal_year)} {field_label(code)}: "
                        + (
                            withheld_text()
                            if p.withheld
                            else figure_text(code, p.totals.get(code), amount_unit)
                        )
                        for p in points
                    ],
                    trace="scatter",
                ),
            }
        )
    headers = [_("fiscal year"), _("institutions"), *(figure_header(c, amount_unit) for c in codes)]
    rows = _trend_rows(
        points, [(c, lambda p, c=c: figure_number(c, p.totals.get(c), amount_unit)) for c in codes]
    )
    figure = {
        "data": data,
        "layout": figure_layout(
            title, xaxis=axis_style(type="category"), yaxis=axis_style(axis_unit)
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
            yaxis=axis_style(unit_label(amount_unit)),
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
            yaxis=axis_style(unit_label(amount_unit)),
        ),
    }
    if not trends:
        return Chart(
            "region_income", title, headers, rows, None, empty=_("No accepted report yet.")
        )
    summary = _("Licence income per region and fiscal year; see the table for every value.")
    return Chart("region_income", title, headers, rows, figure, summary=summary)
