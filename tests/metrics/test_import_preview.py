"""The preview of an uploaded file: every row new, changed, unchanged or error."""

from decimal import Decimal

import pytest
from django.utils import translation

from institutions.models import InstitutionAlias
from metrics.enums import ReportState
from metrics.importing.preview import build_preview
from metrics.importing.preview_data import Preview, PreviewRow
from metrics.importing.problems import ProblemKind
from tests.factories import InstitutionFactory
from tests.metrics.importing_support import (
    csv_bytes,
    make_report,
    messages_of,
    problems_of,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "機関コード",
    "年度",
    "特許出願件数",
    "ライセンス件数",
    "ライセンス収入(千円)",
    "満足度(窓口)",
]


def preview_of(rows, actor, *, encoding="utf-8", name="reports.csv"):
    data = xlsx_bytes(rows) if encoding == "xlsx" else csv_bytes(rows, encoding)
    return build_preview(data=data, file_name=name, actor=actor).to_json()


def row_values(preview, entry):
    return PreviewRow.from_json(entry).written_values(preview["fields"])


def has_errors(preview):
    return Preview.from_json(preview).has_errors()


def outcomes(preview):
    return [(r["row"], r["outcome"]) for r in preview["rows"]]


def kinds(preview):
    return [(p.get("row"), p["kind"]) for p in problems_of(preview)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "xlsx"])
def test_preview_reads_japanese_numbers_in_every_encoding(staff_a, encoding):
    rows = [HEADER, ["TLO-AAA", "平成22年度", "１２", "3", "1,234", "3.5"]]
    preview = preview_of(rows, staff_a, encoding=encoding)
    (entry,) = preview["rows"]
    assert entry["outcome"] == "new"
    assert row_values(preview, entry) == {
        "patent_applications": 12,
        "licences_granted": 3,
        "licence_income": 1_234_000,
        "satisfaction_desk": "3.50",
    }
    assert entry["fiscal_year"] == 2010


def test_preview_same_data_in_three_encodings_and_xlsx_gives_identical_rows(staff_a, institution_a):
    make_report(institution_a, 2009, patent_applications=10, licence_income=1_000_000)
    rows = [
        HEADER,
        ["TLO-AAA", "2010年度", "1,234", "－", "￥2,000", ""],
        ["機関A", "H23", "１２", "―", "-", "4.25"],
        ["TLO-AAA", "令和2年度", "abc", "1", "2", "9"],
    ]
    previews = [preview_of(rows, staff_a, encoding=e) for e in ("utf-8", "utf-8-sig", "cp932")]
    previews.append(preview_of(rows, staff_a, encoding="xlsx"))
    assert [p["encoding"] for p in previews] == ["utf-8", "utf-8-sig", "cp932", ""]
    assert previews[0]["rows"] == previews[1]["rows"] == previews[2]["rows"] == previews[3]["rows"]
    assert outcomes(previews[0]) == [(2, "new"), (3, "new"), (4, "error")]


@pytest.mark.parametrize(
    ("written", "fiscal_year"),
    [
        ("2010", 2010),
        ("2010年度", 2010),
        ("H22", 2010),
        ("Ｈ２２", 2010),
        ("平成22年度", 2010),
        ("R2", 2020),
        ("令和2年度", 2020),
        ("令和元年度", 2019),
    ],
)
def test_preview_reads_fiscal_years_as_offices_write_them(staff_a, written, fiscal_year):
    preview = preview_of([["機関コード", "年度"], ["TLO-AAA", written]], staff_a)
    assert preview["rows"][0]["fiscal_year"] == fiscal_year


def test_preview_reads_fiscal_year_cells_of_xlsx_as_numbers(staff_a):
    preview = preview_of([["機関コード", "年度"], ["TLO-AAA", 2010]], staff_a, encoding="xlsx")
    assert preview["rows"][0]["fiscal_year"] == 2010


def test_preview_bad_fiscal_year_is_an_error_saying_what_was_expected(staff_a):
    preview = preview_of([["機関コード", "年度"], ["TLO-AAA", "来年"], ["TLO-AAA", ""]], staff_a)
    assert kinds(preview) == [
        (2, ProblemKind.NOT_A_FISCAL_YEAR),
        (3, ProblemKind.MISSING_FISCAL_YEAR),
    ]
    with translation.override("en"):
        assert messages_of(preview)[0] == (
            "row 2, column “年度”: “来年” is not a fiscal year; expected a fiscal year such as "
            "2010, 2010年度, H22, 平成22年度, R2 or 令和2年度."
        )


