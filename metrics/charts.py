"""Dashboard selector output → plotly figures, as plain dicts (no validation), with the
table behind each: the same rows are the screen readers' alternative and the CSV download.

No queries here. Labels follow the reader's language; yen amounts are scaled to the
reader's unit (core.amounts: 円, 千円, 百万円, rounded half up) and the unit is in the
axis titles, the hover text and the table headers. Withheld values (small groups, for
anonymised readers) are gaps in the figure and the withheld text in the table and hover.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any

import orjson
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.amounts import format_yen, plot_value, scaled, unit_label
from institutions.fiscal_years import format_date, format_fiscal_year

from .calculations import format_value
from .enums import MetricUnit
from .models import MetricDefinition
from .report_fields import REPORT_FIELDS_BY_CODE
from .selectors.dashboards import (
    AMOUNT_FIELDS,
    TOTAL_FIELDS,
    Benchmark,
    GroupRow,
    GroupTrend,
    NationalDashboard,
    Ranking,
    SurveyRow,
    TopLicenceIncome,
    TrendPoint,
)
from .selectors.metric_values import withheld_text

FONT = '"Noto Sans CJK JP", "Hiragino Kaku Gothic ProN", "Yu Gothic", Meiryo, sans-serif'
COLOURS = ["#0b5cad", "#d9822b", "#1c7c3c", "#8e44ad", "#b3261e", "#5b6776", "#16a2b8"]
OWN_COLOUR = "#d9822b"


@dataclass
class Chart:
    """One chart of a dashboard: its figure, the table behind it, and a text alternative."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    figure: dict | None = None  # None: nothing to draw (see `empty`)
    summary: str = ""
    empty: str = ""
    note: str = ""
    display_rows: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.display_rows:
            self.display_rows = [[_cell(cell) for cell in row] for row in self.rows]

    @property
    def table_html(self) -> str:
        """The table behind the chart (the screen readers' alternative), built here rather
        than in a template loop: a dashboard has a few thousand cells."""
        head = "".join(
            ('<th scope="col">' if i == 0 else '<th scope="col" class="num">') + f"{escape(h)}</th>"
            for i, h in enumerate(self.headers)
        )
        body = "".join(
            "<tr>"
            + "".join(
                f'<th scope="row">{escape(cell)}</th>'
                if i == 0
                else f'<td class="num">{escape(cell)}</td>'
                for i, cell in enumerate(row)
            )
            + "</tr>"
            for row in self.display_rows
        )
        return mark_safe(
            f'<table class="data"><caption class="visually-hidden">{escape(self.title)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )

    @property
    def figure_json(self) -> str:
        """The figure for a <script type="application/json"> block: fast JSON (orjson),
        with <, > and & escaped so that no text in it can end the block."""
        text = orjson.dumps(self.figure).decode()
        return mark_safe(
            text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        )


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


# ---------------------------------------------------------------------------------------
# Numbers in the reader's units


def field_label(code: str) -> str:
    return str(REPORT_FIELDS_BY_CODE[code].label)


def with_unit(label: str, unit: str) -> str:
    return _("%(label)s (%(unit)s)") % {"label": label, "unit": unit}


def amount(value: float | None, amount_unit: str) -> Decimal | None:
    """A yen amount in the reader's unit, rounded as shown."""
    return None if value is None else scaled(value, amount_unit)


def metric_number(value: float | None, unit: str, amount_unit: str) -> Decimal | None:
    """A metric value as the table and the CSV give it: percent to one decimal, yen in the
    reader's unit, counts and ratios to two decimals."""
    if value is None:
        return None
    if unit == MetricUnit.YEN:
        return scaled(value, amount_unit)
    exact = Decimal(repr(float(value)))
    if unit == MetricUnit.PERCENT:
        return (exact * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if unit == MetricUnit.COUNT and exact == exact.to_integral_value():
        return exact.quantize(Decimal(1))
    return exact.quantize(Decimal("0.01"), ROUND_HALF_UP)


def metric_text(value: float | None, unit: str, amount_unit: str) -> str:
    if value is None:
        return _("not defined")
    if unit == MetricUnit.YEN:
        return format_yen(value, amount_unit)
    return format_value(value, unit)


def metric_unit_label(unit: str, amount_unit: str) -> str:
    if unit == MetricUnit.YEN:
        return unit_label(amount_unit)
    if unit == MetricUnit.PERCENT:
        return "%"
    return ""


def metric_header(definition: MetricDefinition, amount_unit: str) -> str:
    unit = metric_unit_label(definition.unit, amount_unit)
    return with_unit(definition.name, unit) if unit else definition.name


def figure_header(code: str, amount_unit: str) -> str:
    label = field_label(code)
    return with_unit(label, unit_label(amount_unit)) if code in AMOUNT_FIELDS else label


def figure_number(code: str, value: float | None, amount_unit: str):
    if value is None:
        return None
    return amount(value, amount_unit) if code in AMOUNT_FIELDS else int(value)


def figure_text(code: str, value: float | None, amount_unit: str) -> str:
    if value is None:
        return "—"
    return format_yen(value, amount_unit) if code in AMOUNT_FIELDS else f"{int(value):,}"


def year_label(fiscal_year: int) -> str:
    """Short, for axes: 2010年度 / FY2010."""
    if (get_language() or "ja").startswith("en"):
        return f"FY{fiscal_year}"
    return f"{fiscal_year}年度"


def _float(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def _layout(title: str, **extra: Any) -> dict:
    layout = {
        "title": {"text": title, "font": {"size": 15}},
        "font": {"family": FONT, "size": 12},
        "margin": {"l": 70, "r": 20, "t": 50, "b": 60},
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.2},
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        "colorway": COLOURS,
    }
    layout.update(extra)
    return layout


def _axis(title: str = "", **extra: Any) -> dict:
    # Whole numbers with separators (1,234,567), never plotly's SI suffixes (1.2M, 1B).
    return {
        "title": {"text": title},
        "gridcolor": "#e5e9ee",
        "zerolinecolor": "#9aa5b1",
        "exponentformat": "none",
        "separatethousands": True,
        **extra,
    }


def _hover(texts: Sequence[str]) -> dict:
    """Hover shows our own text only, so that nothing the reader may not see slips in."""
    return {"text": list(texts), "hovertemplate": "%{text}<extra></extra>", "textposition": "none"}


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
    direction: str  # up, down or ""


def kpi_tiles(board: NationalDashboard, amount_unit: str) -> list[Tile]:
    """The overview's figures as tiles: value and change on the previous year."""
    tiles = []
    for total in board.totals:
        change = None if total.change is None else metric_number(total.change, "percent", "")
        direction = "" if change is None else ("up" if change > 0 else "down" if change < 0 else "")
        tiles.append(
            Tile(
                field_label(total.code),
                figure_text(total.code, total.value, amount_unit),
                _("%(change)s on the previous year") % {"change": _signed(change)}
                if change is not None
                else _("no previous year to compare"),
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
        changes.append(_float(change))
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
                **_hover(hovers),
            }
        ],
        "layout": _layout(
            title,
            xaxis=_axis(_("change on the previous year (%)"), ticksuffix="%"),
            yaxis=_axis(autorange="reversed", automargin=True),
            margin={"l": 140, "r": 20, "t": 50, "b": 50},
        ),
    }
    summary = "; ".join(
        f"{labels[i]} {figure_text(t.code, t.value, amount_unit)} ({_signed(rows[i][3])})"
        for i, t in enumerate(board.totals)
    )
    return Chart("totals", title, headers, rows, figure, summary=summary)


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
                "marker": {"colors": [COLOURS[2], COLOURS[4], "#c0c7cf"]},
                "textinfo": "label+value",
                **_hover([f"{lab}: {c}" for lab, c in zip(labels, counts, strict=True)]),
            }
        ],
        "layout": _layout(title, showlegend=False),
    }
    summary = ", ".join(f"{lab} {c}" for lab, c in zip(labels, counts, strict=True))
    return Chart(
        "balance", title, [_("operating balance"), _("institutions")], rows, figure, summary=summary
    )


