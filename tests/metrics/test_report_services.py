"""The report services: each write, its side effects, and what it refuses."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from metrics.enums import LicenseeKind, ReportState
from metrics.models import AnnualReport, LicenceAgreement
from metrics.services import metric_values
from metrics.services.reports import (
    LicenceRow,
    ReasonRequiredError,
    ReportError,
    ReportExistsError,
    ReportLockedError,
    StaleReportError,
    TransitionNotAllowed,
    accept_report,
    create_report,
    reopen_report,
    return_report,
    save_report,
    submit_report,
)
from tests.factories import staff_of
from tests.metrics.importing_support import CORE

pytestmark = pytest.mark.django_db


@pytest.fixture
def recompute_calls(monkeypatch):
    """The metric engine's queue_recompute, recorded (it belongs to another area)."""
    calls = []
    monkeypatch.setattr(
        metric_values, "queue_recompute", lambda **kwargs: calls.append(kwargs), raising=True
    )
    return calls


@pytest.fixture
def draft(staff_a, institution_a):
    """A new draft with its core figures filled in (written directly: no version change)."""
    report = create_report(actor=staff_a, institution=institution_a, fiscal_year=2010)
    AnnualReport.objects.filter(pk=report.pk).update(**CORE)
    report.refresh_from_db()
    return report


def _submitted(staff, report):
    return submit_report(actor=staff, report=report)


# --- create ----------------------------------------------------------------------


def test_create_report_stores_an_empty_draft_with_history(staff_a, institution_a):
    report = create_report(actor=staff_a, institution=institution_a, fiscal_year=2010)
    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.state, stored.version, stored.fiscal_year) == ("draft", 1, 2010)
    assert stored.licence_income is None
    record = stored.history.get()
    assert (record.history_user, record.history_change_reason) == (staff_a, "create")


def test_create_report_twice_for_a_year_is_refused(draft, staff_a, institution_a):
    with pytest.raises(ReportExistsError):
        create_report(actor=staff_a, institution=institution_a, fiscal_year=2010)
    assert AnnualReport.objects.count() == 1


def test_create_report_for_another_institution_is_refused(staff_b, institution_a):
    with pytest.raises(PermissionDenied):
        create_report(actor=staff_b, institution=institution_a, fiscal_year=2010)
    assert AnnualReport.objects.count() == 0


def test_create_report_by_official_is_refused(mext_official, institution_a):
    with pytest.raises(PermissionDenied):
        create_report(actor=mext_official, institution=institution_a, fiscal_year=2010)


# --- save --------------------------------------------------------------------------


def test_save_report_stores_figures_and_moves_version(draft, staff_a):
    save_report(
        actor=staff_a,
        report=draft,
        figures={"licence_income": 12_345_000, "satisfaction_desk": Decimal("4.25")},
        expected_version=1,
    )
    stored = AnnualReport.objects.get(pk=draft.pk)
    assert (stored.licence_income, stored.satisfaction_desk, stored.version) == (
        12_345_000,
        Decimal("4.25"),
        2,
    )
    assert stored.history.first().history_user == staff_a
    assert stored.history.first().history_change_reason == "edit"


def test_save_report_keeps_figures_left_out(draft, staff_a):
    save_report(
        actor=staff_a, report=draft, figures={"patent_applications": 40}, expected_version=1
    )
    save_report(actor=staff_a, report=draft, figures={"licences_granted": 9}, expected_version=2)
    stored = AnnualReport.objects.get(pk=draft.pk)
    assert (stored.patent_applications, stored.licences_granted) == (40, 9)


def test_save_report_from_an_old_version_is_refused_and_names_who_changed_it(draft, staff_a):
    colleague = staff_of(draft.institution, username="colleague", first_name="山田")
    # Both opened version 1; the colleague saved first.
    save_report(actor=colleague, report=draft, figures={"licence_income": 100}, expected_version=1)
    with pytest.raises(StaleReportError) as error:
        save_report(
            actor=staff_a, report=draft, figures={"licence_income": 999}, expected_version=1
        )
    assert "山田" in str(error.value)
    assert error.value.changed_by == "山田"
    stored = AnnualReport.objects.get(pk=draft.pk)
    assert (stored.licence_income, stored.version) == (100, 2)


def test_save_report_stale_does_not_touch_licence_rows(draft, staff_a):
    save_report(
        actor=staff_a,
        report=draft,
        figures={},
        licences=[LicenceRow(reference="L-1", licensee_kind=LicenseeKind.SME, income=5)],
        expected_version=1,
    )
    with pytest.raises(StaleReportError):
        save_report(actor=staff_a, report=draft, figures={}, licences=[], expected_version=1)
    assert list(LicenceAgreement.objects.values_list("reference", flat=True)) == ["L-1"]


