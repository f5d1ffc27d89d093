"""The quick pass over a sheet's cells: its patterns must say "inside" exactly for the
cells inside the area, or a far cell could slip past it."""

import re
import string

import pytest

from core.tables.sheet_area import (
    _PREFIXED_CELL,
    Area,
    _unusual_cell,
    _up_to,
    column_name,
    column_number,
)


@pytest.mark.parametrize(("number", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (200, "GR")])
def test_column_name_and_number_are_excel_letters(number, letters):
    assert (column_name(number), column_number(letters), column_number(letters.lower())) == (
        letters,
        number,
        number,
    )


@pytest.mark.parametrize("limit", [1, 9, 26, 27, 52, 200, 702, 703, 16_384])
def test_column_pattern_matches_exactly_the_columns_up_to_the_limit(limit):
    pattern = re.compile(_up_to(column_name(limit), string.ascii_uppercase, first="A"))
    matched = [n for n in range(1, 20_000) if pattern.fullmatch(column_name(n).encode())]
    assert matched == list(range(1, limit + 1))


@pytest.mark.parametrize("limit", [1, 9, 10, 11, 99, 100, 101, 99_999, 100_001, 1_048_576])
def test_row_pattern_matches_exactly_the_rows_up_to_the_limit(limit):
    pattern = re.compile(_up_to(str(limit), string.digits, first="1"))
    candidates = {*range(1, 200), *range(limit - 150, limit + 150), limit * 10, limit * 10 + 1}
    matched = sorted(n for n in candidates if n > 0 and pattern.fullmatch(str(n).encode()))
    assert matched == sorted(n for n in candidates if 0 < n <= limit)


@pytest.mark.parametrize(
    ("tag", "passes"),
    [
        (b'<c r="GR100001" s="3" t="s">', True),
        (b'<c r="A1"/>', True),
        (b'<c r="GS1">', False),
        (b'<c r="A100002">', False),
        (b'<c r="A01">', False),
        (b'<c r="a1">', False),
        (b'<c s="3" r="A1">', False),
        (b'<c r="A1" r="A2">', False),
        (b'<c r="A1" foo="1">', False),
        (b"<c>", False),
        (b'<x:c r="A1">', False),
        (b'<col min="1" max="300"/>', True),
    ],
)
def test_quick_pass_sends_anything_but_a_plain_cell_inside_the_area_to_the_careful_pass(
    tag, passes
):
    area = Area(columns=200, rows=100_001)
    found = _unusual_cell(area).search(tag) or _PREFIXED_CELL.search(tag)
    assert (found is None) == passes
