"""The queries behind the annual report pages (年度報告): lists, one report, its
neighbours, warnings and history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from core.history import (
    HistoryEntry,
    field_display,
    field_label,
    history_entries,
    row_set_entries,
    type_label,
)
from institutions.models import Institution, User
from institutions.permissions import can_see_all_institutions

from ..enums import ReportAction
from ..models import AnnualReport, LicenceAgreement
from ..report_fields import (
    CORE_FIGURES,
    GROUP_LABELS,
    REPORT_FIELDS,
    REPORT_FIELDS_BY_CODE,
    ReportField,
    Unit,
)
from ..validation import FigureWarning, report_warnings

# What a row of the report list shows (metrics/reports/report_list.html).
REPORT_LIST_COLUMNS = (
    "fiscal_year",
    "state",
    "is_demo",
    "submitted_at",
    "updated_at",
    "institution__code",
    "institution__name_ja",
)


def report_list(
    *,
    user: User,
    fiscal_year: int | None = None,
    state: str | None = None,
    institution: Institution | None = None,
) -> QuerySet[AnnualReport]:
    """The list page: visible reports, newest fiscal year first, with their institution;
    only the columns the list shows (not the figures)."""
    reports = (
        AnnualReport.objects.visible_to(user)
        .select_related("institution")
        .only(*REPORT_LIST_COLUMNS)
    )
    if fiscal_year:
        reports = reports.filter(fiscal_year=fiscal_year)
    if state:
        reports = reports.filter(state=state)
    if institution:
        reports = reports.filter(institution=institution)
    return reports.order_by("-fiscal_year", "institution__code")


def submitted_queue() -> QuerySet[AnnualReport]:
    """The officials' queue: submitted reports, the longest-waiting first."""
    return (
        AnnualReport.objects.submitted()
        .select_related("institution")
        .order_by("submitted_at", "institution__code")
    )


def report_detail(*, pk: int) -> AnnualReport:
    """One report with its institution, acceptance and licence rows. Raises DoesNotExist."""
    return AnnualReport.objects.select_related("institution", "accepted_by").get(pk=pk)


def report_licences(report: AnnualReport) -> list[LicenceAgreement]:
    return list(report.licences.order_by("reference"))


def reporting_institutions(user: User) -> QuerySet[Institution]:
    """Institutions this person may pick in the report filters or start a report for."""
    if can_see_all_institutions(user):
        return Institution.objects.reporting().order_by("code")
    return Institution.objects.filter(memberships__user=user).order_by("code")


