"""The typed preview (metrics.importing.preview_data): to_json / from_json round trips,
and previews stored before the classes existed read back."""

import pytest

from core.tables.problems import Problem
from metrics.enums import RowOutcome
from metrics.importing.preview import build_preview
from metrics.importing.preview_data import Preview, PreviewRow
from metrics.validation import FigureWarning
from tests.metrics.importing_support import csv_bytes, make_report

# A preview as stored by the code before Preview existed (format 1), written out by hand.
STORED = {
    "format_version": 1,
    "file_name": "報告.csv",
    "file_errors": [],
    "notices": [{"kind": "unit_assumed", "column": "ライセンス収入", "params": {"unit": "円"}}],
    "fields": ["patent_applications", "satisfaction_desk"],
    "rows": [
        {
            "row": 2,
            "outcome": "new",
            "institution_id": 7,
            "fiscal_year": 2010,
            "values": [12, "3.50"],
            "licences": [{"reference": "L-1", "income": 500}],
            "warnings": [{"field": "patent_applications", "message": "多すぎます"}],
        },
        {
            "row": 3,
            "outcome": "changed",
            "institution_id": 8,
            "fiscal_year": 2010,
            "report_id": 41,
            "version": 3,
            "changes": {"patent_applications": [1, 2]},
            "licence_change": [0, 1],
            "licences": [{"reference": "L-2", "income": 1}],
        },
        {"row": 4, "outcome": "unchanged", "institution_id": 8, "fiscal_year": 2009,
         "report_id": 40, "version": 1},
        {"row": 5, "outcome": "error", "problems": [{"kind": "unknown_institution", "row": 5,
         "column": "機関コード", "value": "TLO-X", "params": {"suggestions": []}}]},
    ],
    "format": "csv",
    "encoding": "utf-8",
    "columns": [{"header": "特許出願件数", "target": "patent_applications", "scale": 1}],
    "institutions": {"7": ["TLO-A", "機関A", "A"], "8": ["TLO-B", "機関B", "B"]},
    "summary": {"rows": 4, "new": 1, "changed": 1, "unchanged": 1, "error": 1,
                "with_warnings": 1, "file_errors": 0},
    "language": "ja",
}  # fmt: skip


def test_a_stored_preview_reads_back_typed():
    preview = Preview.from_json(STORED)
    new, changed, unchanged, error = preview.rows
    assert (new.outcome, new.institution_id, new.values) == (RowOutcome.NEW, 7, [12, "3.50"])
    assert new.warnings == [FigureWarning("patent_applications", "多すぎます")]
    assert new.written_values(preview.fields) == {
        "patent_applications": 12,
        "satisfaction_desk": "3.50",
    }
    assert (changed.report_id, changed.version, changed.licence_change) == (41, 3, [0, 1])
    assert changed.written_values(preview.fields) == {"patent_applications": 2}
    assert unchanged.written_values(preview.fields) == {}
    assert error.problems == [
        Problem("unknown_institution", 5, "機関コード", "TLO-X", {"suggestions": []})
    ]
    assert preview.institution_of(changed) == ["TLO-B", "機関B", "B"]
    assert preview.institution_of(error) == ["", "", ""]
    assert preview.language == "ja" and preview.has_errors()


def test_a_stored_preview_round_trips_key_for_key():
    assert Preview.from_json(STORED).to_json() == STORED


def test_a_built_preview_round_trips(staff_a, institution_a):
    make_report(institution_a, 2009, patent_applications=1)
    data = csv_bytes(
        [
            ["機関コード", "年度", "特許出願件数", "満足度(窓口)"],
            ["TLO-AAA", "2010", "3", "3.5"],
            ["TLO-AAA", "2009", "2", ""],
            ["TLO-NONE", "2010", "1", ""],
        ]
    )
    built = build_preview(data=data, file_name="r.csv", actor=staff_a)
    stored = built.to_json()
    assert Preview.from_json(stored).to_json() == stored
    assert [r.outcome for r in Preview.from_json(stored).rows] == ["new", "changed", "error"]


def test_a_job_not_yet_checked_reads_as_an_empty_preview():
    preview = Preview.from_json(Preview.before_check("en"))
    assert (preview.language, preview.rows, preview.has_errors()) == ("en", [], False)
    assert preview.summary["rows"] == 0


@pytest.mark.parametrize(
    ("rows", "file_errors", "expected"),
    [
        ([], [], False),
        ([PreviewRow(row=2, outcome=RowOutcome.NEW, values=[])], [], False),
        ([PreviewRow(row=2, outcome=RowOutcome.ERROR)], [], True),
        ([], [Problem("no_data")], True),
    ],
)
def test_has_errors_means_a_file_problem_or_an_error_row(rows, file_errors, expected):
    assert Preview(rows=rows, file_errors=file_errors).has_errors() is expected