def test_preview_finds_institutions_by_code_name_alias_and_variant(mext_official):
    nagoya = InstitutionFactory(code="TLO-NAGOYA", name_ja="名古屋産業科学研究所")
    InstitutionAlias.objects.create(institution=nagoya, name="名古屋産業科学技術研究所")
    rows = [
        ["機関名", "年度"],
        ["TLO-NAGOYA", "2001"],
        ["名古屋産業科学研究所", "2002"],
        ["名古屋産業科学技術研究所", "2003"],
        ["（財）名古屋産業科学研究所", "2004"],
        ["名古屋 産業科学研究所", "2005"],
    ]
    preview = preview_of(rows, mext_official)
    assert {r["institution_id"] for r in preview["rows"]} == {nagoya.pk}
    assert outcomes(preview) == [(n, "new") for n in range(2, 7)]


def test_preview_unknown_institution_suggests_the_closest_names(mext_official):
    InstitutionFactory(code="TLO-KUMAMOTO", name_ja="くまもとテクノ産業財団")
    preview = preview_of([["機関名", "年度"], ["くまもとテクノ産学財団X", "2010"]], mext_official)
    (problem,) = problems_of(preview)
    assert problem["kind"] == ProblemKind.UNKNOWN_INSTITUTION
    assert problem["params"]["suggestions"][0] == "くまもとテクノ産業財団"
    with translation.override("en"):
        assert messages_of(preview) == [
            "row 2, column “機関名”: No registered institution is called “くまもとテクノ産学財団X”. "
            "Did you mean: くまもとテクノ産業財団?"
        ]


def test_preview_code_and_name_of_different_institutions_is_an_error(
    mext_official, institution_a, institution_b
):
    rows = [
        ["機関コード", "機関名", "年度"],
        ["TLO-AAA", "機関B", "2010"],
        ["TLO-AAA", "機関A", "2011"],
    ]
    preview = preview_of(rows, mext_official)
    assert kinds(preview) == [(2, ProblemKind.INSTITUTION_MISMATCH)]
    assert outcomes(preview) == [(2, "error"), (3, "new")]


def test_preview_staff_row_for_another_institution_is_an_error_not_a_skip(staff_a, institution_b):
    rows = [
        HEADER,
        ["TLO-AAA", "2010", "1", "1", "1", "1"],
        ["TLO-BBB", "2010", "1", "1", "1", "1"],
    ]
    preview = preview_of(rows, staff_a)
    assert outcomes(preview) == [(2, "new"), (3, "error")]
    assert kinds(preview) == [(3, ProblemKind.NOT_YOUR_INSTITUTION)]
    assert has_errors(preview)
    assert preview["summary"]["error"] == 1


def test_preview_official_may_import_for_every_institution(
    meti_official, institution_a, institution_b
):
    rows = [["機関コード", "年度"], ["TLO-AAA", "2010"], ["TLO-BBB", "2010"]]
    preview = preview_of(rows, meti_official)
    assert outcomes(preview) == [(2, "new"), (3, "new")]


def test_preview_compares_with_the_report_in_the_database(staff_a, institution_a):
    report = make_report(
        institution_a, 2010, patent_applications=12, licences_granted=3, licence_income=500_000
    )
    rows = [["機関コード", "年度", "特許出願件数", "ライセンス件数", "ライセンス収入"]]
    rows.append(["TLO-AAA", "2010", "12", "4", ""])
    preview = preview_of(rows, staff_a)
    (entry,) = preview["rows"]
    assert entry["outcome"] == "changed"
    assert entry["report_id"] == report.pk
    assert entry["version"] == 1
    assert entry["changes"] == {"licences_granted": [3, 4], "licence_income": [500_000, None]}


def test_preview_same_values_are_unchanged(staff_a, institution_a):
    make_report(institution_a, 2010, patent_applications=12, satisfaction_desk=Decimal("3.5"))
    rows = [
        ["機関コード", "年度", "特許出願件数", "満足度(窓口)"],
        ["TLO-AAA", "2010", "12", "3.50"],
    ]
    assert outcomes(preview_of(rows, staff_a)) == [(2, "unchanged")]


def test_preview_column_not_in_the_file_is_left_alone(staff_a, institution_a):
    make_report(institution_a, 2010, patent_applications=12, personnel_costs=9_000_000)
    rows = [["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2010", "13"]]
    (entry,) = preview_of(rows, staff_a)["rows"]
    assert entry["changes"] == {"patent_applications": [12, 13]}


