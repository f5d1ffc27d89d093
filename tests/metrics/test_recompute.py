"""Recomputing stored values: accepted reports only, idempotent, scoped, lineage, on commit."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from institutions.enums import ConsolidationKind
from institutions.models import ConsolidationEvent
from metrics.enums import ReportState, ValueStatus
from metrics.models import MetricDefinition, MetricValue
from metrics.services.metric_values import queue_recompute, recompute_metric_values
from tests.factories import AnnualReportFactory, InstitutionFactory
from tests.metrics.metric_builders import accepted_report, licence, stored

pytestmark = pytest.mark.django_db

COSTS = {"personnel_costs": 8_000_000, "patent_costs": 2_000_000}


def snapshot():
    return sorted(
        MetricValue.objects.values_list(
            "pk", "definition_id", "institution_id", "fiscal_year", "status", "value"
        )
    )


def test_recompute_stores_values_of_accepted_reports_only(institution_a):
    accepted_report(institution_a, 2010, licence_income=15_000_000, **COSTS)
    AnnualReportFactory(
        institution=institution_a,
        fiscal_year=2011,
        state=ReportState.SUBMITTED,
        licence_income=1,
        **COSTS,
    )

    recompute_metric_values()

    assert stored("return_on_cost", institution_a, 2010).value == 1.5
    assert not MetricValue.objects.filter(fiscal_year=2011).exists()
    assert MetricValue.objects.filter(fiscal_year=2010).count() == MetricDefinition.objects.count()


def test_recompute_stores_undefined_as_null_with_a_status(institution_a):
    accepted_report(
        institution_a, 2010, licence_income=5, personnel_costs=0, patent_costs=0, startups_founded=2
    )
    recompute_metric_values()

    zero = stored("return_on_cost", institution_a, 2010)
    assert (zero.value, zero.status, zero.numerator, zero.denominator) == (
        None,
        ValueStatus.ZERO_DENOMINATOR,
        5.0,
        0.0,
    )
    missing = stored("licence_rate", institution_a, 2010)
    assert (missing.value, missing.status) == (None, ValueStatus.MISSING)
    assert stored("startups_founded", institution_a, 2010).value == 2.0


def test_recompute_twice_changes_nothing(institution_a, institution_b):
    for year in (2008, 2009, 2010):
        accepted_report(institution_a, year, licence_income=year, licences_granted=3, **COSTS)
        accepted_report(institution_b, year, licence_income=1, commercialisations=1, **COSTS)

    first = recompute_metric_values()
    before = snapshot()
    second = recompute_metric_values()

    assert snapshot() == before
    assert first.created == len(before)
    assert (second.created, second.updated, second.deleted, second.unchanged) == (
        0,
        0,
        0,
        len(before),
    )


def test_recompute_updates_changed_values_in_place(institution_a):
    report = accepted_report(institution_a, 2010, licence_income=10_000_000, **COSTS)
    recompute_metric_values()
    before = stored("return_on_cost", institution_a, 2010)

    report.licence_income = 30_000_000
    report.save()
    result = recompute_metric_values(institution_ids=[institution_a.pk], from_fiscal_year=2010)

    after = stored("return_on_cost", institution_a, 2010)
    assert (after.pk, after.value) == (before.pk, 3.0)
    # Return on cost changes value; income per licence stays undefined (no licence count
    # reported) but keeps the new numerator; the balance metrics lack other income and costs.
    assert result.updated == 2
    assert stored("income_per_licence", institution_a, 2010).numerator == 30_000_000


def test_recompute_deletes_values_of_a_reopened_report(institution_a):
    report = accepted_report(institution_a, 2010, licence_income=1, **COSTS)
    recompute_metric_values()
    report.state = ReportState.DRAFT
    report.accepted_at = None
    report.save()

    result = recompute_metric_values(institution_ids=[institution_a.pk], from_fiscal_year=2010)

    assert not MetricValue.objects.exists()
    assert result.deleted == MetricDefinition.objects.count()


def test_recompute_touches_only_the_given_institutions_and_later_years(
    institution_a, institution_b
):
    for year in (2008, 2009, 2010):
        accepted_report(institution_a, year, licence_income=1_000_000, **COSTS)
    accepted_report(institution_b, 2009, licence_income=1_000_000, **COSTS)
    recompute_metric_values()
    # Stale values that a recompute in scope would correct:
    MetricValue.objects.filter(definition__code="return_on_cost").update(value=9.0)

    recompute_metric_values(institution_ids=[institution_a.pk], from_fiscal_year=2009)

    assert stored("return_on_cost", institution_a, 2008).value == 9.0  # earlier year untouched
    assert stored("return_on_cost", institution_a, 2009).value == 0.1
    assert stored("return_on_cost", institution_a, 2010).value == 0.1
    assert stored("return_on_cost", institution_b, 2009).value == 9.0  # other institution untouched


def test_cumulative_window_follows_the_consolidation_lineage():
    rikogaku = InstitutionFactory(code="TLO-RIKOGAKU", name_ja="(財)理工学振興会")
    titech = InstitutionFactory(code="TLO-TITECH", name_ja="東京工業大学産学連携推進本部")
    ConsolidationEvent.objects.create(
        predecessor=rikogaku,
        successor=titech,
        kind=ConsolidationKind.INTERNALISATION,
        occurred_on="2008-03-31",
    )
    accepted_report(rikogaku, 2006, licences_granted=60, commercialisations=3)
    accepted_report(rikogaku, 2007, licences_granted=20, commercialisations=2)
    accepted_report(titech, 2008, licences_granted=20, commercialisations=4)

    recompute_metric_values()

    titech_rate = stored("commercialisation_rate", titech, 2008)
    assert (titech_rate.numerator, titech_rate.denominator) == (4.0, 100.0)
    assert titech_rate.value == 0.04
    # The predecessor's own values stay its own.
    assert stored("commercialisation_rate", rikogaku, 2007).denominator == 80.0
    # A single-year metric of the successor does not add the predecessor.
    assert stored("startups_founded", titech, 2008).status == ValueStatus.MISSING


def test_recompute_of_a_predecessor_reaches_its_successor():
    rikogaku = InstitutionFactory(code="TLO-RIKOGAKU")
    titech = InstitutionFactory(code="TLO-TITECH")
    ConsolidationEvent.objects.create(
        predecessor=rikogaku,
        successor=titech,
        kind=ConsolidationKind.INTERNALISATION,
        occurred_on="2008-03-31",
    )
    earlier = accepted_report(rikogaku, 2007, licences_granted=10)
    accepted_report(titech, 2008, licences_granted=10, commercialisations=2)
    recompute_metric_values()
    assert stored("commercialisation_rate", titech, 2008).value == 0.1

    earlier.licences_granted = 30
    earlier.save()
    recompute_metric_values(institution_ids=[rikogaku.pk], from_fiscal_year=2007)

    assert stored("commercialisation_rate", titech, 2008).value == 0.05


def test_home_run_licences_and_regional_share_come_from_licence_rows(institution_a):
    report = accepted_report(institution_a, 2010, licences_granted=3)
    licence(report, "L-1", 10_000_000, in_region=True)
    licence(report, "L-2", 9_999_999)
    licence(report, "L-3", 40_000_000, in_region=True)

    recompute_metric_values()

    assert stored("home_run_licences", institution_a, 2010).value == 2.0
    assert stored("regional_licensee_share", institution_a, 2010).value == pytest.approx(2 / 3)


def test_queue_recompute_runs_the_task_on_commit(institution_a, django_capture_on_commit_callbacks):
    accepted_report(institution_a, 2010, licence_income=20_000_000, **COSTS)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue_recompute(institution_ids=[institution_a.pk], fiscal_years=[2010])
        assert not MetricValue.objects.exists()  # nothing before the commit

    assert len(callbacks) == 1
    assert stored("return_on_cost", institution_a, 2010).value == 2.0


def test_queue_recompute_does_nothing_when_the_transaction_rolls_back(
    institution_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                queue_recompute(institution_ids=[institution_a.pk], fiscal_years=[2010])
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []


def test_queue_recompute_with_nothing_to_do_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        queue_recompute(institution_ids=[], fiscal_years=[2010])
    assert callbacks == []


def _recompute_queries(count):
    """Queries of a first recompute (writing every value) and of a second (writing none)."""
    institutions = InstitutionFactory.create_batch(count)
    for institution in institutions:
        for year in (2009, 2010):
            report = accepted_report(institution, year, licence_income=1, licences_granted=1)
            licence(report, f"L-{year}", 1)
    ids = [i.pk for i in institutions]
    with CaptureQueriesContext(connection) as writing:
        recompute_metric_values(institution_ids=ids)
    with CaptureQueriesContext(connection) as reading:
        recompute_metric_values(institution_ids=ids)
    MetricValue.objects.all().delete()
    return len(writing), len(reading)


def test_recompute_query_count_does_not_grow_with_institutions():
    _, reading_one = _recompute_queries(1)
    writing_many, reading_many = _recompute_queries(30)
    assert reading_many == reading_one
    # 1,020 new values: inserts go in batches (one COPY on PostgreSQL), not one per institution.
    assert writing_many < 30


def test_recompute_metrics_command(institution_a):
    accepted_report(institution_a, 2009, licence_income=1, **COSTS)
    accepted_report(institution_a, 2010, licence_income=1, **COSTS)
    out = io.StringIO()
    call_command("recompute_metrics", stdout=out)
    definitions = MetricDefinition.objects.count()
    assert out.getvalue().strip() == (
        f"Metric values: {2 * definitions} created, 0 updated, 0 deleted, 0 unchanged."
    )
    out = io.StringIO()
    call_command("recompute_metrics", "--fy", "2010", stdout=out)
    assert out.getvalue().strip() == (
        f"Metric values: 0 created, 0 updated, 0 deleted, {definitions} unchanged."
    )