def report_fiscal_years(user: User) -> list[int]:
    """The fiscal years of the reports this person may see, newest first."""
    return list(
        AnnualReport.objects.visible_to(user)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def institution_reports(institution: Institution, *, user: User) -> QuerySet[AnnualReport]:
    """An institution's reports this person may see, newest fiscal year first."""
    return (
        AnnualReport.objects.visible_to(user)
        .filter(institution=institution)
        .order_by("-fiscal_year")
    )


def exportable_reports(
    *,
    user: User,
    fiscal_year: int | None = None,
    institution: Institution | None = None,
    state: str = "",
) -> QuerySet[AnnualReport]:
    """The reports this person may see, filtered, for a download; one query with their
    institutions."""
    reports = (
        AnnualReport.objects.visible_to(user)
        .select_related("institution")
        .order_by("institution__code", "fiscal_year")
    )
    if fiscal_year is not None:
        reports = reports.filter(fiscal_year=fiscal_year)
    if institution is not None:
        reports = reports.filter(institution=institution)
    if state:
        reports = reports.filter(state=state)
    return reports


def previous_report(report: AnnualReport) -> AnnualReport | None:
    """The same institution's report for the fiscal year before, if any."""
    return AnnualReport.objects.filter(
        institution_id=report.institution_id, fiscal_year=report.fiscal_year - 1
    ).first()


def cumulative_patent_applications(report: AnnualReport) -> int:
    """Patent applications of this report and every earlier one of its institution."""
    total = AnnualReport.objects.filter(
        institution_id=report.institution_id, fiscal_year__lte=report.fiscal_year
    ).aggregate(total=Sum("patent_applications"))["total"]
    return total or 0


def licence_total(report: AnnualReport) -> int | None:
    """The income of the report's licence rows; None when it has none."""
    result = report.licences.aggregate(total=Sum("income"), rows=Count("id"))
    return (result["total"] or 0) if result["rows"] else None


def warnings_for(
    report: AnnualReport, *, previous: AnnualReport | None, for_official: bool = False
) -> list[FigureWarning]:
    """The plausibility warnings of a report as stored (metrics.validation), worded for
    the people who enter the figures or, with `for_official`, for the officials."""
    return report_warnings(
        report.figures(),
        previous=previous.figures() if previous else None,
        cumulative_applications=cumulative_patent_applications(report),
        licence_total=licence_total(report),
        for_official=for_official,
    )


def missing_core_figures(report: AnnualReport) -> list[str]:
    """The labels of the core figures the report lacks (it cannot be submitted without)."""
    return [
        str(REPORT_FIELDS_BY_CODE[code].label)
        for code in CORE_FIGURES
        if getattr(report, code) is None
    ]


@dataclass(frozen=True)
class FigureRow:
    spec: ReportField
    value: int | Decimal | None
    previous: int | Decimal | None
    warnings: list[str]

    @property
    def unit(self) -> str:
        return str(_("yen")) if self.spec.unit == Unit.YEN else ""


@dataclass(frozen=True)
class FigureGroup:
    label: str
    rows: list[FigureRow]


def figure_groups(
    report: AnnualReport, *, previous: AnnualReport | None, warnings: Iterable[FigureWarning]
) -> list[FigureGroup]:
    """The figures of SPEC §3 grouped as in the seed, each with last year's value."""
    by_field: dict[str, list[str]] = {}
    for warning in warnings:
        by_field.setdefault(warning.field, []).append(str(warning.message))
    groups: dict[str, list[FigureRow]] = {}
    for spec in REPORT_FIELDS:
        groups.setdefault(spec.group, []).append(
            FigureRow(
                spec=spec,
                value=getattr(report, spec.code),
                previous=getattr(previous, spec.code) if previous else None,
                warnings=by_field.get(spec.code, []),
            )
        )
    return [FigureGroup(label=GROUP_LABELS[group], rows=rows) for group, rows in groups.items()]


# --- Audit history --------------------------------------------------------------

# Bookkeeping that every save changes, or that the state change already says.
_HIDDEN_IN_HISTORY = ("version", "submitted_at", "accepted_at", "accepted_by")
_REPORT_HISTORY_FIELDS = [
    f.name
    for f in AnnualReport._meta.fields
    if f.name not in ("id", "institution", "updated_at", "created_at", *_HIDDEN_IN_HISTORY)
]
_LICENCE_HISTORY_FIELDS = [
    f.name for f in LicenceAgreement._meta.fields if f.name not in ("id", "report")
]


def _report_label(name: str) -> str:
    if name in REPORT_FIELDS_BY_CODE:
        return str(REPORT_FIELDS_BY_CODE[name].label)
    return field_label(AnnualReport)(name)


def _report_action(record) -> str:
    reason = record.history_change_reason
    if reason in ReportAction.values:
        return str(ReportAction(reason).label)
    return reason or type_label(record.history_type)


def report_history(report: AnnualReport) -> list[HistoryEntry]:
    """Every change to the report, and each save's changes to its licence rows as one
    summary (core.history.row_set_entries), newest first: who, when, what.

    Two queries, whatever the length of the history.
    """
    records = list(
        report.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries = history_entries(
        records,
        fields=_REPORT_HISTORY_FIELDS,
        label=_report_label,
        display=_report_display,
        action=_report_action,
    )
    entries += row_set_entries(
        LicenceAgreement.history.filter(report_id=report.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        name=_("Licence detail sheet"),
        boundaries=[record.history_date for record in records],
        fields=_LICENCE_HISTORY_FIELDS,
        label=field_label(LicenceAgreement),
        display=field_display(LicenceAgreement),
        identity=lambda record: record.reference,
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _report_display(name: str, value: object) -> str:
    # The fiscal year is a year, not a number with a thousands separator.
    if name == "fiscal_year" and value is not None:
        return str(value)
    return field_display(AnnualReport)(name, value)
