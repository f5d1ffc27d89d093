"""The one way a page answers with a table as a file: CSV (UTF-8 with BOM) or XLSX."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

from .spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Sheet, to_csv, to_xlsx


def download_response(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    file_format: str | None,
    name: str,
    sheet_title: str | None = None,
    more_sheets: Sequence[Sheet] = (),
) -> HttpResponse:
    """The table as an attachment named `<name>.<format>`; CSV unless `xlsx` is asked for.
    An XLSX holds `more_sheets` after the table's (a CSV has room for one table only).

    Text cells a spreadsheet would run as formulas are neutralised (core.spreadsheets).
    """
    if file_format == "xlsx":
        body = to_xlsx(headers, rows, title=sheet_title or name, more_sheets=more_sheets)
        content_type = XLSX_CONTENT_TYPE
    else:
        file_format = "csv"
        body, content_type = to_csv(headers, rows), CSV_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_safe_name(name)}.{file_format}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe_name(name: str) -> str:
    """An ASCII file name: letters, digits, `-`, `_` and `.`; anything else becomes `_`."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