@pytest.mark.parametrize("state", [ReportState.SUBMITTED, ReportState.ACCEPTED])
def test_preview_row_for_a_locked_report_is_an_error_naming_its_state(
    staff_a, institution_a, state
):
    make_report(institution_a, 2010, state=state, patent_applications=1)
    rows = [["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2010", "2"]]
    preview = preview_of(rows, staff_a)
    assert kinds(preview) == [(2, ProblemKind.REPORT_LOCKED)]
    with translation.override("en"):
        (message,) = messages_of(preview)
        assert f"is {state.label}" in message


def test_preview_row_equal_to_a_locked_report_is_unchanged(staff_a, institution_a):
    make_report(institution_a, 2010, state=ReportState.ACCEPTED, patent_applications=1)
    rows = [["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2010", "1"]]
    assert outcomes(preview_of(rows, staff_a)) == [(2, "unchanged")]


def test_preview_returned_report_can_be_changed(staff_a, institution_a):
    make_report(
        institution_a, 2010, state=ReportState.RETURNED, return_reason="x", patent_applications=1
    )
    rows = [["機関コード", "年度", "特許出願件数"], ["TLO-AAA", "2010", "2"]]
    assert outcomes(preview_of(rows, staff_a)) == [(2, "changed")]


def test_preview_cell_error_names_file_row_column_value_and_expectation(staff_a):
    rows = [HEADER, ["TLO-AAA", "2010", "十二", "-3", "1.2345", "7"]]
    preview = preview_of(rows, staff_a, name="報告.csv")
    assert [(p["column"], p["value"], p["kind"]) for p in problems_of(preview)] == [
        ("特許出願件数", "十二", ProblemKind.NOT_A_NUMBER),
        ("ライセンス件数", "-3", ProblemKind.NEGATIVE),
        ("ライセンス収入(千円)", "1.2345", ProblemKind.NOT_WHOLE),
        ("満足度(窓口)", "7", ProblemKind.OUT_OF_RANGE),
    ]
    from core.tables.problems import Problem
    from metrics.importing.wording import describe

    with translation.override("en"):
        described = [describe(Problem.from_json(p), "報告.csv") for p in problems_of(preview)]
    assert described == [
        "報告.csv, row 2, column “特許出願件数”: “十二” is not a number; expected a whole number "
        "of 0 or more, such as 12.",
        "報告.csv, row 2, column “ライセンス件数”: “-3” is negative; expected a whole number of 0 "
        "or more, such as 12.",
        "報告.csv, row 2, column “ライセンス収入(千円)”: “1.2345” is not a whole number; expected "
        "an amount in thousand yen of 0 or more, such as 1,234.",
        "報告.csv, row 2, column “満足度(窓口)”: “7” is out of range; expected a score from 1 to 5 "
        "with at most two decimal places, such as 3.75.",
    ]


def test_preview_one_row_per_institution_and_year(staff_a):
    rows = [["機関コード", "年度"], ["TLO-AAA", "2010"], ["TLO-AAA", "H22"]]
    preview = preview_of(rows, staff_a)
    assert kinds(preview) == [(3, ProblemKind.DUPLICATE_ROW)]
    assert problems_of(preview)[0]["params"]["other_row"] == 2


def test_preview_unknown_header_stops_the_file(staff_a):
    preview = preview_of(
        [["機関コード", "年度", "ライセンス収入額"], ["TLO-AAA", "2010", "1"]], staff_a
    )
    assert kinds(preview) == [(1, ProblemKind.UNKNOWN_COLUMN)]
    assert preview["rows"] == []
    assert has_errors(preview)


def test_preview_row_numbers_are_the_spreadsheets_even_below_blank_rows(staff_a):
    rows = [
        [],
        [],
        ["機関コード", "年度", "特許出願件数"],
        ["TLO-AAA", "2010", "x"],
        [],
        ["TLO-AAA", "2011", "1"],
    ]
    for encoding in ("utf-8", "xlsx"):
        preview = preview_of(rows, staff_a, encoding=encoding)
        assert outcomes(preview) == [(4, "error"), (6, "new")]


def test_preview_skips_the_templates_row_of_field_codes(staff_a):
    rows = [
        ["機関コード", "機関名", "年度", "特許出願件数"],
        ["institution", "institution_name", "fiscal_year", "patent_applications"],
        ["TLO-AAA", "機関A", "2010", "5"],
    ]
    assert outcomes(preview_of(rows, staff_a)) == [(3, "new")]


