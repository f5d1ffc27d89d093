"""XLSX uploads: zip bombs and XML entities are refused before parsing."""

import io
import struct
import zipfile

import pytest
import python_calamine

from metrics.importing.problems import FileProblem, ProblemKind
from metrics.importing.tables import CSV, XLSX, read_table
from tests.metrics.importing_support import xlsx_bytes

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet ['
    b'<!ENTITY a "AAAAAAAAAA">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


def _rewrite(data: bytes, part: str, change) -> bytes:
    """The XLSX with one part's bytes changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            target.writestr(item, change(body) if item.filename == part else body)
    return out.getvalue()


def _with_entities(data: bytes) -> bytes:
    def change(body: bytes) -> bytes:
        body = body.replace(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', b"")
        body = BILLION_LAUGHS + body.replace(b"<t>TLO-AAA</t>", b"<t>&c;</t>")
        assert b"<t>&c;</t>" in body
        return body

    return _rewrite(data, "xl/worksheets/sheet1.xml", change)


def test_read_table_xlsx_keeps_row_numbers_and_cell_types():
    data = xlsx_bytes([[], ["機関コード", "年度"], ["TLO-AAA", 2010]])
    table = read_table(data)
    assert table.format == XLSX
    assert table.rows[1][:2] == ["機関コード", "年度"]
    assert table.rows[2][:2] == ["TLO-AAA", 2010.0]


def test_read_table_detects_csv_by_content():
    assert read_table("機関コード,年度\r\nTLO-AAA,2010\r\n".encode("cp932")).format == CSV


def test_calamine_does_not_expand_xml_entities():
    # Without our check: calamine refuses the entity rather than expanding it.
    crafted = _with_entities(xlsx_bytes([["機関コード", "年度"], ["TLO-AAA", 2010]]))
    try:
        workbook = python_calamine.load_workbook(io.BytesIO(crafted))
        rows = workbook.get_sheet_by_index(0).to_python()
    except python_calamine.CalamineError:
        return
    assert not any("AAAAAAAAAA" in str(cell) for row in rows for cell in row)


def test_read_table_refuses_xml_entity_declarations():
    crafted = _with_entities(xlsx_bytes([["機関コード", "年度"], ["TLO-AAA", 2010]]))
    with pytest.raises(FileProblem) as caught:
        read_table(crafted)
    assert caught.value.problem.kind == ProblemKind.XML_ENTITIES
    assert caught.value.problem.params == {"part": "xl/worksheets/sheet1.xml"}


def test_read_table_refuses_a_zip_that_unpacks_too_large(settings):
    settings.IMPORT_XLSX_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = _rewrite(
        xlsx_bytes([["機関コード", "年度"]]),
        "docProps/app.xml",
        lambda body: body + b" " * (3 * 1024 * 1024),
    )
    assert len(bomb) < 100_000
    with pytest.raises(FileProblem) as caught:
        read_table(bomb)
    assert caught.value.problem.kind == ProblemKind.ZIP_TOO_LARGE


def test_read_table_refuses_a_zip_that_lies_about_its_size(settings):
    settings.IMPORT_XLSX_MAX_UNPACKED_BYTES = 1024 * 1024
    honest = _rewrite(
        xlsx_bytes([["機関コード", "年度"]]),
        "docProps/app.xml",
        lambda body: body + b" " * (3 * 1024 * 1024),
    )
    # Declare the big part as 1,000 bytes, in the local header and the central directory.
    archive = zipfile.ZipFile(io.BytesIO(honest))
    entry = archive.getinfo("docProps/app.xml")
    lying = bytearray(honest)
    real = struct.pack("<I", entry.file_size)
    for position in _all_positions(lying, real):
        lying[position : position + 4] = struct.pack("<I", 1000)
    with pytest.raises(FileProblem) as caught:
        read_table(bytes(lying))
    assert caught.value.problem.kind in (ProblemKind.ZIP_TOO_LARGE, ProblemKind.UNREADABLE_XLSX)


def _all_positions(data: bytearray, needle: bytes) -> list[int]:
    found, start = [], 0
    while (position := data.find(needle, start)) != -1:
        found.append(position)
        start = position + 1
    return found


def test_read_table_refuses_too_many_zip_entries():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(300):
            archive.writestr(f"xl/part{number}.xml", b"<x/>")
    with pytest.raises(FileProblem) as caught:
        read_table(out.getvalue())
    assert caught.value.problem.kind == ProblemKind.ZIP_TOO_MANY_ENTRIES
    assert caught.value.problem.params == {"count": 300, "limit": 200}


def test_read_table_corrupt_xlsx_is_unreadable():
    with pytest.raises(FileProblem) as caught:
        read_table(b"PK\x03\x04" + b"\x00" * 100)
    assert caught.value.problem.kind == ProblemKind.UNREADABLE_XLSX


def test_read_table_old_excel_format_says_so():
    with pytest.raises(FileProblem) as caught:
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    assert caught.value.problem.kind == ProblemKind.OLD_EXCEL_FORMAT


def test_read_table_refuses_a_file_over_the_size_limit(settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    with pytest.raises(FileProblem) as caught:
        read_table(b"a,b\r\n" * 300)
    assert caught.value.problem.kind == ProblemKind.FILE_TOO_LARGE


def test_read_table_refuses_more_rows_than_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(FileProblem) as caught:
        read_table(b"a,b\r\n" + b"1,2\r\n" * 6)
    assert caught.value.problem.kind == ProblemKind.TOO_MANY_ROWS
    assert read_table(b"a,b\r\n" + b"1,2\r\n" * 5).rows[-1] == ["1", "2"]


def test_read_table_default_limits_are_10_mb_and_100000_rows():
    from metrics.importing import limits

    assert (limits.max_file_bytes(), limits.max_rows()) == (10 * 1024 * 1024, 100_000)
