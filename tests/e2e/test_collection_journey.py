"""The annual collection in the real Chromium (issue 10).

An official opens a collection round; each TLO's staff see it on their home page, start
their report from there, enter the core figures (adding a licence row on the page
without saving first) and submit after confirming; the official ticks both reports in
the queue and accepts them at once; the status page then shows every expected
institution accepted: a reporting rate of 100%. Screenshots go to /tmp for review.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from metrics.enums import ReportState
from metrics.models import AnnualReport, CollectionRound
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.factories import InstitutionFactory, official_of, staff_of

SHOTS = "/tmp/collection-journey"


def _path(name: str, *args) -> str:
    with translation.override("ja"):
        return reverse(name, args=args)


def _sign_in_as(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def _shot(page, name: str) -> None:
    page.screenshot(path=f"{SHOTS}-{name}.png", full_page=True)


def _report_as_staff(page, live_server, username: str, fiscal_year: int, figures: dict) -> None:
    _sign_in_as(page, live_server, username)
    _shot(page, f"home-{username}")
    panel = page.locator("#collection-panel")
    assert "提出期限" in panel.inner_text()
    panel.locator("a", has_text="報告を作成").first.click()
    page.wait_for_selector("#new-report-form")
    assert page.input_value("#id_fiscal_year") == str(fiscal_year)
    page.click("#start-report")
    page.wait_for_selector("#report-form")
    # A mistake first: the error summary at the top links to the field.
    page.fill("#id_licence_income", "百万円")
    page.click("#save-report")
    page.wait_for_selector("#error-summary")
    _shot(page, f"error-summary-{username}")
    page.click("#error-summary a[href='#id_licence_income']")
    assert page.evaluate("document.activeElement.id") == "id_licence_income"
    for field, value in figures.items():
        page.fill(f"#id_{field}", value)
    # One licence row is there; a second one is added on the page, without saving.
    page.click("#add-licence-row")
    page.fill("#id_licences-0-reference", "L-1")
    page.select_option("#id_licences-0-licensee_kind", "sme")
    page.fill("#id_licences-0-income", "600,000")
    page.fill("#id_licences-1-reference", "L-2")
    page.select_option("#id_licences-1-licensee_kind", "startup")
    page.fill("#id_licences-1-income", "400,000")
    page.click("#save-report")
    page.wait_for_selector("#submit-report")
    page.click("#submit-report")
    page.wait_for_selector("#confirm-dialog[open]")
    _shot(page, f"confirm-submit-{username}")
    page.click("#confirm-ok")
    page.wait_for_selector(".messages .success")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_collection_journey_open_round_submit_bulk_accept_full_status(page, live_server):
    first = InstitutionFactory(code="TLO-NORTH", name_ja="北のTLO", approval_fy=2001)
    second = InstitutionFactory(code="TLO-SOUTH", name_ja="南のTLO", approval_fy=2001)
    staff_of(first, username="north-staff", first_name="北 一郎", email="north@example.jp")
    staff_of(second, username="south-staff", first_name="南 花子", email="south@example.jp")
    official_of(username="round-official", first_name="文科 太郎")
    today = timezone.localdate()
    fiscal_year = (today.year if today.month >= 4 else today.year - 1) - 1
    deadline = today + datetime.timedelta(days=30)

    # The official opens a round from the status page; both TLOs are proposed.
    _sign_in_as(page, live_server, "round-official")
    page.click("#nav-collection")
    page.wait_for_selector("#status-filters")
    page.goto(live_server.url + _path("metrics:round_create"))
    assert page.is_checked("#expected-institutions input[value=TLO-NORTH]")
    assert page.is_checked("#expected-institutions input[value=TLO-SOUTH]")
    # Select none, then all: the list's own buttons.
    page.click("#expected-institutions button[data-tick=none]")
    assert not page.is_checked("#expected-institutions input[value=TLO-NORTH]")
    page.click("#expected-institutions button[data-tick=all]")
    assert page.is_checked("#expected-institutions input[value=TLO-NORTH]")
    assert page.is_checked("#expected-institutions input[value=TLO-SOUTH]")
    page.fill("#id_fiscal_year", str(fiscal_year))
    page.fill("#id_deadline", deadline.isoformat())
    _shot(page, "open-round")
    page.click("#save-round")
    page.wait_for_selector("#status-table")
    collection_round = CollectionRound.objects.get()
    assert (collection_round.fiscal_year, collection_round.deadline) == (fiscal_year, deadline)
    assert page.inner_text("#reporting-rate") == "0.0%"
    assert page.inner_text("#count-missing") == "2"

    figures = {
        "patent_applications": "30",
        "licences_granted": "2",
        "licence_income": "1,000,000",
        "personnel_costs": "20,000,000",
        "patent_costs": "5,000,000",
    }
    _report_as_staff(page, live_server, "north-staff", fiscal_year, figures)
    _report_as_staff(page, live_server, "south-staff", fiscal_year, figures)
    reports = AnnualReport.objects.filter(fiscal_year=fiscal_year)
    assert set(reports.values_list("state", flat=True)) == {ReportState.SUBMITTED}
    assert [r.licences.count() for r in reports] == [2, 2]

    # The official's home page counts the queue; the official accepts both at once.
    _sign_in_as(page, live_server, "round-official")
    assert "2件" in page.inner_text("#queue-length")
    page.goto(live_server.url + _path("metrics:report_queue"))
    for report in reports:
        page.check(f"#select-{report.pk}")
    page.click("#bulk-accept")
    page.wait_for_selector("#confirm-dialog[open]")
    assert "北のTLO" in page.inner_text("#confirm-dialog")
    _shot(page, "confirm-bulk-accept")
    page.click("#confirm-ok")
    page.wait_for_selector(".messages .success")
    assert set(reports.values_list("state", flat=True)) == {ReportState.ACCEPTED}

    # The status page shows every expected institution accepted.
    page.goto(live_server.url + _path("metrics:collection_status") + f"?fy={fiscal_year}")
    assert page.inner_text("#reporting-rate") == "100.0%"
    assert page.inner_text("#on-time-rate") == "100.0%"
    assert page.inner_text("#count-accepted") == "2"
    _shot(page, "status-100")
