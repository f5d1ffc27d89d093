"""The registry as charts: approvals per fiscal year by TLO type (the seed's establishment
table) and consolidations on a timeline. Public data: named for everyone. No queries."""

from __future__ import annotations

from django.utils.translation import gettext as _

from institutions.enums import TloType
from institutions.fiscal_years import format_date, format_fiscal_year

from ..selectors.national import (
    NationalDashboard,
)
from .base import (
    COLOURS,
    Chart,
    axis_style,
    figure_layout,
    hover_text,
    year_label,
)


def approvals_chart(board: NationalDashboard) -> Chart:
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
            **hover_text(
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
        "layout": figure_layout(
            title,
            barmode="stack",
            xaxis=axis_style(type="category"),
            yaxis=axis_style(_("institutions")),
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
            **hover_text(
                [
                    f"{format_date(e.occurred_on)} {e.predecessor}"
                    + (f" → {e.successor}" if e.successor else "")
                    for e in events
                    if e.kind == kind
                ],
                trace="scatter",
            ),
        }
        for i, kind in enumerate(kinds)
    ]
    figure = {
        "data": data,
        "layout": figure_layout(
            title,
            xaxis=axis_style(_("date"), type="date"),
            yaxis=axis_style(type="category", automargin=True),
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
