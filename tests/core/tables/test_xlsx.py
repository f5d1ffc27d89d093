"""XLSX uploads: zip bombs, XML entities and far cells are refused before parsing."""

import io
import struct
import zipfile

import pytest
import python_calamine
from django.utils import translation

from core.tables.files import CSV, XLSX, read_table
from core.tables.problems import FileProblem, FileProblemKind
from core.tables.wording import describe
from tests.metrics.importing_support import csv_bytes, handmade_xlsx, sheet_data, xlsx_bytes

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
    assert caught.value.problem.kind == FileProblemKind.XML_ENTITIES
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
    assert caught.value.problem.kind == FileProblemKind.ZIP_TOO_LARGE


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
    assert caught.value.problem.kind in (
        FileProblemKind.ZIP_TOO_LARGE,
        FileProblemKind.UNREADABLE_XLSX,
    )


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
    assert caught.value.problem.kind == FileProblemKind.ZIP_TOO_MANY_ENTRIES
    assert caught.value.problem.params == {"count": 300, "limit": 200}


def test_read_table_corrupt_xlsx_is_unreadable():
    with pytest.raises(FileProblem) as caught:
        read_table(b"PK\x03\x04" + b"\x00" * 100)
    assert caught.value.problem.kind == FileProblemKind.UNREADABLE_XLSX


def test_read_table_old_excel_format_says_so():
    with pytest.raises(FileProblem) as caught:
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    assert caught.value.problem.kind == FileProblemKind.OLD_EXCEL_FORMAT


def test_read_table_refuses_a_file_over_the_size_limit(settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    with pytest.raises(FileProblem) as caught:
        read_table(b"a,b\r\n" * 300)
    assert caught.value.problem.kind == FileProblemKind.FILE_TOO_LARGE


def test_read_table_refuses_more_rows_than_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(FileProblem) as caught:
        read_table(b"a,b\r\n" + b"1,2\r\n" * 6)
    assert caught.value.problem.kind == FileProblemKind.TOO_MANY_ROWS
    assert read_table(b"a,b\r\n" + b"1,2\r\n" * 5).rows[-1] == ["1", "2"]


def test_read_table_default_limits_are_10_mb_and_100000_rows():
    from core.tables import limits

    assert (limits.max_file_bytes(), limits.max_rows()) == (10 * 1024 * 1024, 100_000)


TABLE = {"A1": "機関コード", "B1": "年度", "A2": "TLO-AAA", "B2": 2010}


def _refused(data: bytes) -> FileProblem:
    with pytest.raises(FileProblem) as caught:
        read_table(data)
    return caught.value


def test_read_table_refuses_a_cell_at_the_end_of_excels_grid():
    # Today's parser would build 16,384 × 1,048,576 cells for this and abort the process.
    crafted = handmade_xlsx(sheet_data({**TABLE, "XFD1048576": 1}))
    assert len(crafted) < 5_000
    problem = _refused(crafted).problem
    assert (problem.kind, problem.row) == (FileProblemKind.CELL_OUT_OF_RANGE, 1_048_576)
    assert problem.params == {"cell": "XFD1048576", "columns": "200", "rows": "100,000"}


def test_read_table_refuses_a_cell_right_of_the_last_column():
    problem = _refused(handmade_xlsx(sheet_data({**TABLE, "ZZ100000": 1}))).problem
    assert (problem.kind, problem.params["cell"]) == (FileProblemKind.CELL_OUT_OF_RANGE, "ZZ100000")


def test_far_cell_message_names_file_and_cell_in_japanese_and_english():
    problem = _refused(handmade_xlsx(sheet_data({**TABLE, "XFD1048576": 1}))).problem
    with translation.override("ja"):
        assert describe(problem, "報告.xlsx") == (
            "報告.xlsx、1048576行目: セル XFD1048576 は、取り込める範囲(200列・100,000行)の"
            "外にあります。そのセルの内容と書式を削除するか、ファイルを分割してから、"
            "もう一度アップロードしてください。"
        )
    with translation.override("en"):
        assert describe(problem, "r.xlsx") == (
            "r.xlsx, row 1048576: Cell XFD1048576 is outside the area that can be imported "
            "(200 columns, 100,000 rows). Delete what is in it, including any formatting, or "
            "split the file, and upload it again."
        )


def test_read_table_area_ends_at_the_row_and_column_limits(settings):
    settings.IMPORT_MAX_ROWS = 5  # a header and five rows: up to row 6
    settings.IMPORT_MAX_COLUMNS = 3  # up to column C
    assert read_table(handmade_xlsx(sheet_data({"A1": "h", "C6": 1}))).rows[5] == ["", "", 1.0]
    below = _refused(handmade_xlsx(sheet_data({"A1": "h", "A7": 1}))).problem
    right = _refused(handmade_xlsx(sheet_data({"A1": "h", "D1": 1}))).problem
    assert (below.params["cell"], right.params["cell"]) == ("A7", "D1")
    assert below.params["rows"] == "5"


def test_read_table_reads_a_small_table_under_a_stale_dimension(settings):
    # Excel files can carry a <dimension> far larger than their cells; calamine only
    # reserves room for a dimension of fewer than 100,000 cells, so this needs no memory.
    settings.IMPORT_PARSER_MEMORY_BYTES = 128 * 1024 * 1024
    stale = handmade_xlsx(sheet_data(TABLE), dimension="A1:XFD1048576")
    assert read_table(stale).rows == [["機関コード", "年度"], ["TLO-AAA", 2010.0]]


def test_read_table_places_cells_without_references_as_excel_does():
    # The format lets a row or a cell leave out its r: it is the next one.
    sheet = (
        '<row><c t="inlineStr"><is><t>機関コード</t></is></c><c><v>1</v></c></row>'
        '<row r="3"><c r="B3"><v>2</v></c><c><v>3</v></c></row>'
        "<row><c><v>4</v></c></row>"
    )
    assert read_table(handmade_xlsx(sheet)).rows == [
        ["機関コード", 1.0],
        [],
        ["", 2.0, 3.0],
        [4.0],
    ]


def test_read_table_counts_cells_without_references_toward_the_column_limit():
    wide_row = "<row>" + "<c><v>1</v></c>" * 201 + "</row>"
    problem = _refused(handmade_xlsx(wide_row)).problem
    assert (problem.kind, problem.params["cell"]) == (FileProblemKind.CELL_OUT_OF_RANGE, "GS1")


def test_read_table_counts_rows_without_references_toward_the_row_limit(settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = "<row><c><v>1</v></c></row>" * 4
    problem = _refused(handmade_xlsx(rows)).problem
    assert (problem.kind, problem.params["cell"]) == (FileProblemKind.CELL_OUT_OF_RANGE, "A4")


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('<c t="n" r="XFD1048576"><v>1</v></c>', "XFD1048576"),  # r not first
        ('<x:c xmlns:x="urn:x" r="XFD1048576"><x:v>1</x:v></x:c>', "XFD1048576"),  # prefixed
        ('<c r="xfd1048576"><v>1</v></c>', "XFD1048576"),  # calamine reads lower case too
        ('<c r="A99999999999999"><v>1</v></c>', "A99999999999999"),  # beyond 32 bits
    ],
)
def test_read_table_refuses_far_cells_however_they_are_written(cell, shown):
    problem = _refused(handmade_xlsx(sheet_data(TABLE) + f'<row r="7">{cell}</row>')).problem
    assert (problem.kind, problem.params["cell"]) == (FileProblemKind.CELL_OUT_OF_RANGE, shown)


