"""Writing tables as CSV and XLSX downloads that a spreadsheet can open safely.

Any app may use these; they know nothing of the models.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from .cp932 import to_cp932

# A cell starting with one of these is read as a formula by Excel or LibreOffice;
# the full-width forms are folded to ASCII by some imports, so they count too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CSV_CP932_CONTENT_TYPE = "text/csv; charset=Shift_JIS"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula made inert.

    Numbers stay numbers; only text is touched, by a leading apostrophe.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8"
) -> bytes:
    """UTF-8 with a BOM, so that Excel in Japan opens it with the right encoding; or, with
    `encoding="cp932"`, Shift_JIS (CP932) for an Excel set to it (core.cp932: characters it
    lacks are written as their nearest form)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    if encoding == "cp932":
        return to_cp932(buffer.getvalue())
    return buffer.getvalue().encode("utf-8-sig")


Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]  # title, headers, rows


def to_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "data",
    more_sheets: Sequence[Sheet] = (),
) -> bytes:
    """A workbook whose first sheet is the table; `more_sheets` follow it, in order."""
    workbook = Workbook(write_only=True)
    for sheet_title, sheet_headers, sheet_rows in [(title, headers, rows), *more_sheets]:
        sheet = workbook.create_sheet(title=sheet_title[:31])
        sheet.append([neutralise(h) for h in sheet_headers])
        for row in sheet_rows:
            sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
