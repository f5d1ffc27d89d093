"""Demo figures: deterministic, labelled, plausible, idempotent, never over real data."""

import statistics
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from institutions.demo import create_demo_accounts
from institutions.enums import InstitutionKind, InstitutionStatus
from institutions.models import Institution
from institutions.services import load_registry
from metrics.demo import _institution_years, load_demo_reports
from metrics.enums import ReportState
from metrics.models import AnnualReport, LicenceAgreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    load_registry()
    create_demo_accounts(password="demo-password-for-tests")


def _snapshot():
    reports = list(AnnualReport.objects.order_by("institution__code", "fiscal_year").values())
    for row in reports:
        for key in ("id", "created_at", "updated_at"):
            row.pop(key)
    licences = list(
        LicenceAgreement.objects.order_by(
            "report__institution__code", "report__fiscal_year", "reference"
        ).values_list(
            "report__institution__code",
            "report__fiscal_year",
            "reference",
            "technology",
            "field",
            "licensee_kind",
            "licensee_in_region",
            "exclusive",
            "income",
        )
    )
    return reports, licences


def test_demo_reports_cover_every_active_approved_tlo_from_its_approval_year(registry):
    load_demo_reports()
    accepted = AnnualReport.objects.filter(state=ReportState.ACCEPTED)
    # From the registry: 33 TLOs approved by FY2004 report all six years; the others
    # from their approval year (SAGA and TOYOHASHI 2005, CHIBA 2006, six in 2007,
    # YAMANASHI and KOBE-SUPPORT 2008, HOKUDAI 2009, SHIZUOKA 2010).
    assert accepted.count() == 248
    assert Counter(accepted.values_list("fiscal_year", flat=True)) == {
        2005: 35,
        2006: 36,
        2007: 42,
        2008: 44,
        2009: 45,
        2010: 46,
    }
    assert set(
        AnnualReport.objects.filter(institution__code="TLO-SHIZUOKA").values_list(
            "fiscal_year", flat=True
        )
    ) == {2010}
    assert set(
        AnnualReport.objects.filter(institution__code="TLO-HOKUDAI").values_list(
            "fiscal_year", flat=True
        )
    ) == {2009, 2010}


def test_demo_reports_only_for_active_approved_tlos(registry):
    load_demo_reports()
    kinds = set(AnnualReport.objects.values_list("institution__kind", "institution__status"))
    assert kinds == {(InstitutionKind.APPROVED_TLO, InstitutionStatus.ACTIVE)}


def test_demo_reports_are_labelled_and_have_licence_sheets_that_add_up(registry):
    load_demo_reports()
    assert not AnnualReport.objects.filter(is_demo=False).exists()
    for report in AnnualReport.objects.filter(state=ReportState.ACCEPTED).prefetch_related(
        "licences"
    ):
        rows = list(report.licences.all())
        assert rows, report
        assert sum(row.income for row in rows) == report.licence_income
        assert len(rows) <= report.licences_granted
        assert report.patents_granted <= report.patent_applications


def test_demo_reports_have_plausible_magnitudes(registry):
    load_demo_reports()
    reports = list(AnnualReport.objects.filter(state=ReportState.ACCEPTED))
    incomes = [r.licence_income for r in reports]
    # The biggest earn a few hundred million yen a year, most far less.
    assert 100_000_000 <= max(incomes) <= 800_000_000
    assert statistics.median(incomes) < 50_000_000
    # Costs in the tens of millions; most TLOs do not cover them with licence income.
    personnel = [r.personnel_costs for r in reports]
    assert 10_000_000 <= statistics.median(personnel) <= 100_000_000
    returns = [r.licence_income / (r.personnel_costs + r.patent_costs) for r in reports]
    assert statistics.median(returns) < 0.6
    # About ¥2.5M per joint research agreement, as the seed notes.
    per_agreement = [r.joint_research_income / r.joint_research_count for r in reports]
    assert 2_000_000 <= statistics.median(per_agreement) <= 3_000_000
    assert all(1 <= r.satisfaction_desk <= 5 for r in reports)
    # Some licences are home runs (¥10M or more in the year), most are not.
    home_runs = LicenceAgreement.objects.filter(income__gte=10_000_000).count()
    assert 0 < home_runs < LicenceAgreement.objects.count() / 10