def test_read_table_refuses_a_cell_with_two_references():
    # Calamine would take the last one, XFD1048576, where a quick look sees A2.
    cell = '<c r="A2" r="XFD1048576"><v>1</v></c>'
    problem = _refused(handmade_xlsx(sheet_data(TABLE) + f'<row r="2">{cell}</row>')).problem
    assert problem.kind == FileProblemKind.UNREADABLE_XLSX
    assert "duplicate attribute" in problem.params["detail"]


def test_read_table_finds_a_far_cell_that_a_comment_pretends_to_hide():
    # A regular expression that skipped quoted text from inside the comment would
    # jump over the real cell; the search looks at every "<c" instead.
    trick = '<!-- <c a=\'--> <c r="XFD1048576"><v>1</v></c> \' r="A9" -->'
    problem = _refused(handmade_xlsx(sheet_data(TABLE) + f'<row r="9">{trick}</row>')).problem
    assert problem.params["cell"] == "XFD1048576"


def test_read_table_reads_plain_cells_written_in_another_order(settings):
    settings.IMPORT_MAX_COLUMNS = 3
    sheet = '<row r="1"><c s="0" r="C1" t="inlineStr"><is><t>x</t></is></c></row>'
    assert read_table(handmade_xlsx(sheet)).rows == [["", "", "x"]]


def test_read_table_checks_the_first_visible_sheet_not_a_hidden_one():
    far = sheet_data({"A1": "h", "XFD1048576": 1})
    assert read_table(handmade_xlsx(far, sheet_data(TABLE), hidden=[0])).rows[1] == [
        "TLO-AAA",
        2010.0,
    ]
    problem = _refused(handmade_xlsx(sheet_data(TABLE), far, hidden=[0])).problem
    assert problem.params["cell"] == "XFD1048576"


def test_read_table_refuses_a_workbook_without_a_visible_worksheet():
    problem = _refused(handmade_xlsx(sheet_data(TABLE), hidden=[0])).problem
    assert problem.kind == FileProblemKind.UNREADABLE_XLSX


ODS_CONTENT = (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
    '<office:body><office:spreadsheet><table:table table:name="S"><table:table-row>'
    '<table:table-cell office:value-type="float" office:value="1"/>'
    "</table:table-row></table:table></office:spreadsheet></office:body>"
    "</office:document-content>"
)
ODS_MANIFEST = (
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'
)


def test_read_table_refuses_an_xlsx_that_calamine_would_read_as_ods():
    # When calamine cannot open a file as XLSX (here: broken styles) it tries ODS, whose
    # sheets the checks before it never looked at.
    buffer = io.BytesIO(handmade_xlsx(sheet_data(TABLE)))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", ODS_CONTENT)
        archive.writestr("xl/styles.xml", "<styleSheet><broken")
    problem = _refused(buffer.getvalue()).problem
    assert problem.params == {"detail": "not an XLSX workbook"}


def test_read_table_refuses_a_csv_value_beyond_the_last_column():
    header = [f"列{n}" for n in range(1, 202)]
    problem = _refused(csv_bytes([header, ["1"] * 201])).problem
    assert (problem.kind, problem.row) == (FileProblemKind.CELL_OUT_OF_RANGE, 1)
    assert problem.params["cell"] == "GS1"


def test_read_table_drops_blank_csv_fields_beyond_the_last_column():
    table = read_table(csv_bytes([["a", "b", *[""] * 250], ["1", "2"]]))
    assert [len(row) for row in table.rows] == [200, 2]


def test_read_table_default_column_limit_is_200():
    from core.tables import limits

    assert limits.max_columns() == 200
