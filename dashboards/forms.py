"""The dashboards' filters: parsed and checked here, applied by the selectors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import NoLabelSuffix
from institutions.enums import InstitutionKind, Specialisation, TloType
from institutions.fiscal_years import FiscalYearError, parse_fiscal_year

from .selectors.national import DashboardFilters


class DashboardFilterForm(NoLabelSuffix, forms.Form):
    """The dashboards' filters, read from the URL so that a view can be shared.

    Every value is checked against the registry's codes; anything else is refused with a
    message naming the parameter (the view answers 400)."""

    fy = forms.CharField(label=_("fiscal year"), required=False, max_length=16)
    region = forms.ChoiceField(label=_("region"), required=False)
    tlo_type = forms.ChoiceField(label=_("TLO type"), required=False)
    specialisation = forms.ChoiceField(label=_("specialisation"), required=False)
    kind = forms.ChoiceField(label=_("kind"), required=False)
    metric = forms.ChoiceField(label=_("ranking of"), required=False)

    def __init__(self, data, *, regions, metrics, kinds, fiscal_years=()):
        super().__init__(data)
        every = [("", _("all"))]
        self.fields["region"].choices = every + list(regions)
        self.fields["tlo_type"].choices = every + [(t.value, t.label) for t in TloType]
        self.fields["specialisation"].choices = every + [(s.value, s.label) for s in Specialisation]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        self.fields["metric"].choices = [("", _("(the seed's three only)")), *list(metrics)]
        self.fiscal_years = list(fiscal_years)

    def clean_fy(self) -> int | None:
        text = self.cleaned_data["fy"].strip()
        if not text:
            return None
        try:
            return parse_fiscal_year(text)
        except FiscalYearError:
            raise forms.ValidationError(
                _("“%(value)s” is not a fiscal year; write 2010, 2010年度 or H22.")
                % {"value": text[:16]}
            ) from None

    def selects(self, *, filtered_views: bool = True) -> list[dict]:
        """The filters but the fiscal year as plain <select> data (name, label, choices, the
        chosen value), cheaper to draw than the widgets on a page built for speed. Without
        `filtered_views` (anonymised readers), no region, TLO type or specialisation."""
        data = self.cleaned_data
        names = ("region", "tlo_type", "specialisation", "kind", "metric")
        if not filtered_views:
            names = ("kind", "metric")
        return [
            {
                "name": name,
                "label": self.fields[name].label,
                "choices": self.fields[name].choices,
                "chosen": data.get(name) or ("approved_tlo" if name == "kind" else ""),
            }
            for name in names
        ]

    def filters(self):
        """The cleaned filters (call after is_valid())."""
        data = self.cleaned_data
        return DashboardFilters(
            fiscal_year=data.get("fy"),
            region=data.get("region") or "",
            tlo_type=data.get("tlo_type") or "",
            specialisation=data.get("specialisation") or "",
            kind=data.get("kind") or InstitutionKind.APPROVED_TLO,
            metric=data.get("metric") or "",
        )

    def problem(self) -> str:
        """The first error, naming the parameter, for the 400 page."""
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else name
            return _("Filter “%(label)s” (%(name)s): %(error)s") % {
                "label": label,
                "name": name,
                "error": errors[0],
            }
        return ""
