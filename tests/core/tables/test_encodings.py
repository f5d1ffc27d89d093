"""CSV bytes → text: UTF-8 (with or without BOM), then CP932, both strict."""

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.tables.decoding import CP932, UTF8, UTF8_BOM, decode_csv
from core.tables.problems import FileProblem, FileProblemKind

SHORT_JAPANESE = "機関名,年度\r\n東北テクノアーチ,平成22年度\r\n"


@pytest.mark.parametrize(
    ("encoding", "expected_encoding"),
    [("utf-8", UTF8), ("utf-8-sig", UTF8_BOM), ("cp932", CP932), ("shift_jis", CP932)],
)
def test_decode_csv_reads_each_encoding_back(encoding, expected_encoding):
    decoded = decode_csv(SHORT_JAPANESE.encode(encoding))
    assert decoded.text == SHORT_JAPANESE
    assert decoded.encoding == expected_encoding


@pytest.mark.parametrize("text", ["年度", "特許", "ア", "機関コード", "人件費"])
def test_decode_csv_short_cp932_is_not_misread(text):
    # A few bytes of Shift_JIS are where guessers go wrong; strict UTF-8 then CP932 does not.
    assert decode_csv(text.encode("cp932")).text == text


def test_decode_csv_cp932_only_characters():
    # ① and ㈱ exist in CP932 (Windows) but not in plain Shift_JIS.
    text = "①㈱東北テクノアーチ,―"
    assert decode_csv(text.encode("cp932")).text == text


def test_decode_csv_undecodable_byte_names_offset_and_line():
    data = "機関名,年度\r\n".encode("cp932") + b"TLO,\x85\xff\r\n"
    with pytest.raises(FileProblem) as caught:
        decode_csv(data)
    problem = caught.value.problem
    assert problem.kind == FileProblemKind.UNDECODABLE
    assert problem.row == 2
    assert problem.params["line"] == 2


def test_decode_csv_stray_byte_in_utf8_names_its_position():
    data = "機関名,年度\nテスト,2010\n".encode() + b"x,\xff\n"
    with pytest.raises(FileProblem) as caught:
        decode_csv(data)
    problem = caught.value.problem
    assert problem.params == {"byte": "FF", "offset": len(data) - 2, "line": 3}


def test_decode_csv_utf8_with_bom_and_bad_byte_is_an_error_not_cp932():
    data = codecs.BOM_UTF8 + "年度\n".encode() + b"\x82\xa0\n"
    with pytest.raises(FileProblem) as caught:
        decode_csv(data)
    assert caught.value.problem.params["line"] == 2


@pytest.mark.parametrize("garbage", [b"\x80", b"\xa0", b"\xfd", b"\xf0\x40"])
def test_decode_csv_cp932_bytes_no_file_contains_are_errors(garbage):
    # Python's cp932 maps these to control or private-use characters; never store them.
    data = "年度\r\n".encode("cp932") + garbage + b"\r\n"
    with pytest.raises(FileProblem) as caught:
        decode_csv(data)
    assert caught.value.problem.params["offset"] == 6


def test_decode_csv_never_stores_a_replacement_character():
    with pytest.raises(FileProblem):
        decode_csv(b"\xff\xfe\xfd")


# Text that every one of the three encodings can carry: ASCII, kana, the kanji of the
# fields' labels, full-width digits and signs.
_JAPANESE = "".join(
    sorted(
        set(
            "機関コード名年度特許出願件数ライセンス収入人件費共同研究受入額東北大学テクノアーチ"
            "平成令和元ー－―￥，０１２３４５６７８９、。（）"
        )
    )
)
_PORTABLE_TEXT = st.text(
    alphabet=st.sampled_from(list(_JAPANESE) + list('abcXYZ0123456789,.-\r\n" ')),
    max_size=200,
)


@settings(deadline=None)
@given(text=_PORTABLE_TEXT)
def test_decode_csv_same_text_in_three_encodings_reads_the_same(text):
    decoded = {decode_csv(text.encode(e)).text for e in ("utf-8", "utf-8-sig", "cp932")}
    assert decoded == {text}


@settings(deadline=None)
@given(data=st.binary(max_size=64))
def test_decode_csv_either_decodes_or_names_a_position(data):
    try:
        decoded = decode_csv(data)
    except FileProblem as failure:
        assert 0 <= failure.problem.params["offset"] < len(data)
    else:
        assert "\ufffd" not in decoded.text or "\ufffd".encode() in data
