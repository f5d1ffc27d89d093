"""An uploaded file's bytes → its rows of raw cells, within the limits.

This is the step that parses what a stranger sent, so it runs in the parser's child
process (sandbox.py) and imports nothing from Django: the limits come in as
arguments, and problems go out as data (problems.py) to be worded by the server.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import xlsx
from .decoding import decode_csv
from .problems import FileProblem, FileProblemKind, Problem
from .sheet_area import Area

CSV = "csv"
XLSX = "xlsx"


@dataclass(frozen=True)
class TableLimits:
    """How much a file may hold (limits.py reads them from the settings)."""

    max_rows: int  # data rows; the header comes on top
    max_columns: int
    xlsx_max_entries: int
    xlsx_max_unpacked_bytes: int

    def area(self) -> Area:
        """The cells a sheet may use: the header row and max_rows rows under it, as
        _limited counts them (blank rows above the header and the template's row of
        field codes count too)."""
        return Area(columns=self.max_columns, rows=self.max_rows + 1)


@dataclass(frozen=True)
class Rows:
    encoding: str  # for CSV; "" for XLSX
    rows: list[list[Any]]
    # Further worksheets asked for by name and found in the workbook (the import
    # template's ライセンス明細), each checked and limited like the first.
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)


def read_rows(
    data: bytes, *, file_format: str, limits: TableLimits, sheets: tuple[str, ...] = ()
) -> Rows:
    """The rows of a CSV or XLSX file, and of the XLSX worksheets named in `sheets` that
    the workbook has. Raises FileProblem if it cannot be read or holds more than the
    limits."""
    if file_format == XLSX:
        xlsx.check_zip(
            data,
            max_entries=limits.xlsx_max_entries,
            max_unpacked_bytes=limits.xlsx_max_unpacked_bytes,
        )
        sheet_name = xlsx.check_first_sheet(data, area=limits.area())
        sheet = xlsx.read_first_sheet(data, sheet_name=sheet_name)
        first = _limited((_unpadded(row) for row in sheet), limits)
        named = {}
        for name in sheets:
            if name != sheet_name and xlsx.check_named_sheet(data, name=name, area=limits.area()):
                rows = xlsx.read_named_sheet(data, name=name)
                named[name] = _limited((_unpadded(row) for row in rows), limits)
        return Rows("", first, named)
    decoded = decode_csv(data)
    return Rows(decoded.encoding, _limited(_csv_rows(decoded.text), limits))


def _csv_rows(text: str) -> Iterator[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from reader
    except csv.Error as error:
        raise FileProblem(
            Problem(
                FileProblemKind.MALFORMED_CSV,
                row=reader.line_num,
                params={"line": reader.line_num, "detail": str(error)},
            )
        ) from None


def _unpadded(row: list[Any]) -> list[Any]:
    """The row without the blank cells calamine pads it with up to the sheet's width:
    they would only travel to the server and fill its memory (a sheet whose one far
    cell is GR100001 is 20 million blank cells)."""
    end = len(row)
    while end and row[end - 1] == "":
        end -= 1
    return row if end == len(row) else row[:end]


def _limited(rows: Iterable[list[Any]], limits: TableLimits) -> list[list[Any]]:
    """All rows, refusing a file with more data rows than the limit (header aside) or a
    value beyond the last column allowed. Blank cells beyond it are dropped: a CSV line
    may end in commas that no one sees. (An XLSX sheet was checked cell by cell before
    it was read, so its rows are never too wide here.)"""
    limit_rows = limits.max_rows
    area = limits.area()
    table = []
    for number, row in enumerate(rows, 1):
        if len(row) > limits.max_columns:
            beyond = row[limits.max_columns :]
            filled = next((i for i, cell in enumerate(beyond) if cell not in ("", None)), None)
            if filled is not None:
                raise area.outside(row=number, column=limits.max_columns + filled + 1)
            row = row[: limits.max_columns]
        table.append(row)
        if len(table) > limit_rows + 1:
            raise FileProblem(Problem(FileProblemKind.TOO_MANY_ROWS, params={"limit": limit_rows}))
    return table