def test_save_report_on_returned_report_makes_it_a_draft(draft, staff_a, mext_official):
    _submitted(staff_a, draft)
    return_report(actor=mext_official, report=draft, reason="人件費が空欄です")
    report = save_report(
        actor=staff_a, report=draft, figures={"personnel_costs": 30_000_000}, expected_version=3
    )
    assert report.state == ReportState.DRAFT
    assert AnnualReport.objects.get(pk=draft.pk).state == "draft"


@pytest.mark.parametrize("state_after", ["submitted", "accepted"])
def test_save_report_refused_unless_draft_or_returned(
    draft, staff_a, mext_official, state_after, recompute_calls
):
    _submitted(staff_a, draft)
    if state_after == "accepted":
        accept_report(actor=mext_official, report=draft)
    version = AnnualReport.objects.get(pk=draft.pk).version
    expected_error = ReportLockedError if state_after == "accepted" else TransitionNotAllowed
    with pytest.raises(expected_error):
        save_report(
            actor=staff_a, report=draft, figures={"licence_income": 1}, expected_version=version
        )
    assert AnnualReport.objects.get(pk=draft.pk).licence_income == CORE["licence_income"]


def test_save_report_by_other_institution_is_refused(draft, staff_b):
    with pytest.raises(PermissionDenied):
        save_report(actor=staff_b, report=draft, figures={"licence_income": 1}, expected_version=1)
    assert AnnualReport.objects.get(pk=draft.pk).version == 1


def test_save_report_unknown_figure_is_a_programming_error(draft, staff_a):
    with pytest.raises(ValueError, match="not report figures"):
        save_report(actor=staff_a, report=draft, figures={"state": "accepted"}, expected_version=1)


# --- licence rows ------------------------------------------------------------------


def _row(reference, income=0, **kwargs):
    return LicenceRow(reference=reference, licensee_kind=LicenseeKind.SME, income=income, **kwargs)


def test_save_report_licences_add_change_and_delete(draft, staff_a):
    save_report(
        actor=staff_a,
        report=draft,
        figures={},
        licences=[_row("L-1", 100), _row("L-2", 200)],
        expected_version=1,
    )
    l1, _ = LicenceAgreement.objects.order_by("reference")
    save_report(
        actor=staff_a,
        report=draft,
        figures={},
        licences=[_row("L-1", 150, id=l1.pk), _row("L-3", 300, exclusive=True)],
        expected_version=2,
    )
    assert list(
        LicenceAgreement.objects.order_by("reference").values_list(
            "reference", "income", "exclusive"
        )
    ) == [("L-1", 150, False), ("L-3", 300, True)]
    history = LicenceAgreement.history.order_by("history_date", "history_id")
    assert [(h.reference, h.history_type, h.history_user) for h in history] == [
        ("L-1", "+", staff_a),
        ("L-2", "+", staff_a),
        ("L-2", "-", staff_a),
        ("L-1", "~", staff_a),
        ("L-3", "+", staff_a),
    ]


def test_save_report_unchanged_licence_row_writes_no_history(draft, staff_a):
    save_report(
        actor=staff_a, report=draft, figures={}, licences=[_row("L-1", 1)], expected_version=1
    )
    licence = LicenceAgreement.objects.get()
    save_report(
        actor=staff_a,
        report=draft,
        figures={},
        licences=[_row("L-1", 1, id=licence.pk)],
        expected_version=2,
    )
    assert LicenceAgreement.history.count() == 1


def test_save_report_duplicate_licence_reference_is_refused(draft, staff_a):
    with pytest.raises(ReportError, match="L-1"):
        save_report(
            actor=staff_a,
            report=draft,
            figures={"licence_income": 5},
            licences=[_row("L-1"), _row(" L-1 ")],
            expected_version=1,
        )
    stored = AnnualReport.objects.get(pk=draft.pk)
    assert (stored.licence_income, stored.version, LicenceAgreement.objects.count()) == (
        CORE["licence_income"],
        1,
        0,
    )


def test_save_report_licence_row_of_another_report_is_refused(
    draft, staff_a, staff_b, institution_b
):
    other = create_report(actor=staff_b, institution=institution_b, fiscal_year=2010)
    save_report(
        actor=staff_b, report=other, figures={}, licences=[_row("B-1", 7)], expected_version=1
    )
    foreign = LicenceAgreement.objects.get()
    with pytest.raises(ReportError):
        save_report(
            actor=staff_a,
            report=draft,
            figures={},
            licences=[_row("B-1", 999, id=foreign.pk)],
            expected_version=1,
        )
    assert LicenceAgreement.objects.get().income == 7


# --- workflow ------------------------------------------------------------------------


def test_submit_report_sets_state_time_and_history(draft, staff_a):
    report = submit_report(actor=staff_a, report=draft)
    stored = AnnualReport.objects.get(pk=draft.pk)
    assert (stored.state, stored.version) == ("submitted", 2)
    assert stored.submitted_at is not None
    assert report.submitted_at == stored.submitted_at
    assert stored.history.first().history_change_reason == "submit"


def test_submit_report_by_official_is_refused(draft, mext_official):
    with pytest.raises(PermissionDenied):
        submit_report(actor=mext_official, report=draft)
    assert AnnualReport.objects.get(pk=draft.pk).state == "draft"


