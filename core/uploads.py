"""Uploaded tables (CSV or XLSX) → rows of text, for apps below the one that parses them.

The hardened spreadsheet reader (size and zip checks, entity refusal, and parsing where
a failure cannot take the web process down) lives with the annual report import, in
the metrics app, which the registry may not import (STYLE: institutions ← metrics).
settings.UPLOAD_TABLE_READER names it; without one, only CSV is read, strictly
(core.text.decode_text).
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .text import UndecodableText, decode_text


class UnreadableUpload(ValueError):
    """The file cannot be read as a table; the message says why, for the person."""


def read_upload_rows(data: bytes) -> list[list[str]]:
    """The cells of the file's first table as text ("" for blank), from row 1."""
    reader = getattr(settings, "UPLOAD_TABLE_READER", "")
    rows = import_string(reader)(data) if reader else _csv_rows(data)
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


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = decode_text(data).text
    except UndecodableText as error:
        raise UnreadableUpload(
            _(
                "Byte 0x%(byte)s at position %(offset)s (line %(line)s) is not valid UTF-8 or "
                "Shift_JIS (CP932) text."
            )
            % {"byte": error.byte, "offset": error.offset, "line": error.line}
        ) from None
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise UnreadableUpload(
            _("The CSV file cannot be read: %(detail)s.") % {"detail": error}
        ) from None
