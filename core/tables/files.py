"""An uploaded file, CSV or XLSX, as a table of raw cells.

Row i of the table (from 0) is row i + 1 as the spreadsheet shows it. Cells are what
the format gives: text for CSV; text, float, bool or dates for XLSX (calamine gives
numbers as floats). Nothing is interpreted here beyond the file's encoding.

This process only weighs the file and tells its format; the parsing itself
(reading.py) runs in a child process with its own memory and time limits (sandbox.py).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from . import limits, sandbox, xlsx
from .problems import FileProblem, FileProblemKind, Problem
from .reading import CSV, XLSX


@dataclass(frozen=True)
class Table:
    format: str  # CSV or XLSX
    encoding: str  # for CSV; "" for XLSX
    rows: list[list[Any]]
    # The further XLSX worksheets asked for by name that the workbook has.
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)


def check_size(size: int) -> None:
    limit_bytes = limits.max_file_bytes()
    if size > limit_bytes:
        raise FileProblem(
            Problem(
                FileProblemKind.FILE_TOO_LARGE,
                params={
                    "size_mb": f"{size / limits.MB:.1f}",
                    "limit_mb": f"{limit_bytes / limits.MB:g}",
                },
            )
        )


def file_format(data: bytes) -> str:
    """XLSX or CSV, judged by the content (a renamed file still reads right)."""
    if xlsx.is_xlsx(data):
        return XLSX
    if xlsx.is_old_excel(data):
        raise FileProblem(Problem(FileProblemKind.OLD_EXCEL_FORMAT))
    # Binary files (and UTF-16 text) are full of NUL bytes; a stray NUL in a CSV is a
    # text error that the decoder names by line.
    if data[:4096].count(b"\x00") > 16:
        raise FileProblem(Problem(FileProblemKind.UNKNOWN_FORMAT))
    return CSV


def read_table(data: bytes, *, sheets: tuple[str, ...] = ()) -> Table:
    """The cells of the file, and of the XLSX worksheets named in `sheets` if the
    workbook has them. Raises FileProblem if it cannot be read or is too big."""
    check_size(len(data))
    kind = file_format(data)
    rows = sandbox.read_rows_in_child(
        data,
        file_format=kind,
        limits=limits.table_limits(),
        memory_bytes=limits.parser_memory_bytes(),
        timeout_seconds=limits.parser_timeout_seconds(),
        sheets=sheets,
    )
    return Table(kind, rows.encoding, rows.rows, rows.sheets)


def looks_large(data: bytes) -> bool:
    """Whether parsing and applying this file should run in the background.

    A cheap estimate without parsing: the size, and for CSV the number of lines; for
    XLSX the declared unpacked size of the sheets its workbook names (about 1 kB per row
    of figures), found through the workbook's relationships: a sheet stored outside
    xl/worksheets/ counts too. A workbook that cannot be followed is large: the
    background check refuses it with its reason.
    """
    if len(data) > limits.background_bytes():
        return True
    try:
        kind = file_format(data)
    except FileProblem:
        return False
    if kind == CSV:
        return data.count(b"\n") > limits.background_rows()
    try:
        xlsx.check_zip(
            data,
            max_entries=limits.xlsx_max_entries(),
            max_unpacked_bytes=limits.xlsx_max_unpacked_bytes(),
        )
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet_bytes = xlsx.sheet_parts_bytes(archive)
    except (FileProblem, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return True
    return sheet_bytes > limits.background_rows() * 1024