def test_submit_report_with_old_version_is_refused(draft, staff_a):
    save_report(actor=staff_a, report=draft, figures={"licence_income": 1}, expected_version=1)
    with pytest.raises(StaleReportError):
        submit_report(actor=staff_a, report=draft, expected_version=1)
    assert AnnualReport.objects.get(pk=draft.pk).state == "draft"


def test_return_report_keeps_reason(draft, staff_a, mext_official):
    _submitted(staff_a, draft)
    return_report(actor=mext_official, report=draft, reason="  特許関係費を確認してください  ")
    stored = AnnualReport.objects.get(pk=draft.pk)
    assert (stored.state, stored.return_reason) == ("returned", "特許関係費を確認してください")
    assert stored.history.first().history_user == mext_official


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_report_without_reason_is_refused(draft, staff_a, mext_official, reason):
    _submitted(staff_a, draft)
    with pytest.raises(ReasonRequiredError):
        return_report(actor=mext_official, report=draft, reason=reason)
    assert AnnualReport.objects.get(pk=draft.pk).state == "submitted"


def test_return_report_by_staff_is_refused(draft, staff_a):
    _submitted(staff_a, draft)
    with pytest.raises(PermissionDenied):
        return_report(actor=staff_a, report=draft, reason="x")


def test_resubmit_after_return_clears_the_answered_reason(draft, staff_a, mext_official):
    _submitted(staff_a, draft)
    return_report(actor=mext_official, report=draft, reason="空欄あり")
    save_report(actor=staff_a, report=draft, figures={"other_costs": 1}, expected_version=3)
    submit_report(actor=staff_a, report=draft)
    stored = AnnualReport.objects.get(pk=draft.pk)
    assert (stored.state, stored.return_reason) == ("submitted", "")
    assert "空欄あり" in list(stored.history.values_list("return_reason", flat=True))


def test_accept_report_locks_and_queues_recompute(draft, staff_a, mext_official, recompute_calls):
    _submitted(staff_a, draft)
    accept_report(actor=mext_official, report=draft)
    stored = AnnualReport.objects.get(pk=draft.pk)
    assert (stored.state, stored.accepted_by) == ("accepted", mext_official)
    assert stored.accepted_at is not None
    assert recompute_calls == [{"institution_ids": [draft.institution_id], "fiscal_years": [2010]}]


def test_accept_report_twice_is_refused(
    draft, staff_a, mext_official, meti_official, recompute_calls
):
    _submitted(staff_a, draft)
    accept_report(actor=mext_official, report=draft)
    with pytest.raises(TransitionNotAllowed):
        accept_report(actor=meti_official, report=draft)
    assert AnnualReport.objects.get(pk=draft.pk).accepted_by == mext_official
    assert len(recompute_calls) == 1


def test_accept_report_draft_is_refused(draft, mext_official, recompute_calls):
    with pytest.raises(TransitionNotAllowed):
        accept_report(actor=mext_official, report=draft)
    assert recompute_calls == []


def test_reopen_report_needs_official_and_reason_and_keeps_it(
    draft, staff_a, mext_official, recompute_calls
):
    _submitted(staff_a, draft)
    accept_report(actor=mext_official, report=draft)
    with pytest.raises(PermissionDenied):
        reopen_report(actor=staff_a, report=draft, reason="直したい")
    with pytest.raises(ReasonRequiredError):
        reopen_report(actor=mext_official, report=draft, reason="")
    reopen_report(actor=mext_official, report=draft, reason="ライセンス収入の訂正")
    stored = AnnualReport.objects.get(pk=draft.pk)
    assert (stored.state, stored.reopen_reason, stored.accepted_by) == (
        "draft",
        "ライセンス収入の訂正",
        None,
    )
    assert stored.history.first().history_change_reason == "reopen"
    assert stored.history.first().history_user == mext_official
    assert recompute_calls[-1] == {
        "institution_ids": [draft.institution_id],
        "fiscal_years": [2010],
    }
    assert len(recompute_calls) == 2


def test_reopened_report_can_be_corrected_and_accepted_again(
    draft, staff_a, mext_official, meti_official, recompute_calls
):
    _submitted(staff_a, draft)
    accept_report(actor=mext_official, report=draft)
    reopen_report(actor=meti_official, report=draft, reason="訂正")
    save_report(actor=staff_a, report=draft, figures={"licence_income": 5}, expected_version=4)
    submit_report(actor=staff_a, report=draft)
    accept_report(actor=meti_official, report=draft)
    stored = AnnualReport.objects.get(pk=draft.pk)
    assert (stored.state, stored.licence_income, stored.reopen_reason) == ("accepted", 5, "訂正")
    assert list(
        stored.history.order_by("history_date").values_list("history_change_reason", flat=True)
    ) == [
        "create",
        "submit",
        "accept",
        "reopen",
        "edit",
        "submit",
        "accept",
    ]
