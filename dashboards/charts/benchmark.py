"""The peer benchmark's charts (KEF-style). No queries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from metrics.selectors.metric_values import withheld_text

from ..selectors.benchmarks import Benchmark
from .base import (
    COLOURS,
    OWN_COLOUR,
    Chart,
    as_float,
    axis_style,
    figure_layout,
    hover_text,
    metric_header,
    metric_number,
    metric_text,
    metric_unit_label,
    with_unit,
)

# ---------------------------------------------------------------------------------------
# The peer benchmark


def quintile_label(quintile: int | None) -> str:
    if quintile is None:
        return "—"
    return [_("top 20%"), _("20–40%"), _("40–60%"), _("60–80%"), _("bottom 20%")][quintile - 1]


def benchmark_charts(board: Benchmark, amount_unit: str, *, metric: str = "") -> list[Chart]:
    if board.fiscal_year is None:
        return []
    charts = [position_chart(board, amount_unit)]
    chosen = next((m for m in board.metrics if m.definition.code == metric), None)
    chosen = chosen or next(
        (m for m in board.metrics if m.definition.code == "return_on_cost"), None
    )
    if chosen is not None:
        charts.append(distribution_chart(board, chosen, amount_unit))
    return charts


def position_chart(board: Benchmark, amount_unit: str) -> Chart:
    """Every metric: the fifth of each comparison group the institution stands in."""
    title = _("Where %(institution)s stands: quintile in each group") % {
        "institution": _own_name(board)
    }
    group_keys = list(dict.fromkeys(g.key for m in board.metrics for g in m.groups))
    group_labels = {g.key: g.label for m in board.metrics for g in m.groups}
    headers = [_("metric"), _("value")]
    for key in group_keys:
        headers += [
            _("%(group)s: institutions") % {"group": group_labels[key]},
            _("%(group)s: median") % {"group": group_labels[key]},
            _("%(group)s: quintile") % {"group": group_labels[key]},
        ]
    rows = []
    for m in board.metrics:
        unit = m.definition.unit
        row: list[Any] = [
            metric_header(m.definition, amount_unit),
            metric_number(m.value, unit, amount_unit),
        ]
        by_key = {g.key: g for g in m.groups}
        for key in group_keys:
            g = by_key.get(key)
            if g is None:
                row += [None, None, None]
            elif g.withheld:
                row += [withheld_text(), withheld_text(), withheld_text()]
            else:
                row += [
                    g.institutions,
                    metric_number(g.median, unit, amount_unit),
                    quintile_label(g.quintile),
                ]
        rows.append(row)
    metrics_shown = [m for m in board.metrics if m.value is not None]
    names = [m.definition.name for m in metrics_shown]
    data = []
    symbols = ["circle", "square", "diamond", "triangle-up"]
    for index, key in enumerate(group_keys):
        xs, ys, texts = [], [], []
        for m, name in zip(metrics_shown, names, strict=True):
            g = next((g for g in m.groups if g.key == key), None)
            if g is None or g.withheld or g.quintile is None:
                continue
            # 5 = the best fifth, drawn on the right; groups side by side within a fifth.
            xs.append(6 - g.quintile + (index - 1.5) * 0.12)
            ys.append(name)
            texts.append(
                f"{name} — {group_labels[key]}: {quintile_label(g.quintile)}; "
                + _("median %(median)s, this institution %(value)s")
                % {
                    "median": metric_text(g.median, m.definition.unit, amount_unit),
                    "value": metric_text(m.value, m.definition.unit, amount_unit),
                }
            )
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": group_labels[key],
                "x": xs,
                "y": ys,
                "marker": {
                    "size": 12,
                    "symbol": symbols[index % 4],
                    "color": COLOURS[index % len(COLOURS)],
                },
                **hover_text(texts, trace="scatter"),
            }
        )
    ticks = [quintile_label(q) for q in (5, 4, 3, 2, 1)]
    figure = {
        "data": data,
        "layout": figure_layout(
            title,
            xaxis=axis_style(
                _("quintile in the group"),
                tickvals=[1, 2, 3, 4, 5],
                ticktext=ticks,
                range=[0.5, 5.5],
            ),
            yaxis=axis_style(autorange="reversed", automargin=True, type="category"),
            height=max(320, 30 * len(names) + 120),
            margin={"l": 200, "r": 20, "t": 50, "b": 60},
        ),
    }
    summary = _(
        "Each metric's quintile in the region, the TLO type, the nation and the size peers; see the table."
    )
    return Chart("position", title, headers, rows, figure, summary=summary)


def distribution_chart(board: Benchmark, metric, amount_unit: str) -> Chart:
    """One metric: each group's middle three fifths (20th–80th percentile) as a bar, its
    median and the institution's own value."""
    definition = metric.definition
    unit = definition.unit
    title = _("%(metric)s: %(institution)s against its groups") % {
        "metric": definition.name,
        "institution": _own_name(board),
    }
    shown = [g for g in metric.groups if not g.withheld and g.median is not None]
    headers = [
        _("group"),
        _("institutions"),
        *(_("%(percent)s percentile") % {"percent": p} for p in ("20", "40", "60", "80")),
        _("median"),
        _("this institution"),
    ]
    headers = [
        headers[0],
        headers[1],
        *(
            with_unit(h, metric_unit_label(unit, amount_unit))
            if metric_unit_label(unit, amount_unit)
            else h
            for h in headers[2:]
        ),
    ]
    rows = []
    for g in metric.groups:
        if g.withheld:
            rows.append(
                [
                    g.label,
                    withheld_text(),
                    *([withheld_text()] * 5),
                    metric_number(metric.value, unit, amount_unit),
                ]
            )
        else:
            rows.append(
                [
                    g.label,
                    g.institutions,
                    *(metric_number(q, unit, amount_unit) for q in g.quintiles),
                    metric_number(g.median, unit, amount_unit),
                    metric_number(metric.value, unit, amount_unit),
                ]
            )
    labels = [g.label for g in shown]

    def num(v):
        return as_float(metric_number(v, unit, amount_unit))

    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": _("20th–80th percentile"),
            "y": labels,
            "base": [num(g.quintiles[0]) for g in shown],
            "x": [(num(g.quintiles[3]) or 0) - (num(g.quintiles[0]) or 0) for g in shown],
            "marker": {"color": "rgba(11,92,173,0.25)"},
            **hover_text(
                [
                    f"{g.label}: {metric_text(g.quintiles[0], unit, amount_unit)} – {metric_text(g.quintiles[3], unit, amount_unit)}"
                    for g in shown
                ]
            ),
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": _("median"),
            "y": labels,
            "x": [num(g.median) for g in shown],
            "marker": {
                "size": 14,
                "symbol": "line-ns-open",
                "color": COLOURS[0],
                "line": {"width": 3},
            },
            **hover_text(
                [
                    f"{g.label} {_('median')}: {metric_text(g.median, unit, amount_unit)}"
                    for g in shown
                ],
                trace="scatter",
            ),
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": _own_name(board),
            "y": labels,
            "x": [num(metric.value)] * len(shown),
            "marker": {"size": 14, "symbol": "star", "color": OWN_COLOUR},
            **hover_text(
                [f"{_own_name(board)}: {metric_text(metric.value, unit, amount_unit)}"]
                * len(shown),
                trace="scatter",
            ),
        },
    ]
    figure = {
        "data": data,
        "layout": figure_layout(
            title,
            xaxis=axis_style(metric_unit_label(unit, amount_unit)),
            yaxis=axis_style(autorange="reversed", automargin=True),
            height=320,
            margin={"l": 220, "r": 20, "t": 50, "b": 60},
        ),
    }
    if not shown or metric.value is None:
        return Chart(
            "distribution",
            title,
            headers,
            rows,
            None,
            empty=_("No comparison to show for this metric."),
        )
    summary = "; ".join(
        f"{g.label}: {_('median')} {metric_text(g.median, unit, amount_unit)}, {quintile_label(g.quintile)}"
        for g in shown
    )
    return Chart("distribution", title, headers, rows, figure, summary=summary)


def _own_name(board: Benchmark) -> str:
    institution = board.institution
    if (get_language() or "ja").startswith("en") and institution.name_en:
        return institution.name_en
    return institution.name_ja
