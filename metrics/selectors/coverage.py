"""How many institutions a fiscal year's figures stand on: expected, reported, left out.

One rule for every page that shows figures of many institutions (metric pages,
dashboards, the collection status page):

- **expected** for a fiscal year: the institutions of that year's collection round if
  one was opened; otherwise the approved and certified TLOs that existed in that fiscal
  year (approved by then, and not revoked before it ended) — the set a new round
  starts from;
- **reported**: those of them with an accepted report for that year;
- the **default fiscal year** of a page: the latest fiscal year that most (more than
  half) of the expected institutions have reported; if no year has, the latest year
  with any accepted report.

`kind` narrows everything to one kind of institution (a metric page ranks one kind).
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db.models import Q, QuerySet

from institutions.enums import InstitutionKind, InstitutionStatus
from institutions.models import Institution

from ..models import AnnualReport, CollectionRound

# Who a round expects unless the official chooses otherwise (SPEC §3).
EXPECTED_BY_DEFAULT = (InstitutionKind.APPROVED_TLO, InstitutionKind.CERTIFIED_TLO)


class Coverage(NamedTuple):
    expected: int
    reported: int

    @property
    def left_out(self) -> int:
        return max(self.expected - self.reported, 0)

    @property
    def majority(self) -> bool:
        """More than half of the expected institutions have reported."""
        return self.expected > 0 and 2 * self.reported > self.expected


def existing_in(fiscal_year: int, kinds=EXPECTED_BY_DEFAULT) -> QuerySet[Institution]:
    """Institutions of these kinds that existed in the fiscal year: approved in it or
    before (or with no approval year: IP headquarters), and active, or revoked only
    after the fiscal year ended (31 March of the next year)."""
    year_end = datetime.date(fiscal_year + 1, 3, 31)
    return Institution.objects.filter(kind__in=list(kinds)).filter(
        Q(approval_fy__isnull=True) | Q(approval_fy__lte=fiscal_year),
        Q(status=InstitutionStatus.ACTIVE) | Q(revoked_on__gt=year_end),
    )


def round_expectations() -> dict[int, frozenset[int]]:
    """Fiscal year → the ids of the institutions its round expects, for every round: one
    query, for pages that judge many years at once in memory (the dashboards)."""
    expected: dict[int, set[int]] = {}
    for fiscal_year, institution_id in CollectionRound.expected.through.objects.values_list(
        "collectionround__fiscal_year", "institution_id"
    ):
        expected.setdefault(fiscal_year, set()).add(institution_id)
    for fiscal_year in CollectionRound.objects.values_list("fiscal_year", flat=True):
        expected.setdefault(fiscal_year, set())
    return {year: frozenset(ids) for year, ids in expected.items()}


def existed_in(
    fiscal_year: int, *, approval_fy: int | None, status: str, revoked_on: datetime.date | None
) -> bool:
    """existing_in's rule for one institution, in memory: approved in the fiscal year or
    before, and active, or revoked only after the year ended (31 March of the next year)."""
    if approval_fy is not None and approval_fy > fiscal_year:
        return False
    if status == InstitutionStatus.ACTIVE:
        return True
    return revoked_on is not None and revoked_on > datetime.date(fiscal_year + 1, 3, 31)


def expected_institutions(fiscal_year: int, *, kind: str | None = None) -> QuerySet[Institution]:
    """The institutions expected to report for the fiscal year (see the module's rule)."""
    collection_round = CollectionRound.objects.filter(fiscal_year=fiscal_year).first()
    if collection_round is not None:
        expected = collection_round.expected.all()
        return expected.filter(kind=kind) if kind else expected
    return existing_in(fiscal_year, [kind] if kind else EXPECTED_BY_DEFAULT)


def coverage(fiscal_year: int, *, kind: str | None = None) -> Coverage:
    """Expected and reported (accepted) institutions for the fiscal year. Three queries."""
    expected = expected_institutions(fiscal_year, kind=kind)
    reported = (
        AnnualReport.objects.accepted()
        .for_fiscal_year(fiscal_year)
        .filter(institution__in=expected.values("pk"))
        .count()
    )
    return Coverage(expected=expected.count(), reported=reported)


def reported_fiscal_years(*, kind: str | None = None) -> list[int]:
    """Fiscal years with at least one accepted report, newest first."""
    reports = AnnualReport.objects.accepted()
    if kind:
        reports = reports.filter(institution__kind=kind)
    return list(reports.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())


def default_fiscal_year(*, kind: str | None = None) -> int | None:
    """The latest fiscal year most expected institutions have reported; failing that,
    the latest with any accepted report; None when nothing has been accepted."""
    years = reported_fiscal_years(kind=kind)
    for year in years:
        if coverage(year, kind=kind).majority:
            return year
    return years[0] if years else None
