"""Builders for the metric engine's tests: accepted reports and licence rows, written
straight to the database (the workflow has its own tests)."""

from __future__ import annotations

from metrics.enums import LicenseeKind, ReportState
from metrics.models import AnnualReport, LicenceAgreement, MetricValue
from tests.factories import AnnualReportFactory


def accepted_report(institution, fiscal_year: int, **figures) -> AnnualReport:
    return AnnualReportFactory(
        institution=institution, fiscal_year=fiscal_year, state=ReportState.ACCEPTED, **figures
    )


def licence(report: AnnualReport, reference: str, income: int, *, in_region: bool = False):
    return LicenceAgreement.objects.create(
        report=report,
        reference=reference,
        licensee_kind=LicenseeKind.SME,
        licensee_in_region=in_region,
        income=income,
    )


def stored(code: str, institution, fiscal_year: int) -> MetricValue:
    return MetricValue.objects.get(
        definition__code=code, institution=institution, fiscal_year=fiscal_year
    )
