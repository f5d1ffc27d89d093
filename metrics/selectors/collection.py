"""The queries behind the collection pages: the status of a fiscal year, the rounds,
and the home page panels of officials and TLO staff."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from institutions.enums import InstitutionKind
from institutions.models import Institution, User

from ..enums import CollectionState, ReportState
from ..models import AnnualReport, CollectionRound, SentReminder
from .coverage import expected_institutions


@dataclass(frozen=True)
class StatusRow:
    institution: Institution
    state: str  # a CollectionState
    report: AnnualReport | None
    on_time: bool | None  # None: not in the ministries' hands yet, or no deadline

    @property
    def state_label(self) -> str:
        return str(CollectionState(self.state).label)

    @property
    def submitted_at(self) -> datetime.datetime | None:
        return self.report.submitted_at if self.report else None

    @property
    def accepted_at(self) -> datetime.datetime | None:
        return self.report.accepted_at if self.report else None

    @property
    def loaded_as_accepted(self) -> bool:
        """Stored accepted without a submission (an import "as accepted")."""
        return bool(self.report and self.report.accepted_at and not self.report.submitted_at)


@dataclass(frozen=True)
class CollectionStatus:
    fiscal_year: int
    round: CollectionRound | None
    rows: list[StatusRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def accepted(self) -> int:
        return self.counts.get(CollectionState.ACCEPTED, 0)

    @property
    def on_time(self) -> int:
        return sum(1 for row in self.rows if row.on_time)

    @property
    def reporting_rate(self) -> float | None:
        """Accepted reports / expected institutions (DHIS2's reporting rate)."""
        return self.accepted / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        """Reports that reached the ministries by the deadline / expected institutions."""
        if not self.expected or self.round is None:
            return None
        return self.on_time / self.expected

    @property
    def reporting_rate_display(self) -> str:
        return percent(self.reporting_rate)

    @property
    def on_time_rate_display(self) -> str:
        return percent(self.on_time_rate)

    def state_counts(self) -> list[tuple[str, str, int]]:
        """(state, label, count) for every state, in the workflow's order."""
        return [(s.value, str(s.label), self.counts.get(s.value, 0)) for s in CollectionState]


def percent(rate: float | None) -> str:
    """0.5 → "50.0%"; "—" when there is no rate (nobody expected, no deadline)."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def deadline_end(deadline: datetime.date) -> datetime.datetime:
    """The last moment of the deadline day, in the product's time zone (Japan)."""
    return timezone.make_aware(datetime.datetime.combine(deadline, datetime.time.max))


def reached_ministries_at(report: AnnualReport) -> datetime.datetime | None:
    """When the report reached the ministries: its latest submission, or for a report
    stored accepted without one (an import "as accepted"), its acceptance."""
    if report.state not in (ReportState.SUBMITTED, ReportState.ACCEPTED):
        return None
    return report.submitted_at or report.accepted_at


def _on_time(report: AnnualReport | None, collection_round: CollectionRound | None):
    if report is None or collection_round is None:
        return None
    reached = reached_ministries_at(report)
    if reached is None:
        return None
    in_time = reached <= deadline_end(collection_round.deadline)
    if not in_time and report.submitted_at is None:
        # Figures loaded as accepted after the deadline (historical years) were never
        # submitted to the round: neither on time nor late.
        return None
    return in_time


def collection_status(
    *, fiscal_year: int, region: str = "", tlo_type: str = ""
) -> CollectionStatus:
    """Every institution expected to report for the fiscal year, with its state, when it
    was submitted and accepted, and whether on time; counts over the rows shown.

    Three queries whatever the number of institutions.
    """
    collection_round = CollectionRound.objects.filter(fiscal_year=fiscal_year).first()
    expected = expected_institutions(fiscal_year).select_related("region").in_reading_order()
    if region:
        expected = expected.filter(region__code=region)
    if tlo_type:
        expected = expected.filter(tlo_type=tlo_type)
    institutions = list(expected)
    reports = {
        r.institution_id: r
        for r in AnnualReport.objects.filter(
            fiscal_year=fiscal_year, institution__in=[i.pk for i in institutions]
        ).only("id", "institution_id", "state", "version", "submitted_at", "accepted_at")
    }
    rows = []
    counts: dict[str, int] = {}
    for institution in institutions:
        report = reports.get(institution.pk)
        state = report.state if report else CollectionState.MISSING
        counts[state] = counts.get(state, 0) + 1
        rows.append(StatusRow(institution, state, report, _on_time(report, collection_round)))
    return CollectionStatus(fiscal_year, collection_round, rows, counts)


def status_fiscal_years() -> list[int]:
    """Fiscal years the status page offers: those with a round or any report, newest first."""
    years = set(CollectionRound.objects.values_list("fiscal_year", flat=True))
    years.update(AnnualReport.objects.values_list("fiscal_year", flat=True).distinct())
    return sorted(years, reverse=True)


def default_status_year(*, today: datetime.date | None = None) -> int | None:
    """The round officials are most likely working on: the latest open one, else the
    latest round, else the latest fiscal year with reports."""
    latest_open = CollectionRound.objects.open().order_by("-fiscal_year").first()
    if latest_open:
        return latest_open.fiscal_year
    latest = CollectionRound.objects.order_by("-fiscal_year").first()
    if latest:
        return latest.fiscal_year
    years = status_fiscal_years()
    return years[0] if years else None


def round_list() -> QuerySet[CollectionRound]:
    return CollectionRound.objects.select_related("created_by").order_by("-fiscal_year")


def reminders_of(collection_round: CollectionRound) -> QuerySet[SentReminder]:
    """The reminders a round sent, newest first, with their institutions."""
    return collection_round.reminders.select_related("institution").order_by(
        "-sent_on", "institution__code"
    )


# ---------------------------------------------------------------------------------------
# Home page panels


@dataclass(frozen=True)
class StaffRoundEntry:
    round: CollectionRound
    institution: Institution
    report: AnnualReport | None

    @property
    def state_label(self) -> str:
        state = self.report.state if self.report else CollectionState.MISSING
        return str(CollectionState(state).label)

    @property
    def needs_action(self) -> bool:
        return self.report is None or self.report.state in (
            ReportState.DRAFT,
            ReportState.RETURNED,
        )


def staff_rounds(user: User, *, today: datetime.date | None = None) -> list[StaffRoundEntry]:
    """The running rounds that expect one of this person's institutions, with the
    institution's report for the year. Three queries."""
    today = today or timezone.localdate()
    own = list(user.memberships.values_list("institution_id", flat=True))
    if not own:
        return []
    links = list(
        CollectionRound.expected.through.objects.filter(
            institution_id__in=own, collectionround__in=CollectionRound.objects.running_on(today)
        )
        .select_related("collectionround", "institution")
        .order_by("-collectionround__fiscal_year", "institution__code")
    )
    reports = {
        (r.institution_id, r.fiscal_year): r
        for r in AnnualReport.objects.filter(
            institution_id__in=own,
            fiscal_year__in={link.collectionround.fiscal_year for link in links},
        )
    }
    return [
        StaffRoundEntry(
            link.collectionround,
            link.institution,
            reports.get((link.institution_id, link.collectionround.fiscal_year)),
        )
        for link in links
    ]


@dataclass(frozen=True)
class OfficialRoundEntry:
    round: CollectionRound
    missing: int
    not_submitted: int  # missing, draft or returned
    expected: int


def official_overview(*, today: datetime.date | None = None) -> tuple[int, list]:
    """The queue's length, and for each running round how many institutions have not
    started or not submitted. A fixed handful of queries per round (rounds run one at a
    time in practice)."""
    today = today or timezone.localdate()
    queue = AnnualReport.objects.submitted().count()
    entries = []
    for collection_round in CollectionRound.objects.running_on(today).order_by("-fiscal_year"):
        status = collection_status(fiscal_year=collection_round.fiscal_year)
        missing = status.counts.get(CollectionState.MISSING, 0)
        not_submitted = missing + sum(
            status.counts.get(s, 0) for s in (CollectionState.DRAFT, CollectionState.RETURNED)
        )
        entries.append(
            OfficialRoundEntry(collection_round, missing, not_submitted, status.expected)
        )
    return queue, entries


def institution_group(institution: Institution) -> str:
    """The group a collection round picks institutions by: an approved TLO's type
    (内部型, 外部型…), or the kind of any other institution (認定TLO, 大学知財本部)."""
    if institution.kind == InstitutionKind.APPROVED_TLO and institution.tlo_type:
        return institution.tlo_type
    return institution.kind


def institutions_matching(
    institutions: QuerySet[Institution], *, region: str = "", group: str = ""
) -> set[str]:
    """The codes of the institutions of a region and a group (institution_group); an
    empty region or group is any."""
    if region:
        institutions = institutions.filter(region__code=region)
    if group:
        institutions = institutions.filter(
            Q(kind=InstitutionKind.APPROVED_TLO, tlo_type=group)
            | (~Q(kind=InstitutionKind.APPROVED_TLO) & Q(kind=group))
        )
    return set(institutions.values_list("code", flat=True))
