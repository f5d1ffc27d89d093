"""The seed's reference data as charts: Japan–US top licence income, the IP-headquarters
readiness survey. No queries."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from ..selectors.reference_data import (
    SurveyRow,
    TopLicenceIncome,
)
from .base import (
    COLOURS,
    Chart,
    axis_style,
    figure_layout,
    hover_text,
)

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
                **hover_text(
                    [
                        f"{name} {r.fiscal_year}: {r.top_income_musd:,} M$ ({r.institution})"
                        for r in members
                    ]
                ),
            }
        )
    figure = {
        "data": data,
        "layout": figure_layout(
            title,
            barmode="group",
            xaxis=axis_style(type="category"),
            yaxis=axis_style(_("million US dollars"), type="log"),
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
            **hover_text(
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
        "layout": figure_layout(
            title,
            barmode="stack",
            xaxis=axis_style(),
            yaxis=axis_style(_("share of respondents (%)"), ticksuffix="%"),
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