def test_preview_file_without_data_rows_says_so(staff_a):
    preview = preview_of([["機関コード", "年度"]], staff_a)
    assert kinds(preview) == [(None, ProblemKind.NO_DATA)]
    assert kinds(build_preview(data=b"", file_name="e.csv", actor=staff_a)) == [
        (None, ProblemKind.NO_HEADER)
    ]


def test_preview_values_under_no_header_are_an_error(staff_a):
    preview = preview_of([["機関コード", "年度", ""], ["TLO-AAA", "2010", "99"]], staff_a)
    (problem,) = problems_of(preview)
    assert (problem["kind"], problem["params"]) == (
        ProblemKind.DATA_WITHOUT_HEADER,
        {"position": "C"},
    )


def test_preview_blank_rows_and_blank_cells(staff_a):
    rows = [
        ["機関コード", "年度", "特許出願件数", "人件費"],
        ["TLO-AAA", "2010", "", "0"],
        ["", "", "", ""],
    ]
    preview = preview_of(rows, staff_a)
    (entry,) = preview["rows"]
    assert row_values(preview, entry) == {"patent_applications": None, "personnel_costs": 0}


def test_preview_warns_about_a_jump_from_last_years_report(staff_a, institution_a):
    make_report(institution_a, 2009, licence_income=1_000_000, patent_applications=10)
    rows = [
        ["機関コード", "年度", "ライセンス収入", "特許出願件数"],
        ["TLO-AAA", "2010", "6,000,000", "11"],
    ]
    (entry,) = preview_of(rows, staff_a)["rows"]
    assert [w["field"] for w in entry["warnings"]] == ["licence_income"]


def test_preview_warns_against_the_previous_year_in_the_same_file(staff_a):
    rows = [
        ["機関コード", "年度", "人件費"],
        ["TLO-AAA", "2009", "1,000,000"],
        ["TLO-AAA", "2010", "100,000"],
        ["TLO-AAA", "2011", "120,000"],
    ]
    preview = preview_of(rows, staff_a)
    assert [[w["field"] for w in r.get("warnings", [])] for r in preview["rows"]] == [
        [],
        ["personnel_costs"],
        [],
    ]


def test_preview_warns_about_income_without_licences_and_costs(staff_a):
    rows = [
        [
            "機関コード",
            "年度",
            "ライセンス件数",
            "ライセンス収入",
            "人件費",
            "特許関係費",
            "その他経費",
        ],
        ["TLO-AAA", "2010", "0", "500", "0", "0", "0"],
    ]
    (entry,) = preview_of(rows, staff_a)["rows"]
    assert [w["field"] for w in entry["warnings"]] == ["licence_income", ""]


def test_preview_warns_when_patents_granted_exceed_cumulative_applications(staff_a, institution_a):
    make_report(institution_a, 2008, patent_applications=2)
    rows = [
        ["機関コード", "年度", "特許出願件数", "特許取得件数"],
        ["TLO-AAA", "2009", "1", "0"],
        ["TLO-AAA", "2010", "1", "5"],
        ["TLO-AAA", "2011", "4", "5"],
    ]
    preview = preview_of(rows, staff_a)
    assert [[w["field"] for w in r.get("warnings", [])] for r in preview["rows"]] == [
        [],
        ["patents_granted"],
        [],
    ]
    assert preview["summary"]["with_warnings"] == 1


def test_preview_summary_counts_each_outcome(staff_a, institution_a):
    make_report(institution_a, 2009, patent_applications=1)
    make_report(institution_a, 2010, patent_applications=1)
    rows = [
        ["機関コード", "年度", "特許出願件数"],
        ["TLO-AAA", "2009", "1"],
        ["TLO-AAA", "2010", "2"],
        ["TLO-AAA", "2011", "3"],
        ["TLO-AAA", "2012", "x"],
    ]
    summary = preview_of(rows, staff_a)["summary"]
    assert summary == {
        "rows": 4,
        "new": 1,
        "changed": 1,
        "unchanged": 1,
        "error": 1,
        "with_warnings": 0,
        "file_errors": 0,
    }


def test_preview_1000_rows_with_one_bad_row_names_row_999(mext_official):
    institutions = InstitutionFactory.create_batch(50)
    rows = [["機関コード", "年度", "特許出願件数", "人件費(千円)"]]
    for index in range(1_000):
        rows.append([institutions[index % 50].code, 1998 + index // 50, index % 17, "1,000"])
    rows[998][3] = "千"  # spreadsheet row 999 (the header is row 1)
    preview = preview_of(rows, mext_official)
    assert kinds(preview) == [(999, ProblemKind.NOT_A_NUMBER)]
    assert preview["summary"]["rows"] == 1_000
