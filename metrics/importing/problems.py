"""What can be wrong with an uploaded file, kept as data and worded when shown.

A problem is stored in ImportJob.result as JSON (kind, row, column, value and a few
parameters) and turned into a sentence only when someone reads it, so the same
preview reads in Japanese or English according to the reader's language.

The sentences live in wording.py, which needs Django's translations. This module does
not import Django: the parser's child process (sandbox.py) raises these problems and
starts faster without it, and sends them to the server as JSON to be worded there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.text import safe_excerpt


class ProblemKind(StrEnum):
    # the file as a whole
    FILE_TOO_LARGE = "file_too_large"
    TOO_MANY_ROWS = "too_many_rows"
    UNKNOWN_FORMAT = "unknown_format"
    OLD_EXCEL_FORMAT = "old_excel_format"
    UNDECODABLE = "undecodable"
    NUL_CHARACTER = "nul_character"
    MALFORMED_CSV = "malformed_csv"
    UNREADABLE_XLSX = "unreadable_xlsx"
    ZIP_TOO_MANY_ENTRIES = "zip_too_many_entries"
    ZIP_TOO_LARGE = "zip_too_large"
    XML_ENTITIES = "xml_entities"
    CELL_OUT_OF_RANGE = "cell_out_of_range"
    READ_ABORTED = "read_aborted"
    NO_HEADER = "no_header"
    NO_DATA = "no_data"
    PROCESSING_FAILED = "processing_failed"
    TIMED_OUT = "timed_out"
    # the header row
    UNKNOWN_COLUMN = "unknown_column"
    UNKNOWN_UNIT = "unknown_unit"
    UNIT_NOT_ALLOWED = "unit_not_allowed"
    DUPLICATE_COLUMN = "duplicate_column"
    DATA_WITHOUT_HEADER = "data_without_header"
    MISSING_INSTITUTION_COLUMN = "missing_institution_column"
    MISSING_FISCAL_YEAR_COLUMN = "missing_fiscal_year_column"
    # one cell
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    NOT_WHOLE = "not_whole"
    TOO_MANY_DECIMALS = "too_many_decimals"
    OUT_OF_RANGE = "out_of_range"
    NOT_A_FISCAL_YEAR = "not_a_fiscal_year"
    YEAR_NOT_REPORTABLE = "year_not_reportable"
    MISSING_FISCAL_YEAR = "missing_fiscal_year"
    MISSING_INSTITUTION = "missing_institution"
    UNKNOWN_INSTITUTION = "unknown_institution"
    INSTITUTION_MISMATCH = "institution_mismatch"
    NOT_YOUR_INSTITUTION = "not_your_institution"
    DUPLICATE_ROW = "duplicate_row"
    REPORT_LOCKED = "report_locked"
    # the licence detail sheet (ライセンス明細)
    MISSING_VALUE = "missing_value"
    TOO_LONG = "too_long"
    NOT_A_CHOICE = "not_a_choice"
    NOT_YES_OR_NO = "not_yes_or_no"
    LICENCE_WITHOUT_REPORT = "licence_without_report"
    DUPLICATE_LICENCE = "duplicate_licence"
    # the header row, informational (a warning, not an error)
    IGNORED_COLUMN = "ignored_column"


@dataclass
class Problem:
    """One thing wrong with a file, a header or a cell.

    `row` is the row number as the spreadsheet shows it (the header is row 1);
    `column` the header as written in the file.
    """

    kind: ProblemKind
    row: int | None = None
    column: str = ""
    value: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The problem as stored. Text from the file is made safe to store and to show
        (core.text.safe_excerpt): a NUL or a 5,000-character cell is echoed, not kept."""
        data: dict[str, Any] = {"kind": str(self.kind)}
        if self.row is not None:
            data["row"] = self.row
        if self.column:
            data["column"] = safe_excerpt(self.column)
        if self.value:
            data["value"] = safe_excerpt(self.value)
        if self.params:
            data["params"] = {key: _safe_param(value) for key, value in self.params.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        return cls(
            kind=ProblemKind(data["kind"]),
            row=data.get("row"),
            column=data.get("column", ""),
            value=data.get("value", ""),
            params=data.get("params", {}),
        )

    def message(self) -> str:
        """The sentence, in the active language, without the location."""
        from .wording import sentence

        return sentence(self)

    def location(self, file_name: str = "") -> str:
        """Where it is: file, row and column, in the active language."""
        from .wording import place

        return place(self, file_name)

    def describe(self, file_name: str = "") -> str:
        """Location and sentence: `report.csv, row 999, column “人件費”: “abc” is not …`."""
        where = self.location(file_name)
        return f"{where}: {self.message()}" if where else self.message()

    def command_line(self) -> str:
        """The line `import_reports` prints: `row N, column C: message` (a stable prefix)."""
        prefix = []
        if self.row is not None:
            prefix.append(f"row {self.row}")
        if self.column:
            prefix.append(f"column {self.column}")
        return f"{', '.join(prefix)}: {self.message()}" if prefix else self.message()


class FileProblem(Exception):
    """The file cannot be read at all; nothing in it is imported."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.kind)


def _safe_param(value: Any) -> Any:
    if isinstance(value, str):
        return safe_excerpt(value)
    if isinstance(value, list):
        return [_safe_param(item) for item in value]
    return value
