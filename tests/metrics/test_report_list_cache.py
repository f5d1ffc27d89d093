"""The report list's cache (metrics.views.reports.report_list, core.cache): never shared
across audiences, filters or languages; every report write shows on the next request;
a failed write moves no version; a warm request runs three queries whatever the size of
the list; a Redis outage serves it uncached."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.amounts import AmountUnit
from core.cache import current_report_list_version
from institutions.services import load_institution_rows
from metrics.enums import ReportState
from metrics.models import AnnualReport
from metrics.services import reports
from metrics.services.reports import StaleReportError
from tests.cache_outage import redis_down
from tests.factories import AnnualReportFactory, InstitutionFactory, staff_of
from tests.metrics.importing_support import CORE
from tests.support import get_ok

URL = "/metrics/reports/"


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


def _rows(response) -> set[tuple[str, str, str]]:
    """(code, fiscal year, state) of each row of the list's table, read from the HTML."""
    import re

    html = response.content.decode()
    table = html[html.index('id="report-table"') :]
    rows = re.findall(
        r'<a href="/metrics/reports/\d+/">(.*?)</a></td>\s*<td>(.*?)</td>\s*<td>.*?</td>\s*'
        r'<td><span class="badge">(.*?)</span>',
        table,
        flags=re.S,
    )
    return {(code, re.search(r"\d{4}年度", year).group(0), state) for year, code, state in rows}


def _draft(staff, institution, fiscal_year=2010) -> AnnualReport:
    return reports.create_report(actor=staff, institution=institution, fiscal_year=fiscal_year)


def _complete(report: AnnualReport) -> AnnualReport:
    AnnualReport.objects.filter(pk=report.pk).update(**CORE)
    report.refresh_from_db()
    return report


# --- who sees what ---------------------------------------------------------------------


def test_staff_never_receive_the_list_cached_for_an_official(
    client_for, mext_official, staff_a, institution_a, institution_b
):
    AnnualReportFactory(institution=institution_a, fiscal_year=2010)
    AnnualReportFactory(institution=institution_b, fiscal_year=2010)
    official = _rows(get_ok(client_for(mext_official), URL))
    assert {code for code, _y, _s in official} == {"TLO-AAA", "TLO-BBB"}
    staff = _rows(get_ok(client_for(staff_a), URL))
    assert {code for code, _y, _s in staff} == {"TLO-AAA"}


def test_staff_of_another_institution_never_receive_the_first_staffs_list(
    client_for, staff_a, staff_b, institution_a, institution_b
):
    AnnualReportFactory(institution=institution_a, fiscal_year=2010)
    AnnualReportFactory(institution=institution_b, fiscal_year=2010)
    assert {c for c, _y, _s in _rows(get_ok(client_for(staff_a), URL))} == {"TLO-AAA"}
    assert {c for c, _y, _s in _rows(get_ok(client_for(staff_b), URL))} == {"TLO-BBB"}


def test_viewer_is_refused_even_when_an_official_filled_the_cache(
    client_for, mext_official, viewer, institution_a
):
    AnnualReportFactory(institution=institution_a, fiscal_year=2010)
    get_ok(client_for(mext_official), URL)
    response = client_for(viewer).get(URL)
    assert response.status_code == 403
    assert "TLO-AAA" not in response.content.decode()


def test_each_filter_has_its_own_entry(client_for, mext_official, institution_a, institution_b):
    AnnualReportFactory(institution=institution_a, fiscal_year=2009, state=ReportState.ACCEPTED)
    AnnualReportFactory(institution=institution_a, fiscal_year=2010)
    AnnualReportFactory(institution=institution_b, fiscal_year=2010)
    client = client_for(mext_official)
    assert len(_rows(get_ok(client, URL))) == 3
    assert _rows(get_ok(client, URL, fiscal_year=2009)) == {("TLO-AAA", "2009年度", "受理済み")}
    assert {c for c, _y, _s in _rows(get_ok(client, URL, institution="TLO-BBB"))} == {"TLO-BBB"}
    assert len(_rows(get_ok(client, URL, state="draft"))) == 2
    assert len(_rows(get_ok(client, URL, state="draft", institution="TLO-AAA"))) == 1


def test_english_reader_never_receives_the_japanese_list(client_for, mext_official, institution_a):
    AnnualReportFactory(institution=institution_a, fiscal_year=2010)
    client = client_for(mext_official)
    assert "年度報告" in get_ok(client, URL).content.decode()
    english = get_ok(client, "/en" + URL).content.decode()
    assert "Annual reports" in english
    assert "下書き" not in english


def test_the_amount_unit_shares_the_entry_the_list_shows_no_amount(
    client_for, mext_official, institution_a
):
    """The list shows no amount, so the unit is not part of its key: a reader who
    switched units reads the same entry (no query for the list)."""
    AnnualReportFactory(institution=institution_a, fiscal_year=2010)
    client = client_for(mext_official)
    first = get_ok(client, URL)
    mext_official.amount_unit = AmountUnit.MILLION
    mext_official.save(update_fields=["amount_unit"])
    with CaptureQueriesContext(connection) as queries:
        second = get_ok(client, URL)
    assert not any("metrics_annualreport" in q["sql"] for q in queries.captured_queries)
    assert _rows(second) == _rows(first)


# --- every report write shows on the next request ----------------------------------------


def test_a_new_draft_shows_on_the_next_request(client_for, mext_official, staff_a, institution_a):
    client = client_for(mext_official)
    assert _rows(get_ok(client, URL)) == set()
    _draft(staff_a, institution_a)
    assert _rows(get_ok(client, URL)) == {("TLO-AAA", "2010年度", "下書き")}


