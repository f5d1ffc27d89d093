"""The queries behind the metrics pages, named."""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Annual reports (年度報告): lists, one report, its neighbours, warnings, history.
# ---------------------------------------------------------------------------
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from institutions.enums import Role
from institutions.models import Institution, User
from institutions.permissions import can_see_all_institutions

from ..enums import LicenseeKind, ReportAction, ReportState
from ..models import AnnualReport, LicenceAgreement
from ..report_fields import GROUP_LABELS, REPORT_FIELDS, REPORT_FIELDS_BY_CODE, ReportField, Unit
from ..validation import FigureWarning, report_warnings


def visible_reports(user: User) -> QuerySet[AnnualReport]:
    """The reports this person may see: every one for officials, their own for TLO staff."""
    if can_see_all_institutions(user):
        return AnnualReport.objects.all()
    if user.is_authenticated and user.role == Role.TLO_STAFF:
        return AnnualReport.objects.filter(institution__memberships__user=user)
    return AnnualReport.objects.none()


def report_list(
    *,
    user: User,
    fiscal_year: int | None = None,
    state: str | None = None,
    institution: Institution | None = None,
) -> QuerySet[AnnualReport]:
    """The list page: visible reports, newest fiscal year first, with their institution."""
    reports = visible_reports(user).select_related("institution")
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
        visible_reports(user)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def institution_reports(institution: Institution) -> QuerySet[AnnualReport]:
    """An institution's reports, newest fiscal year first (its page's section)."""
    return institution.annual_reports.order_by("-fiscal_year")


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


def warnings_for(report: AnnualReport, *, previous: AnnualReport | None) -> list[FigureWarning]:
    """The plausibility warnings of a report as stored (metrics.validation)."""
    return report_warnings(
        report.figures(),
        previous=previous.figures() if previous else None,
        cumulative_applications=cumulative_patent_applications(report),
    )


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


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    subject: str = ""  # "" for the report itself, else the licence row's reference
    changes: list[FieldChange] = field(default_factory=list)


def _display(model: type, name: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if name == "state":
        return str(ReportState(value).label)
    if name == "licensee_kind":
        return str(LicenseeKind(value).label)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, int) and name != "fiscal_year":
        return f"{value:,}"
    return str(value)


def _label(model: type, name: str) -> str:
    if model is AnnualReport and name in REPORT_FIELDS_BY_CODE:
        return str(REPORT_FIELDS_BY_CODE[name].label)
    return str(model._meta.get_field(name).verbose_name)


def _person_name(user: User | None) -> str:
    if user is None:
        return str(_("the system"))
    return user.get_full_name() or user.username


def _action_label(reason: str | None, history_type: str) -> str:
    if reason in ReportAction.values:
        return str(ReportAction(reason).label)
    if reason:
        return reason
    return str({"+": _("added"), "~": _("changed"), "-": _("deleted")}[history_type])


def _changes(model: type, record, before, hidden: Iterable[str] = ()) -> list[FieldChange]:
    """Field by field, what `record` changed from `before` (None: what it was created with)."""
    if before is None:
        names = [
            f.name
            for f in model._meta.fields
            if f.name not in ("id", "report", *hidden) and f.name in record.__dict__
        ]
        return [
            FieldChange(_label(model, n), "—", _display(model, n, getattr(record, n)))
            for n in names
            if getattr(record, n) not in (None, "")
        ]
    delta = record.diff_against(before, excluded_fields=[*hidden, "report"])
    return [
        FieldChange(
            _label(model, change.field),
            _display(model, change.field, change.old),
            _display(model, change.field, change.new),
        )
        for change in delta.changes
    ]


def report_history(report: AnnualReport) -> list[HistoryEntry]:
    """Every change to the report and its licence rows, newest first: who, when, what.

    Two queries, whatever the length of the history.
    """
    entries: list[HistoryEntry] = []
    records = list(
        report.history.select_related("history_user").order_by("history_date", "history_id")
    )
    before = None
    for record in records:
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_person_name(record.history_user),
                action=_action_label(record.history_change_reason, record.history_type),
                changes=_changes(AnnualReport, record, before, _HIDDEN_IN_HISTORY),
            )
        )
        before = record
    licence_records = (
        LicenceAgreement.history.filter(report_id=report.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    last_of: dict[int, object] = {}
    for record in licence_records:
        previous = last_of.get(record.id)
        changes = [] if record.history_type == "-" else _changes(LicenceAgreement, record, previous)
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_person_name(record.history_user),
                action=_action_label(None, record.history_type),
                subject=record.reference,
                changes=changes,
            )
        )
        last_of[record.id] = record
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


# --- end of annual reports -------------------------------------------------------
