"""core.cache: page data keyed by the data version, the audience, the filters, the amount
unit and the language; which writes move the version, and that a failed one moves none."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from core.amounts import AmountUnit
from core.cache import (
    bump_data_version,
    cached_page_data,
    current_data_version,
    page_cache_key,
)
from core.versions import NEW
from dashboards.selectors.national import DashboardFilters
from institutions.audience import audience_key
from institutions.enums import InstitutionKind, Ministry, Role
from institutions.services import load_institution_rows
from metrics.enums import ReportState
from metrics.models import AnnualReport, MetricValue
from metrics.services import collection, metric_values, reports
from metrics.services.imports import confirm_import as confirm
from reviews.enums import ConflictKind, Recommendation, SupportTier
from reviews.services import assignments, conflicts, cycles, decisions
from tests.factories import UserFactory, reviewer_of, staff_of
from tests.metrics.importing_support import CORE, csv_bytes, start_and_check
from tests.metrics.metric_builders import accepted_report
from tests.reviews.conftest import score_all, set_stage

pytestmark = pytest.mark.django_db


def _key(user, *, filters=None, unit=AmountUnit.YEN, language="ja") -> str:
    with translation.override(language):
        parts = (audience_key(user), filters or DashboardFilters(fiscal_year=2010), unit)
        return page_cache_key("national", parts, version=current_data_version())


# --- keys ------------------------------------------------------------------------------


def test_cache_key_differs_between_named_and_anonymised_readers(mext_official, viewer):
    assert _key(mext_official) != _key(viewer)


def test_cache_key_differs_between_the_institutions_of_tlo_staff(staff_a, staff_b, viewer):
    assert _key(staff_a) != _key(staff_b)
    assert _key(staff_a) != _key(viewer)


def test_cache_key_same_for_two_staff_of_one_institution(staff_a, institution_a):
    colleague = staff_of(institution_a, username="staff-a2")
    assert _key(staff_a) == _key(colleague)


def test_cache_key_same_for_two_officials_of_one_ministry(mext_official):
    colleague = UserFactory(role=Role.OFFICIAL, ministry=Ministry.MEXT, username="mext-2")
    assert _key(mext_official) == _key(colleague)


def test_cache_key_differs_for_each_reviewer(mext_reviewer):
    other = reviewer_of(Ministry.MEXT, username="mext-reviewer-2")
    assert _key(mext_reviewer) != _key(other)


def test_cache_key_differs_by_language(viewer):
    assert _key(viewer, language="ja") != _key(viewer, language="en")


def test_cache_key_differs_by_amount_unit(viewer):
    assert _key(viewer, unit=AmountUnit.YEN) != _key(viewer, unit=AmountUnit.MILLION)


def test_cache_key_differs_by_every_filter(viewer):
    plain = _key(viewer)
    for change in (
        {"fiscal_year": 2011},
        {"region": "kanto"},
        {"tlo_type": "internal"},
        {"specialisation": "it"},
        {"kind": InstitutionKind.CERTIFIED_TLO},
        {"metric": "grant_rate"},
    ):
        filters = DashboardFilters(**{"fiscal_year": 2010, **change})
        assert _key(viewer, filters=filters) != plain, change


def test_cache_key_same_for_an_enum_and_its_string(viewer):
    as_enum = DashboardFilters(fiscal_year=2010, kind=InstitutionKind.APPROVED_TLO)
    as_text = DashboardFilters(fiscal_year=2010, kind="approved_tlo")
    assert _key(viewer, filters=as_enum) == _key(viewer, filters=as_text)


def test_cache_key_differs_by_data_version(viewer):
    before = _key(viewer)
    bump_data_version()
    assert _key(viewer) != before


def test_cache_key_refuses_a_part_without_a_stable_text(viewer):
    with pytest.raises(TypeError):
        page_cache_key("national", (object(),), version=1)


# --- the cache itself ------------------------------------------------------------------


def test_cached_page_data_is_computed_once_per_version():
    calls = []

    def compute():
        calls.append(1)
        return {"total": len(calls)}

    assert cached_page_data("test", ("a",), compute) == {"total": 1}
    assert cached_page_data("test", ("a",), compute) == {"total": 1}
    bump_data_version()
    assert cached_page_data("test", ("a",), compute) == {"total": 2}
    assert len(calls) == 2


def test_bump_data_version_moves_the_number_by_one():
    before = current_data_version()
    bump_data_version()
    bump_data_version()
    assert current_data_version() == before + 2


def test_bump_data_version_creates_the_row_when_missing():
    from core.models import DataVersion

    DataVersion.objects.all().delete()
    bump_data_version()
    assert current_data_version() == 1


# --- which writes move the version -----------------------------------------------------


@pytest.fixture
def submitted(staff_a, institution_a):
    report = reports.create_report(actor=staff_a, institution=institution_a, fiscal_year=2010)
    AnnualReport.objects.filter(pk=report.pk).update(**CORE)
    report.refresh_from_db()
    return reports.submit_report(actor=staff_a, report=report)


def _moves(action) -> bool:
    before = current_data_version()
    action()
    return current_data_version() != before


def test_accepting_a_report_moves_the_version(submitted, mext_official):
    assert _moves(lambda: reports.accept_report(actor=mext_official, report=submitted))


def test_accepting_reports_together_moves_the_version(submitted, mext_official):
    versions = {submitted.pk: submitted.version}
    assert _moves(lambda: reports.accept_reports(actor=mext_official, versions=versions))


def test_reopening_a_report_moves_the_version(submitted, mext_official):
    accepted = reports.accept_report(actor=mext_official, report=submitted)
    assert _moves(
        lambda: reports.reopen_report(actor=mext_official, report=accepted, reason="誤り")
    )


def test_saving_or_submitting_a_draft_moves_no_version(staff_a, institution_a):
    def write():
        report = reports.create_report(actor=staff_a, institution=institution_a, fiscal_year=2010)
        AnnualReport.objects.filter(pk=report.pk).update(**CORE)
        report.refresh_from_db()
        reports.submit_report(actor=staff_a, report=report)

    assert not _moves(write)


def test_failed_accept_moves_no_version(submitted, mext_official, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the queue is down")

    monkeypatch.setattr(metric_values, "queue_recompute", broken)
    before = current_data_version()
    with pytest.raises(RuntimeError):
        reports.accept_report(actor=mext_official, report=submitted)
    submitted.refresh_from_db()
    assert (current_data_version(), submitted.state) == (before, ReportState.SUBMITTED)


def test_rolled_back_transaction_moves_no_version():
    before = current_data_version()
    with pytest.raises(ValueError), transaction.atomic():
        bump_data_version()
        raise ValueError
    assert current_data_version() == before


def test_confirming_an_import_moves_the_version(staff_a, institution_a):
    rows = [["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2010", "6"]]
    job = start_and_check(actor=staff_a, file_name="r.csv", data=csv_bytes(rows), language="ja")
    assert _moves(lambda: confirm(actor=staff_a, job=job))


def test_recompute_that_changes_values_moves_the_version(institution_a):
    accepted_report(institution_a, 2010, licence_income=1_000_000, personnel_costs=500_000)
    assert _moves(metric_values.recompute_metric_values)


def test_recompute_that_changes_nothing_writes_nothing_and_moves_no_version(institution_a):
    accepted_report(institution_a, 2010, licence_income=1_000_000, personnel_costs=500_000)
    metric_values.recompute_metric_values()
    stored = list(MetricValue.objects.order_by("pk").values())
    result = metric_values.recompute_metric_values()
    assert not _moves(metric_values.recompute_metric_values)
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    assert list(MetricValue.objects.order_by("pk").values()) == stored


def test_loading_default_definitions_again_moves_no_version():
    metric_values.load_default_definitions()
    assert not _moves(metric_values.load_default_definitions)


REGISTRY_ROW = {
    "code": "TLO-NEW",
    "name_ja": "新しいTLO",
    "kind": InstitutionKind.APPROVED_TLO,
    "tlo_type": "internal",
}


def test_changing_the_registry_moves_the_version():
    assert _moves(lambda: load_institution_rows(rows=[REGISTRY_ROW]))
    assert _moves(lambda: load_institution_rows(rows=[{**REGISTRY_ROW, "name_ja": "改名TLO"}]))


def test_loading_the_same_registry_rows_again_moves_no_version():
    load_institution_rows(rows=[REGISTRY_ROW])
    assert not _moves(lambda: load_institution_rows(rows=[REGISTRY_ROW]))


def test_opening_a_collection_round_moves_the_version(mext_official, institution_a):
    import datetime

    assert _moves(
        lambda: collection.open_round(
            actor=mext_official,
            fiscal_year=2010,
            opens_on=datetime.date(2011, 4, 1),
            deadline=datetime.date(2011, 6, 30),
            expected=[institution_a],
        )
    )


@pytest.fixture
def cycle(institution_a, institution_b, mext_official):
    return cycles.create_cycle(
        actor=mext_official, fiscal_year=2010, institutions=[institution_a, institution_b]
    )


def test_creating_a_review_cycle_moves_the_version(institution_a, mext_official):
    assert _moves(
        lambda: cycles.create_cycle(
            actor=mext_official, fiscal_year=2010, institutions=[institution_a]
        )
    )


def test_assigning_reviewers_moves_the_version(cycle, mext_official, mext_reviewer):
    entry = cycle.entries.first()
    assert _moves(
        lambda: assignments.assign_reviewers(
            actor=mext_official, cycle=cycle, pairs=[(entry, mext_reviewer)]
        )
    )


def test_declaring_a_conflict_moves_the_version(cycle, conflicted_reviewer):
    entry = cycle.entries.first()
    assert _moves(
        lambda: conflicts.declare_conflict(
            actor=conflicted_reviewer, entry=entry, kind=ConflictKind.OTHER, reason="親族"
        )
    )


def test_recording_scores_moves_the_version(cycle, mext_official, mext_reviewer):
    from reviews.enums import Stage

    entry = cycle.entries.first()
    (assignment,) = assignments.assign_reviewers(
        actor=mext_official, cycle=cycle, pairs=[(entry, mext_reviewer)]
    )
    set_stage(cycle, Stage.SCORING)
    assert _moves(lambda: score_all(assignment, 3))


def test_saving_a_decision_moves_the_version(cycle, mext_official):
    from reviews.enums import Stage

    set_stage(cycle, Stage.DELIBERATION)
    entry = cycle.entries.first()

    def save():
        decisions.save_decision(
            actor=mext_official,
            entry=entry,
            tier=SupportTier.STANDARD,
            recommendation=Recommendation.CONTINUE,
            merge_partner=None,
            rationale="理由",
            expected_version=NEW,
        )

    assert _moves(save)
