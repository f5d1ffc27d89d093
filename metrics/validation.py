"""Plausibility warnings on a report's figures (SPEC §3). They never block a save.

Pure functions over plain dicts, shared by the web form and the spreadsheet import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.amounts import format_yen

from .report_fields import REPORT_FIELDS, Unit

# A value more than this many times, or less than its inverse, of last year's is flagged.
JUMP_FACTOR = 5

Figures = Mapping[str, int | Decimal | None]


@dataclass(frozen=True)
class FigureWarning:
    field: str  # a report field code, or "" for the report as a whole
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": str(self.message)}


def report_warnings(
    figures: Figures,
    *,
    previous: Figures | None = None,
    cumulative_applications: int | None = None,
    licence_total: int | None = None,
    for_official: bool = False,
) -> list[FigureWarning]:
    """The warnings for one report's figures.

    `previous` is last fiscal year's report of the same institution, if any;
    `cumulative_applications` the patent applications of every earlier report plus
    this one's, if known; `licence_total` the income of the licence detail sheet's rows,
    None when the report has no licence rows. The wording addresses the people who
    enter the figures, or with `for_official` the officials who check them.
    """
    warnings: list[FigureWarning] = []
    if previous:
        warnings += _year_on_year(figures, previous, for_official=for_official)
    income, licences = figures.get("licence_income"), figures.get("licences_granted")
    if income and licences == 0:
        warnings.append(
            FigureWarning(
                "licence_income", _("Licence income is reported although no licence was granted.")
            )
        )
    if income is not None and licence_total is not None and income != licence_total:
        params = {"income": format_yen(income), "total": format_yen(licence_total)}
        message = (
            _(
                "Licence income (%(income)s) differs from the total of the licence sheet (%(total)s)."
            )
            if for_official
            else _(
                "Licence income (%(income)s) differs from the total of the licence sheet "
                "(%(total)s): correct the figure or the licence rows."
            )
        )
        warnings.append(FigureWarning("licence_income", message % params))
    granted = figures.get("patents_granted")
    if granted and cumulative_applications is not None and granted > cumulative_applications:
        warnings.append(
            FigureWarning(
                "patents_granted",
                _(
                    "More patents granted (%(granted)s) than patent applications so far (%(applied)s)."
                )
                % {"granted": granted, "applied": cumulative_applications},
            )
        )
    cost_codes = ("personnel_costs", "patent_costs", "other_costs")
    income_codes = ("licence_income", "other_income")
    costs = [figures.get(c) for c in cost_codes]
    if any(figures.get(c) for c in income_codes) and all(c == 0 for c in costs):
        message = (
            _("Income is reported with costs of zero: the institution may have left the costs out.")
            if for_official
            else _("Income is reported with costs of zero: are the costs missing?")
        )
        warnings.append(FigureWarning("", message))
    return warnings


def _year_on_year(
    figures: Figures, previous: Figures, *, for_official: bool
) -> list[FigureWarning]:
    """Jumps of more than 5× either way, and figures that fell to zero, since last year."""
    warnings = []
    for spec in REPORT_FIELDS:
        if spec.unit == Unit.SCORE:
            continue
        now, before = figures.get(spec.code), previous.get(spec.code)
        if now == 0 and before:
            params = {"label": spec.label, "before": _shown(spec, before)}
            message = (
                _("%(label)s fell from %(before)s last year to zero.")
                if for_official
                else _(
                    "%(label)s fell from %(before)s last year to zero. If it is not known, "
                    "leave the field blank rather than 0."
                )
            )
            warnings.append(FigureWarning(spec.code, message % params))
            continue
        if not now or not before:
            continue
        if now > before * JUMP_FACTOR or now * JUMP_FACTOR < before:
            warnings.append(
                FigureWarning(
                    spec.code,
                    _("%(label)s changed from %(before)s to %(now)s since last year (over 5×).")
                    % {"label": spec.label, "before": f"{before:,}", "now": f"{now:,}"},
                )
            )
    return warnings


def _shown(spec, value) -> str:
    return format_yen(value) if spec.unit == Unit.YEN else f"{value:,}"
