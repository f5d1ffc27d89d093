"""The status page of a fiscal year's collection, its CSV for scripts, and the home
page panels."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from institutions.enums import TloType
from metrics.enums import ReportState
from metrics.models import AnnualReport, CollectionRound
from metrics.selectors.collection import collection_status
from tests.factories import InstitutionFactory, RegionFactory, official_of
from tests.metrics.importing_support import make_report
from tests.support import get_ok

pytestmark = pytest.mark.django_db

D = datetime.date


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def tlos():
    """Five TLOs: one per collection state (missing, draft, submitted, returned, accepted)."""
    kinki = RegionFactory(code="kinki", name_ja="近畿地区", name_en="Kinki")
    return [
        InstitutionFactory(code="TLO-1"),
        InstitutionFactory(code="TLO-2"),
        InstitutionFactory(code="TLO-3", region=kinki),
        InstitutionFactory(code="TLO-4", tlo_type=TloType.INTERNAL),
        InstitutionFactory(code="TLO-5", region=kinki),
    ]


@pytest.fixture
def round_2010(tlos):
    collection_round = CollectionRound.objects.create(
        fiscal_year=2010,
        opens_on=D(2011, 4, 1),
        deadline=D(2011, 6, 30),
        created_by=official_of(username="opener"),
    )
    collection_round.expected.set(tlos)
    return collection_round


@pytest.fixture
def reports(tlos, round_2010):
    make_report(tlos[1], 2010, state=ReportState.DRAFT)
    submitted = make_report(tlos[2], 2010, state=ReportState.SUBMITTED)
    submitted.submitted_at = _at(D(2011, 7, 2))  # late
    submitted.save()
    returned = make_report(tlos[3], 2010, state=ReportState.RETURNED, return_reason="x")
    returned.submitted_at = _at(D(2011, 6, 1))
    returned.save()
    accepted = make_report(tlos[4], 2010, state=ReportState.ACCEPTED)
    accepted.submitted_at = _at(D(2011, 6, 30), hour=23)  # the last hour of the deadline
    accepted.accepted_at = _at(D(2011, 7, 5))
    accepted.save()
    make_report(tlos[0], 2009, state=ReportState.ACCEPTED)  # another year
    return {"submitted": submitted, "accepted": accepted}


def test_status_lists_every_expected_institution_with_its_state(tlos, reports):
    status = collection_status(fiscal_year=2010)
    assert [(row.institution.code, row.state) for row in status.rows] == [
        ("TLO-1", "missing"),
        ("TLO-2", "draft"),
        ("TLO-3", "submitted"),
        ("TLO-4", "returned"),
        ("TLO-5", "accepted"),
    ]
    assert [row.on_time for row in status.rows] == [None, None, False, None, True]
    assert dict(status.counts) == {
        "missing": 1,
        "draft": 1,
        "submitted": 1,
        "returned": 1,
        "accepted": 1,
    }
    assert (status.expected, status.accepted, status.on_time) == (5, 1, 1)
    assert status.reporting_rate == pytest.approx(0.2)
    assert status.on_time_rate == pytest.approx(0.2)
    assert status.reporting_rate_display == "20.0%"


def test_status_filters_by_region_and_type(tlos, reports):
    by_region = collection_status(fiscal_year=2010, region="kinki")
    assert [row.institution.code for row in by_region.rows] == ["TLO-3", "TLO-5"]
    assert by_region.reporting_rate == pytest.approx(0.5)
    by_type = collection_status(fiscal_year=2010, tlo_type=TloType.INTERNAL)
    assert [row.institution.code for row in by_type.rows] == ["TLO-4"]


def test_status_without_a_round_has_no_on_time_rate(tlos):
    make_report(tlos[0], 2008, state=ReportState.ACCEPTED)
    status = collection_status(fiscal_year=2008)
    assert status.round is None
    assert status.expected == 5 and status.accepted == 1
    assert status.on_time_rate is None


def test_an_import_accepted_without_submission_counts_by_its_acceptance(tlos, round_2010):
    report = make_report(tlos[0], 2010, state=ReportState.ACCEPTED)
    report.accepted_at = _at(D(2011, 5, 1))
    report.save()
    assert collection_status(fiscal_year=2010).rows[0].on_time is True


def test_figures_loaded_as_accepted_after_the_deadline_are_not_late(
    client_for, mext_official, tlos, round_2010
):
    report = make_report(tlos[0], 2010, state=ReportState.ACCEPTED)
    report.accepted_at = _at(D(2012, 5, 1))  # historical figures loaded long after
    report.save()

    row = collection_status(fiscal_year=2010).rows[0]
    page = get_ok(client_for(mext_official), "/metrics/status/", fy="2010").content.decode()

    assert row.on_time is None
    assert "受理済みとして登録" in page


def test_status_csv_for_scripts(client_for, mext_official, tlos, reports):
    response = get_ok(client_for(mext_official), "/metrics/status/", fy="2010", format="csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "institution_code",
        "institution_name",
        "state",
        "submitted_at",
        "accepted_at",
    ]
    assert rows[1] == ["TLO-1", tlos[0].name_ja, "missing", "", ""]
    assert rows[3] == ["TLO-3", tlos[2].name_ja, "submitted", "2011-07-02", ""]
    assert rows[5] == ["TLO-5", tlos[4].name_ja, "accepted", "2011-06-30", "2011-07-05"]
    assert len(rows) == 6


def test_status_xlsx_download(client_for, mext_official, tlos, reports):
    response = get_ok(client_for(mext_official), "/metrics/status/", fy="2010", format="xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_status_xlsx_for_people_is_japanese_with_date_cells(
    client_for, mext_official, tlos, reports
):
    response = get_ok(client_for(mext_official), "/metrics/status/", fy="2010", format="xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == [
        "機関コード",
        "機関名",
        "状況",
        "提出日",
        "受理日",
        "期限内",
    ]
    accepted = rows[5]
    assert accepted[0].value == "TLO-5" and accepted[2].value == "受理済み"
    assert accepted[3].is_date and accepted[3].value.date() == datetime.date(2011, 6, 30)
    assert accepted[4].is_date and accepted[4].value.date() == datetime.date(2011, 7, 5)


def test_status_xlsx_headers_codes_keeps_the_codes(client_for, mext_official, tlos, reports):
    response = get_ok(
        client_for(mext_official), "/metrics/status/", fy="2010", format="xlsx", headers="codes"
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("institution_code", "institution_name", "state")
    assert rows[5][2] == "accepted"


def test_status_page_shows_counts_and_rates(client_for, mext_official, tlos, reports):
    response = get_ok(client_for(mext_official), "/metrics/status/", fy="2010")
    page = response.content.decode()
    assert 'id="reporting-rate"><strong>20.0%</strong>' in page
    assert 'id="count-missing">1<' in page
    assert "期限後" in page or "late" in page


def test_status_page_with_an_invalid_year_says_so(client_for, mext_official, tlos, reports):
    response = client_for(mext_official).get("/metrics/status/", {"fy": "2099"})
    assert response.status_code == 400
    assert response.context["status"] is None
    assert "fy" in response.context["form"].errors


def test_status_page_defaults_to_the_open_round(client_for, mext_official, tlos, reports):
    response = get_ok(client_for(mext_official), "/metrics/status/")
    assert response.context["status"].fiscal_year == 2010


def test_status_page_year_selector_shows_the_year_displayed(client_for, mext_official, reports):
    """Without a year in the address, the selector names the year whose status is shown,
    not the first year it lists (the current fiscal year)."""
    html = get_ok(client_for(mext_official), "/metrics/status/").content.decode()

    year_select = html[html.index('name="fy"') : html.index("</select>", html.index('name="fy"'))]

    assert re.findall(r'<option value="(\d+)" selected>', year_select) == ["2010"]


@pytest.mark.parametrize("persona", ["staff_a", "mext_reviewer", "viewer"])
def test_status_page_is_for_officials_only(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/metrics/status/").status_code == 403
    assert client.get("/metrics/status/", {"format": "csv"}).status_code == 403


def test_status_page_needs_signing_in(anonymous_client):
    response = anonymous_client.get("/metrics/status/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_status_query_count_does_not_grow(
    client_for, mext_official, tlos, reports, round_2010, assert_constant_queries
):
    client = client_for(mext_official)

    def grow():
        more = [InstitutionFactory() for _ in range(10)]
        round_2010.expected.add(*more)
        for institution in more[:5]:
            make_report(institution, 2010, state=ReportState.SUBMITTED)

    assert_constant_queries(lambda: get_ok(client, "/metrics/status/", fy="2010"), grow, at_most=20)


# --- rounds pages -------------------------------------------------------------------------


def test_official_opens_a_round_from_the_page(client_for, mext_official, tlos):
    client = client_for(mext_official)
    form = get_ok(client, "/metrics/rounds/new/", fy="2010").context["form"]
    assert set(form.initial["expected"]) == {t.code for t in tlos}
    response = client.post(
        "/metrics/rounds/new/",
        {
            "fiscal_year": "H22",
            "opens_on": "2011-04-01",
            "deadline": "2011-06-30",
            "expected": ["TLO-1", "TLO-2"],
        },
    )
    assert response.status_code == 302
    stored = CollectionRound.objects.get()
    assert (stored.fiscal_year, stored.deadline) == (2010, D(2011, 6, 30))
    assert stored.expected.count() == 2


def test_round_form_errors_are_summarised(client_for, mext_official):
    response = client_for(mext_official).post(
        "/metrics/rounds/new/",
        {"fiscal_year": "2010", "opens_on": "2011-07-01", "deadline": "2011-06-30"},
    )
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert 'href="#id_deadline"' in response.content.decode()
    assert not CollectionRound.objects.exists()


def test_round_close_needs_the_version(client_for, mext_official, round_2010):
    client = client_for(mext_official)
    assert client.post("/metrics/rounds/2010/close/", {}).status_code == 400
    client.post("/metrics/rounds/2010/close/", {"version": "1"})
    assert CollectionRound.objects.get().state == "closed"


@pytest.mark.parametrize("persona", ["staff_a", "mext_reviewer", "viewer"])
def test_round_pages_are_for_officials_only(request, client_for, round_2010, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/metrics/rounds/").status_code == 403
    assert client.get("/metrics/rounds/new/").status_code == 403
    assert client.post("/metrics/rounds/2010/close/", {"version": "1"}).status_code == 403
    assert CollectionRound.objects.get().state == "open"


# --- home page panels ---------------------------------------------------------------------


def test_staff_home_shows_the_open_round_state_deadline_and_return_reason(
    client_for, staff_a, institution_a, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda: D(2011, 5, 1))
    collection_round = CollectionRound.objects.create(
        fiscal_year=2010,
        opens_on=D(2011, 4, 1),
        deadline=D(2011, 6, 30),
        created_by=official_of(username="o"),
    )
    collection_round.expected.set([institution_a])
    make_report(institution_a, 2010, state=ReportState.RETURNED, return_reason="特許関係費を確認")
    page = get_ok(client_for(staff_a), "/").content.decode()
    assert 'id="collection-panel"' in page
    assert "2011-06-30" in page and "特許関係費を確認" in page


def test_staff_home_has_no_panel_without_a_running_round(client_for, staff_a, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: D(2011, 3, 1))
    CollectionRound.objects.create(
        fiscal_year=2010,
        opens_on=D(2011, 4, 1),
        deadline=D(2011, 6, 30),
        created_by=official_of(username="o"),
    ).expected.set([staff_a.institutions.get()])
    assert 'id="collection-panel"' not in get_ok(client_for(staff_a), "/").content.decode()


def test_official_home_shows_the_queue_and_the_missing(
    client_for, mext_official, tlos, reports, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda: D(2011, 6, 1))
    response = get_ok(client_for(mext_official), "/")
    panel = next(p for p in response.context["panels"] if "queue" in p.context)
    assert panel.context["queue"] == AnnualReport.objects.submitted().count() == 1
    (entry,) = panel.context["rounds"]
    assert (entry.missing, entry.not_submitted, entry.expected) == (1, 3, 5)
