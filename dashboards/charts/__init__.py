"""Dashboard selector output → plotly figures, as plain dicts (faster than plotly's graph
objects; tests/dashboards/test_chart_schema.py checks every figure against plotly's
schema), with the table behind each: the same rows are the screen readers' alternative
and the CSV download.

No queries here. Labels follow the reader's language; yen amounts are scaled to the
reader's unit (core.amounts: 円, 千円, 百万円, rounded half up) and the unit is in the
axis titles, the hover text and the table headers. Withheld values (small groups, for
anonymised readers) are gaps in the figure and the withheld text in the table and hover.
"""

from .base import Chart, metric_number, metric_text
from .benchmark import benchmark_charts, distribution_chart, position_chart, quintile_label
from .national import (
    Tile,
    balance_chart,
    groups_chart,
    kpi_tiles,
    national_charts,
    quadrant_chart,
    ranking_chart,
    totals_chart,
)
from .reference import japan_us_chart, survey_chart
from .registry import approvals_chart, consolidations_chart
from .support_effects import support_effect_charts
from .trends import (
    per_agreement_chart,
    region_income_chart,
    trend_amounts_chart,
    trend_counts_chart,
)

__all__ = [
    "Chart",
    "Tile",
    "approvals_chart",
    "balance_chart",
    "benchmark_charts",
    "consolidations_chart",
    "distribution_chart",
    "groups_chart",
    "japan_us_chart",
    "kpi_tiles",
    "metric_number",
    "metric_text",
    "national_charts",
    "per_agreement_chart",
    "position_chart",
    "quadrant_chart",
    "quintile_label",
    "ranking_chart",
    "region_income_chart",
    "support_effect_charts",
    "survey_chart",
    "totals_chart",
    "trend_amounts_chart",
    "trend_counts_chart",
]
