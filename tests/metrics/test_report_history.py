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
        ("担当 一郎", "Licence detail sheet: 1 row added", ""),
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


def test_history_licence_rows_added_name_their_references(story):
    with translation.override("en"):
        added = report_history(story)[2]
    assert added.notes == ["added: L-7"]
    assert added.changes == []


def test_history_licence_deletion_is_listed(story, staff_a):
    story.refresh_from_db()
    save_report(
        actor=staff_a, report=story, figures={}, licences=[], expected_version=story.version
    )
    with translation.override("en"):
        latest = report_history(story)
    assert ("担当 一郎", "Licence detail sheet: 1 row deleted", "") in _by_action(latest)
    assert latest[0].notes == ["deleted: L-7"]


def _row(reference, income=0):
    return LicenceRow(reference=reference, licensee_kind=LicenseeKind.STARTUP, income=income)


def test_history_summarises_one_save_of_many_licence_rows_in_japanese(story, staff_a):
    story.refresh_from_db()
    kept = {licence.reference: licence.pk for licence in story.licences.all()}
    save_report(
        actor=staff_a,
        report=story,
        figures={},
        licences=[_row(f"L-{n}") for n in (1, 2, 3)],
        expected_version=story.version,
    )
    story.refresh_from_db()
    ids = {licence.reference: licence.pk for licence in story.licences.all()}
    save_report(
        actor=staff_a,
        report=story,
        figures={},
        licences=[
            LicenceRow(
                id=ids["L-1"],
                reference="L-1",
                licensee_kind=LicenseeKind.STARTUP,
                income=300_000,
            ),
            _row("L-8"),
            _row("L-9"),
            _row("L-10"),
        ],
        expected_version=story.version,
    )
    with translation.override("ja"):
        entries = report_history(story)
    licence_entries = [e for e in entries if e.action.startswith("ライセンス明細")]
    assert [e.action for e in licence_entries] == [
        "ライセンス明細: 3行追加、1行変更、2行削除",
        "ライセンス明細: 3行追加、1行削除",
        "ライセンス明細: 1行追加",
    ]
    latest = licence_entries[0]
    assert latest.notes == ["追加: L-10、L-8、L-9", "削除: L-2、L-3"]
    assert latest.changes == [FieldChange("L-1 当該年度の収入（円）", "0", "300,000")]
    assert kept["L-7"] not in ids.values()


def test_history_licence_rows_replaced_unchanged_by_an_import_show_nothing(story, staff_a):
    """An import deletes and re-creates the rows: the same rows again is no change, a
    changed one is a change, not a deletion and an addition."""
    from metrics.models import LicenceAgreement

    story.refresh_from_db()
    save_report(
        actor=staff_a,
        report=story,
        figures={},
        licences=[_row("L-7", 2_500_000), _row("L-8", 5)],
        expected_version=story.version,
    )
    before = len(report_history(story))
    story.refresh_from_db()
    for licence in story.licences.all():
        licence._history_user = staff_a
        licence._change_reason = "import"
        licence.delete()
    for reference, income in (("L-7", 2_500_000), ("L-8", 6)):
        licence = LicenceAgreement(
            report=story, reference=reference, licensee_kind=LicenseeKind.STARTUP, income=income
        )
        licence._history_user = staff_a
        licence._change_reason = "import"
        licence.save()
    with translation.override("ja"):
        entries = report_history(story)
    assert len(entries) == before + 1
    assert entries[0].action == "ライセンス明細: 1行変更"
    assert entries[0].changes == [FieldChange("L-8 当該年度の収入（円）", "5", "6")]


def test_history_query_count_is_fixed(story, django_assert_num_queries):
    with django_assert_num_queries(2):
        report_history(story)