def test_each_step_of_the_workflow_shows_on_the_next_request(
    client_for, mext_official, staff_a, institution_a
):
    client = client_for(staff_a)
    report = _complete(_draft(staff_a, institution_a))
    assert _rows(get_ok(client, URL)) == {("TLO-AAA", "2010年度", "下書き")}
    report = reports.submit_report(actor=staff_a, report=report)
    assert _rows(get_ok(client, URL)) == {("TLO-AAA", "2010年度", "提出済み")}
    report = reports.return_report(actor=mext_official, report=report, reason="確認を")
    assert _rows(get_ok(client, URL)) == {("TLO-AAA", "2010年度", "差戻し中")}
    report = reports.save_report(
        actor=staff_a, report=report, figures={}, expected_version=report.version
    )
    assert _rows(get_ok(client, URL)) == {("TLO-AAA", "2010年度", "下書き")}
    report = reports.submit_report(actor=staff_a, report=report)
    report = reports.accept_report(actor=mext_official, report=report)
    assert _rows(get_ok(client, URL)) == {("TLO-AAA", "2010年度", "受理済み")}
    reports.reopen_report(actor=mext_official, report=report, reason="誤り")
    assert _rows(get_ok(client, URL)) == {("TLO-AAA", "2010年度", "下書き")}


def test_deleting_a_draft_shows_on_the_next_request(client_for, staff_a, institution_a):
    client = client_for(staff_a)
    report = _draft(staff_a, institution_a)
    assert len(_rows(get_ok(client, URL))) == 1
    reports.delete_report(actor=staff_a, report=report, expected_version=report.version)
    assert _rows(get_ok(client, URL)) == set()


def test_renaming_an_institution_shows_on_the_next_request(client_for, mext_official):
    load_institution_rows(
        rows=[
            {
                "code": "TLO-REN",
                "name_ja": "旧名TLO",
                "kind": "approved_tlo",
                "tlo_type": "internal",
            }
        ]
    )
    from institutions.models import Institution

    AnnualReportFactory(institution=Institution.objects.get(code="TLO-REN"), fiscal_year=2010)
    client = client_for(mext_official)
    assert "旧名TLO" in get_ok(client, URL).content.decode()
    load_institution_rows(
        rows=[
            {
                "code": "TLO-REN",
                "name_ja": "新名TLO",
                "kind": "approved_tlo",
                "tlo_type": "internal",
            }
        ]
    )
    body = get_ok(client, URL).content.decode()
    assert "新名TLO" in body and "旧名TLO" not in body


def test_joining_an_institution_shows_its_reports_at_once(client_for, institution_a, institution_b):
    AnnualReportFactory(institution=institution_a, fiscal_year=2010)
    AnnualReportFactory(institution=institution_b, fiscal_year=2010)
    person = staff_of(institution_a, username="moving")
    client = client_for(person)
    assert {c for c, _y, _s in _rows(get_ok(client, URL))} == {"TLO-AAA"}
    from institutions.models import Membership

    Membership.objects.create(user=person, institution=institution_b)
    assert {c for c, _y, _s in _rows(get_ok(client, URL))} == {"TLO-AAA", "TLO-BBB"}


# --- a failed write moves nothing -------------------------------------------------------


def test_a_refused_save_moves_no_version(staff_a, institution_a):
    report = _draft(staff_a, institution_a)
    before = current_report_list_version()
    with pytest.raises(StaleReportError):
        reports.save_report(actor=staff_a, report=report, figures={}, expected_version=99)
    assert current_report_list_version() == before


def test_a_rolled_back_save_moves_no_version(staff_a, institution_a):
    report = _draft(staff_a, institution_a)
    before = current_report_list_version()
    with pytest.raises(ValueError), transaction.atomic():
        reports.save_report(
            actor=staff_a, report=report, figures={}, expected_version=report.version
        )
        raise ValueError
    assert current_report_list_version() == before


def test_every_service_write_moves_the_report_version(staff_a, institution_a):
    before = current_report_list_version()
    _draft(staff_a, institution_a)
    after = current_report_list_version()
    assert after[1] == before[1] + 1
    assert after[0] == before[0]  # a draft changes no computed page


# --- a warm request ---------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "expected"), [("mext_official", 3), ("staff_a", 5)])
def test_warm_list_runs_a_fixed_few_queries(
    request, client_for, institution_a, persona, expected, assert_constant_queries
):
    """Session, person, versions; for staff also their institutions twice (the audience,
    and the header's navigation)."""
    client = client_for(request.getfixturevalue(persona))
    AnnualReportFactory(institution=institution_a, fiscal_year=2000)
    get_ok(client, URL, fiscal_year=2000)

    def grow():
        for year in range(2001, 2021):
            AnnualReportFactory(institution=institution_a, fiscal_year=year)
        for _ in range(5):
            AnnualReportFactory(institution=InstitutionFactory(), fiscal_year=2000)

    count = assert_constant_queries(lambda: get_ok(client, URL, fiscal_year=2000), grow)
    assert count == expected, count


def test_list_is_served_uncached_while_redis_is_down(client_for, mext_official, institution_a):
    AnnualReportFactory(institution=institution_a, fiscal_year=2010)
    client = client_for(mext_official)
    with redis_down():
        first = get_ok(client, URL)
        second = get_ok(client, URL)
    assert _rows(first) == _rows(second) == {("TLO-AAA", "2010年度", "下書き")}
