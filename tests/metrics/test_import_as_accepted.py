"""Historical figures the ministries hold, loaded as accepted reports (officials only),
and the fiscal year bounds of imported rows."""

import dataclasses
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from metrics.enums import ImportState, ReportAction, ReportState
from metrics.models import AnnualReport
from metrics.services import imports
from metrics.workflow import REPORT_WORKFLOW
from tests.metrics.importing_support import csv_bytes, make_report, messages_of

pytestmark = pytest.mark.django_db

HEADER = ["institution", "fiscal_year", "patent_applications", "licence_income"]


@pytest.fixture
def recomputes(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "metrics.services.metric_values.queue_recompute",
        lambda **kwargs: calls.append({k: sorted(v) for k, v in kwargs.items()}),
    )
    return calls


def run(path, username, *extra):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_reports", str(path), "--as", username, *extra, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _file(tmp_path, rows, name="H22実績.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes([HEADER, *rows]))
    return path


def test_accept_by_an_official_stores_accepted_reports_with_history(
    tmp_path, mext_official, institution_a, institution_b, recomputes
):
    draft = make_report(institution_b, 2009, patent_applications=1, licence_income=5)
    path = _file(
        tmp_path,
        [["TLO-AAA", "2010", "12", "1000"], ["TLO-BBB", "2009", "3", "5"]],
    )
    status, out, err = run(path, "mext-official", "--accept")
    assert (status, err) == (0, "")
    assert "2 stored accepted" in out
    new = AnnualReport.objects.get(institution=institution_a)
    assert (new.state, new.accepted_by, new.version, new.patent_applications) == (
        "accepted",
        mext_official,
        1,
        12,
    )
    assert new.accepted_at is not None and new.submitted_at is None
    changed = AnnualReport.objects.get(pk=draft.pk)
    assert (changed.state, changed.version, changed.patent_applications) == ("accepted", 2, 3)
    for report in (new, changed):
        record = report.history.order_by("-history_date").first()
        assert record.history_user == mext_official
        assert "H22実績.csv" in record.history_change_reason
    assert recomputes == [
        {
            "institution_ids": sorted([institution_a.pk, institution_b.pk]),
            "fiscal_years": [2009, 2010],
        }
    ]


def test_accept_accepts_an_unchanged_submitted_report(
    tmp_path, mext_official, institution_a, recomputes
):
    submitted = make_report(
        institution_a, 2010, state=ReportState.SUBMITTED, patent_applications=12, licence_income=9
    )
    status, _out, _err = run(
        _file(tmp_path, [["TLO-AAA", "2010", "12", "9"]]), "mext-official", "--accept"
    )
    assert status == 0
    stored = AnnualReport.objects.get(pk=submitted.pk)
    assert (stored.state, stored.version, stored.accepted_by) == ("accepted", 2, mext_official)
    assert len(recomputes) == 1


def test_accept_leaves_an_unchanged_accepted_report_alone(
    tmp_path, mext_official, institution_a, recomputes
):
    accepted = make_report(
        institution_a, 2010, state=ReportState.ACCEPTED, patent_applications=12, licence_income=9
    )
    status, _out, _err = run(
        _file(tmp_path, [["TLO-AAA", "2010", "12", "9"]]), "mext-official", "--accept"
    )
    assert status == 0
    stored = AnnualReport.objects.get(pk=accepted.pk)
    assert (stored.version, stored.accepted_by) == (1, None)
    assert recomputes == []


@pytest.mark.parametrize("state", [ReportState.SUBMITTED, ReportState.ACCEPTED])
def test_accept_refuses_rows_that_would_change_submitted_or_accepted_reports(
    tmp_path, mext_official, institution_a, institution_b, state, recomputes
):
    make_report(institution_a, 2010, state=state, patent_applications=12, licence_income=9)
    path = _file(tmp_path, [["TLO-AAA", "2010", "13", "9"], ["TLO-BBB", "2010", "1", "1"]])
    status, _out, err = run(path, "mext-official", "--accept", "--language", "en")
    assert status == 1
    assert "row 2" in err
    assert AnnualReport.objects.count() == 1
    assert AnnualReport.objects.get().patent_applications == 12
    assert recomputes == []


