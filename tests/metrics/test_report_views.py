"""The report pages, from every side: anonymous, wrong role, other institution, right person."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.cache import bump_report_version
from metrics.enums import LicenseeKind, ReportState
from metrics.models import AnnualReport, LicenceAgreement
from metrics.report_fields import REPORT_FIELDS
from tests.factories import AnnualReportFactory, InstitutionFactory
from tests.metrics.importing_support import CORE
from tests.support import get_ok

pytestmark = pytest.mark.django_db


def _report(institution, fiscal_year=2010, state=ReportState.DRAFT, **figures):
    reason = "確認してください" if state == ReportState.RETURNED else ""
    return AnnualReportFactory(
        institution=institution,
        fiscal_year=fiscal_year,
        state=state,
        return_reason=reason,
        **figures,
    )


@pytest.fixture
def report_a(institution_a):
    return _report(institution_a)


def url(name, report=None):
    """The Japanese (default) path; a request to /en/ leaves English active in this thread."""
    with translation.override("ja"):
        return reverse(f"metrics:{name}", args=[report.pk] if report else [])


# --- anonymous ------------------------------------------------------------------------

PAGE_NAMES = ["report_list", "report_queue", "report_create"]
REPORT_PAGE_NAMES = [
    "report_detail",
    "report_edit",
    "report_submit",
    "report_return",
    "report_accept",
    "report_reopen",
]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_pages_anonymous_redirect_to_login(anonymous_client, name):
    response = anonymous_client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", REPORT_PAGE_NAMES)
def test_report_pages_anonymous_redirect_to_login(anonymous_client, report_a, name):
    response = anonymous_client.post(url(name, report_a))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert AnnualReport.objects.get(pk=report_a.pk).version == 1


# --- wrong role: 403 ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["mext_reviewer", "viewer"])
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_pages_forbidden_for_reviewer_and_viewer(request, client_for, persona, name):
    response = client_for(request.getfixturevalue(persona)).get(url(name))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["mext_reviewer", "viewer"])
def test_report_detail_forbidden_for_reviewer_and_viewer(request, client_for, report_a, persona):
    response = client_for(request.getfixturevalue(persona)).get(url("report_detail", report_a))
    assert response.status_code == 403


def test_queue_forbidden_for_staff(client_for, staff_a):
    assert client_for(staff_a).get(url("report_queue")).status_code == 403


def test_create_forbidden_for_official(client_for, mext_official, institution_a):
    response = client_for(mext_official).post(
        url("report_create"), {"institution": institution_a.code, "fiscal_year": "2010"}
    )
    assert response.status_code == 403
    assert AnnualReport.objects.count() == 0


def test_create_forbidden_for_staff_of_no_institution(client_for, staff_a, institution_a):
    staff_a.memberships.all().delete()
    client = client_for(staff_a)
    assert client.get(url("report_create")).status_code == 403
    response = client.post(
        url("report_create"), {"institution": institution_a.code, "fiscal_year": "2010"}
    )
    assert response.status_code == 403
    assert AnnualReport.objects.count() == 0


def test_edit_forbidden_for_official(client_for, mext_official, report_a):
    response = client_for(mext_official).post(
        url("report_edit", report_a), _form_data(report_a, licence_income="5")
    )
    assert response.status_code == 403
    assert AnnualReport.objects.get(pk=report_a.pk).licence_income is None


def test_submit_forbidden_for_official(client_for, mext_official, report_a):
    response = client_for(mext_official).post(url("report_submit", report_a))
    assert response.status_code == 403
    assert AnnualReport.objects.get(pk=report_a.pk).state == ReportState.DRAFT


@pytest.mark.parametrize("name", ["report_accept", "report_return", "report_reopen"])
def test_official_actions_forbidden_for_own_staff(client_for, staff_a, institution_a, name):
    report = _report(institution_a, state=ReportState.SUBMITTED)
    response = client_for(staff_a).post(url(name, report), {"reason": "自分で受理"})
    assert response.status_code == 403
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


# --- other institution: 404 -----------------------------------------------------------


@pytest.mark.parametrize("name", ["report_detail", "report_edit"])
def test_report_pages_of_other_institution_are_not_found(client_for, staff_b, report_a, name):
    assert client_for(staff_b).get(url(name, report_a)).status_code == 404


def test_edit_post_of_other_institution_is_not_found(client_for, staff_b, report_a):
    response = client_for(staff_b).post(
        url("report_edit", report_a), _form_data(report_a, licence_income="5")
    )
    assert response.status_code == 404
    assert AnnualReport.objects.get(pk=report_a.pk).licence_income is None


def test_submit_of_other_institution_is_not_found(client_for, staff_b, report_a):
    assert client_for(staff_b).post(url("report_submit", report_a)).status_code == 404
    assert AnnualReport.objects.get(pk=report_a.pk).state == ReportState.DRAFT


def test_missing_report_is_not_found(client_for, mext_official):
    assert client_for(mext_official).get("/metrics/reports/999999/").status_code == 404


def test_create_for_other_institution_is_refused(client_for, staff_a, institution_b):
    response = client_for(staff_a).post(
        url("report_create"), {"institution": institution_b.code, "fiscal_year": "2010"}
    )
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert AnnualReport.objects.count() == 0


# --- right person: the effect ---------------------------------------------------------


@pytest.mark.parametrize("written", ["2010", "平成22年度", "H22", "2010年度"])
def test_create_starts_a_draft_and_opens_the_form(client_for, staff_a, institution_a, written):
    response = client_for(staff_a).post(
        url("report_create"), {"institution": institution_a.code, "fiscal_year": written}
    )
    report = AnnualReport.objects.get()
    assert (report.institution, report.fiscal_year, report.state) == (institution_a, 2010, "draft")
    assert response["Location"] == url("report_edit", report)


def test_create_a_second_report_for_a_year_is_refused(client_for, staff_a, report_a):
    response = client_for(staff_a).post(
        url("report_create"), {"institution": report_a.institution.code, "fiscal_year": "2010"}
    )
    assert response.status_code == 200
    assert "fiscal_year" in response.context["form"].errors
    assert AnnualReport.objects.count() == 1


def test_create_with_unreadable_year_is_refused(client_for, staff_a, institution_a):
    response = client_for(staff_a).post(
        url("report_create"), {"institution": institution_a.code, "fiscal_year": "来年"}
    )
    assert "fiscal_year" in response.context["form"].errors
    assert AnnualReport.objects.count() == 0


def _form_data(report, licences=(), **figures):
    data = {"version": str(report.version)}
    for spec in REPORT_FIELDS:
        value = getattr(report, spec.code)
        data[spec.code] = "" if value is None else str(value)
    data.update(figures)
    data.update(
        {
            "licences-TOTAL_FORMS": str(len(licences)),
            "licences-INITIAL_FORMS": str(sum(1 for row in licences if row.get("id"))),
            "licences-MIN_NUM_FORMS": "0",
            "licences-MAX_NUM_FORMS": "1000",
        }
    )
    for index, row in enumerate(licences):
        for key, value in row.items():
            data[f"licences-{index}-{key}"] = value
    return data


def test_edit_saves_figures_written_the_japanese_way(client_for, staff_a, report_a):
    response = client_for(staff_a).post(
        url("report_edit", report_a),
        _form_data(
            report_a,
            licence_income="１２，３４５，０００",
            personnel_costs="¥30,000,000",
            patent_costs="－",
            satisfaction_desk="4.5",
            staff_fte="12.5",
        ),
    )
    assert response.status_code == 302
    stored = AnnualReport.objects.get(pk=report_a.pk)
    assert (stored.licence_income, stored.personnel_costs, stored.patent_costs) == (
        12_345_000,
        30_000_000,
        0,
    )
    assert (str(stored.satisfaction_desk), str(stored.staff_fte), stored.version) == (
        "4.50",
        "12.50",
        2,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("licence_income", "-5"), ("satisfaction_desk", "6"), ("patent_applications", "12件と少し")],
)
def test_edit_refuses_invalid_figures(client_for, staff_a, report_a, field, value):
    response = client_for(staff_a).post(
        url("report_edit", report_a), _form_data(report_a, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert AnnualReport.objects.get(pk=report_a.pk).version == 1


def test_edit_saves_licence_rows(client_for, staff_a, report_a):
    licences = [
        {
            "reference": "L-001",
            "technology": "有機EL材料",
            "field": "材料",
            "licensee_kind": LicenseeKind.SME,
            "licensee_in_region": "on",
            "income": "12,000,000",
        },
        {"reference": "L-002", "licensee_kind": LicenseeKind.FOREIGN, "exclusive": "on"},
    ]
    response = client_for(staff_a).post(
        url("report_edit", report_a), _form_data(report_a, licences=licences)
    )
    assert response.status_code == 302
    rows = LicenceAgreement.objects.filter(report=report_a).order_by("reference")
    assert [
        (r.reference, r.field, r.licensee_kind, r.licensee_in_region, r.exclusive, r.income)
        for r in rows
    ] == [
        ("L-001", "材料", "sme", True, False, 12_000_000),
        ("L-002", "", "foreign", False, True, 0),
    ]


def test_edit_deletes_ticked_licence_rows(client_for, staff_a, report_a):
    keep = LicenceAgreement.objects.create(report=report_a, reference="K", licensee_kind="sme")
    drop = LicenceAgreement.objects.create(report=report_a, reference="D", licensee_kind="sme")
    licences = [
        {"id": str(keep.pk), "reference": "K", "licensee_kind": "sme", "income": "1"},
        {"id": str(drop.pk), "reference": "D", "licensee_kind": "sme", "DELETE": "on"},
    ]
    client_for(staff_a).post(url("report_edit", report_a), _form_data(report_a, licences=licences))
    assert list(LicenceAgreement.objects.values_list("reference", "income")) == [("K", 1)]


def test_edit_refuses_duplicate_licence_references(client_for, staff_a, report_a):
    licences = [
        {"reference": "L-1", "licensee_kind": "sme"},
        {"reference": "L-1", "licensee_kind": "startup"},
    ]
    response = client_for(staff_a).post(
        url("report_edit", report_a), _form_data(report_a, licences=licences)
    )
    assert response.status_code == 200
    assert LicenceAgreement.objects.count() == 0


def test_edit_of_returned_report_makes_it_a_draft(client_for, staff_a, institution_a):
    report = _report(institution_a, state=ReportState.RETURNED)
    client_for(staff_a).post(url("report_edit", report), _form_data(report, other_costs="1"))
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.DRAFT


@pytest.mark.parametrize("state", [ReportState.SUBMITTED, ReportState.ACCEPTED])
def test_edit_of_locked_report_changes_nothing(client_for, staff_a, institution_a, state):
    report = _report(institution_a, state=state)
    client = client_for(staff_a)
    assert client.get(url("report_edit", report))["Location"] == url("report_detail", report)
    response = client.post(url("report_edit", report), _form_data(report, licence_income="9"))
    assert response.status_code == 302
    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.licence_income, stored.version, stored.state) == (None, 1, state)


def test_edit_two_people_from_the_same_version_second_is_refused(
    client_for, staff_a, report_a, institution_a
):
    from tests.factories import staff_of

    colleague = staff_of(institution_a, username="colleague", first_name="鈴木")
    form_of_staff = _form_data(report_a, licence_income="100")
    form_of_colleague = _form_data(report_a, licence_income="200")
    assert (
        client_for(colleague).post(url("report_edit", report_a), form_of_colleague).status_code
        == 302
    )
    response = client_for(staff_a).post(url("report_edit", report_a), form_of_staff)
    assert response.status_code == 409
    assert "鈴木" in response.content.decode()
    assert AnnualReport.objects.get(pk=report_a.pk).licence_income == 200


def test_submit_by_own_staff(client_for, staff_a, report_a):
    AnnualReport.objects.filter(pk=report_a.pk).update(**CORE)
    response = client_for(staff_a).post(url("report_submit", report_a), {"version": "1"})
    assert response["Location"] == url("report_detail", report_a)
    assert AnnualReport.objects.get(pk=report_a.pk).state == ReportState.SUBMITTED


def test_submit_from_an_old_page_is_refused(client_for, staff_a, report_a):
    AnnualReport.objects.filter(pk=report_a.pk).update(version=2)
    client_for(staff_a).post(url("report_submit", report_a), {"version": "1"})
    assert AnnualReport.objects.get(pk=report_a.pk).state == ReportState.DRAFT


def test_return_needs_a_reason(client_for, mext_official, institution_a):
    report = _report(institution_a, state=ReportState.SUBMITTED)
    client = client_for(mext_official)
    assert client.get(url("report_return", report)).status_code == 200
    response = client.post(url("report_return", report), {"reason": "  ", "version": "1"})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_return_by_official(client_for, meti_official, institution_a):
    report = _report(institution_a, state=ReportState.SUBMITTED)
    client_for(meti_official).post(
        url("report_return", report), {"reason": "人件費が未記入です", "version": "1"}
    )
    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.state, stored.return_reason) == (ReportState.RETURNED, "人件費が未記入です")


def test_accept_by_official(client_for, mext_official, institution_a):
    report = _report(institution_a, state=ReportState.SUBMITTED)
    client_for(mext_official).post(url("report_accept", report), {"version": "1"})
    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.state, stored.accepted_by) == (ReportState.ACCEPTED, mext_official)


def test_accept_of_draft_changes_nothing(client_for, mext_official, report_a):
    response = client_for(mext_official).post(url("report_accept", report_a), {"version": "1"})
    assert response.status_code == 302
    assert AnnualReport.objects.get(pk=report_a.pk).state == ReportState.DRAFT


def test_reopen_by_official_keeps_reason(client_for, mext_official, institution_a):
    report = _report(institution_a, state=ReportState.ACCEPTED)
    client_for(mext_official).post(
        url("report_reopen", report), {"reason": "数値の訂正依頼", "version": "1"}
    )
    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.state, stored.reopen_reason) == (ReportState.DRAFT, "数値の訂正依頼")


@pytest.mark.parametrize(
    ("action", "state", "data"),
    [
        ("report_accept", ReportState.SUBMITTED, {}),
        ("report_accept", ReportState.SUBMITTED, {"version": "abc"}),
        ("report_accept", ReportState.SUBMITTED, {"version": "9" * 5000}),
        ("report_return", ReportState.SUBMITTED, {"reason": "要確認"}),
        ("report_return", ReportState.SUBMITTED, {"reason": "要確認", "version": "x"}),
        ("report_reopen", ReportState.ACCEPTED, {"reason": "訂正"}),
    ],
)
def test_workflow_post_without_a_version_is_refused(
    client_for, mext_official, institution_a, action, state, data
):
    report = _report(institution_a, state=state)
    response = client_for(mext_official).post(url(action, report), data)
    assert response.status_code == 400
    assert "バージョン" in response.content.decode()
    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.state, stored.version) == (state, 1)


def test_submit_without_a_version_is_refused(client_for, staff_a, report_a):
    response = client_for(staff_a).post(url("report_submit", report_a))
    assert response.status_code == 400
    assert AnnualReport.objects.get(pk=report_a.pk).state == ReportState.DRAFT


# --- what the pages show --------------------------------------------------------------


def test_edit_page_has_every_figure_with_japanese_label_and_code(client_for, staff_a, report_a):
    content = client_for(staff_a).get(url("report_edit", report_a)).content.decode()
    for spec in REPORT_FIELDS:
        assert f'name="{spec.code}"' in content
        assert spec.label_ja in content
        assert f": {spec.code}" in content  # the help text names the column in files


def test_edit_page_shows_stored_amounts_with_separators_and_saves_them_back(
    client_for, staff_a, institution_a
):
    report = _report(institution_a, licence_income=12_345_000, staff_fte=Decimal("7.50"))
    client = client_for(staff_a)
    content = client.get(url("report_edit", report)).content.decode()
    assert 'name="licence_income" value="12,345,000"' in content
    form_as_shown = _form_data(report, licence_income="12,345,000")
    assert client.post(url("report_edit", report), form_as_shown).status_code == 302
    assert AnnualReport.objects.get(pk=report.pk).licence_income == 12_345_000


def test_edit_page_shows_last_years_value_beside_the_field(client_for, staff_a, institution_a):
    _report(institution_a, fiscal_year=2009, licence_income=7_654_321)
    report = _report(institution_a, fiscal_year=2010)
    content = client_for(staff_a).get(url("report_edit", report)).content.decode()
    row = re.search(r'name="licence_income".*?</tr>', content, re.S).group(0)
    assert "7,654,321" in row


def test_detail_page_shows_warnings_before_submission(client_for, staff_a, institution_a):
    _report(institution_a, fiscal_year=2009, patent_applications=10)
    report = _report(
        institution_a, licence_income=5_000_000, licences_granted=0, patent_applications=200
    )
    response = client_for(staff_a).get("/en" + url("report_detail", report))
    warnings = response.content.decode().split('id="warnings"')[1]
    assert "Licence income is reported although no licence was granted." in warnings
    assert "patent applications changed from 10 to 200" in warnings
    assert "submit-report" in response.content.decode()


def test_detail_page_buttons_follow_the_workflow(client_for, staff_a, mext_official, institution_a):
    report = _report(institution_a, state=ReportState.SUBMITTED)
    staff_page = client_for(staff_a).get(url("report_detail", report)).content.decode()
    official_page = client_for(mext_official).get(url("report_detail", report)).content.decode()
    assert "accept-report" not in staff_page and "edit-report" not in staff_page
    assert "accept-report" in official_page and "return-report" in official_page
    assert "submit-report" not in official_page


def test_detail_page_shows_history_with_japanese_labels(client_for, staff_a, report_a):
    client = client_for(staff_a)
    client.post(url("report_edit", report_a), _form_data(report_a, licence_income="100"))
    report_a.refresh_from_db()
    client.post(url("report_edit", report_a), _form_data(report_a, licence_income="2000"))
    content = client.get(url("report_detail", report_a)).content.decode()
    history = content.split('id="history-table"')[1]
    assert "ライセンス収入</span>: 100 → 2,000" in history
    assert "ライセンス収入</span>: — → 100" in history
    assert "staff-a" in history


def test_institution_page_lists_reports_for_staff_and_officials(
    client_for, staff_a, staff_b, mext_official, viewer, report_a
):
    page = f"/institutions/{report_a.institution.code}/"
    link = url("report_detail", report_a)
    assert link in client_for(staff_a).get(page).content.decode()
    assert link in client_for(mext_official).get(page).content.decode()
    assert link not in client_for(staff_b).get(page).content.decode()
    assert link not in client_for(viewer).get(page).content.decode()


def test_nav_links_to_reports_for_staff_and_officials_only(
    client_for, staff_a, mext_official, viewer
):
    link = 'href="/metrics/reports/"'
    assert link in client_for(staff_a).get("/").content.decode()
    assert link in client_for(mext_official).get("/").content.decode()
    assert link not in client_for(viewer).get("/").content.decode()


# --- list, filters, queue -------------------------------------------------------------


def _listed(response):
    return {(r.institution.code, r.fiscal_year) for r in response.context["page"]}


def test_list_staff_see_only_their_institutions(client_for, staff_a, institution_a, institution_b):
    _report(institution_a)
    _report(institution_b)
    assert _listed(client_for(staff_a).get(url("report_list"))) == {("TLO-AAA", 2010)}


def test_list_officials_see_every_institution(
    client_for, meti_official, institution_a, institution_b
):
    _report(institution_a)
    _report(institution_b, fiscal_year=2009)
    assert _listed(client_for(meti_official).get(url("report_list"))) == {
        ("TLO-AAA", 2010),
        ("TLO-BBB", 2009),
    }


def test_list_filters_by_year_state_and_institution(
    client_for, mext_official, institution_a, institution_b
):
    _report(institution_a, fiscal_year=2009, state=ReportState.ACCEPTED)
    _report(institution_a, fiscal_year=2010, state=ReportState.ACCEPTED)
    _report(institution_a, fiscal_year=2011)
    _report(institution_b, fiscal_year=2010, state=ReportState.ACCEPTED)
    client = client_for(mext_official)
    assert _listed(client.get(url("report_list"), {"fiscal_year": "2010"})) == {
        ("TLO-AAA", 2010),
        ("TLO-BBB", 2010),
    }
    assert _listed(client.get(url("report_list"), {"state": "draft"})) == {("TLO-AAA", 2011)}
    assert _listed(
        client.get(
            url("report_list"),
            {"institution": "TLO-AAA", "state": "accepted", "fiscal_year": "2010"},
        )
    ) == {("TLO-AAA", 2010)}


def test_list_staff_cannot_filter_their_way_to_another_institution(
    client_for, staff_a, institution_a, institution_b
):
    _report(institution_a)
    _report(institution_b)
    response = client_for(staff_a).get(url("report_list"), {"institution": "TLO-BBB"})
    assert _listed(response) == set()
    assert "institution" in response.context["form"].errors


def test_list_links_the_export_with_the_same_filters(client_for, mext_official, institution_a):
    export = url("report_export")
    _report(institution_a)
    response = client_for(mext_official).get(
        url("report_list"), {"fiscal_year": "2010", "state": "draft", "institution": "TLO-AAA"}
    )
    assert response.context["export_url"] == (
        f"{export}?fiscal_year=2010&state=draft&institution=TLO-AAA"
    )


def test_queue_lists_submitted_reports_oldest_first(
    client_for, mext_official, institution_a, institution_b
):
    from metrics.services.reports import submit_report
    from tests.factories import staff_of

    later = _report(institution_a, **CORE)
    earlier = _report(institution_b, **CORE)
    submit_report(actor=staff_of(institution_b), report=earlier)
    submit_report(actor=staff_of(institution_a), report=later)
    _report(institution_a, fiscal_year=2009, state=ReportState.ACCEPTED)
    response = client_for(mext_official).get(url("report_queue"))
    assert [r.pk for r in response.context["reports"]] == [earlier.pk, later.pk]


# --- query counts -----------------------------------------------------------------------


def _more_reports(institution_a):
    for year in range(2001, 2031):
        _report(institution_a, fiscal_year=year)
    for _ in range(10):
        _report(InstitutionFactory(), fiscal_year=2010)
    bump_report_version()  # what a service writing reports does (the list is cached)


@pytest.mark.parametrize("persona", ["mext_official", "staff_a"])
def test_list_query_count_does_not_grow_with_reports(
    request, client_for, institution_a, persona, assert_constant_queries
):
    client = client_for(request.getfixturevalue(persona))
    _report(institution_a, fiscal_year=2000)
    assert_constant_queries(
        lambda: get_ok(client, url("report_list")),
        lambda: _more_reports(institution_a),
        at_most=12,
    )


def test_queue_query_count_does_not_grow_with_reports(
    client_for, mext_official, assert_constant_queries
):
    client = client_for(mext_official)
    _report(InstitutionFactory(), state=ReportState.SUBMITTED)
    assert_constant_queries(
        lambda: get_ok(client, url("report_queue")),
        lambda: [_report(InstitutionFactory(), state=ReportState.SUBMITTED) for _ in range(20)],
        at_most=10,
    )


def test_detail_query_count_does_not_grow_with_history(
    client_for, staff_a, report_a, assert_constant_queries
):
    client = client_for(staff_a)
    client.post(url("report_edit", report_a), _form_data(report_a, licence_income="1"))
    report_a.refresh_from_db()

    def edit_ten_times():
        for income in range(2, 12):
            licences = [{"reference": f"L-{income}", "licensee_kind": "sme", "income": str(income)}]
            client.post(
                url("report_edit", report_a),
                _form_data(report_a, licences=licences, licence_income=str(income)),
            )
            report_a.refresh_from_db()

    assert_constant_queries(lambda: get_ok(client, url("report_detail", report_a)), edit_ten_times)


def test_edit_explains_what_a_figure_expects(client_for, staff_a, report_a):
    response = client_for(staff_a).post(
        url("report_edit", report_a), _form_data(report_a, patent_applications="12件と少し")
    )
    assert response.context["form"].errors["patent_applications"] == [
        "0以上の整数(例: 12)を入力してください。"
    ]


# --- hostile form input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"patent_applications": "9" * 5000}, "patent_applications"),
        ({"licence_income": "1\x002"}, "licence_income"),
        ({"satisfaction_desk": "9" * 5000 + ".5"}, "satisfaction_desk"),
        ({"staff_fte": "<b>2</b>"}, "staff_fte"),
    ],
)
def test_edit_refuses_hostile_figures_with_a_field_message(
    client_for, staff_a, report_a, figures, field
):
    response = client_for(staff_a).post(
        url("report_edit", report_a), _form_data(report_a, **figures)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert AnnualReport.objects.get(pk=report_a.pk).version == 1


@pytest.mark.parametrize(
    "row",
    [
        {"reference": "L-1\x00", "licensee_kind": "sme", "income": "1"},
        {"reference": "L" * 5000, "licensee_kind": "sme", "income": "1"},
        {"reference": "L-1", "licensee_kind": "<script>", "income": "1"},
        {"reference": "L-1", "licensee_kind": "sme", "income": "9" * 5000},
        {"reference": "L-1", "licensee_kind": "sme", "income": "1", "id": "99999"},
    ],
)
def test_edit_refuses_hostile_licence_rows(client_for, staff_a, report_a, row):
    response = client_for(staff_a).post(
        url("report_edit", report_a), _form_data(report_a, licences=[row])
    )
    assert response.status_code == 200
    assert report_a.licences.count() == 0
    assert AnnualReport.objects.get(pk=report_a.pk).version == 1


def test_detail_delete_looks_unlike_submit(client_for, staff_a, report_a):
    body = client_for(staff_a).get(url("report_detail", report_a)).content.decode()

    assert '<button type="submit" id="delete-report" class="danger secondary">' in body
    assert '<button type="submit" id="submit-report">' in body
