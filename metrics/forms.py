"""Forms of the report and metric pages. They parse and validate; the services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.forms import NoLabelSuffix
from core.tables import limits
from core.versions import VersionField
from institutions.enums import InstitutionKind, TloType
from institutions.fiscal_years import FiscalYearError, format_fiscal_year, parse_fiscal_year
from institutions.models import Institution

from .enums import ReportState
from .importing.values import CellProblem, expected_key, parse_figure
from .importing.wording import EXPECTED
from .models import AnnualReport, LicenceAgreement
from .report_fields import GROUP_LABELS, REPORT_FIELDS, ReportField, Unit
from .report_years import year_refusal
from .services.reports import LicenceRow

UNIT_HELP = {
    Unit.COUNT: _("Number in the fiscal year."),
    Unit.YEN: _("Amount in yen for the fiscal year."),
    Unit.SCORE: _("Mean score from 1 to 5."),
    Unit.FTE: _("Full-time equivalents; decimals allowed."),
}


class GroupedNumberInput(forms.TextInput):
    """A text box that shows whole numbers with separators (1,234,000), as people read them."""

    def __init__(self, attrs: dict[str, str] | None = None):
        super().__init__({"inputmode": "numeric", "class": "num", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return super().format_value(value)


class FigureField(forms.Field):
    """One figure, read exactly as the spreadsheet import reads a cell: `1,234`,
    full-width digits, `¥`, `円`, a dash for zero, blank for not reported."""

    def __init__(self, *, unit: Unit, **kwargs: Any):
        self.unit = unit
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | Decimal | None:
        try:
            return parse_figure(value, self.unit)
        except CellProblem:
            raise forms.ValidationError(
                _("Enter %(expected)s.") % {"expected": EXPECTED[expected_key(self.unit, 1)]},
                code="invalid",
            ) from None


def figure_help(spec: ReportField) -> str:
    return _("%(unit)s Column in files: %(code)s") % {
        "unit": UNIT_HELP[spec.unit],
        "code": spec.code,
    }


def figure_field(spec: ReportField) -> forms.Field:
    """The form field for one figure of SPEC §3, typed by its unit, labelled in Japanese."""
    common = {"required": False, "label": spec.label, "help_text": figure_help(spec)}
    if spec.unit in (Unit.COUNT, Unit.YEN):
        widget = GroupedNumberInput()
    else:
        widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "num"})
    return FigureField(unit=spec.unit, widget=widget, **common)


class ReportForm(NoLabelSuffix, forms.Form):
    """Every figure of a report, and the version the person started from."""

    version = VersionField()

    def __init__(self, *args: Any, report: AnnualReport, previous: AnnualReport | None, **kwargs):
        kwargs.setdefault("initial", {**report.figures(), "version": report.version})
        super().__init__(*args, **kwargs)
        self.previous = previous
        for spec in REPORT_FIELDS:
            self.fields[spec.code] = figure_field(spec)

    def figures(self) -> dict[str, Any]:
        return {spec.code: self.cleaned_data.get(spec.code) for spec in REPORT_FIELDS}

    def groups(self) -> list[dict[str, Any]]:
        """The fields grouped as in the seed, each with last year's value beside it."""
        groups: dict[str, dict[str, Any]] = {}
        for spec in REPORT_FIELDS:
            group = groups.setdefault(spec.group, {"label": GROUP_LABELS[spec.group], "rows": []})
            group["rows"].append(
                {
                    "field": self[spec.code],
                    "spec": spec,
                    "previous": getattr(self.previous, spec.code) if self.previous else None,
                }
            )
        return list(groups.values())


class LicenceForm(NoLabelSuffix, forms.ModelForm):
    income = FigureField(
        unit=Unit.YEN,
        label=_("income in the year (yen)"),
        required=False,
        widget=GroupedNumberInput(),
    )

    class Meta:
        model = LicenceAgreement
        fields = (
            "reference",
            "technology",
            "field",
            "licensee_kind",
            "licensee_in_region",
            "exclusive",
            "income",
        )


# One blank row; more are added on the page (static/js/licence_rows.js clones the empty
# form), or one at a time by saving without JavaScript.
LicenceFormSet = inlineformset_factory(
    AnnualReport,
    LicenceAgreement,
    form=LicenceForm,
    extra=1,
    can_delete=True,
    max_num=2000,
)