def test_accept_is_refused_for_tlo_staff(tmp_path, staff_a, institution_a):
    with pytest.raises(CommandError, match="only officials"):
        run(_file(tmp_path, [["TLO-AAA", "2010", "1", "1"]]), "staff-a", "--accept")
    assert not AnnualReport.objects.exists()


def test_web_confirmation_as_accepted_by_an_official(
    client_for, mext_official, institution_a, recomputes
):
    job = imports.start_import(
        actor=mext_official,
        file_name="過去分.csv",
        data=csv_bytes([HEADER, ["TLO-AAA", "2010", "12", "1000"]]),
        language="ja",
    )
    client = client_for(mext_official)
    page = client.get(reverse("metrics:import_detail", args=[job.pk])).content.decode()
    assert 'name="as_accepted"' in page
    client.post(reverse("metrics:import_confirm", args=[job.pk]), {"as_accepted": "yes"})
    job.refresh_from_db()
    assert (job.state, job.as_accepted) == (ImportState.APPLIED, True)
    report = AnnualReport.objects.get()
    assert (report.state, report.accepted_by) == ("accepted", mext_official)
    assert "過去分.csv" in report.history.get().history_change_reason
    assert len(recomputes) == 1


def test_web_confirmation_as_accepted_by_staff_is_refused(client_for, staff_a, institution_a):
    job = imports.start_import(
        actor=staff_a,
        file_name="r.csv",
        data=csv_bytes([HEADER, ["TLO-AAA", "2010", "12", "1000"]]),
        language="ja",
    )
    client = client_for(staff_a)
    assert (
        'name="as_accepted"'
        not in client.get(reverse("metrics:import_detail", args=[job.pk])).content.decode()
    )
    response = client.post(reverse("metrics:import_confirm", args=[job.pk]), {"as_accepted": "yes"})
    assert response.status_code == 403
    assert not AnnualReport.objects.exists()
    with pytest.raises(PermissionDenied):
        imports.confirm_import(actor=staff_a, job=job, as_accepted=True)
    assert not AnnualReport.objects.exists()
    job.refresh_from_db()
    assert (job.state, job.as_accepted) == (ImportState.PREVIEW, False)


def test_large_import_as_accepted_by_staff_is_refused_before_it_is_queued(
    staff_a, institution_a, settings, django_capture_on_commit_callbacks
):
    job = imports.start_import(
        actor=staff_a,
        file_name="r.csv",
        data=csv_bytes([HEADER, ["TLO-AAA", "2010", "12", "1000"]]),
        language="ja",
    )
    settings.IMPORT_BACKGROUND_ROWS = 0  # the confirmation would go to a worker
    with django_capture_on_commit_callbacks() as queued, pytest.raises(PermissionDenied):
        imports.confirm_import(actor=staff_a, job=job, as_accepted=True)
    assert queued == []
    job.refresh_from_db()
    assert (job.state, job.as_accepted) == (ImportState.PREVIEW, False)


# --- fiscal year bounds -----------------------------------------------------------------


def test_a_row_for_a_future_year_is_an_error_naming_row_and_column(staff_a, institution_a):
    preview, applied = imports.import_file(
        actor=staff_a,
        data=csv_bytes([["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2099年度", "1"]]),
        file_name="r.csv",
    )
    assert applied is None
    with translation.override("ja"):
        (message,) = messages_of(preview)
    assert message.startswith("2行目、「年度」列")
    assert "2099" in message
    assert not AnnualReport.objects.exists()


def test_a_row_before_the_approval_year_is_an_error(staff_a, institution_a):
    institution_a.approval_fy = 2005
    institution_a.save()
    preview, applied = imports.import_file(
        actor=staff_a,
        data=csv_bytes([HEADER, ["TLO-AAA", "2004", "1", "1"], ["TLO-AAA", "2005", "1", "1"]]),
        file_name="r.csv",
    )
    assert applied is None
    assert [row.outcome for row in preview.rows] == ["error", "new"]


# --- acceptance through the workflow table ------------------------------------------------


def _without_submitted(row):
    return dataclasses.replace(row, sources=row.sources - {ReportState.SUBMITTED})


