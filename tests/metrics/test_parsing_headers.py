"""Header cells → what each column holds."""

import pytest

from metrics.importing.headers import (
    FISCAL_YEAR,
    INSTITUTION,
    INSTITUTION_NAME,
    is_code_row,
    map_headers,
)
from metrics.importing.problems import ProblemKind
from metrics.report_fields import REPORT_FIELDS


def _targets(headers):
    mapped = map_headers(headers, row=1)
    assert mapped.errors == []
    return [(c.target, c.scale) for c in mapped.columns]


def test_map_headers_japanese_labels_of_the_spec():
    assert _targets(
        ["機関コード", "年度", "特許出願件数", "ライセンス件数", "ライセンス収入", "人件費"]
    ) == [
        (INSTITUTION, 1),
        (FISCAL_YEAR, 1),
        ("patent_applications", 1),
        ("licences_granted", 1),
        ("licence_income", 1),
        ("personnel_costs", 1),
    ]


def test_map_headers_every_label_and_every_code_of_the_report():
    labels = [spec.label_ja for spec in REPORT_FIELDS]
    codes = [spec.code for spec in REPORT_FIELDS]
    expected = [(spec.code, 1) for spec in REPORT_FIELDS]
    assert _targets(["機関名", "年度", *labels])[2:] == expected
    assert _targets(["institution", "fiscal_year", *codes])[2:] == expected


def test_map_headers_row_columns_by_their_other_names():
    assert _targets(["機関名", "fiscal_year"]) == [(INSTITUTION_NAME, 1), (FISCAL_YEAR, 1)]
    assert _targets(["institution", "年度"]) == [(INSTITUTION, 1), (FISCAL_YEAR, 1)]


@pytest.mark.parametrize(
    ("header", "scale"),
    [
        ("ライセンス収入(千円)", 1_000),
        ("ライセンス収入（千円）", 1_000),
        ("ライセンス収入 （ 千円 ）", 1_000),
        ("ライセンス収入【千円】", 1_000),
        ("人件費(百万円)", 1_000_000),
        ("人件費（百万円）", 1_000_000),
        ("人件費(万円)", 10_000),
        ("人件費(円)", 1),
        ("licence_income (千円)", 1_000),
        ("ﾗｲｾﾝｽ収入(千円)", 1_000),
    ],
)
def test_map_headers_unit_scales_amounts_to_yen(header, scale):
    assert _targets(["機関コード", "年度", header])[2] == (
        "personnel_costs" if "人件費" in header else "licence_income",
        scale,
    )


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("特許出願件数(件)", "patent_applications"),
        ("職員数(人)", "staff_fte"),
        ("満足度(窓口)", "satisfaction_desk"),
        ("満足度（窓口）", "satisfaction_desk"),
        ("満足度(窓口)(点)", "satisfaction_desk"),
        (" 特許出願件数 ", "patent_applications"),
        ("特許 出願 件数", "patent_applications"),
        ("LICENCE_INCOME", "licence_income"),
        ("license_income", "licence_income"),
    ],
)
def test_map_headers_tolerates_spaces_widths_and_plain_units(header, target):
    assert _targets(["機関コード", "年度", header])[-1] == (target, 1)


def test_map_headers_required_marks_and_full_width_names():
    assert _targets(["＊機関コード", "※年度"]) == [(INSTITUTION, 1), (FISCAL_YEAR, 1)]


def test_map_headers_unknown_header_is_an_error_with_suggestions():
    mapped = map_headers(["機関コード", "年度", "ライセンス収入額", "備考"], row=1)
    assert [(e.kind, e.column) for e in mapped.errors] == [
        (ProblemKind.UNKNOWN_COLUMN, "ライセンス収入額"),
        (ProblemKind.UNKNOWN_COLUMN, "備考"),
    ]
    assert mapped.errors[0].params["suggestions"][0] == "ライセンス収入"


def test_map_headers_money_unit_on_a_count_is_an_error():
    mapped = map_headers(["機関コード", "年度", "特許出願件数(千円)"], row=1)
    assert [e.kind for e in mapped.errors] == [ProblemKind.UNIT_NOT_ALLOWED]


def test_map_headers_unknown_unit_is_an_error():
    mapped = map_headers(["機関コード", "年度", "ライセンス収入(ドル)"], row=1)
    assert [(e.kind, e.params["unit"]) for e in mapped.errors] == [
        (ProblemKind.UNKNOWN_UNIT, "ドル")
    ]


def test_map_headers_same_field_twice_is_an_error():
    mapped = map_headers(["機関コード", "年度", "人件費", "personnel_costs"], row=1)
    assert [(e.kind, e.column, e.params) for e in mapped.errors] == [
        (ProblemKind.DUPLICATE_COLUMN, "personnel_costs", {"other": "人件費"})
    ]


def test_map_headers_requires_institution_and_fiscal_year():
    mapped = map_headers(["人件費"], row=1)
    assert [e.kind for e in mapped.errors] == [
        ProblemKind.MISSING_INSTITUTION_COLUMN,
        ProblemKind.MISSING_FISCAL_YEAR_COLUMN,
    ]


def test_map_headers_state_column_of_an_export_is_ignored_with_a_notice():
    mapped = map_headers(["institution", "fiscal_year", "state", "人件費"], row=1)
    assert mapped.errors == []
    assert [c.target for c in mapped.columns] == [INSTITUTION, FISCAL_YEAR, "personnel_costs"]
    assert [n.kind for n in mapped.notices] == [ProblemKind.IGNORED_COLUMN]


def test_map_headers_blank_header_cells_are_noted():
    mapped = map_headers(["機関コード", "", "年度", None], row=1)
    assert mapped.headerless == [1, 3]


def test_is_code_row_recognises_the_templates_second_row():
    columns = map_headers(["機関コード", "年度", "人件費"], row=1).columns
    assert is_code_row(["institution", "fiscal_year", "personnel_costs"], columns)
    assert not is_code_row(["TLO-AAA", "2010", "100"], columns)
    assert not is_code_row(["institution", "2010", "100"], columns)
