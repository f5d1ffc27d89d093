"""Reading an XLSX upload safely, then quickly.

An XLSX file is a zip of XML parts. Before anything parses it:

1. the zip's directory is read: too many entries, or a declared unpacked size over the
   limit, and the file is refused (a zip bomb declares a small file and unpacks to
   gigabytes, or declares gigabytes);
2. every part is unpacked as a stream, counting the bytes actually produced (a
   directory can lie) and looking for `<!DOCTYPE` / `<!ENTITY`: spreadsheets never
   declare entities, and entity expansion ("billion laughs") is how XML explodes.

Only then does python-calamine read the first worksheet. Calamine itself does not
expand entities (it rejects an undeclared `&name;`), which the tests check on a crafted
file; the scan above is a second fence that does not depend on it.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

import python_calamine

from . import limits
from .problems import FileProblem, Problem, ProblemKind

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003)

_CHUNK = 1024 * 1024
_ENTITY_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_MARKER_OVERLAP = max(len(m) for m in _ENTITY_MARKERS) - 1


def is_xlsx(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC)


def is_old_excel(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC)


def check_zip(data: bytes) -> None:
    """Refuse zip bombs and XML with entity declarations, before any parsing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as error:
        raise _unreadable(str(error)) from None
    max_entries = limits.xlsx_max_entries()
    if len(entries) > max_entries:
        raise FileProblem(
            Problem(
                ProblemKind.ZIP_TOO_MANY_ENTRIES,
                params={"count": len(entries), "limit": max_entries},
            )
        )
    max_unpacked = limits.xlsx_max_unpacked_bytes()
    if sum(entry.file_size for entry in entries) > max_unpacked:
        raise _too_large(max_unpacked)
    unpacked = 0
    for entry in entries:
        for chunk in _unpack(archive, entry):
            unpacked += len(chunk)
            if unpacked > max_unpacked:
                raise _too_large(max_unpacked)
            if any(marker in chunk for marker in _ENTITY_MARKERS):
                raise FileProblem(
                    Problem(ProblemKind.XML_ENTITIES, params={"part": entry.filename})
                )


def _unpack(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's bytes in chunks that overlap by a marker's length, so that a
    `<!DOCTYPE` split across two reads is still seen."""
    tail = b""
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                yield tail + chunk
                tail = chunk[-_MARKER_OVERLAP:]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise _unreadable(str(error)) from None


def read_first_sheet(data: bytes) -> Iterator[list[Any]]:
    """The rows of the first visible worksheet, from row 1 (blank rows kept, so that
    row numbers are the ones the spreadsheet shows). Call check_zip first."""
    try:
        workbook = python_calamine.load_workbook(io.BytesIO(data))
        visible = [
            sheet.name
            for sheet in workbook.sheets_metadata
            if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
            and sheet.visible == python_calamine.SheetVisibleEnum.Visible
        ]
        if not visible:
            raise _unreadable("no visible worksheet")
        sheet = workbook.get_sheet_by_name(visible[0])
        # From A1 even when the first rows or columns are blank, so that row numbers
        # are the ones the spreadsheet shows.
        rows = sheet.to_python(skip_empty_area=False)
    except python_calamine.CalamineError as error:
        raise _unreadable(str(error)) from None
    except (ValueError, OSError) as error:
        raise _unreadable(str(error)) from None
    return iter(rows)


def read_named_sheet(data: bytes, name: str) -> list[list[Any]] | None:
    """The rows of the worksheet called `name` (the import template's ライセンス明細), from
    row 1, or None if the workbook has no visible sheet of that name. Call check_zip
    first (read_table has, for the same bytes)."""
    try:
        workbook = python_calamine.load_workbook(io.BytesIO(data))
        found = [
            sheet.name
            for sheet in workbook.sheets_metadata
            if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
            and sheet.visible == python_calamine.SheetVisibleEnum.Visible
            and sheet.name.strip() == name
        ]
        if not found:
            return None
        return workbook.get_sheet_by_name(found[0]).to_python(skip_empty_area=False)
    except python_calamine.CalamineError as error:
        raise _unreadable(str(error)) from None
    except (ValueError, OSError) as error:
        raise _unreadable(str(error)) from None


def _unreadable(detail: str) -> FileProblem:
    return FileProblem(Problem(ProblemKind.UNREADABLE_XLSX, params={"detail": detail}))


def _too_large(limit_bytes: int) -> FileProblem:
    return FileProblem(
        Problem(ProblemKind.ZIP_TOO_LARGE, params={"limit_mb": limit_bytes // limits.MB})
    )
