"""Reading an XLSX upload safely, then quickly.

An XLSX file is a zip of XML parts. Before anything parses it:

1. the zip's directory is read: too many entries, or a declared unpacked size over the
   limit, and the file is refused (a zip bomb declares a small file and unpacks to
   gigabytes, or declares gigabytes);
2. every part is unpacked as a stream, counting the bytes actually produced (a
   directory can lie) and looking for `<!DOCTYPE` / `<!ENTITY`: spreadsheets never
   declare entities, and entity expansion ("billion laughs") is how XML explodes;
3. the worksheet that will be read is found the way calamine finds it, and every cell
   of it must lie inside the area an import may use (sheet_area.py): calamine builds
   the sheet as one rectangle from A1 to its farthest cell.

Only then does python-calamine read that worksheet. Calamine itself does not
expand entities (it rejects an undeclared `&name;`), which the tests check on a crafted
file; the scan above is a second fence that does not depend on it. All of this runs in
the parser's child process (sandbox.py), the last fence: whatever gets past these
checks can exhaust only that process's memory.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import python_calamine

from .problems import FileProblem, FileProblemKind, Problem
from .sheet_area import Area, check_cells

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003)

_MB = 1024 * 1024
_CHUNK = _MB
_ENTITY_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_MARKER_OVERLAP = max(len(m) for m in _ENTITY_MARKERS) - 1


def is_xlsx(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC)


def is_old_excel(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC)


def check_zip(data: bytes, *, max_entries: int, max_unpacked_bytes: int) -> None:
    """Refuse zip bombs and XML with entity declarations, before any parsing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as error:
        raise _unreadable(str(error)) from None
    if len(entries) > max_entries:
        raise FileProblem(
            Problem(
                FileProblemKind.ZIP_TOO_MANY_ENTRIES,
                params={"count": len(entries), "limit": max_entries},
            )
        )
    if sum(entry.file_size for entry in entries) > max_unpacked_bytes:
        raise _too_large(max_unpacked_bytes)
    unpacked = 0
    for entry in entries:
        for chunk in _unpack(archive, entry):
            unpacked += len(chunk)
            if unpacked > max_unpacked_bytes:
                raise _too_large(max_unpacked_bytes)
            if any(marker in chunk for marker in _ENTITY_MARKERS):
                raise FileProblem(
                    Problem(FileProblemKind.XML_ENTITIES, params={"part": entry.filename})
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


def check_first_sheet(data: bytes, *, area: Area) -> str:
    """Refuse the file if a cell of the worksheet read_first_sheet will read lies outside
    `area`; return that worksheet's name. Call check_zip first."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        name, part = first_visible_worksheet(archive)
        check_cells(lambda: archive.open(part), area=area, part=part)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise _unreadable(str(error)) from None
    return name


def first_visible_worksheet(archive: zipfile.ZipFile) -> tuple[str, str]:
    """The name and zip entry of the first visible worksheet, found as calamine finds it
    (xlsx/mod.rs, read_package_relationships, read_relationships, read_workbook): the
    workbook part named by _rels/.rels, its sheets in order, each mapped to a part through
    the workbook's relationships; state absent or "visible"; a relationship type ending in
    "worksheet". Part names are looked up ignoring case and with `\\` read as `/`. Where
    calamine would stop with an error, the file is refused here.

    One difference is left to the child process's memory limit: calamine takes a
    relationship's Target without resolving character references, this reads it resolved.
    """
    sheets, entry = _sheet_list(archive)
    visible = [name for name, _path, shown in sheets if shown]
    if not visible:
        raise _unreadable("no visible worksheet")
    # Calamine opens a sheet by name: the first sheet of that name, whatever its state.
    return visible[0], entry(next(path for name, path, _shown in sheets if name == visible[0]))


def sheet_parts_bytes(archive: zipfile.ZipFile) -> int:
    """The unpacked size of every sheet the workbook names, found through its own
    relationships (_rels/.rels, workbook.xml, workbook.xml.rels) wherever in the zip
    they point, not by the folder sheets usually sit in. Raises FileProblem for a
    workbook whose list of sheets cannot be followed."""
    sheets, entry = _sheet_list(archive)
    return sum(archive.getinfo(entry(path)).file_size for _name, path, _shown in sheets)


def _sheet_list(archive: zipfile.ZipFile):
    """The workbook's sheets in order, as (name, zip path, visible worksheet), and the
    function that finds a zip entry by path (first_visible_worksheet says how)."""
    entries = {name.replace("\\", "/").lower(): name for name in archive.namelist()}

    def entry(path: str) -> str:
        if path.lower() not in entries:
            raise _unreadable(f"{path} is missing")
        return entries[path.lower()]

    def parsed(path: str) -> ElementTree.Element:
        try:
            return ElementTree.fromstring(archive.read(entry(path)))
        except ElementTree.ParseError as error:
            raise _unreadable(f"{path}: {error}") from None

    workbook = None
    for element in _elements(parsed("_rels/.rels"), "Relationship"):
        if element.get("Type", "").endswith("/relationships/officeDocument"):
            workbook = element.get("Target", workbook)
    if workbook is None:
        raise _unreadable("_rels/.rels names no workbook")
    folder = workbook[: workbook.rfind("/") + 1].removeprefix("/")
    relationships = {
        element.get("Id"): (element.get("Target", ""), element.get("Type", ""))
        for element in _elements(parsed(f"{folder}_rels/workbook.xml.rels"), "Relationship")
        if "Id" in element.attrib
    }
    sheets = []  # (name, zip path, visible worksheet)
    for element in _elements(parsed(f"{folder}workbook.xml"), "sheet"):
        state = element.get("state", "visible")
        ids = [value for key, value in element.items() if key.rpartition("}")[2] == "id"]
        target, kind = relationships.get(ids[-1] if ids else "", (None, ""))
        kind = kind.rpartition("/")[2]
        if state not in _SHEET_STATES or target is None or kind not in _SHEET_KINDS:
            raise _unreadable(f"sheet “{element.get('name', '')}” is not described right")
        path = target[1:] if target.startswith("/") else folder + target
        sheets.append((element.get("name", ""), path, state == "visible" and kind == "worksheet"))
    return sheets, entry


_SHEET_STATES = ("visible", "hidden", "veryHidden")
_SHEET_KINDS = ("worksheet", "chartsheet", "dialogsheet")


def _elements(root: ElementTree.Element, local_name: str) -> Iterator[ElementTree.Element]:
    """Elements by local name, whatever their namespace, as calamine matches them."""
    return (e for e in root.iter() if e.tag.rpartition("}")[2] == local_name)


def read_first_sheet(data: bytes, *, sheet_name: str) -> Iterator[list[Any]]:
    """The rows of the first visible worksheet, from row 1 (blank rows kept, so that
    row numbers are the ones the spreadsheet shows). Call check_zip and then
    check_first_sheet, whose answer is `sheet_name`: if calamine picks another sheet, or
    reads the file as another format, the checks did not cover what it would read."""
    try:
        workbook = python_calamine.load_workbook(io.BytesIO(data))
        if not _opened_as_xlsx(workbook):
            raise _unreadable("not an XLSX workbook")
        visible = [
            sheet.name
            for sheet in workbook.sheets_metadata
            if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
            and sheet.visible == python_calamine.SheetVisibleEnum.Visible
        ]
        if not visible or visible[0] != sheet_name:
            raise _unreadable("the workbook's list of sheets is inconsistent")
        sheet = workbook.get_sheet_by_name(sheet_name)
        # From A1 even when the first rows or columns are blank, so that row numbers
        # are the ones the spreadsheet shows.
        rows = sheet.to_python(skip_empty_area=False)
    except python_calamine.CalamineError as error:
        raise _unreadable(str(error)) from None
    except (ValueError, OSError) as error:
        raise _unreadable(str(error)) from None
    return iter(rows)


def check_named_sheet(data: bytes, *, name: str, area: Area) -> bool:
    """Whether the workbook has a visible worksheet called `name` (the import template's
    second sheet, ライセンス明細); if it has, refuse the file when one of that sheet's
    cells lies outside `area`, as check_first_sheet does. Call check_zip first."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheets, entry = _sheet_list(archive)
        matching = [path for sheet, path, shown in sheets if shown and sheet.strip() == name]
        if not matching:
            return False
        part = entry(matching[0])
        check_cells(lambda: archive.open(part), area=area, part=part)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise _unreadable(str(error)) from None
    return True


def read_named_sheet(data: bytes, *, name: str) -> list[list[Any]]:
    """The rows of the visible worksheet called `name`, from row 1 (blank rows kept).
    Call check_zip and then check_named_sheet, which found it."""
    try:
        workbook = python_calamine.load_workbook(io.BytesIO(data))
        if not _opened_as_xlsx(workbook):
            raise _unreadable("not an XLSX workbook")
        found = [
            sheet.name
            for sheet in workbook.sheets_metadata
            if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
            and sheet.visible == python_calamine.SheetVisibleEnum.Visible
            and sheet.name.strip() == name
        ]
        if not found:
            raise _unreadable("the workbook's list of sheets is inconsistent")
        return workbook.get_sheet_by_name(found[0]).to_python(skip_empty_area=False)
    except python_calamine.CalamineError as error:
        raise _unreadable(str(error)) from None
    except (ValueError, OSError) as error:
        raise _unreadable(str(error)) from None


def _opened_as_xlsx(workbook: python_calamine.CalamineWorkbook) -> bool:
    """Whether calamine read the file as XLSX. When it cannot, it tries XLSB and then
    ODS, whose sheets the checks above never saw; it says which only through tables,
    which it supports for XLSX alone."""
    try:
        workbook.table_names  # noqa: B018 (the property raises; its value is not needed)
    except python_calamine.TablesNotLoaded:
        return True
    except python_calamine.TablesNotSupported:
        return False
    return True


def _unreadable(detail: str) -> FileProblem:
    return FileProblem(Problem(FileProblemKind.UNREADABLE_XLSX, params={"detail": detail}))


def _too_large(limit_bytes: int) -> FileProblem:
    return FileProblem(
        Problem(FileProblemKind.ZIP_TOO_LARGE, params={"limit_mb": limit_bytes // _MB})
    )
