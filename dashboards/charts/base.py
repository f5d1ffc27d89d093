"""What every chart shares: the Chart (figure, table, text alternative), numbers in the
reader's units, and the look of the figures. No queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any

import orjson
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.amounts import format_yen, scaled, unit_label
from metrics.calculations import format_value
from metrics.enums import MetricUnit
from metrics.models import MetricDefinition
from metrics.report_fields import REPORT_FIELDS_BY_CODE

from ..selectors.national import (
    AMOUNT_FIELDS,
)

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


def as_float(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def figure_layout(title: str, **extra: Any) -> dict:
    layout = {
        "title": {"text": title, "font": {"size": 15}},
        "font": {"family": FONT, "size": 12},
        "margin": {"l": 70, "r": 20, "t": 50, "b": 100},
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.3, "yanchor": "top"},
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        "colorway": COLOURS,
    }
    layout.update(extra)
    return layout


def axis_style(title: str = "", **extra: Any) -> dict:
    # Whole numbers with separators (1,234,567), never plotly's SI suffixes (1.2M, 1B).
    return {
        "title": {"text": title},
        "gridcolor": "#e5e9ee",
        "zerolinecolor": "#9aa5b1",
        "exponentformat": "none",
        "separatethousands": True,
        **extra,
    }


def hover_text(texts: Sequence[str], *, trace: str = "bar") -> dict:
    """Hover shows our own text only, so that nothing the reader may not see slips in.
    Bars and pies would also write the text on the trace; a scatter trace writes it only
    in a text mode, and knows no textposition "none"."""
    hover = {"text": list(texts), "hovertemplate": "%{text}<extra></extra>"}
    if trace != "scatter":
        hover["textposition"] = "none"
    return hover
