"""The hearing sheet people calculate with (issue 16): metric values are numeric cells
with number formats in the XLSX, never text; the PDF never breaks inside a number or a
年度 label, and numbers are right-aligned."""

import io

from openpyxl import load_workbook

from metrics.models import MetricDefinition, MetricValue
from reviews.sheets import pdf_cell

A = "/reviews/2010/institutions/TLO-AAA/"


def _value(code, institution, value):
    MetricValue.objects.create(
        definition=MetricDefinition.objects.get(code=code),
        institution=institution,
        fiscal_year=2010,
        value=value,
    )


def test_hearing_sheet_xlsx_metric_values_are_numbers_with_formats(
    scoring, institution_a, mext_official, client_for
):
    _value("licence_rate", institution_a, 1.214)  # 121.4%
    _value("income_per_licence", institution_a, -105_559_000)  # −105,559 thousand yen

    response = client_for(mext_official).get(A + "sheet.xlsx")

    workbook = load_workbook(io.BytesIO(response.content))
    trends = next(s for s in workbook if "指標" in s.title)
    rows = {row[0].value: row for row in trends.iter_rows(min_row=2)}
    names = {d.code: d.name for d in MetricDefinition.objects.all()}
    rate = next(c for c in rows[names["licence_rate"]][1:] if c.data_type == "n")
    income = next(c for c in rows[names["income_per_licence"]][1:] if c.data_type == "n")
    texts = [c.value for row in rows.values() for c in row[1:] if c.data_type == "s"]
    assert (rate.data_type, rate.value, rate.number_format) == ("n", 1.214, "0.0%")
    assert (income.data_type, income.value, income.number_format) == (
        "n",
        -105_559.0,
        "#,##0;-#,##0",
    )
    assert [
        t for t in texts if any(ch.isdigit() for ch in t) and "位" not in t and "/" not in t
    ] == []


def _lines(value, width=40):
    paragraph = pdf_cell(value)
    paragraph.wrap(width, 1000)
    return paragraph, paragraph.blPara.lines


def test_pdf_cell_never_breaks_a_number_and_aligns_it_right():
    paragraph, lines = _lines("−105,559")

    assert len(lines) == 1
    assert paragraph.style.alignment == 2  # TA_RIGHT


def test_pdf_cell_breaks_a_fiscal_year_label_only_before_its_parenthesis():
    _, lines = _lines("2010年度(平成22年度)")

    assert len(lines) == 2
    assert "".join(frag.text for frag in lines[0].words) == "2010年度"


def test_pdf_cell_wraps_japanese_text():
    _, lines = _lines("地域の大学と企業の連携を支える体制を整えた。")

    assert len(lines) > 1


def test_result_table_for_people_is_japanese_with_numbers(
    scoring, entry_a, mext_reviewer, mext_official, client_for
):
    from reviews.models import Assignment

    from .conftest import score_all

    score_all(Assignment.objects.get(entry=entry_a, reviewer=mext_reviewer), 4)

    response = client_for(mext_official).get("/reviews/2010/results.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("機関コード", "機関名")
    assert "定足数充足" in rows[0] and "決定の状態" in rows[0]
    row_a = next(r for r in rows if r[0] == "TLO-AAA")
    quorum = row_a[rows[0].index("定足数充足")]
    assert quorum in ("はい", "いいえ")
    assert isinstance(row_a[rows[0].index("加重合計")], int | float)


def test_result_table_headers_codes_keeps_the_codes(scoring, mext_official, client_for):
    response = client_for(mext_official).get("/reviews/2010/results.csv?headers=codes")

    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.endswith("quorum_met,aid_rule,tier,recommendation,decision_state")


def test_result_table_csv_in_shift_jis(scoring, mext_official, client_for):
    response = client_for(mext_official).get("/reviews/2010/results.csv?encoding=cp932")

    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert response.content.decode("cp932").startswith("機関コード,機関名,")
