"""Upload → preview → confirm: all rows in one transaction or none, with history."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone

from metrics.enums import ImportState, ReportState
from metrics.models import AnnualReport, ImportJob
from metrics.services import imports
from tests.factories import InstitutionFactory
from tests.metrics.importing_support import (
    csv_bytes,
    make_report,
    start_and_check,
    stored,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

HEADER = ["機関コード", "年度", "特許出願件数", "ライセンス収入(千円)", "満足度(窓口)"]


def upload(actor, rows, *, name="reports.csv", encoding="cp932", language="ja"):
    data = xlsx_bytes(rows) if encoding == "xlsx" else csv_bytes(rows, encoding)
    return start_and_check(actor=actor, file_name=name, data=data, language=language)


def snapshot():
    return (
        list(AnnualReport.objects.order_by("pk").values()),
        AnnualReport.history.count(),
    )


@pytest.fixture
def recomputes(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "metrics.services.metric_values.queue_recompute",
        lambda **kwargs: calls.append({k: sorted(v) for k, v in kwargs.items()}),
    )
    return calls


def test_start_import_small_file_is_previewed_at_once(staff_a):
    job = upload(staff_a, [HEADER, ["TLO-AAA", "H22", "12", "1,234", "3.5"]])
    job.refresh_from_db()
    assert (job.state, job.total_rows, job.processed_rows) == (ImportState.PREVIEW, 1, 1)
    assert job.result["summary"]["new"] == 1
    assert job.file.read() == csv_bytes([HEADER, ["TLO-AAA", "H22", "12", "1,234", "3.5"]], "cp932")
    assert AnnualReport.objects.count() == 0


def test_start_import_file_with_errors_fails_and_stores_nothing(staff_a):
    job = upload(staff_a, [HEADER, ["TLO-AAA", "H22", "x", "", ""]])
    assert job.state == ImportState.FAILED
    with pytest.raises(imports.ImportNotPossible):
        imports.confirm_import(actor=staff_a, job=job)
    assert AnnualReport.objects.count() == 0


def test_start_import_refuses_people_who_may_not_import(viewer, mext_reviewer):
    for person in (viewer, mext_reviewer):
        with pytest.raises(PermissionDenied):
            upload(person, [HEADER])
    assert ImportJob.objects.count() == 0


def test_confirm_import_creates_draft_reports_with_history(staff_a, institution_a, recomputes):
    job = upload(
        staff_a,
        [HEADER, ["TLO-AAA", "H22", "12", "1,234", "3.5"], ["TLO-AAA", "H23", "-", "", ""]],
        name="東北.csv",
    )
    job = imports.confirm_import(actor=staff_a, job=job)
    assert job.state == ImportState.APPLIED
    assert job.applied_at is not None
    reports = list(AnnualReport.objects.order_by("fiscal_year"))
    assert [
        (r.fiscal_year, r.state, r.version, r.patent_applications, r.licence_income)
        for r in reports
    ] == [
        (2010, ReportState.DRAFT, 1, 12, 1_234_000),
        (2011, ReportState.DRAFT, 1, 0, None),
    ]
    assert reports[0].satisfaction_desk == Decimal("3.50")
    history = list(AnnualReport.history.order_by("fiscal_year"))
    assert [(h.history_type, h.history_user, h.fiscal_year) for h in history] == [
        ("+", staff_a, 2010),
        ("+", staff_a, 2011),
    ]
    assert history[0].history_change_reason.endswith("東北.csv")
    # The history record holds the report as stored (COPY on PostgreSQL, simple-history's
    # bulk helper elsewhere): same id, figures and state.
    assert (history[0].id, history[0].licence_income, history[0].satisfaction_desk) == (
        reports[0].pk,
        1_234_000,
        Decimal("3.50"),
    )
    assert history[0].instance.institution == institution_a
    assert recomputes == [{"institution_ids": [institution_a.pk], "fiscal_years": [2010, 2011]}]


def test_confirm_import_updates_changed_reports_and_bumps_their_version(staff_a, institution_a):
    report = make_report(institution_a, 2010, patent_applications=5, licence_income=1_000)
    untouched = make_report(institution_a, 2011, patent_applications=7)
    job = upload(
        staff_a,
        [
            ["機関コード", "年度", "特許出願件数"],
            ["TLO-AAA", "2010", "6"],
            ["TLO-AAA", "2011", "7"],
        ],
    )
    assert [r["outcome"] for r in stored(job)["rows"]] == ["changed", "unchanged"]
    imports.confirm_import(actor=staff_a, job=job)
    report.refresh_from_db()
    untouched.refresh_from_db()
    assert (report.patent_applications, report.licence_income, report.version) == (6, 1_000, 2)
    assert untouched.version == 1
    (change,) = report.history.filter(history_type="~")
    assert (change.history_user, change.patent_applications, change.version) == (staff_a, 6, 2)
    assert untouched.history.filter(history_type="~").count() == 0


def test_confirm_import_turns_a_returned_report_back_into_a_draft(staff_a, institution_a):
    report = make_report(
        institution_a,
        2010,
        state=ReportState.RETURNED,
        return_reason="特許出願件数を確認してください",
        patent_applications=5,
    )
    job = upload(staff_a, [["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2010", "6"]])
    imports.confirm_import(actor=staff_a, job=job)
    report.refresh_from_db()
    assert (report.state, report.patent_applications) == (ReportState.DRAFT, 6)


def test_reimporting_the_same_file_changes_nothing(staff_a, institution_a, recomputes):
    rows = [HEADER, ["TLO-AAA", "H22", "12", "1,234", "3.5"], ["TLO-AAA", "H23", "1", "2", "4"]]
    imports.confirm_import(actor=staff_a, job=upload(staff_a, rows))
    before = snapshot()
    again = upload(staff_a, rows)
    assert again.result["summary"]["unchanged"] == 2
    imports.confirm_import(actor=staff_a, job=again)
    assert snapshot() == before
    assert len(recomputes) == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "xlsx"])
def test_import_gives_the_same_reports_whatever_the_encoding(staff_a, encoding):
    rows = [HEADER, ["TLO-AAA", "平成22年度", "１，２３４", "￥5,000", "4.25"]]
    imports.confirm_import(actor=staff_a, job=upload(staff_a, rows, encoding=encoding))
    assert list(
        AnnualReport.objects.values_list(
            "fiscal_year", "patent_applications", "licence_income", "satisfaction_desk"
        )
    ) == [(2010, 1234, 5_000_000, Decimal("4.25"))]


def test_confirm_import_refuses_when_a_report_changed_since_the_preview(staff_a, institution_a):
    report = make_report(institution_a, 2010, patent_applications=5)
    job = upload(
        staff_a,
        [
            ["機関コード", "年度", "特許出願件数"],
            ["TLO-AAA", "2010", "6"],
            ["TLO-AAA", "2011", "1"],
        ],
        language="en",
    )
    # Someone saves the report between the preview and the confirmation.
    AnnualReport.objects.filter(pk=report.pk).update(patent_applications=9, version=2)
    before = snapshot()
    job = imports.confirm_import(actor=staff_a, job=job)
    assert snapshot() == before
    assert job.result["conflicts"] == [
        "Row 2: the 2010 report of 機関A was changed by someone else after the preview "
        "(version 1, now 2)."
    ]
    job.refresh_from_db()
    assert job.state == ImportState.FAILED


def test_confirm_import_refuses_when_an_unchanged_report_changed_since_the_preview(
    staff_a, institution_a
):
    report = make_report(institution_a, 2010, patent_applications=5)
    job = upload(
        staff_a, [["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2010", "5"]], language="en"
    )
    assert [r["outcome"] for r in stored(job)["rows"]] == ["unchanged"]
    AnnualReport.objects.filter(pk=report.pk).update(patent_applications=9, version=2)
    job = imports.confirm_import(actor=staff_a, job=job)
    assert job.state == ImportState.FAILED
    assert job.result["conflicts"] == [
        "Row 2: the 2010 report of 機関A was changed by someone else after the preview "
        "(version 1, now 2)."
    ]
    assert job.applied_at is None


def test_confirm_import_refuses_when_a_report_was_submitted_since_the_preview(
    staff_a, institution_a
):
    report = make_report(institution_a, 2010, patent_applications=5)
    job = upload(
        staff_a, [["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2010", "6"]], language="en"
    )
    AnnualReport.objects.filter(pk=report.pk).update(
        state=ReportState.SUBMITTED, submitted_at=timezone.now()
    )
    job = imports.confirm_import(actor=staff_a, job=job)
    report.refresh_from_db()
    assert report.patent_applications == 5
    assert job.state == ImportState.FAILED
    assert job.result["conflicts"] == ["Row 2: the 2010 report of 機関A is now submitted."]


def test_confirm_import_refuses_when_a_report_appeared_since_the_preview(staff_a, institution_a):
    job = upload(
        staff_a, [["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2010", "6"]], language="en"
    )
    make_report(institution_a, 2010, patent_applications=1)
    job = imports.confirm_import(actor=staff_a, job=job)
    assert list(AnnualReport.objects.values_list("patent_applications", flat=True)) == [1]
    assert job.state == ImportState.FAILED
    assert job.result["conflicts"] == [
        "Row 2: a report of 機関A for 2010 was created by someone else after the preview."
    ]


def test_confirm_import_refuses_when_a_report_was_deleted_since_the_preview(staff_a, institution_a):
    report = make_report(institution_a, 2010, patent_applications=5)
    job = upload(
        staff_a, [["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2010", "6"]], language="en"
    )
    AnnualReport.objects.filter(pk=report.pk).delete()
    job = imports.confirm_import(actor=staff_a, job=job)
    assert job.state == ImportState.FAILED
    assert job.result["conflicts"] == [
        "Row 2: the 2010 report of 機関A was deleted after the preview."
    ]
    assert AnnualReport.objects.count() == 0


def test_confirm_import_refuses_when_the_person_left_the_institution(staff_a, institution_a):
    job = upload(
        staff_a, [["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2010", "6"]], language="en"
    )
    staff_a.memberships.all().delete()
    job = imports.confirm_import(actor=staff_a, job=job)
    assert job.result["conflicts"] == ["Row 2: you may no longer import figures of 機関A."]
    assert AnnualReport.objects.count() == 0


def test_confirm_import_is_all_or_nothing(staff_a, institution_a, monkeypatch):
    make_report(institution_a, 2010, patent_applications=5)
    job = upload(
        staff_a,
        [
            ["機関コード", "年度", "特許出願件数"],
            ["TLO-AAA", "2010", "6"],
            ["TLO-AAA", "2011", "1"],
        ],
    )
    before = snapshot()

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    # The new report is written first; the failure comes while updating the changed one.
    monkeypatch.setattr(imports.bulk, "update_with_history", fail)
    job = imports.confirm_import(actor=staff_a, job=job)
    assert snapshot() == before
    assert job.state == ImportState.FAILED  # the page stops waiting and says so
    assert job.result["conflicts"] == ["システムの障害のため、何も取り込まれていません。"]


def test_background_preview_that_breaks_marks_the_job_failed(staff_a, monkeypatch):
    job = ImportJob.objects.create(
        uploaded_by=staff_a, original_name="x.csv", state=ImportState.PARSING, result={}
    )
    job.file.save("x.csv", ContentFile(csv_bytes([HEADER])))

    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(imports, "build_preview", broken)
    imports.run_import_preview(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert [p["kind"] for p in job.result["file_errors"]] == ["processing_failed"]


def test_1000_row_file_with_a_bad_row_at_row_999_stores_nothing(mext_official):
    institutions = InstitutionFactory.create_batch(40)
    rows = [["機関コード", "年度", "特許出願件数"]]
    rows += [[institutions[i % 40].code, 1998 + i // 40, i] for i in range(1_000)]
    rows[998][2] = "九百九十八"  # row 999 of the spreadsheet
    job = upload(mext_official, rows)
    assert job.state == ImportState.FAILED
    errors = [(r["row"], p["column"]) for r in stored(job)["rows"] for p in r.get("problems", [])]
    assert errors == [(999, "特許出願件数")]
    with pytest.raises(imports.ImportNotPossible):
        imports.confirm_import(actor=mext_official, job=job)
    assert AnnualReport.objects.count() == 0


def test_confirm_import_only_by_the_person_who_uploaded(staff_a, mext_official):
    job = upload(staff_a, [HEADER, ["TLO-AAA", "H22", "12", "1,234", "3.5"]])
    with pytest.raises(PermissionDenied):
        imports.confirm_import(actor=mext_official, job=job)
    assert AnnualReport.objects.count() == 0


def test_confirm_import_twice_applies_once(staff_a):
    job = upload(staff_a, [HEADER, ["TLO-AAA", "H22", "12", "1,234", "3.5"]])
    imports.confirm_import(actor=staff_a, job=job)
    job.refresh_from_db()
    with pytest.raises(imports.ImportNotPossible):
        imports.confirm_import(actor=staff_a, job=job)
    assert AnnualReport.history.count() == 1


def test_cancel_import_stores_nothing(staff_a):
    job = upload(staff_a, [HEADER, ["TLO-AAA", "H22", "12", "1,234", "3.5"]])
    imports.cancel_import(actor=staff_a, job=job)
    job.refresh_from_db()
    assert job.state == ImportState.CANCELLED
    with pytest.raises(imports.ImportNotPossible):
        imports.confirm_import(actor=staff_a, job=job)
    assert AnnualReport.objects.count() == 0


def test_large_file_is_checked_and_applied_in_the_background(
    staff_a, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 3
    rows = [HEADER] + [["TLO-AAA", 2001 + n, n, "1", "3"] for n in range(5)]
    with django_capture_on_commit_callbacks() as queued:
        job = imports.start_import(
            actor=staff_a, file_name="r.csv", data=csv_bytes(rows, "cp932"), language="ja"
        )
    # The upload returns before any row is checked; the task runs after commit.
    assert (job.state, job.preview_rows.exists()) == (ImportState.UPLOADED, False)
    assert len(queued) == 1
    queued[0]()
    job.refresh_from_db()
    assert (job.state, job.processed_rows, job.total_rows) == (ImportState.PREVIEW, 5, 5)

    with django_capture_on_commit_callbacks() as queued:
        job = imports.confirm_import(actor=staff_a, job=job)
    assert job.state == ImportState.APPLYING
    assert AnnualReport.objects.count() == 0
    queued[0]()
    job.refresh_from_db()
    assert job.state == ImportState.APPLIED
    assert AnnualReport.objects.count() == 5


def test_small_upload_is_not_parsed_in_the_request(staff_a, django_capture_on_commit_callbacks):
    rows = [HEADER, ["TLO-AAA", "H22", "12", "1,234", "3.5"]]
    with django_capture_on_commit_callbacks() as queued:
        job = imports.start_import(
            actor=staff_a, file_name="r.csv", data=csv_bytes(rows), language="ja"
        )
    job.refresh_from_db()
    assert (job.state, job.total_rows, job.preview_rows.exists()) == (
        ImportState.UPLOADED,
        0,
        False,
    )
    assert len(queued) == 1
    queued[0]()
    job.refresh_from_db()
    assert (job.state, job.total_rows) == (ImportState.PREVIEW, 1)


def test_background_preview_reports_progress(staff_a, monkeypatch):
    from metrics.importing import preview

    monkeypatch.setattr(preview, "PROGRESS_EVERY", 2)
    seen = []
    original = ImportJob.objects.filter

    def spy(*args, **kwargs):
        queryset = original(*args, **kwargs)
        update = queryset.update

        def recording_update(**values):
            if "processed_rows" in values and "total_rows" in values:
                seen.append((values["processed_rows"], values["total_rows"]))
            return update(**values)

        queryset.update = recording_update
        return queryset

    data = csv_bytes([HEADER] + [["TLO-AAA", 2001 + n, n, "1", "3"] for n in range(5)])
    job = ImportJob.objects.create(
        uploaded_by=staff_a, original_name="big.csv", state=ImportState.PARSING, result={}
    )
    job.file.save("big.csv", ContentFile(data))
    monkeypatch.setattr(ImportJob.objects, "filter", spy)
    imports.run_import_preview(job_id=job.pk)
    # The checking counts up; storing the preview records the final count once more.
    assert seen == [(2, 5), (4, 5), (5, 5), (5, 5)]
