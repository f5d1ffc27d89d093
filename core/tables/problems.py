"""What can be wrong with an uploaded file, kept as data and worded when shown.

A problem is stored as JSON (kind, row, column, value and a few parameters) and turned
into a sentence only when someone reads it, so the same problem reads in Japanese or
English according to the reader's language.

This module imports nothing from Django: the parser's child process (sandbox.py) raises
these problems and starts faster without it, and sends them to the server as JSON to be
worded there (wording.py). The kinds here are about the file as a whole; an app that
reads the cells adds kinds of its own (a StrEnum whose values do not clash with these).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.text import safe_excerpt


class FileProblemKind(StrEnum):
    """Why a file cannot be read at all."""

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


@dataclass
class Problem:
    """One thing wrong with a file, a header or a cell.

    `kind` is a FileProblemKind or a kind of the app that reads the cells (a StrEnum
    member, or its value once read back from JSON: the two compare equal). `row` is the
    row number as the spreadsheet shows it (the header is row 1); `column` the header
    as written in the file.
    """

    kind: str
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
            kind=str(data["kind"]),
            row=data.get("row"),
            column=data.get("column", ""),
            value=data.get("value", ""),
            params=data.get("params", {}),
        )


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
