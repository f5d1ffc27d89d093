"""Uploaded tables (CSV or XLSX) → rows of text, for uploads that need no more than that
(the registry upload): the same checks as the annual-report import, one readable error."""

from __future__ import annotations

import datetime
from typing import Any

from .files import read_table
from .problems import FileProblem, Problem
from .wording import sentence


class UnreadableUpload(ValueError):
    """The file cannot be read as a table; the message says why, for the person, and
    `problem` is the reader's problem (its kind, row and parameters)."""

    def __init__(self, message: str, problem: Problem | None = None):
        super().__init__(message)
        self.problem = problem


def read_upload_rows(data: bytes) -> list[list[str]]:
    """The cells of a CSV file or of an XLSX file's first visible sheet as text ("" for
    blank), from row 1; UnreadableUpload with the reason for a file it refuses."""
    try:
        rows = read_table(data).rows
    except FileProblem as failure:
        raise UnreadableUpload(sentence(failure.problem), failure.problem) from None
    return [[cell_text(cell) for cell in row] for row in rows]


def cell_text(cell: Any) -> str:
    """A cell as text: whole floats without ".0" (an XLSX number), dates in ISO form."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat() if cell.time() == datetime.time() else cell.isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell).strip()
