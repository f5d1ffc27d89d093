"""The annual report journey in the real Chromium (issue 3).

TLO staff upload a CP932 CSV, read the preview, confirm and submit; an official
returns the report with a reason; the staff fix a figure and submit again; the
official accepts. Buttons are found by their ids, so the journey reads the same
whatever the state of the Japanese catalogue; the effects are checked in the database.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from metrics.enums import ReportState
from metrics.models import AnnualReport
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.factories import InstitutionFactory, official_of, staff_of

# What a TLO office writes by hand in Excel and saves as CSV (Shift_JIS/CP932): Japanese
# headers, a wareki fiscal year, separators, a full-width number, a unit in a header.
CSV_TEXT = (
    "機関コード,年度,特許出願件数,ライセンス件数,ライセンス収入(千円),人件費,特許関係費\r\n"
    'TLO-JOURNEY,平成22年度,４８,12,"12,345","30,000,000",－\r\n'
)
RETURN_REASON = "特許関係費が0円になっています。出願件数から見て費用が計上されていないようです。"


def _path(name: str, *args) -> str:
    with translation.override("ja"):
        return reverse(name, args=args)


def _sign_in_as(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def _confirm(page) -> None:
    """Workflow actions ask for confirmation in a dialog (static/js/confirm.js)."""
    page.wait_for_selector("#confirm-dialog[open]")
    page.click("#confirm-ok")


def _open_report(page, live_server, report: AnnualReport) -> None:
    page.goto(live_server.url + _path("metrics:report_list"))
    page.click(f"#report-table a[href='{_path('metrics:report_detail', report.pk)}']")
    page.wait_for_url(f"**{_path('metrics:report_detail', report.pk)}")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_report_journey_upload_submit_return_fix_accept(page, live_server):
    institution = InstitutionFactory(code="TLO-JOURNEY", name_ja="ジャーニーTLO")
    staff_of(institution, username="journey-staff", first_name="担当 花子")
    official_of(username="journey-official", first_name="文科 太郎")

    # TLO staff upload the CP932 file and read the preview.
    _sign_in_as(page, live_server, "journey-staff")
    page.goto(live_server.url + _path("metrics:import_upload"))
    page.set_input_files(
        "#import-upload input[type=file]",
        files=[
            {"name": "年度報告.csv", "mimeType": "text/csv", "buffer": CSV_TEXT.encode("cp932")}
        ],
    )
    page.click("#import-upload button[type=submit]")
    page.wait_for_selector("#import-confirm")
    preview = page.locator("#import-rows").inner_text()
    assert "ジャーニーTLO" in preview
    assert "12,345,000" in preview  # (千円) scaled to yen
    assert AnnualReport.objects.count() == 0  # nothing stored before confirming

    page.click("#import-confirm button")
    page.wait_for_selector("#import-applied")
    report = AnnualReport.objects.get(institution=institution, fiscal_year=2010)
    assert (report.state, report.licence_income, report.patent_applications) == (
        ReportState.DRAFT,
        12_345_000,
        48,
    )
    assert report.patent_costs == 0

    # ... then find the report through the navigation and submit it.
    page.click("#nav-reports")
    page.click(f"#report-table a[href='{_path('metrics:report_detail', report.pk)}']")
    assert "12,345,000" in page.locator("#figure-licence_income").inner_text()
    page.click("#submit-report")
    _confirm(page)
    page.wait_for_selector(".messages .success")
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    assert page.locator("#edit-report").count() == 0  # submitted: no longer editable

    # An official finds it in the queue and returns it with a reason.
    _sign_in_as(page, live_server, "journey-official")
    page.goto(live_server.url + _path("metrics:report_queue"))
    page.click(f"#queue-table a[href='{_path('metrics:report_detail', report.pk)}']")
    page.fill("#return-form textarea[name=reason]", RETURN_REASON)
    page.click("#return-report")
    _confirm(page)
    page.wait_for_selector("#return-reason")
    returned = AnnualReport.objects.get(pk=report.pk)
    assert (returned.state, returned.return_reason) == (ReportState.RETURNED, RETURN_REASON)

    # The staff read the reason, fix the figure and submit again.
    _sign_in_as(page, live_server, "journey-staff")
    _open_report(page, live_server, report)
    assert RETURN_REASON in page.locator("#return-reason").inner_text()
    page.click("#edit-report")
    page.fill("#id_patent_costs", "18,500,000")
    page.click("#save-report")
    page.wait_for_url(f"**{_path('metrics:report_detail', report.pk)}")
    fixed = AnnualReport.objects.get(pk=report.pk)
    assert (fixed.state, fixed.patent_costs) == (ReportState.DRAFT, 18_500_000)
    page.click("#submit-report")
    _confirm(page)
    page.wait_for_selector(".messages .success")
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED

    # The official accepts; the report is locked and its history tells the story.
    _sign_in_as(page, live_server, "journey-official")
    _open_report(page, live_server, report)
    page.click("#accept-report")
    _confirm(page)
    page.wait_for_selector(".messages .success")
    accepted = AnnualReport.objects.get(pk=report.pk)
    assert accepted.state == ReportState.ACCEPTED
    assert accepted.accepted_by.username == "journey-official"
    assert page.locator("#accept-report").count() == 0
    assert page.locator("#reopen-report").count() == 1
    history = page.locator("#history-table").inner_text()
    assert "特許関係費: 0 → 18,500,000" in history
    assert "担当 花子" in history and "文科 太郎" in history