def test_accept_refuses_a_report_the_workflow_does_not_accept_from_its_state(
    mext_official, institution_a, institution_b, recomputes, monkeypatch
):
    """With a table that accepts no submitted report by import, the import names the
    row and stores nothing, not even the file's other rows."""
    row = REPORT_WORKFLOW[ReportAction.ACCEPT_BY_IMPORT]
    monkeypatch.setitem(
        REPORT_WORKFLOW.transitions, ReportAction.ACCEPT_BY_IMPORT, _without_submitted(row)
    )
    submitted = make_report(
        institution_a, 2010, state=ReportState.SUBMITTED, patent_applications=12, licence_income=9
    )
    data = csv_bytes([HEADER, ["TLO-AAA", "2010", "12", "9"], ["TLO-BBB", "2010", "1", "1"]])
    with translation.override("en"), pytest.raises(imports.ImportConflict) as refused:
        imports.import_file(actor=mext_official, data=data, file_name="r.csv", as_accepted=True)
    assert refused.value.messages == [
        "Row 2: the 2010 report of 機関A is submitted and cannot be accepted by an import."
    ]
    stored = AnnualReport.objects.get()
    assert (stored.pk, stored.state, stored.version) == (submitted.pk, ReportState.SUBMITTED, 1)
    assert recomputes == []


def test_accept_asks_the_workflow_who_may_accept_by_import(
    tmp_path, mext_official, institution_a, monkeypatch
):
    """With a table whose row lets no one accept by import, an official is refused too."""
    row = REPORT_WORKFLOW[ReportAction.ACCEPT_BY_IMPORT]
    monkeypatch.setitem(
        REPORT_WORKFLOW.transitions,
        ReportAction.ACCEPT_BY_IMPORT,
        dataclasses.replace(row, allowed=lambda user, report: False),
    )
    data = csv_bytes([HEADER, ["TLO-AAA", "2010", "12", "1000"]])
    with pytest.raises(PermissionDenied):
        imports.import_file(actor=mext_official, data=data, file_name="r.csv", as_accepted=True)
    job = imports.start_import(actor=mext_official, file_name="r.csv", data=data, language="ja")
    with pytest.raises(PermissionDenied):
        imports.confirm_import(actor=mext_official, job=job, as_accepted=True)
    assert not AnnualReport.objects.exists()


def test_web_confirmation_refused_by_the_workflow_fails_the_job_with_the_reason(
    client_for, mext_official, institution_a, monkeypatch
):
    submitted = make_report(
        institution_a, 2010, state=ReportState.SUBMITTED, patent_applications=12, licence_income=9
    )
    job = imports.start_import(
        actor=mext_official,
        file_name="r.csv",
        data=csv_bytes([HEADER, ["TLO-AAA", "2010", "12", "9"]]),
        language="en",
    )
    row = REPORT_WORKFLOW[ReportAction.ACCEPT_BY_IMPORT]
    monkeypatch.setitem(
        REPORT_WORKFLOW.transitions, ReportAction.ACCEPT_BY_IMPORT, _without_submitted(row)
    )
    client_for(mext_official).post(
        reverse("metrics:import_confirm", args=[job.pk]), {"as_accepted": "yes"}
    )
    job.refresh_from_db()
    assert (job.state, len(job.result["conflicts"])) == (ImportState.FAILED, 1)
    assert "cannot be accepted by an import" in job.result["conflicts"][0]
    assert AnnualReport.objects.get(pk=submitted.pk).state == ReportState.SUBMITTED


def test_accept_accepts_an_unchanged_returned_report_and_clears_the_reason(
    mext_official, institution_a, recomputes
):
    returned = make_report(
        institution_a,
        2010,
        state=ReportState.RETURNED,
        return_reason="確認してください",
        patent_applications=12,
        licence_income=9,
    )
    imports.import_file(
        actor=mext_official,
        data=csv_bytes([HEADER, ["TLO-AAA", "2010", "12", "9"]]),
        file_name="r.csv",
        as_accepted=True,
    )
    stored = AnnualReport.objects.get(pk=returned.pk)
    assert (stored.state, stored.accepted_by, stored.return_reason) == (
        ReportState.ACCEPTED,
        mext_official,
        "",
    )
    assert stored.accepted_at is not None and stored.submitted_at is None
