"""Whether support worked, as charts: for one published review, each tier's median of a
measure over the fiscal years relative to the review's, with the comparison group of
approved TLOs in no review. The count of institutions behind every point is in its hover
text and in the table. No queries."""

from __future__ import annotations

from django.utils.translation import gettext as _

from metrics.enums import MetricUnit

from ..selectors.support_effects import (
    LICENCE_INCOME,
    NO_CYCLE,
    OFFSETS,
    CycleFollowUp,
    cohort_label,
    offset_label,
)
from .base import (
    COLOURS,
    Chart,
    as_float,
    axis_style,
    figure_layout,
    metric_number,
    metric_text,
    metric_unit_label,
    with_unit,
)

COMPARISON_COLOUR = "#5b6776"


def _unit(code: str, units: dict[str, str]) -> str:
    return MetricUnit.YEN if code == LICENCE_INCOME else units.get(code, "")


def support_effect_charts(
    follow_up: CycleFollowUp,
    measures: list[tuple[str, str]],
    units: dict[str, str],
    amount_unit: str,
) -> list[Chart]:
    """One chart per measure: a line per group (the comparison group dashed), the x axis
    the years from three before the review to three after."""
    fiscal_year = follow_up.cycle.fiscal_year
    labels = [offset_label(offset) for offset in OFFSETS]
    charts = []
    for code, name in measures:
        unit = _unit(code, units)
        unit_text = metric_unit_label(unit, amount_unit)
        title = _("%(measure)s: median by support tier") % {"measure": name}
        data, rows = [], []
        for index, cohort in enumerate(follow_up.cohorts):
            group = cohort_label(cohort.key)
            points = [cohort.series[code][offset] for offset in OFFSETS]
            texts = [
                _("%(group)s, %(year)s: %(value)s (median of %(count)s institutions)")
                % {
                    "group": group,
                    "year": label,
                    "value": metric_text(point.median, unit, amount_unit),
                    "count": point.count,
                }
                for label, point in zip(labels, points, strict=True)
            ]
            comparison = cohort.key == NO_CYCLE
            colour = COMPARISON_COLOUR if comparison else COLOURS[index % len(COLOURS)]
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": _("%(group)s (%(count)s)") % {"group": group, "count": cohort.members},
                    "x": labels,
                    "y": [
                        as_float(metric_number(point.median, unit, amount_unit)) for point in points
                    ],
                    "line": {"color": colour, "dash": "dash" if comparison else "solid"},
                    "marker": {"color": colour},
                    "connectgaps": False,
                    # Our own hover text only; shared hover_text's textposition "none"
                    # is for bars, and a line's mode without "text" draws none anyway.
                    "text": texts,
                    "hovertemplate": "%{text}<extra></extra>",
                }
            )
            rows.append(
                [
                    group,
                    *(
                        _("%(value)s (%(count)s)")
                        % {
                            "value": metric_text(point.median, unit, amount_unit)
                            if point.median is not None
                            else "—",
                            "count": point.count,
                        }
                        for point in points
                    ),
                ]
            )
        figure = {
            "data": data,
            "layout": figure_layout(
                title,
                xaxis=axis_style(type="category"),  # the ticks say 3年度前 … 3年度後
                yaxis=axis_style(with_unit(name, unit_text) if unit_text else name),
            ),
        }
        has_points = any(
            point.median is not None
            for c in follow_up.cohorts
            for point in [c.series[code][offset] for offset in OFFSETS]
        )
        charts.append(
            Chart(
                key=f"support-{fiscal_year}-{code}",
                title=title,
                headers=[_("group"), *labels],
                rows=rows,
                figure=figure if has_points else None,
                summary=_(
                    "Medians by support tier from three years before the review to three "
                    "after; the number of institutions behind each point is in the table."
                ),
                empty=_("No institution of these groups has a value in these years."),
            )
        )
    return charts
