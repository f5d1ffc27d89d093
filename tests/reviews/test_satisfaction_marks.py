"""The review material says where each satisfaction value came from (issue #18): on the
scoring page's metrics table and in the hearing sheet (XLSX and PDF, both drawn from the
same sections). An assigned reviewer sees the TLO's survey size and response rate."""

import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook

from reviews import sheets
from tests.metrics.satisfaction_support import survey_two_tlos
from tests.support import get_ok

A = "/reviews/2010/institutions/TLO-AAA/"


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def surveyed(scoring, institution_a, institution_b, django_capture_on_commit_callbacks):
    """FY2009 self-reported (3.00); FY2010 the first survey: A's 8 customers, 6 answered."""
    survey_two_tlos(institution_a, institution_b, django_capture_on_commit_callbacks)
    return scoring


def _row_cells(html: str, name: str) -> list[str]:
    table = html.split('id="metric-trends"', 1)[1].split("</table>", 1)[0]
    row = next(r for r in table.split("<tr>") if f">{name}" in r)
    cells = re.findall(r'<td class="num">(.*?)</td>', row, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells]


def test_scoring_page_marks_self_reported_and_survey_years(surveyed, client_for, mext_reviewer):
    page = get_ok(client_for(mext_reviewer), A + "score/").content.decode()
    cells = _row_cells(page, "顧客満足度")
    assert cells[-2:] == ["3.00 自己申告", "4.50 顧客8社への調査(回答率75.0%)"]


def test_scoring_page_other_metrics_carry_no_mark(surveyed, client_for, mext_reviewer):
    page = get_ok(client_for(mext_reviewer), A + "score/").content.decode()
    table = page.split('id="metric-trends"', 1)[1].split("</table>", 1)[0]
    assert table.count('class="source"') == 2


def _trend_row(sections, name):
    trends = next(s for s in sections if s.title == "指標の推移")
    return next(r for r in trends.rows if r[0] == name)


def test_hearing_sheet_marks_the_source_of_each_year(surveyed, entry_a, mext_reviewer):
    row = _trend_row(sheets.hearing_sheet(entry_a, user=mext_reviewer), "顧客満足度")
    assert "3.00 (自己申告)" in row
    assert "4.50 (顧客8社への調査(回答率75.0%))" in row


def test_hearing_sheet_xlsx_download_carries_the_marks(surveyed, client_for, mext_reviewer):
    response = get_ok(client_for(mext_reviewer), A + "sheet.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    values = {
        cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    }
    assert "3.00 (自己申告)" in values
    assert "4.50 (顧客8社への調査(回答率75.0%))" in values
