"""One cell → one figure, as Japanese spreadsheets write numbers."""

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from metrics.importing.problems import ProblemKind
from metrics.importing.values import ZERO_DASHES, CellProblem, parse_figure
from metrics.report_fields import Unit


@pytest.mark.parametrize(
    ("cell", "unit", "scale", "expected"),
    [
        ("1234", Unit.COUNT, 1, 1234),
        ("1,234", Unit.YEN, 1, 1234),
        ("1,234,567", Unit.YEN, 1, 1234567),
        ("１２３４", Unit.COUNT, 1, 1234),
        ("１，２３４", Unit.YEN, 1, 1234),
        ("¥1,234", Unit.YEN, 1, 1234),
        ("￥1,234", Unit.YEN, 1, 1234),
        ("\\1,234", Unit.YEN, 1, 1234),  # the yen sign of Shift_JIS, read as a backslash
        ("1,234円", Unit.YEN, 1, 1234),
        ("  42 ", Unit.COUNT, 1, 42),
        ("\u3000４２\u3000", Unit.COUNT, 1, 42),
        ("-", Unit.COUNT, 1, 0),
        ("－", Unit.YEN, 1, 0),
        ("―", Unit.YEN, 1, 0),
        ("0", Unit.COUNT, 1, 0),
        ("1,234", Unit.YEN, 1_000, 1_234_000),
        ("1.5", Unit.YEN, 1_000, 1_500),
        ("2", Unit.YEN, 1_000_000, 2_000_000),
        (1234.0, Unit.YEN, 1, 1234),
        (1.5, Unit.YEN, 1_000, 1_500),
        (12, Unit.COUNT, 1, 12),
        ("3.75", Unit.SCORE, 1, Decimal("3.75")),
        ("3.5", Unit.SCORE, 1, Decimal("3.50")),
        (4.25, Unit.SCORE, 1, Decimal("4.25")),
        ("1", Unit.SCORE, 1, Decimal("1.00")),
        ("5", Unit.SCORE, 1, Decimal("5.00")),
        ("2.5", Unit.FTE, 1, Decimal("2.50")),
        ("０．５", Unit.FTE, 1, Decimal("0.50")),
        ("12.0", Unit.COUNT, 1, 12),
    ],
)
def test_parse_figure_accepts_the_ways_people_write_numbers(cell, unit, scale, expected):
    assert parse_figure(cell, unit, scale) == expected


@pytest.mark.parametrize("cell", [None, "", "   ", "\u3000"])
def test_parse_figure_blank_is_not_reported(cell):
    assert parse_figure(cell, Unit.YEN) is None


@pytest.mark.parametrize(
    ("cell", "unit", "scale", "kind"),
    [
        ("abc", Unit.COUNT, 1, ProblemKind.NOT_A_NUMBER),
        ("12件", Unit.COUNT, 1, ProblemKind.NOT_A_NUMBER),
        ("1,23", Unit.COUNT, 1, ProblemKind.NOT_A_NUMBER),
        ("1.2.3", Unit.COUNT, 1, ProblemKind.NOT_A_NUMBER),
        ("N/A", Unit.YEN, 1, ProblemKind.NOT_A_NUMBER),
        (True, Unit.COUNT, 1, ProblemKind.NOT_A_NUMBER),
        (float("nan"), Unit.COUNT, 1, ProblemKind.NOT_A_NUMBER),
        ("-5", Unit.COUNT, 1, ProblemKind.NEGATIVE),
        ("－5", Unit.YEN, 1, ProblemKind.NEGATIVE),
        ("△1,000", Unit.YEN, 1, ProblemKind.NEGATIVE),
        ("(1,000)", Unit.YEN, 1, ProblemKind.NEGATIVE),
        (-2.0, Unit.YEN, 1, ProblemKind.NEGATIVE),
        ("1.5", Unit.COUNT, 1, ProblemKind.NOT_WHOLE),
        ("0.5", Unit.YEN, 1, ProblemKind.NOT_WHOLE),
        ("1.2345", Unit.YEN, 1_000, ProblemKind.NOT_WHOLE),
        ("3.333", Unit.SCORE, 1, ProblemKind.TOO_MANY_DECIMALS),
        ("2.125", Unit.FTE, 1, ProblemKind.TOO_MANY_DECIMALS),
        ("6", Unit.SCORE, 1, ProblemKind.OUT_OF_RANGE),
        ("0.5", Unit.SCORE, 1, ProblemKind.OUT_OF_RANGE),
        ("-", Unit.SCORE, 1, ProblemKind.OUT_OF_RANGE),
        ("3000000000", Unit.COUNT, 1, ProblemKind.OUT_OF_RANGE),
        ("10000000000000000000", Unit.YEN, 1, ProblemKind.OUT_OF_RANGE),
        ("1000000", Unit.FTE, 1, ProblemKind.OUT_OF_RANGE),
    ],
)
def test_parse_figure_refuses_what_is_not_a_figure(cell, unit, scale, kind):
    with pytest.raises(CellProblem) as caught:
        parse_figure(cell, unit, scale)
    assert caught.value.kind == kind


def _japanese_style(number: int, *, separators: bool, full_width: bool, yen: str) -> str:
    text = f"{number:,}" if separators else str(number)
    if full_width:
        text = text.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    return yen + text


@settings(deadline=None)
@given(
    number=st.integers(min_value=0, max_value=10**15),
    separators=st.booleans(),
    full_width=st.booleans(),
    yen=st.sampled_from(["", "¥", "￥"]),
)
def test_parse_figure_reads_every_written_form_of_a_whole_amount(
    number, separators, full_width, yen
):
    text = _japanese_style(number, separators=separators, full_width=full_width, yen=yen)
    assert parse_figure(text, Unit.YEN) == number


@settings(deadline=None)
@given(
    number=st.integers(min_value=0, max_value=10**9),
    scale=st.sampled_from([1, 1_000, 10_000, 1_000_000]),
)
def test_parse_figure_scales_amounts_to_yen(number, scale):
    assert parse_figure(f"{number:,}", Unit.YEN, scale) == number * scale
    assert parse_figure(float(number), Unit.YEN, scale) == number * scale


@settings(deadline=None)
@given(number=st.integers(min_value=1, max_value=10**12))
def test_parse_figure_never_accepts_a_negative_number(number):
    for text in (f"-{number}", f"-{number:,}", f"△{number:,}", f"▲{number}"):
        with pytest.raises(CellProblem) as caught:
            parse_figure(text, Unit.YEN)
        assert caught.value.kind == ProblemKind.NEGATIVE


@settings(deadline=None)
@given(hundredths=st.integers(min_value=100, max_value=500))
def test_parse_figure_reads_scores_exactly(hundredths):
    text = f"{hundredths // 100}.{hundredths % 100:02d}"
    assert parse_figure(text, Unit.SCORE) == Decimal(hundredths) / 100


@settings(deadline=None)
@given(text=st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=8))
def test_parse_figure_refuses_words(text):
    assume(unicodedata.normalize("NFKC", text).strip() not in ZERO_DASHES)
    with pytest.raises(CellProblem):
        parse_figure(text, Unit.COUNT)