def test_demo_reports_twice_change_nothing(registry):
    load_demo_reports()
    before = (_snapshot(), AnnualReport.history.count(), LicenceAgreement.history.count())
    message = load_demo_reports()
    assert (_snapshot(), AnnualReport.history.count(), LicenceAgreement.history.count()) == before
    assert message.startswith("Demo annual reports: 0 added")


def test_demo_figures_are_the_same_every_time_and_differ_between_institutions():
    first = {code: list(_institution_years(code)) for code in ("TLO-TOHOKU", "TLO-KANSAI")}
    again = {code: list(_institution_years(code)) for code in ("TLO-KANSAI", "TLO-TOHOKU")}
    assert first == again
    assert first["TLO-TOHOKU"][0][1] != first["TLO-KANSAI"][0][1]


def test_demo_reports_store_the_same_figures_on_a_second_database(registry):
    """Loaded once here; compared with figures drawn afresh, as another machine would."""
    load_demo_reports()
    stored = AnnualReport.objects.get(institution__code="TLO-TOHOKU", fiscal_year=2008)
    drawn = dict((year, figures) for year, figures, _ in _institution_years("TLO-TOHOKU"))
    assert stored.figures() == drawn[2008]
    rows = list(stored.licences.order_by("reference").values_list("reference", "income"))
    drawn_rows = next(rows for year, _, rows in _institution_years("TLO-TOHOKU") if year == 2008)
    assert rows == [(row["reference"], row["income"]) for row in drawn_rows]


def test_demo_reports_leave_real_reports_alone(registry):
    kansai = Institution.objects.get(code="TLO-KANSAI")
    real = AnnualReport.objects.create(institution=kansai, fiscal_year=2008, licence_income=1)
    load_demo_reports()
    real.refresh_from_db()
    assert (real.is_demo, real.licence_income, real.state) == (False, 1, ReportState.DRAFT)
    assert AnnualReport.objects.filter(institution=kansai).count() == 6


def test_demo_draft_for_the_demo_tlo_account(registry):
    load_demo_reports()
    draft = AnnualReport.objects.get(institution__code="TLO-UTTLO", fiscal_year=2011)
    assert (draft.state, draft.is_demo) == (ReportState.DRAFT, True)
    assert draft.licences_granted is not None
    assert draft.licence_income is None  # still to be filled in
    assert draft.history.get().history_user.username == "tlo-utokyo"


def test_load_demo_command_runs_the_report_step(registry, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo")
    assert "Demo annual reports: 248 added" in capsys.readouterr().out
    assert AnnualReport.objects.filter(is_demo=True).count() == 249


def test_demo_reports_are_accepted_by_the_demo_official_in_the_july_after_their_year(registry):
    load_demo_reports()
    accepted = list(AnnualReport.objects.filter(state=ReportState.ACCEPTED))
    assert {report.accepted_by.username for report in accepted} == {"mext-official"}
    assert [r for r in accepted if r.submitted_at is not None] == []
    local = [(r.fiscal_year, timezone.localtime(r.accepted_at)) for r in accepted]
    assert {(at.year - year, at.month) for year, at in local} == {(1, 7)}
    assert {at.weekday() < 5 and 9 <= at.hour <= 17 for _, at in local} == {True}


def test_demo_reports_history_names_the_official_at_the_acceptance(registry):
    load_demo_reports()
    report = AnnualReport.objects.get(institution__code="TLO-TOHOKU", fiscal_year=2008)
    record = report.history.get()
    assert (record.history_user.username, record.history_date) == (
        "mext-official",
        report.accepted_at,
    )


def test_demo_reports_need_the_demo_official():
    load_registry()
    with pytest.raises(LookupError):
        load_demo_reports()
    assert not AnnualReport.objects.exists()
