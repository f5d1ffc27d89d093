"""CSV for people in Shift_JIS (CP932): characters CP932 lacks become their nearest CP932
form from one table, never dropped or "?"."""

import pytest

from core.cp932 import to_cp932
from core.downloads import download_response


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2008—2010", "2008―2010"),
        ("¥1,000", "￥1,000"),
        ("−105,559", "－105,559"),
        ("東京〜大阪", "東京～大阪"),
        ("①㈱", "①㈱"),  # in CP932 already (NEC special characters)
        ("Café", "Café".replace("é", "e")),
        ("𠮷野家", "〓野家"),  # outside CP932: the geta mark, not dropped
        ("髙橋", "髙橋"),  # IBM extension, in CP932
    ],
)
def test_to_cp932_replaces_what_cp932_lacks(text, expected):
    assert to_cp932(text).decode("cp932") == expected


def test_to_cp932_never_writes_a_question_mark():
    assert b"?" not in to_cp932("—¥−〜𠮷\u2014\u00a0")


def test_download_response_cp932_names_the_encoding():
    response = download_response(
        ["機関", "金額"], [["東京—TLO", "¥100"]], file_format="csv", name="t", encoding="cp932"
    )

    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert response["Content-Disposition"] == 'attachment; filename="t_sjis.csv"'
    assert response.content.decode("cp932") == "機関,金額\r\n東京―TLO,￥100\r\n"


@pytest.mark.parametrize("encoding", [None, "", "latin-1", "../../etc", "utf-16"])
def test_download_response_default_and_hostile_encoding_is_utf8_with_bom(encoding):
    response = download_response(
        ["機関"], [["東京"]], file_format="csv", name="t", encoding=encoding
    )

    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'
