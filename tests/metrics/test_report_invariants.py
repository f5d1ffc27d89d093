"""The database guards the invariants of reports and imports (CheckConstraints): code
checks them first for the message, the constraint makes the impossible impossible on
every path, the bulk ones included."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from metrics.enums import ImportState, ReportState
from metrics.models import AnnualReport, ImportJob
from tests.factories import AnnualReportFactory

pytestmark = pytest.mark.django_db


def _refused(queryset, **changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**changes)


def _report(institution, state):
    return AnnualReport.objects.filter(
        pk=AnnualReportFactory(institution=institution, state=state).pk
    )


def test_report_state_must_be_known(institution_a):
    _refused(_report(institution_a, ReportState.DRAFT), state="lost")


def test_submitted_report_must_have_its_submission_time(institution_a):
    _refused(_report(institution_a, ReportState.SUBMITTED), submitted_at=None)


def test_draft_cannot_become_submitted_without_a_submission_time(institution_a):
    _refused(_report(institution_a, ReportState.DRAFT), state=ReportState.SUBMITTED)


def test_accepted_report_must_have_its_acceptance_time(institution_a):
    _refused(_report(institution_a, ReportState.ACCEPTED), accepted_at=None)


def test_submitted_report_cannot_become_accepted_without_an_acceptance_time(institution_a):
    _refused(_report(institution_a, ReportState.SUBMITTED), state=ReportState.ACCEPTED)


def test_accepted_report_cannot_leave_its_state_keeping_the_acceptance(institution_a):
    _refused(_report(institution_a, ReportState.ACCEPTED), state=ReportState.DRAFT)


@pytest.mark.parametrize("state", [ReportState.DRAFT, ReportState.SUBMITTED])
def test_report_not_accepted_cannot_name_an_acceptance_time(institution_a, state):
    _refused(_report(institution_a, state), accepted_at=timezone.now())


def test_report_not_accepted_cannot_name_an_official_who_accepted(institution_a, mext_official):
    _refused(_report(institution_a, ReportState.DRAFT), accepted_by=mext_official)


def test_report_constraints_allow_what_the_workflow_does(institution_a, mext_official):
    reports = _report(institution_a, ReportState.SUBMITTED)
    reports.update(
        state=ReportState.ACCEPTED, accepted_at=timezone.now(), accepted_by=mext_official
    )
    reports.update(
        state=ReportState.DRAFT, accepted_at=None, accepted_by=None, reopen_reason="訂正"
    )
    assert reports.get().state == ReportState.DRAFT


def _job(person, state):
    applied_at = timezone.now() if state == ImportState.APPLIED else None
    job = ImportJob.objects.create(
        uploaded_by=person, original_name="x.csv", state=state, applied_at=applied_at
    )
    return ImportJob.objects.filter(pk=job.pk)


def test_import_state_must_be_known(staff_a):
    _refused(_job(staff_a, ImportState.PREVIEW), state="lost")


def test_applied_import_must_have_its_time(staff_a):
    _refused(_job(staff_a, ImportState.APPLIED), applied_at=None)
    _refused(_job(staff_a, ImportState.APPLYING), state=ImportState.APPLIED)
