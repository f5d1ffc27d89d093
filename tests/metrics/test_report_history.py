"""The audit history of a report: who, when, which fields, from what to what."""

import pytest
from django.utils import translation

from core.history import FieldChange
from metrics.enums import LicenseeKind
from metrics.selectors.reports import report_history
from metrics.services.reports import (
    LicenceRow,
    create_report,
    return_report,
    save_report,
    submit_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(staff_a, mext_official, institution_a):
    """Created, three edits (one with a licence row), submitted, returned with a reason."""
    staff_a.first_name = "担当 一郎"
    staff_a.save()
    mext_official.first_name = "文科 次郎"
    mext_official.save()
    report = create_report(actor=staff_a, institution=institution_a, fiscal_year=2010)
    save_report(
        actor=staff_a,
        report=report,
        figures={"licence_income": 1_000_000, "patent_applications": 12},
        expected_version=1,
    )
    # The figures a report cannot be submitted without, saved by someone else.
    save_report(
        actor=staff_a,
        report=report,
        figures={"licences_granted": 1, "personnel_costs": 5_000_000, "patent_costs": 800_000},
        expected_version=2,
    )
    save_report(
        actor=staff_a,
        report=report,
        figures={"licence_income": 2_500_000},
        licences=[
            LicenceRow(reference="L-7", licensee_kind=LicenseeKind.STARTUP, income=2_500_000)
        ],
        expected_version=3,
    )
    submit_report(actor=staff_a, report=report)
    return_report(actor=mext_official, report=report, reason="費用の内訳を確認してください")
    return report


def _by_action(entries):
    return [(e.who, e.action, e.subject) for e in entries]


def test_history_newest_first_with_who_and_what(story):
    with translation.override("en"):
        entries = report_history(story)
    assert _by_action(entries) == [
        ("文科 次郎", "Return", ""),
        ("担当 一郎", "Submission", ""),
        ("担当 一郎", "added", "L-7"),
        ("担当 一郎", "Edit", ""),
        ("担当 一郎", "Edit", ""),
        ("担当 一郎", "Edit", ""),
        ("担当 一郎", "Creation", ""),
    ]
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)


def test_history_field_changes_in_japanese(story):
    with translation.override("ja"):
        entries = report_history(story)
    first_edit, second_edit = entries[5], entries[3]
    assert set(first_edit.changes) == {
        FieldChange("ライセンス収入", "—", "1,000,000"),
        FieldChange("特許出願件数", "—", "12"),
    }
    assert second_edit.changes == [FieldChange("ライセンス収入", "1,000,000", "2,500,000")]


def test_history_keeps_the_return_reason(story):
    with translation.override("en"):
        returned = report_history(story)[0]
    assert FieldChange("reason for return", "—", "費用の内訳を確認してください") in returned.changes
    assert FieldChange("state", "submitted", "returned") in returned.changes


def test_history_licence_row_shows_its_values(story):
    with translation.override("en"):
        added = report_history(story)[2]
    assert FieldChange("income in the year (yen)", "—", "2,500,000") in added.changes
    assert FieldChange("licensee kind", "—", "start-up") in added.changes
    assert FieldChange("reference", "—", "L-7") in added.changes


def test_history_licence_deletion_is_listed(story, staff_a):
    story.refresh_from_db()
    save_report(
        actor=staff_a, report=story, figures={}, licences=[], expected_version=story.version
    )
    with translation.override("en"):
        latest = report_history(story)
    assert ("担当 一郎", "deleted", "L-7") in _by_action(latest)


def test_history_query_count_is_fixed(story, django_assert_num_queries):
    with django_assert_num_queries(2):
        report_history(story)
