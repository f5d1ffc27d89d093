"""Two people saving the same report at the same moment: one wins, the other is told."""

import threading

import pytest
from django.db import connection, connections

from metrics.models import AnnualReport
from metrics.services.reports import StaleReportError, create_report, save_report
from tests.factories import staff_of


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_the_same_version_store_exactly_one(institution_a):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL; SQLite locks the whole database")
    first = staff_of(institution_a, username="first")
    second = staff_of(institution_a, username="second")
    report = create_report(actor=first, institution=institution_a, fiscal_year=2010)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(person, income: int) -> None:
        try:
            start.wait()
            save_report(
                actor=person, report=report, figures={"licence_income": income}, expected_version=1
            )
            outcomes[person.username] = "saved"
        except StaleReportError:
            outcomes[person.username] = "refused"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=edit, args=(first, 111)),
        threading.Thread(target=edit, args=(second, 222)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    stored = AnnualReport.objects.get(pk=report.pk)
    assert stored.version == 2
    assert stored.licence_income == {"first": 111, "second": 222}[winner]
    assert stored.history.count() == 2  # created, and the one save that won


@pytest.mark.django_db
def test_interleaved_saves_refuse_the_later_one(institution_a):
    first = staff_of(institution_a, username="first", first_name="佐藤")
    second = staff_of(institution_a, username="second")
    report = create_report(actor=first, institution=institution_a, fiscal_year=2010)
    opened_by_first = AnnualReport.objects.get(pk=report.pk)
    opened_by_second = AnnualReport.objects.get(pk=report.pk)

    save_report(
        actor=first,
        report=opened_by_first,
        figures={"patent_applications": 10},
        expected_version=opened_by_first.version,
    )
    with pytest.raises(StaleReportError, match="佐藤"):
        save_report(
            actor=second,
            report=opened_by_second,
            figures={"patent_applications": 99},
            expected_version=opened_by_second.version,
        )
    assert AnnualReport.objects.get(pk=report.pk).patent_applications == 10