def ranking_chart(ranking: Ranking, amount_unit: str, *, key: str) -> Chart:
    definition = ranking.definition
    nickname = f" ({definition.nickname})" if definition.nickname else ""
    title = _("Ranking: %(metric)s") % {"metric": f"{definition.name}{nickname}"}
    unit = definition.unit
    headers = [_("rank"), _("institution"), metric_header(definition, amount_unit)]
    rows = [[e.rank, e.label, metric_number(e.value, unit, amount_unit)] for e in ranking.entries]
    note = _("%(ranked)s ranked; %(excluded)s left out (not defined)") % {
        "ranked": ranking.ranked,
        "excluded": ranking.excluded,
    }
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
                "x": [_float(metric_number(e.value, unit, amount_unit)) for e in ranking.entries],
                "marker": {
                    "color": [OWN_COLOUR if e.is_own else COLOURS[0] for e in ranking.entries]
                },
                **_hover(
                    [
                        f"{e.rank}. {e.label}: {metric_text(e.value, unit, amount_unit)}"
                        for e in ranking.entries
                    ]
                ),
            }
        ],
        "layout": _layout(
            title,
            xaxis=_axis(metric_unit_label(unit, amount_unit)),
            yaxis=_axis(autorange="reversed", automargin=True),
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
                "y": [_float(convert(code, p.totals.get(code))) for p in points],
                **_hover(
                    [
                        f"{year_label(p.fiscal_year)} {field_label(code)}: "
                        + (
                            withheld_text()
                            if p.withheld
                            else figure_text(code, p.totals.get(code), amount_unit)
                        )
                        for p in points
                    ]
                ),
            }
        )
    headers = [_("fiscal year"), _("institutions"), *(figure_header(c, amount_unit) for c in codes)]
    rows = _trend_rows(
        points, [(c, lambda p, c=c: figure_number(c, p.totals.get(c), amount_unit)) for c in codes]
    )
    figure = {
        "data": data,
        "layout": _layout(title, xaxis=_axis(type="category"), yaxis=_axis(axis_unit)),
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
                **_hover(
                    [
                        f"{label} {year_label(p.fiscal_year)}: "
                        + (withheld_text() if p.withheld else format_yen(v, amount_unit))
                        for p, v in zip(points, per, strict=True)
                    ]
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
        "layout": _layout(
            title,
            xaxis=_axis(type="category"),
            yaxis=_axis(unit_label(amount_unit)),
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
            **_hover(
                [
                    f"{g.label} {year_label(p.fiscal_year)}: "
                    + (
                        withheld_text()
                        if p.withheld
                        else format_yen(p.totals.get("licence_income"), amount_unit)
                    )
                    for p in g.points
                ]
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
        "layout": _layout(
            title,
            xaxis=_axis(type="category"),
            yaxis=_axis(unit_label(amount_unit)),
        ),
    }
    if not trends:
        return Chart(
            "region_income", title, headers, rows, None, empty=_("No accepted report yet.")
        )
    summary = _("Licence income per region and fiscal year; see the table for every value.")
    return Chart("region_income", title, headers, rows, figure, summary=summary)


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
        else _float(metric_number(g.medians.get("return_on_cost"), roc.unit, amount_unit))
        for g in groups
    ]
    data = [
        {
            "type": "bar",
            "name": figure_header("licence_income", amount_unit),
            "x": labels,
            "y": income,
            **_hover(
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
                **_hover(
                    [
                        f"{g.label}: "
                        + (
                            withheld_text()
                            if g.medians_withheld
                            else metric_text(g.medians.get("return_on_cost"), roc.unit, amount_unit)
                        )
                        for g in groups
                    ]
                ),
            }
        )
    figure = {
        "data": data,
        "layout": _layout(
            title,
            xaxis=_axis(),
            yaxis=_axis(unit_label(amount_unit)),
            yaxis2=_axis("%", overlaying="y", side="right", showgrid=False),
            margin={"l": 70, "r": 60, "t": 50, "b": 60},
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
                    _float(metric_number(p.return_on_cost, "percent", amount_unit)) for p in members
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
                **_hover(
                    [
                        (f"{p.label}: " if p.label else "")
                        + f"{metric_text(p.return_on_cost, 'percent', amount_unit)}, "
                        + f"{p.regional_necessity:.2f}, {format_yen(p.licence_income, amount_unit)}, {category}"
                        for p in members
                    ]
                ),
            }
        )
    figure = {
        "data": data,
        "layout": _layout(
            f"{title} — {quadrant.cycle}",
            xaxis=_axis(_("return on cost (%)"), ticksuffix="%"),
            yaxis=_axis(_("regional necessity (1–5)"), range=[0.5, 5.5]),
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


def approvals_chart(board: NationalDashboard) -> Chart:
    from institutions.enums import TloType

    title = _("Approved TLOs per fiscal year by TLO type")
    approvals = board.approvals
    names = {t.value: str(t.label) for t in TloType} | {"other": _("other (revoked)")}
    keys = [k for k in names if approvals and any(approvals.by_type.get(k, []))]
    years = approvals.fiscal_years if approvals else []
    data = [
        {
            "type": "bar",
            "name": names[k],
            "x": [year_label(y) for y in years],
            "y": approvals.by_type[k],
            **_hover(
                [
                    f"{year_label(y)} {names[k]}: {n}"
                    for y, n in zip(years, approvals.by_type[k], strict=True)
                ]
            ),
        }
        for k in keys
    ]
    headers = [_("fiscal year"), *(names[k] for k in keys), _("total"), _("cumulative")]
    rows, cumulative = [], 0
    for i, y in enumerate(years):
        counts = [approvals.by_type[k][i] for k in keys]
        cumulative += sum(counts)
        rows.append([format_fiscal_year(y), *counts, sum(counts), cumulative])
    figure = {
        "data": data,
        "layout": _layout(
            title,
            barmode="stack",
            xaxis=_axis(type="category"),
            yaxis=_axis(_("institutions")),
        ),
    }
    if not years:
        return Chart(
            "approvals", title, headers, rows, None, empty=_("No approved TLO in the registry.")
        )
    summary = _("%(total)s approved TLOs from %(first)s to %(last)s.") % {
        "total": cumulative,
        "first": format_fiscal_year(years[0]),
        "last": format_fiscal_year(years[-1]),
    }
    return Chart("approvals", title, headers, rows, figure, summary=summary)


def consolidations_chart(board: NationalDashboard) -> Chart:
    title = _("Consolidations over time")
    events = board.consolidations
    headers = [_("date"), _("institution"), _("kind"), _("successor")]
    rows = [[format_date(e.occurred_on), e.predecessor, e.kind, e.successor or "—"] for e in events]
    kinds = list(dict.fromkeys(e.kind for e in events))
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": kind,
            "x": [e.occurred_on.isoformat() for e in events if e.kind == kind],
            "y": [kind for e in events if e.kind == kind],
            "marker": {"size": 12, "color": COLOURS[i % len(COLOURS)]},
            **_hover(
                [
                    f"{format_date(e.occurred_on)} {e.predecessor}"
                    + (f" → {e.successor}" if e.successor else "")
                    for e in events
                    if e.kind == kind
                ]
            ),
        }
        for i, kind in enumerate(kinds)
    ]
    figure = {
        "data": data,
        "layout": _layout(
            title,
            xaxis=_axis(_("date"), type="date"),
            yaxis=_axis(type="category", automargin=True),
            showlegend=False,
            height=300,
        ),
    }
    if not events:
        return Chart(
            "consolidations",
            title,
            headers,
            rows,
            None,
            empty=_("No consolidation in the registry."),
        )
    summary = _("%(count)s consolidations; see the table for each.") % {"count": len(events)}
    return Chart("consolidations", title, headers, rows, figure, summary=summary)


# ---------------------------------------------------------------------------------------
# The seed's reference data


def japan_us_chart(rows_in: Sequence[TopLicenceIncome]) -> Chart:
    title = _("Top licence income of one university: Japan and the US")
    countries = {"JP": _("Japan"), "US": _("United States")}
    headers = [
        _("country"),
        _("fiscal year"),
        _("top licence income (million US dollars)"),
        _("institution"),
        _("note"),
    ]
    rows = [
        [
            countries.get(r.country, r.country),
            r.fiscal_year,
            Decimal(repr(r.top_income_musd)),
            r.institution,
            r.note,
        ]
        for r in rows_in
    ]
    data = []
    for index, (code, name) in enumerate(countries.items()):
        members = [r for r in rows_in if r.country == code]
        data.append(
            {
                "type": "bar",
                "name": name,
                "x": [str(r.fiscal_year) for r in members],
                "y": [r.top_income_musd for r in members],
                "marker": {"color": COLOURS[index]},
                **_hover(
                    [
                        f"{name} {r.fiscal_year}: {r.top_income_musd:,} M$ ({r.institution})"
                        for r in members
                    ]
                ),
            }
        )
    figure = {
        "data": data,
        "layout": _layout(
            title,
            barmode="group",
            xaxis=_axis(type="category"),
            yaxis=_axis(_("million US dollars"), type="log"),
        ),
    }
    summary = "; ".join(
        f"{countries.get(r.country, r.country)} {r.fiscal_year}: {r.top_income_musd} M$ ({r.institution})"
        for r in rows_in
    )
    return Chart(
        "japan_us",
        title,
        headers,
        rows,
        figure,
        summary=summary,
        note=_("Logarithmic scale. Source: the seed document."),
    )


def survey_chart(rows_in: Sequence[SurveyRow]) -> Chart:
    title = _("University IP headquarters: readiness survey (1 April 2010)")
    sectors = {
        "all": _("all"),
        "national": _("national"),
        "public": _("public"),
        "private": _("private"),
    }
    parts = [
        ("established", _("established")),
        ("planned", _("planned")),
        ("no_plan", _("no plan")),
    ]
    headers = [
        _("sector"),
        _("respondents"),
        *(label for _k, label in parts),
        _("respondents (previous year)"),
        *(_("%(label)s (previous year)") % {"label": label} for _k, label in parts),
    ]
    rows = [
        [
            sectors.get(r.sector, r.sector),
            r.respondents,
            r.established,
            r.planned,
            r.no_plan,
            r.respondents_prev,
            r.established_prev,
            r.planned_prev,
            r.no_plan_prev,
        ]
        for r in rows_in
    ]
    labels = [sectors.get(r.sector, r.sector) for r in rows_in]
    data = [
        {
            "type": "bar",
            "name": label,
            "x": labels,
            "y": [
                round(100 * getattr(r, key) / r.respondents, 1) if r.respondents else None
                for r in rows_in
            ],
            **_hover(
                [
                    f"{sectors.get(r.sector, r.sector)} {label}: {getattr(r, key)} / {r.respondents}"
                    for r in rows_in
                ]
            ),
        }
        for key, label in parts
    ]
    figure = {
        "data": data,
        "layout": _layout(
            title,
            barmode="stack",
            xaxis=_axis(),
            yaxis=_axis(_("share of respondents (%)"), ticksuffix="%"),
        ),
    }
    summary = "; ".join(
        f"{labels[i]}: {r.established}/{r.respondents}" for i, r in enumerate(rows_in)
    )
    return Chart(
        "survey",
        title,
        headers,
        rows,
        figure,
        summary=summary,
        note=_("Source: the seed document."),
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
            xs.append(6 - g.quintile)  # 5 = best fifth, drawn on the right
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
                **_hover(texts),
            }
        )
    ticks = [quintile_label(q) for q in (5, 4, 3, 2, 1)]
    figure = {
        "data": data,
        "layout": _layout(
            title,
            xaxis=_axis(
                _("quintile in the group"),
                tickvals=[1, 2, 3, 4, 5],
                ticktext=ticks,
                range=[0.5, 5.5],
            ),
            yaxis=_axis(autorange="reversed", automargin=True, type="category"),
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
        return _float(metric_number(v, unit, amount_unit))

    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": _("20th–80th percentile"),
            "y": labels,
            "base": [num(g.quintiles[0]) for g in shown],
            "x": [(num(g.quintiles[3]) or 0) - (num(g.quintiles[0]) or 0) for g in shown],
            "marker": {"color": "rgba(11,92,173,0.25)"},
            **_hover(
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
            **_hover(
                [
                    f"{g.label} {_('median')}: {metric_text(g.median, unit, amount_unit)}"
                    for g in shown
                ]
            ),
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": _own_name(board),
            "y": labels,
            "x": [num(metric.value)] * len(shown),
            "marker": {"size": 14, "symbol": "star", "color": OWN_COLOUR},
            **_hover(
                [f"{_own_name(board)}: {metric_text(metric.value, unit, amount_unit)}"] * len(shown)
            ),
        },
    ]
    figure = {
        "data": data,
        "layout": _layout(
            title,
            xaxis=_axis(metric_unit_label(unit, amount_unit)),
            yaxis=_axis(autorange="reversed", automargin=True),
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