def licence_rows(formset: forms.BaseFormSet) -> list[LicenceRow]:
    """The licence detail sheet as the person left it: kept, changed and new rows."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue
        rows.append(
            LicenceRow(
                id=form.instance.pk,
                reference=data["reference"],
                technology=data.get("technology", ""),
                field=data.get("field", ""),
                licensee_kind=data["licensee_kind"],
                licensee_in_region=data.get("licensee_in_region", False),
                exclusive=data.get("exclusive", False),
                income=data.get("income") or 0,
            )
        )
    return rows


class NewReportForm(NoLabelSuffix, forms.Form):
    institution = forms.ModelChoiceField(
        label=_("institution"), queryset=Institution.objects.none(), to_field_name="code"
    )
    fiscal_year = forms.CharField(
        label=_("fiscal year"),
        max_length=16,
        help_text=_("For example 2010, 2010年度, H22 or 平成22年度."),
    )

    def __init__(self, *args: Any, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions

    def clean_fiscal_year(self) -> int:
        try:
            return parse_fiscal_year(self.cleaned_data["fiscal_year"])
        except FiscalYearError:
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not a fiscal year. Write it as 2010, 2010年度, H22 or 平成22年度."
                ),
                params={"value": self.cleaned_data["fiscal_year"]},
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        institution, fiscal_year = data.get("institution"), data.get("fiscal_year")
        if institution is not None and fiscal_year is not None:
            refusal = year_refusal(fiscal_year, institution.approval_fy)
            if refusal:
                self.add_error("fiscal_year", refusal)
        return data


class ReasonForm(NoLabelSuffix, forms.Form):
    """Why an official returns or reopens a report; it is kept in the history."""

    reason = forms.CharField(
        label=_("reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )
    # The version the official saw: a decision on a report that changed since is refused.
    version = VersionField()


class ReportFilterForm(NoLabelSuffix, forms.Form):
    """The list's filters. The parameter names are shared with the report export."""

    fiscal_year = forms.TypedChoiceField(
        label=_("fiscal year"), required=False, coerce=int, empty_value=None
    )
    state = forms.ChoiceField(
        label=_("state"), required=False, choices=[("", _("all")), *ReportState.choices]
    )
    institution = forms.ModelChoiceField(
        label=_("institution"),
        required=False,
        queryset=Institution.objects.none(),
        to_field_name="code",
        empty_label=_("all"),
    )

    def __init__(self, *args: Any, fiscal_years: list[int], institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [
            ("", _("all")),
            *((year, format_fiscal_year(year)) for year in fiscal_years),
        ]
        self.fields["institution"].queryset = institutions

    def selects(self) -> list[dict]:
        """The filters as plain <select> data (name, label, choices, the chosen value):
        drawing a thousand institutions through the widgets' templates costs more than
        the rest of the page."""
        institution = self.fields["institution"]
        institutions = [("", str(institution.empty_label))] + [
            (obj.code, institution.label_from_instance(obj))
            for obj in institution.queryset.only("code", "name_ja")
        ]
        choices = {
            "fiscal_year": [
                (str(value), label) for value, label in self.fields["fiscal_year"].choices
            ],
            "state": list(self.fields["state"].choices),
            "institution": institutions,
        }
        chosen = self.data if self.is_bound else {}
        return [
            {
                "name": name,
                "label": self.fields[name].label,
                "choices": choices[name],
                "chosen": str(chosen.get(name, "") or ""),
            }
            for name in ("fiscal_year", "state", "institution")
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {
            "fiscal_year": self.cleaned_data["fiscal_year"],
            "state": self.cleaned_data["state"] or None,
            "institution": self.cleaned_data["institution"],
        }

    def query(self) -> dict[str, str]:
        """The valid filters as query parameters (for the export link)."""
        filters = self.filters()
        params = {}
        if filters.get("fiscal_year"):
            params["fiscal_year"] = str(filters["fiscal_year"])
        if filters.get("state"):
            params["state"] = filters["state"]
        if filters.get("institution"):
            params["institution"] = filters["institution"].code
        return params


# The filters of the metric pages (fiscal year, kind of institution, top N).

RANKED_KINDS = (
    InstitutionKind.APPROVED_TLO,
    InstitutionKind.CERTIFIED_TLO,
    InstitutionKind.IP_HEADQUARTERS,
)
TOP_CHOICES = ((10, "10"), (20, "20"), (0, _("all")))


class MetricPageFilter(NoLabelSuffix, forms.Form):
    fy = forms.IntegerField(label=_("fiscal year"), required=False, min_value=1950, max_value=2100)
    kind = forms.ChoiceField(
        label=_("kind"),
        required=False,
        choices=[(kind.value, kind.label) for kind in RANKED_KINDS],
    )
    top = forms.TypedChoiceField(
        label=_("ranking"), required=False, coerce=int, choices=TOP_CHOICES, empty_value=10
    )
    format = forms.ChoiceField(required=False, choices=[("", ""), ("csv", "CSV"), ("xlsx", "XLSX")])
    table = forms.ChoiceField(
        required=False, choices=[("ranking", "ranking"), ("aggregates", "aggregates")]
    )
    headers = forms.ChoiceField(required=False, choices=[("", ""), ("codes", "codes")])

    def params(self) -> dict:
        """Cleaned values with defaults (call is_valid() first: invalid input is an error
        the page shows, never a silent default)."""
        data = self.cleaned_data
        return {
            "fiscal_year": data.get("fy"),
            "kind": data.get("kind") or InstitutionKind.APPROVED_TLO,
            "top": data.get("top", 10) or None,
            "format": data.get("format") or "",
            "table": data.get("table") or "ranking",
            "codes": data.get("headers") == "codes",
        }


class ImportUploadForm(NoLabelSuffix, forms.Form):
    """The spreadsheet import's upload."""

    file = forms.FileField(
        label=_("spreadsheet (XLSX or CSV)"),
        help_text=_(
            "One row per institution and fiscal year, with the template's headers (Japanese "
            "labels or field codes). CSV in UTF-8 or Shift_JIS. Up to 10 MB and 100,000 rows."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > limits.max_file_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.")
                % {"limit": limits.max_file_bytes() // limits.MB}
            )
        return upload


# The annual collection: rounds and the status page.


class FiscalYearField(forms.Field):
    """A fiscal year as people write it: 2010, 2010年度, H22, 平成22年度, R2…"""

    widget = forms.TextInput(attrs={"size": 12, "maxlength": 16})

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("help_text", _("For example 2010, 2010年度, H22 or 平成22年度."))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()[:16]
        if not text:
            return None
        try:
            return parse_fiscal_year(text)
        except FiscalYearError:
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not a fiscal year. Write it as 2010, 2010年度, H22 or 平成22年度."
                ),
                params={"value": text},
            ) from None


def _institution_choice(institution: Institution) -> str:
    return f"{institution.name_ja}({institution.get_kind_display()})"


class RoundForm(NoLabelSuffix, forms.Form):
    """Open a collection round, or change an open one (the fiscal year is then fixed)."""

    fiscal_year = FiscalYearField(label=_("fiscal year"))
    opens_on = forms.DateField(
        label=_("opening date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("From this day the institutions see the request on their home page."),
    )
    deadline = forms.DateField(
        label=_("deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Submissions up to the end of this day (Japan time) are on time."),
    )
    expected = forms.ModelMultipleChoiceField(
        label=_("expected institutions"),
        queryset=Institution.objects.none(),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("By default the approved and certified TLOs that exist in the fiscal year."),
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, institutions, fixed_year: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["expected"].queryset = institutions
        self.fields["expected"].label_from_instance = _institution_choice
        if fixed_year:
            self.fields["fiscal_year"].disabled = True
            self.fields["version"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens_on, deadline = data.get("opens_on"), data.get("deadline")
        if opens_on and deadline and deadline < opens_on:
            self.add_error("deadline", _("The deadline cannot be before the opening date."))
        return data


class StatusFilterForm(NoLabelSuffix, forms.Form):
    """The status page's filters; the parameter names are those of the CSV for scripts."""

    fy = forms.TypedChoiceField(label=_("fiscal year"), coerce=int, required=False)
    region = forms.ChoiceField(label=_("region"), required=False)
    tlo_type = forms.ChoiceField(label=_("TLO type"), required=False)
    format = forms.ChoiceField(required=False, choices=[("", ""), ("csv", "CSV"), ("xlsx", "XLSX")])

    def __init__(self, *args: Any, fiscal_years: list[int], regions, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = [(y, format_fiscal_year(y)) for y in fiscal_years]
        english = (get_language() or "ja").startswith("en")
        self.fields["region"].choices = [
            ("", _("all")),
            *((r.code, r.name_en if english else r.name_ja) for r in regions),
        ]
        self.fields["tlo_type"].choices = [("", _("all")), *TloType.choices]
