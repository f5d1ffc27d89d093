"""Satisfaction values say where they came from: the customers' survey from the first
survey's fiscal year on (「顧客N社への調査(回答率R%)」), self-reported (自己申告) before;
on the metric page, the institution page and the catalogue (issue #18)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from metrics.services.metric_values import recompute_metric_values
from metrics.services.survey_results import SurveyFigures, record_survey_results
from tests.metrics.metric_builders import accepted_report
from tests.support import get_ok

pytestmark = pytest.mark.django_db

SCORES = {"satisfaction_desk": 3, "satisfaction_contracting": 3, "satisfaction_ip_handling": 3}


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def surveyed(institution_a, institution_b, django_capture_on_commit_callbacks):
    """A and B report FY2009 and FY2010; FY2010 is the first survey: A's 8 customers, 6
    answered; B's 4 customers, 4 answered (under five: no index)."""
    for institution in (institution_a, institution_b):
        for year in (2009, 2010):
            accepted_report(institution, year, **SCORES)
    with django_capture_on_commit_callbacks(execute=True):
        record_survey_results(
            actor=None,
            fiscal_year=2010,
            results=[
                SurveyFigures(institution_a.pk, 8, 6, 4.0, 4.5, 5.0),
                SurveyFigures(institution_b.pk, 4, 4, 2.0, 2.0, 2.0),
            ],
        )
    recompute_metric_values()
    return institution_a, institution_b


def _text(html: str) -> str:
    """The page's words: table cells and paragraphs apart, inline tags dropped."""
    spaced = re.sub(r"</?(td|th|tr|p|li|ul|summary|br)\b[^>]*>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", spaced)).strip()


def _metric_page(client, fy):
    url = reverse("metrics:metric_detail", args=["satisfaction_index"]) + f"?fy={fy}"
    return get_ok(client, url).content.decode()


def _ranking_rows(page: str) -> list[str]:
    table = page.split('id="ranking"', 1)[1].split("</table>", 1)[0]
    return [_text(row) for row in re.split(r"<tr\b[^>]*>", table)[2:]]


def test_metric_page_survey_year_names_each_tlos_survey_for_officials(
    surveyed, client_for, mext_official
):
    page = _metric_page(client_for(mext_official), 2010)
    assert _ranking_rows(page) == ["1 機関A 4.50 顧客8社への調査(回答率75.0%)"]
    assert "各TLOの顧客への調査の回答による値です" in _text(page)


def test_metric_page_earlier_year_is_marked_self_reported(surveyed, client_for, mext_official):
    page = _metric_page(client_for(mext_official), 2009)
    rows = _ranking_rows(page)
    assert rows == ["1 機関A 3.00 自己申告", "1 機関B 3.00 自己申告"]
    assert "自己申告:各TLOが年次報告に記入した自らの評点です。2010年度からは" in _text(page)


def test_metric_page_anonymised_shows_survey_size_of_own_tlo_only(
    surveyed, client_for, staff_a, staff_b
):
    own = _ranking_rows(_metric_page(client_for(staff_a), 2010))
    other = _ranking_rows(_metric_page(client_for(staff_b), 2010))
    assert own[0].endswith("貴機関 4.50 顧客8社への調査(回答率75.0%)")
    assert other[0].endswith("4.50 顧客満足度調査")
    assert "8社" not in _text(_metric_page(client_for(staff_b), 2010))


def test_metric_page_of_another_metric_has_no_source_column(surveyed, client_for, mext_official):
    url = reverse("metrics:metric_detail", args=["return_on_cost"])
    page = get_ok(client_for(mext_official), url).content.decode()
    assert 'id="satisfaction-source"' not in page
    assert "自己申告" not in page


def test_metric_page_before_any_survey_is_self_reported(institution_a, client_for, mext_official):
    accepted_report(institution_a, 2010, **SCORES)
    recompute_metric_values()
    page = _metric_page(client_for(mext_official), 2010)
    assert _ranking_rows(page) == ["1 機関A 3.00 自己申告"]


def _institution_cells(client, institution) -> dict[str, str]:
    page = get_ok(client, reverse("institutions:detail", args=[institution.code])).content.decode()
    row = page.split('id="metric-satisfaction_index"', 1)[1].split("</tr>", 1)[0]
    cells = row.split('<details class="provenance" data-year="')[1:]
    return {cell[:4]: _text(cell[6:].split("</details>", 1)[0]).strip() for cell in cells}


def test_institution_page_says_survey_or_self_reported_per_year(surveyed, client_for, staff_a):
    institution_a, _ = surveyed
    cells = _institution_cells(client_for(staff_a), institution_a)
    assert cells["2009"].startswith("3.00 自己申告 出典: 自己申告")
    assert cells["2010"].startswith("4.50 出典: 顧客8社への調査(回答率75.0%)")


def test_institution_page_under_five_answers_names_the_survey(surveyed, client_for, mext_official):
    _, institution_b = surveyed
    cells = _institution_cells(client_for(mext_official), institution_b)
    assert "顧客4社への調査(回答率100.0%)" in cells["2010"]
    assert "自己申告" not in cells["2010"]


def test_catalogue_says_both_sources(surveyed, client_for, viewer):
    page = _text(get_ok(client_for(viewer), reverse("metrics:catalogue")).content.decode())
    assert "2010年度から:各TLOの顧客への調査の回答による" in page
    assert "2010年度より前:TLOが年次報告に記入した自己申告の評点" in page
    assert "それ以前の年度はTLOが年次報告に記入した自己申告の評点による" in page


def test_catalogue_before_any_survey_says_self_reported_until_the_first(db, client_for, viewer):
    page = _text(get_ok(client_for(viewer), reverse("metrics:catalogue")).content.decode())
    assert "両省がTLOの顧客への調査を初めて行うまでは" in page
