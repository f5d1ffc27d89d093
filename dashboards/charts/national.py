"""The national dashboard's charts. No queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.amounts import format_yen, plot_value
from institutions.fiscal_years import format_fiscal_year
from metrics.selectors.metric_values import ranking_counts_text, withheld_text

from ..selectors.national import (
    TOTAL_FIELDS,
    GroupRow,
    NationalDashboard,
    Ranking,
)
from .base import (
    COLOURS,
    OWN_COLOUR,
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
    metric_header,
    metric_number,
    metric_text,
    metric_unit_label,
)
from .reference import japan_us_chart, survey_chart
from .registry import approvals_chart, consolidations_chart
from .trends import (
    per_agreement_chart,
    region_income_chart,
    trend_amounts_chart,
    trend_counts_chart,
)

# ---------------------------------------------------------------------------------------
# The national overview


def national_charts(board: NationalDashboard, amount_unit: str) -> list[Chart]:
    """Every chart of the national dashboard, in page order."""
    charts: list[Chart] = []
    if board.fiscal_year is None:
        return [
            approvals_chart(board),
            consolidations_chart(board),
            japan_us_chart(board.top_licence_income),
            survey_chart(board.survey),
        ]
    if not board.withheld:
        charts.append(totals_chart(board, amount_unit))
        charts.append(balance_chart(board))
        charts.extend(
            ranking_chart(r, amount_unit, key=f"ranking_{r.definition.code}")
            for r in board.rankings
        )
    charts.append(trend_counts_chart(board.trend))
    charts.append(trend_amounts_chart(board.trend, amount_unit))
    charts.append(per_agreement_chart(board, amount_unit))
    charts.append(region_income_chart(board.region_trends, amount_unit))
    if not board.withheld:
        charts.append(
            groups_chart("by_region", _("By region"), board.by_region, board, amount_unit)
        )
        charts.append(groups_chart("by_type", _("By TLO type"), board.by_type, board, amount_unit))
        charts.append(quadrant_chart(board, amount_unit))
    charts.append(approvals_chart(board))
    charts.append(consolidations_chart(board))
    charts.append(japan_us_chart(board.top_licence_income))
    charts.append(survey_chart(board.survey))
    return charts


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    change: str
    direction: str  # up, down or "" (also "" when the change is for reference only)


def incomplete_comparison(board: NationalDashboard) -> str:
    """Why a change on the previous year is for reference only, or "" when both years
    are complete (most expected institutions reported: the one rule of
    metrics.selectors.coverage): 「前年度は13/50機関のため参考値」."""
    reasons = [
        text % {"reported": coverage.accepted, "expected": coverage.expected}
        for text, coverage in (
            (_("this year %(reported)s/%(expected)s institutions"), board.coverage),
            (
                _("the previous year %(reported)s/%(expected)s institutions"),
                board.previous_coverage,
            ),
        )
        if coverage is not None and coverage.expected and not coverage.complete
    ]
    if not reasons:
        return ""
    return _("%(reasons)s: for reference only") % {"reasons": _(", ").join(reasons)}


def kpi_tiles(board: NationalDashboard, amount_unit: str) -> list[Tile]:
    """The overview's figures as tiles: value and change on the previous year, marked as
    for reference only (without an up or down colour) when either year is incomplete."""
    tiles = []
    caveat = incomplete_comparison(board)
    for total in board.totals:
        change = None if total.change is None else metric_number(total.change, "percent", "")
        direction = "" if change is None else ("up" if change > 0 else "down" if change < 0 else "")
        if change is None:
            text = _("no previous year to compare")
        elif caveat:
            text = _("%(change)s on the previous year (%(caveat)s)") % {
                "change": _signed(change),
                "caveat": caveat,
            }
            direction = ""
        else:
            text = _("%(change)s on the previous year") % {"change": _signed(change)}
        tiles.append(
            Tile(
                field_label(total.code),
                figure_text(total.code, total.value, amount_unit),
                text,
                direction,
            )
        )
    return tiles


def totals_chart(board: NationalDashboard, amount_unit: str) -> Chart:
    fiscal_year = board.fiscal_year
    title = _("Totals and change on the previous year")
    headers = [
        _("figure"),
        format_fiscal_year(fiscal_year),
        format_fiscal_year(fiscal_year - 1),
        _("change (%)"),
    ]
    rows, labels, changes, hovers = [], [], [], []
    for total in board.totals:
        change = None if total.change is None else metric_number(total.change, "percent", "")
        rows.append(
            [
                figure_header(total.code, amount_unit),
                figure_number(total.code, total.value, amount_unit),
                figure_number(total.code, total.previous, amount_unit),
                change,
            ]
        )
        labels.append(field_label(total.code))
        changes.append(as_float(change))
        hovers.append(
            f"{field_label(total.code)}: {figure_text(total.code, total.value, amount_unit)}"
            f" ({_signed(change)})"
        )
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": changes,
                "marker": {"color": [COLOURS[2] if (c or 0) >= 0 else COLOURS[4] for c in changes]},
                **hover_text(hovers),
            }
        ],
        "layout": figure_layout(
            title,
            xaxis=axis_style(_("change on the previous year (%)"), ticksuffix="%"),
            yaxis=axis_style(autorange="reversed", automargin=True),
            margin={"l": 140, "r": 20, "t": 50, "b": 50},
        ),
    }
    caveat = incomplete_comparison(board)
    if caveat:
        # Faded bars: a change against an incomplete year is not a national trend.
        figure["data"][0]["opacity"] = 0.45
        figure["data"][0]["marker"]["pattern"] = {"shape": "/"}
    summary = "; ".join(
        f"{labels[i]} {figure_text(t.code, t.value, amount_unit)} ({_signed(rows[i][3])})"
        for i, t in enumerate(board.totals)
    )
    if caveat:
        summary = f"{summary} ({caveat})"
    return Chart("totals", title, headers, rows, figure, summary=summary, note=caveat)


def _signed(change: Decimal | None) -> str:
    if change is None:
        return _("no change shown")
    return f"+{change}%" if change >= 0 else f"\u2212{-change}%"


def balance_chart(board: NationalDashboard) -> Chart:
    title = _("TLOs in surplus and in deficit")
    balance = board.balance
    labels = [_("surplus"), _("deficit"), _("not defined")]
    counts = [balance.surplus, balance.deficit, balance.not_defined] if balance else [0, 0, 0]
    rows = [[label, count] for label, count in zip(labels, counts, strict=True)]
    figure = {
        "data": [
            {
                "type": "pie",
                "hole": 0.45,
                "labels": labels,
                "values": counts,
                "sort": False,
                # Readable without colour: each slice is labelled in words and has a pattern.
                "marker": {
                    "colors": [COLOURS[2], COLOURS[4], "#c0c7cf"],
                    "pattern": {
                        "shape": ["", "/", "."],
                        "fillmode": "overlay",
                        "fgcolor": "#ffffff",
                        "fgopacity": 0.6,
                        "solidity": 0.25,
                    },
                    "line": {"color": "#ffffff", "width": 1},
                },
                **hover_text([f"{lab}: {c}" for lab, c in zip(labels, counts, strict=True)]),
                "textinfo": "label+value",
                "textposition": "auto",
                # Words and counts on the slices; an empty slice (0) says nothing there, the
                # table and the summary have it.
                "texttemplate": ["%{label}<br>%{value}" if c else "" for c in counts],
            }
        ],
        # Room above the ring for a small slice's label outside it, clear of the title.
        "layout": figure_layout(
            title, showlegend=False, margin={"l": 30, "r": 30, "t": 90, "b": 30}
        ),
    }
    summary = ", ".join(f"{lab} {c}" for lab, c in zip(labels, counts, strict=True))
    return Chart(
        "balance", title, [_("operating balance"), _("institutions")], rows, figure, summary=summary
    )


def ranking_chart(ranking: Ranking, amount_unit: str, *, key: str) -> Chart:
    definition = ranking.definition
    nickname = f" ({definition.nickname})" if definition.nickname else ""
    name = f"{definition.name}{nickname}"
    if ranking.source_label:
        # A satisfaction metric says where the year's values came from (issue #18).
        name = _("%(metric)s (%(source)s)") % {"metric": name, "source": ranking.source_label}
    title = _("Ranking: %(metric)s") % {"metric": name}
    unit = definition.unit
    headers = [_("rank"), _("institution"), metric_header(definition, amount_unit)]
    rows = [[e.rank, e.label, metric_number(e.value, unit, amount_unit)] for e in ranking.entries]
    if ranking.source_label:
        headers.append(_("source"))
        rows = [[*row, e.source] for row, e in zip(rows, ranking.entries, strict=True)]
    note = ranking_counts_text(ranking.ranked, ranking.excluded, ranking.no_report)
    if ranking.source_note:
        note = f"{note} {ranking.source_note}"
    if not ranking.entries:
        return Chart(
            key, title, headers, rows, None, empty=_("No value for this fiscal year."), note=note
        )
    # Axis labels short enough for three charts side by side; the hover has the full name.
    labels = [f"{e.rank}. {_short(e.label)}" for e in ranking.entries]
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": [as_float(metric_number(e.value, unit, amount_unit)) for e in ranking.entries],
                "marker": {
                    "color": [OWN_COLOUR if e.is_own else COLOURS[0] for e in ranking.entries]
                },
                **hover_text(
                    [
                        f"{e.rank}. {e.label}: {metric_text(e.value, unit, amount_unit)}"
                        + (f" ({e.source})" if e.source else "")
                        for e in ranking.entries
                    ]
                ),
            }
        ],
        "layout": figure_layout(
            title,
            xaxis=axis_style(metric_unit_label(unit, amount_unit)),
            yaxis=axis_style(autorange="reversed", automargin=True),
            margin={"l": 160, "r": 20, "t": 50, "b": 40},
            height=360,
        ),
    }
    summary = "; ".join(
        f"{e.rank}. {e.label} {metric_text(e.value, unit, amount_unit)}" for e in ranking.entries
    )
    return Chart(key, title, headers, rows, figure, summary=summary, note=note)


def _short(label: str, limit: int = 14) -> str:
    if (get_language() or "ja").startswith("en"):
        limit *= 2
    return label if len(label) <= limit else label[: limit - 1] + "…"


def groups_chart(
    key: str, title: str, groups: Sequence[GroupRow], board: NationalDashboard, amount_unit: str
) -> Chart:
    """Totals (licence income bars) and the median return on cost, per region or TLO type."""
    definitions = board.definitions
    median_codes = [
        c
        for c in (
            "return_on_cost",
            "licence_rate",
            "commercialisation_rate",
            "joint_research_income_per_agreement",
        )
        if c in definitions
    ]
    headers = [
        _("group"),
        _("institutions"),
        *(figure_header(c, amount_unit) for c in TOTAL_FIELDS),
        *(
            _("median: %(metric)s") % {"metric": metric_header(definitions[c], amount_unit)}
            for c in median_codes
        ),
    ]
    rows = []
    for g in groups:
        row: list[Any] = [g.label, g.institutions]
        for code in TOTAL_FIELDS:
            row.append(
                withheld_text()
                if g.totals_withheld
                else figure_number(code, g.totals.get(code), amount_unit)
            )
        for code in median_codes:
            unit = definitions[code].unit
            row.append(
                withheld_text()
                if g.medians_withheld
                else metric_number(g.medians.get(code), unit, amount_unit)
            )
        rows.append(row)
    labels = [g.label for g in groups]
    income = [
        None if g.totals_withheld else plot_value(g.totals.get("licence_income"), amount_unit)
        for g in groups
    ]
    roc = definitions.get("return_on_cost")
    medians = [
        None
        if g.medians_withheld or roc is None
        else as_float(metric_number(g.medians.get("return_on_cost"), roc.unit, amount_unit))
        for g in groups
    ]
    data = [
        {
            "type": "bar",
            "name": figure_header("licence_income", amount_unit),
            "x": labels,
            "y": income,
            **hover_text(
                [
                    f"{g.label}: "
                    + (
                        withheld_text()
                        if g.totals_withheld
                        else format_yen(g.totals.get("licence_income"), amount_unit)
                    )
                    for g in groups
                ]
            ),
        }
    ]
    if roc is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("median: %(metric)s") % {"metric": metric_header(roc, amount_unit)},
                "x": labels,
                "y": medians,
                "yaxis": "y2",
                "marker": {"size": 12, "symbol": "diamond", "color": COLOURS[1]},
                **hover_text(
                    [
                        f"{g.label}: "
                        + (
                            withheld_text()
                            if g.medians_withheld
                            else metric_text(g.medians.get("return_on_cost"), roc.unit, amount_unit)
                        )
                        for g in groups
                    ],
                    trace="scatter",
                ),
            }
        )
    figure = {
        "data": data,
        "layout": figure_layout(
            title,
            xaxis=axis_style(),
            yaxis=axis_style(amount_axis_title(amount_unit)),
            yaxis2=axis_style(
                "%", overlaying="y", side="right", showgrid=False, rangemode="tozero"
            ),
            margin={"l": 70, "r": 60, "t": 50, "b": 60},
            # A withheld group says so where its bar would be, rather than look like zero.
            annotations=[
                {
                    "x": g.label,
                    "y": 0,
                    "yref": "y",
                    "text": _("withheld"),
                    "showarrow": False,
                    "yanchor": "bottom",
                    "font": {"size": 11, "color": "#5b6776"},
                }
                for g in groups
                if g.totals_withheld
            ],
        ),
    }
    if not groups:
        return Chart(
            key, title, headers, rows, None, empty=_("No accepted report for this fiscal year.")
        )
    summary = "; ".join(
        f"{g.label} ({g.institutions}): "
        + (
            withheld_text()
            if g.totals_withheld
            else format_yen(g.totals.get("licence_income"), amount_unit)
        )
        for g in groups
    )
    return Chart(key, title, headers, rows, figure, summary=summary)


def quadrant_chart(board: NationalDashboard, amount_unit: str) -> Chart:
    title = _("Return on cost against regional necessity")
    headers = [
        _("institution"),
        _("return on cost (%)"),
        _("regional necessity (1–5)"),
        figure_header("licence_income", amount_unit),
        _("decision or rule"),
    ]
    quadrant = board.quadrant
    if quadrant is None or not quadrant.points:
        return Chart(
            "quadrant",
            title,
            headers,
            [],
            None,
            empty=_("No review cycle has regional-necessity scores to show yet."),
        )
    points = quadrant.points
    rows = [
        [
            p.label or "—",
            metric_number(p.return_on_cost, "percent", amount_unit),
            Decimal(repr(p.regional_necessity)).quantize(Decimal("0.01"), ROUND_HALF_UP),
            amount(p.licence_income, amount_unit),
            p.category,
        ]
        for p in points
    ]
    largest = max((p.licence_income or 0) for p in points) or 1
    data = []
    for index, category in enumerate(dict.fromkeys(p.category for p in points)):
        members = [p for p in points if p.category == category]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": category,
                "x": [
                    as_float(metric_number(p.return_on_cost, "percent", amount_unit))
                    for p in members
                ],
                "y": [p.regional_necessity for p in members],
                "marker": {
                    "size": [8 + 40 * ((p.licence_income or 0) / largest) ** 0.5 for p in members],
                    "color": COLOURS[index % len(COLOURS)],
                    "opacity": 0.75,
                    "line": {
                        "width": [3 if p.is_own else 0.5 for p in members],
                        "color": "#1d2733",
                    },
                },
                **hover_text(
                    [
                        (f"{p.label}: " if p.label else "")
                        + f"{metric_text(p.return_on_cost, 'percent', amount_unit)}, "
                        + f"{p.regional_necessity:.2f}, {format_yen(p.licence_income, amount_unit)}, {category}"
                        for p in members
                    ],
                    trace="scatter",
                ),
            }
        )
    figure = {
        "data": data,
        "layout": figure_layout(
            f"{title} — {quadrant.cycle}",
            xaxis=axis_style(_("return on cost (%)"), ticksuffix="%"),
            yaxis=axis_style(_("regional necessity (1–5)"), range=[0.5, 5.5]),
            shapes=[
                {
                    "type": "line",
                    "x0": 100,
                    "x1": 100,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"dash": "dot", "color": "#9aa5b1"},
                },
                {
                    "type": "line",
                    "y0": 3,
                    "y1": 3,
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "line": {"dash": "dot", "color": "#9aa5b1"},
                },
            ],
        ),
    }
    summary = _(
        "%(count)s institutions of %(cycle)s (%(year)s); bubble size is licence income."
    ) % {
        "count": len(points),
        "cycle": quadrant.cycle,
        "year": format_fiscal_year(quadrant.fiscal_year),
    }
    note = ""
    if quadrant.not_defined:
        note = _("%(count)s institutions of the cycle have no return on cost that year.") % {
            "count": quadrant.not_defined
        }
    return Chart("quadrant", title, headers, rows, figure, summary=summary, note=note)
