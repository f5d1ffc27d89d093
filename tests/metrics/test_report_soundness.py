"""Sound reports: year bounds, core figures, deleting drafts, the new warnings, the
e-mails to the institution, and accepting in bulk."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from metrics.enums import ReportState
from metrics.models import AnnualReport, LicenceAgreement
from metrics.report_years import reportable_years, year_refusal
from metrics.services import metric_values
from metrics.services.reports import (
    BatchRefused,
    MissingFiguresError,
    ReportYearError,
    accept_report,
    accept_reports,
    create_report,
    delete_report,
    reopen_report,
    return_report,
    save_report,
    submit_report,
)
from metrics.validation import report_warnings
from metrics.workflow import REPORT_WORKFLOW
from notifications.models import Notification
from tests.factories import InstitutionFactory, staff_of
from tests.metrics.importing_support import CORE, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def recompute_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(metric_values, "queue_recompute", lambda **kwargs: calls.append(kwargs))
    return calls


def _submitted(institution, fiscal_year=2010, **figures):
    return make_report(institution, fiscal_year, state=ReportState.SUBMITTED, **{**CORE, **figures})


# --- fiscal year bounds -------------------------------------------------------------------


def test_reportable_years_run_from_approval_to_the_current_fiscal_year():
    institution = InstitutionFactory(approval_fy=2005)
    years = reportable_years(institution, today=datetime.date(2011, 3, 31))
    assert (years[0], years[-1]) == (2005, 2010)
    years = reportable_years(institution, today=datetime.date(2011, 4, 1))
    assert years[-1] == 2011


def test_without_approval_year_reports_start_at_the_first_collected_year(settings):
    settings.REPORT_FIRST_FISCAL_YEAR = 2003
    headquarters = InstitutionFactory(approval_fy=None, tlo_type="")
    assert reportable_years(headquarters, today=datetime.date(2011, 5, 1))[0] == 2003
    with translation.override("en"):
        assert "FY2003" in year_refusal(2002, None, today=datetime.date(2011, 5, 1))


def test_create_report_for_a_future_year_is_refused(staff_a, institution_a):
    with pytest.raises(ReportYearError, match="2099"):
        create_report(actor=staff_a, institution=institution_a, fiscal_year=2099)
    assert not AnnualReport.objects.exists()


def test_create_report_before_approval_is_refused(staff_a, institution_a):
    institution_a.approval_fy = 2005
    institution_a.save()
    with pytest.raises(ReportYearError):
        create_report(actor=staff_a, institution=institution_a, fiscal_year=2004)
    create_report(actor=staff_a, institution=institution_a, fiscal_year=2005)
    assert AnnualReport.objects.count() == 1


def test_new_report_form_names_the_allowed_years(client_for, staff_a):
    response = client_for(staff_a).post(
        "/metrics/reports/new/", {"institution": "TLO-AAA", "fiscal_year": "2099年度"}
    )
    assert response.status_code == 200
    assert not AnnualReport.objects.exists()
    assert "2099年度" in response.context["form"].errors["fiscal_year"][0]


# --- core figures -------------------------------------------------------------------------


def test_submit_without_core_figures_names_the_missing_ones(staff_a, institution_a):
    report = make_report(institution_a, 2010, patent_applications=3, licence_income=0)
    with translation.override("ja"), pytest.raises(MissingFiguresError) as refusal:
        submit_report(actor=staff_a, report=report)
    assert refusal.value.missing == ["licences_granted", "personnel_costs", "patent_costs"]
    assert "ライセンス件数、人件費、特許関係費" in str(refusal.value)
    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.state, stored.version, stored.submitted_at) == ("draft", 1, None)


def test_submit_with_zero_core_figures_is_allowed(staff_a, institution_a):
    report = make_report(institution_a, 2010, **dict.fromkeys(CORE, 0))
    submit_report(actor=staff_a, report=report)
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_submit_page_shows_the_missing_figures(client_for, staff_a, institution_a):
    report = make_report(institution_a, 2010)
    response = client_for(staff_a).post(f"/metrics/reports/{report.pk}/submit/", {"version": "1"})
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.DRAFT
    page = client_for(staff_a).get(response["Location"]).content.decode()
    assert "特許出願件数" in page and "提出" in page


# --- deleting a draft -------------------------------------------------------------------


def test_staff_delete_a_draft_never_submitted(staff_a, institution_a):
    report = create_report(actor=staff_a, institution=institution_a, fiscal_year=2010)
    save_report(
        actor=staff_a,
        report=report,
        figures={},
        licences=[],
        expected_version=1,
    )
    LicenceAgreement.objects.create(report=report, reference="L-1", licensee_kind="sme")
    delete_report(actor=staff_a, report=report, expected_version=2)
    assert not AnnualReport.objects.exists()
    assert not LicenceAgreement.objects.exists()
    deleted = AnnualReport.history.filter(id=report.pk).order_by("-history_date").first()
    assert (deleted.history_type, deleted.history_user) == ("-", staff_a)


def test_delete_is_refused_once_submitted_even_after_a_return(
    staff_a, mext_official, institution_a
):
    report = _submitted(institution_a)
    report.submitted_at = datetime.datetime(2011, 5, 1, tzinfo=datetime.UTC)
    report.save()
    return_report(actor=mext_official, report=report, reason="確認")
    report.refresh_from_db()
    save_report(actor=staff_a, report=report, figures={}, expected_version=report.version)
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert not REPORT_WORKFLOW.may(staff_a, report, "delete")
    with pytest.raises(PermissionDenied):
        delete_report(actor=staff_a, report=report, expected_version=report.version)
    assert AnnualReport.objects.filter(pk=report.pk).exists()


def test_delete_by_another_institution_or_an_official_is_refused(
    staff_b, mext_official, institution_a
):
    report = make_report(institution_a, 2010)
    for person in (staff_b, mext_official):
        with pytest.raises(PermissionDenied):
            delete_report(actor=person, report=report, expected_version=1)
    assert AnnualReport.objects.filter(pk=report.pk).exists()


def test_delete_view_needs_the_version_and_answers_404_to_others(
    client_for, staff_a, staff_b, institution_a
):
    report = make_report(institution_a, 2010)
    url = f"/metrics/reports/{report.pk}/delete/"
    assert client_for(staff_b).post(url, {"version": "1"}).status_code == 404
    assert client_for(staff_a).post(url, {}).status_code == 400
    response = client_for(staff_a).post(url, {"version": "1"})
    assert response.status_code == 302
    assert not AnnualReport.objects.exists()


# --- warnings -----------------------------------------------------------------------------


def _messages(warnings):
    return {(w.field, str(w.message)) for w in warnings}


def test_licence_income_differing_from_the_licence_sheet_is_warned():
    with translation.override("en"):
        warnings = report_warnings({"licence_income": 5_000_000}, licence_total=4_000_000)
        same = report_warnings({"licence_income": 4_000_000}, licence_total=4_000_000)
        without_sheet = report_warnings({"licence_income": 4_000_000}, licence_total=None)
    assert [w.field for w in warnings] == ["licence_income"]
    assert "¥5,000,000" in str(warnings[0].message) and "¥4,000,000" in str(warnings[0].message)
    assert same == [] and without_sheet == []


def test_a_figure_falling_to_zero_is_warned():
    with translation.override("en"):
        warnings = report_warnings(
            {"patent_applications": 0, "licence_income": 0, "jobs_created": 0},
            previous={"patent_applications": 12, "licence_income": 0, "jobs_created": None},
        )
    assert [w.field for w in warnings] == ["patent_applications"]
    assert "fell from 12 last year to zero" in str(warnings[0].message)


def test_warnings_for_officials_are_worded_for_them():
    figures = {"licence_income": 1, "personnel_costs": 0, "patent_costs": 0, "other_costs": 0}
    with translation.override("en"):
        for_staff = str(report_warnings(figures)[0].message)
        for_officials = str(report_warnings(figures, for_official=True)[0].message)
    assert "are the costs missing?" in for_staff
    assert "the institution may have left the costs out" in for_officials


def test_report_page_words_warnings_for_the_reader(
    client_for, staff_a, mext_official, institution_a
):
    report = _submitted(institution_a, personnel_costs=0, patent_costs=0, other_costs=0)
    official_page = client_for(mext_official).get(f"/metrics/reports/{report.pk}/")
    staff_page = client_for(staff_a).get(f"/metrics/reports/{report.pk}/")
    official_text = [str(w.message) for w in official_page.context["warnings"]]
    staff_text = [str(w.message) for w in staff_page.context["warnings"]]
    assert official_text != staff_text
    assert official_page.context["for_official"] and not staff_page.context["for_official"]


def test_report_page_compares_income_with_the_licence_rows(client_for, staff_a, institution_a):
    report = make_report(institution_a, 2010, licence_income=1_000)
    LicenceAgreement.objects.create(report=report, reference="A", licensee_kind="sme", income=600)
    response = client_for(staff_a).get(f"/metrics/reports/{report.pk}/")
    assert [w.field for w in response.context["warnings"]] == ["licence_income"]


# --- e-mails to the institution ---------------------------------------------------------


def test_return_accept_and_reopen_mail_the_institutions_staff(
    staff_a,
    mext_official,
    institution_a,
    recompute_calls,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    colleague = staff_of(institution_a, username="colleague", email="c@example.jp")
    staff_a.email = "a@example.jp"
    staff_a.save()
    staff_of(InstitutionFactory(), username="elsewhere")
    report = _submitted(institution_a)
    with django_capture_on_commit_callbacks(execute=True):
        return_report(actor=mext_official, report=report, reason="人件費の内訳を添えてください")
    report.refresh_from_db()
    AnnualReport.objects.filter(pk=report.pk).update(state=ReportState.SUBMITTED)
    report.refresh_from_db()
    accept_report(actor=mext_official, report=report)
    reopen_report(actor=mext_official, report=report, reason="訂正のため")

    sent = Notification.objects.order_by("id")
    assert {n.recipient for n in sent} == {staff_a, colleague}
    kinds = [n.kind for n in sent if n.recipient == staff_a]
    assert kinds == ["report_returned", "report_accepted", "report_reopened"]
    returned = sent.get(recipient=staff_a, kind="report_returned")
    assert "人件費の内訳を添えてください" in returned.body
    assert returned.state == "sent"  # not held for release: sent when the return committed
    assert f"/metrics/reports/{report.pk}/" in returned.body
    assert {m.to[0] for m in mailoutbox} == {"a@example.jp", "c@example.jp"}


def test_mails_are_in_japanese_whatever_the_officials_language(
    staff_a, mext_official, institution_a, recompute_calls
):
    report = _submitted(institution_a)
    with translation.override("en"):
        accept_report(actor=mext_official, report=report)
    assert "受理" in Notification.objects.get().subject


# --- accepting in bulk ----------------------------------------------------------------


def test_bulk_accept_accepts_each_with_history_and_queues_one_recompute(
    mext_official, institution_a, institution_b, recompute_calls
):
    first, second = _submitted(institution_a, 2009), _submitted(institution_b, 2010)
    accepted = accept_reports(actor=mext_official, versions={first.pk: 1, second.pk: 1})
    assert [r.pk for r in accepted] == [first.pk, second.pk]
    for report in AnnualReport.objects.all():
        assert (report.state, report.version, report.accepted_by) == (
            "accepted",
            2,
            mext_official,
        )
        assert report.history.first().history_change_reason == "accept"
    assert recompute_calls == [
        {"institution_ids": [institution_a.pk, institution_b.pk], "fiscal_years": [2009, 2010]}
    ]


def test_bulk_accept_with_one_stale_version_applies_nothing(
    mext_official, institution_a, institution_b, recompute_calls
):
    fresh = _submitted(institution_a)
    stale = _submitted(institution_b)
    AnnualReport.objects.filter(pk=stale.pk).update(version=2)  # changed since the list
    with translation.override("en"), pytest.raises(BatchRefused) as refusal:
        accept_reports(actor=mext_official, versions={fresh.pk: 1, stale.pk: 1})
    assert len(refusal.value.messages) == 1
    assert "機関B" in refusal.value.messages[0]
    assert set(AnnualReport.objects.values_list("state", flat=True)) == {"submitted"}
    assert AnnualReport.objects.get(pk=fresh.pk).version == 1
    assert recompute_calls == []
    assert not Notification.objects.exists()


def test_bulk_accept_refuses_a_report_no_longer_submitted(
    mext_official, institution_a, institution_b, recompute_calls
):
    fresh = _submitted(institution_a)
    draft = make_report(institution_b, 2010)
    with pytest.raises(BatchRefused):
        accept_reports(actor=mext_official, versions={fresh.pk: 1, draft.pk: 1})
    assert AnnualReport.objects.get(pk=fresh.pk).state == "submitted"


def test_bulk_accept_by_staff_is_refused(staff_a, institution_a, recompute_calls):
    report = _submitted(institution_a)
    with pytest.raises(BatchRefused):
        accept_reports(actor=staff_a, versions={report.pk: 1})
    assert AnnualReport.objects.get(pk=report.pk).state == "submitted"


def test_bulk_accept_view(client_for, mext_official, staff_a, institution_a, institution_b):
    first, second = _submitted(institution_a), _submitted(institution_b)
    url = "/metrics/reports/queue/accept/"
    assert client_for(staff_a).post(url, {"report": [first.pk]}).status_code == 403
    assert client_for(mext_official).post(url, {"report": [first.pk]}).status_code == 400
    response = client_for(mext_official).post(
        url,
        {"report": [first.pk, second.pk], f"version-{first.pk}": "1", f"version-{second.pk}": "1"},
    )
    assert response.status_code == 302
    assert set(AnnualReport.objects.values_list("state", flat=True)) == {"accepted"}


def test_bulk_accept_view_with_a_stale_report_says_which(
    client_for, mext_official, institution_a, institution_b
):
    first, second = _submitted(institution_a), _submitted(institution_b)
    AnnualReport.objects.filter(pk=second.pk).update(version=5)
    response = client_for(mext_official).post(
        "/metrics/reports/queue/accept/",
        {"report": [first.pk, second.pk], f"version-{first.pk}": "1", f"version-{second.pk}": "1"},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("機関B" in text for text in texts)
    assert set(AnnualReport.objects.values_list("state", flat=True)) == {"submitted"}
