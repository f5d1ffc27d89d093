"""Who a fiscal year's figures stand on: expected, reported, and the default year."""

import datetime

import pytest

from institutions.enums import InstitutionKind, InstitutionStatus
from metrics.enums import ReportState
from metrics.models import CollectionRound
from metrics.selectors.coverage import coverage, default_fiscal_year, expected_institutions
from tests.factories import InstitutionFactory, official_of
from tests.metrics.importing_support import make_report

pytestmark = pytest.mark.django_db


def _tlos(count, **kwargs):
    return [InstitutionFactory(**kwargs) for _ in range(count)]


def test_without_a_round_the_expected_are_the_tlos_existing_that_year():
    approved = _tlos(3, approval_fy=2005)
    certified = InstitutionFactory(kind=InstitutionKind.CERTIFIED_TLO, tlo_type="")
    InstitutionFactory(approval_fy=2011)  # approved after the year
    InstitutionFactory(kind=InstitutionKind.IP_HEADQUARTERS, tlo_type="", approval_fy=None)
    revoked_before = InstitutionFactory(
        status=InstitutionStatus.REVOKED, revoked_on=datetime.date(2010, 6, 30)
    )
    revoked_after = InstitutionFactory(
        status=InstitutionStatus.REVOKED, revoked_on=datetime.date(2011, 4, 1)
    )

    expected = set(expected_institutions(2010))

    assert expected == {*approved, certified, revoked_after}
    assert revoked_before not in expected


def test_a_round_decides_who_is_expected():
    chosen = _tlos(2)
    _tlos(3)  # not in the round
    collection_round = CollectionRound.objects.create(
        fiscal_year=2010,
        opens_on=datetime.date(2011, 4, 1),
        deadline=datetime.date(2011, 6, 30),
        created_by=official_of(username="o"),
    )
    collection_round.expected.set(chosen)

    assert set(expected_institutions(2010)) == set(chosen)
    assert coverage(2010) == (2, 0)


def test_coverage_counts_accepted_reports_of_expected_institutions_only():
    tlos = _tlos(4)
    make_report(tlos[0], 2010, state=ReportState.ACCEPTED)
    make_report(tlos[1], 2010, state=ReportState.SUBMITTED)
    make_report(tlos[2], 2009, state=ReportState.ACCEPTED)
    late = InstitutionFactory(approval_fy=2012)
    make_report(late, 2010, state=ReportState.ACCEPTED)  # not expected in 2010

    result = coverage(2010)

    assert (result.expected, result.reported, result.left_out) == (4, 1, 3)


def test_coverage_by_kind():
    approved = _tlos(2)
    certified = InstitutionFactory(kind=InstitutionKind.CERTIFIED_TLO, tlo_type="")
    make_report(approved[0], 2010, state=ReportState.ACCEPTED)
    make_report(certified, 2010, state=ReportState.ACCEPTED)

    assert coverage(2010, kind=InstitutionKind.APPROVED_TLO) == (2, 1)
    assert coverage(2010, kind=InstitutionKind.CERTIFIED_TLO) == (1, 1)
    assert coverage(2010) == (3, 2)


def test_default_year_is_the_latest_most_expected_institutions_reported():
    tlos = _tlos(5)
    for tlo in tlos[:3]:
        make_report(tlo, 2009, state=ReportState.ACCEPTED)
    make_report(tlos[0], 2010, state=ReportState.ACCEPTED)  # 1 of 5: too few

    assert default_fiscal_year() == 2009


def test_default_year_needs_more_than_half():
    tlos = _tlos(4)
    for tlo in tlos[:2]:
        make_report(tlo, 2010, state=ReportState.ACCEPTED)  # exactly half
    for tlo in tlos[:3]:
        make_report(tlo, 2008, state=ReportState.ACCEPTED)

    assert default_fiscal_year() == 2008


def test_default_year_falls_back_to_the_latest_with_any_accepted_report():
    tlos = _tlos(10)
    make_report(tlos[0], 2009, state=ReportState.ACCEPTED)
    make_report(tlos[1], 2010, state=ReportState.ACCEPTED)
    make_report(tlos[2], 2011, state=ReportState.SUBMITTED)

    assert default_fiscal_year() == 2010


def test_default_year_is_none_without_accepted_reports():
    make_report(InstitutionFactory(), 2010, state=ReportState.SUBMITTED)

    assert default_fiscal_year() is None
