"""Accepting or reopening a report recomputes its metrics once the transaction commits."""

import pytest

from metrics.enums import ReportState
from metrics.models import MetricValue
from metrics.services.reports import accept_report, reopen_report
from tests.factories import AnnualReportFactory
from tests.metrics.metric_builders import stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(institution_a):
    return AnnualReportFactory(
        institution=institution_a,
        fiscal_year=2010,
        state=ReportState.SUBMITTED,
        licence_income=30_000_000,
        personnel_costs=8_000_000,
        patent_costs=2_000_000,
    )


def test_accepting_a_report_recomputes_its_metrics(
    submitted, mext_official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accept_report(actor=mext_official, report=submitted)

    assert stored("return_on_cost", submitted.institution, 2010).value == 3.0


def test_reopening_a_report_removes_its_metrics(
    submitted, mext_official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accepted = accept_report(actor=mext_official, report=submitted)
    with django_capture_on_commit_callbacks(execute=True):
        reopen_report(actor=mext_official, report=accepted, reason="訂正のため")

    assert not MetricValue.objects.filter(institution=submitted.institution).exists()
