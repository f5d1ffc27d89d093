"""The dashboards say where a satisfaction value came from (issue #18): the peer
benchmark's charts and tables, and the national dashboard's ranking of
satisfaction_index. Other TLOs' survey sizes stay hidden from anonymised readers."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import InstitutionFactory
from tests.metrics.satisfaction_support import survey_two_tlos
from tests.support import get_ok

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def surveyed(institution_a, institution_b, django_capture_on_commit_callbacks):
    """A (8 invited, 6 answered, 4.50), B (4 of 4: no index) and three more TLOs (10 and 5,
    3.00 each); FY2010 the first survey, FY2009 self-reported (3.00 everywhere)."""
    others = [InstitutionFactory(code=f"TLO-X{n}", name_ja=f"機関X{n}") for n in range(3)]
    survey_two_tlos(institution_a, institution_b, django_capture_on_commit_callbacks, others)
    return institution_a, institution_b


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _figure(page: str, key: str) -> dict:
    match = re.search(
        rf'<script type="application/json" id="figure-{key}">(.*?)</script>', page, re.S
    )
    return json.loads(match.group(1))


def _hovers(figure: dict) -> list[str]:
    return [
        text for trace in figure["data"] for text in trace.get("hovertext", trace.get("text", []))
    ]


# --- the peer benchmark ------------------------------------------------------------------


def _benchmark(client, code, **params):
    return get_ok(client, reverse("dashboards:benchmark", args=[code]), **params)


def test_benchmark_position_table_names_the_survey(surveyed, client_for, mext_official):
    institution_a, _ = surveyed
    rows = _csv(
        _benchmark(client_for(mext_official), institution_a.code, fy=2010, download="position")
    )
    assert rows[0][-1] == "出典"
    satisfaction = next(row for row in rows if row[0].startswith("顧客満足度"))
    assert (satisfaction[1], satisfaction[-1]) == ("4.50", "顧客8社への調査(回答率75.0%)")
    others = [row[-1] for row in rows[1:] if not row[0].startswith("顧客満足度")]
    assert others and set(others) == {""}


def test_benchmark_earlier_year_is_marked_self_reported(surveyed, client_for, staff_a):
    institution_a, _ = surveyed
    response = _benchmark(client_for(staff_a), institution_a.code, fy=2009)
    rows = _csv(_benchmark(client_for(staff_a), institution_a.code, fy=2009, download="position"))
    satisfaction = next(row for row in rows if row[0].startswith("顧客満足度"))
    assert satisfaction[-1] == "自己申告"
    figure = _figure(response.content.decode(), "position")
    assert "顧客満足度(自己申告)" in {y for trace in figure["data"] for y in trace["y"]}


def test_benchmark_distribution_marks_hover_table_and_note(surveyed, client_for, staff_a):
    institution_a, _ = surveyed
    client = client_for(staff_a)
    params = {"fy": 2010, "metric": "satisfaction_index"}
    page = _benchmark(client, institution_a.code, **params).content.decode()
    assert "この機関の値の出典:顧客8社への調査(回答率75.0%)" in page
    hovers = _hovers(_figure(page, "distribution"))
    assert any(h.endswith("4.50 (顧客8社への調査(回答率75.0%))") for h in hovers)
    assert any("中央値" in h and h.endswith("(顧客満足度調査)") for h in hovers)
    rows = _csv(_benchmark(client, institution_a.code, download="distribution", **params))
    assert rows[0][-1] == "出典"
    assert {row[-1] for row in rows[1:]} == {"顧客満足度調査"}


# --- the national dashboard's ranking ------------------------------------------------------


def _ranking(client, fy):
    url = reverse("dashboards:national")
    return _csv(
        get_ok(
            client, url, fy=fy, metric="satisfaction_index", download="ranking_satisfaction_index"
        )
    )


def test_national_ranking_names_each_survey_for_officials(surveyed, client_for, mext_official):
    rows = _ranking(client_for(mext_official), 2010)
    assert rows[0][-1] == "出典"
    assert rows[1][1:] == ["機関A", "4.50", "顧客8社への調査(回答率75.0%)"]
    assert rows[2][-1] == "顧客10社への調査(回答率50.0%)"


def test_national_ranking_earlier_year_is_self_reported(surveyed, client_for, mext_official):
    client = client_for(mext_official)
    rows = _ranking(client, 2009)
    assert {row[-1] for row in rows[1:]} == {"自己申告"}
    page = get_ok(client, reverse("dashboards:national"), fy=2009, metric="satisfaction_index")
    figure = _figure(page.content.decode(), "ranking_satisfaction_index")
    assert all(h.endswith("3.00 (自己申告)") for h in _hovers(figure))
    assert "顧客満足度(自己申告)" in figure["layout"]["title"]["text"]


def test_national_ranking_anonymised_shows_own_survey_size_only(
    surveyed, client_for, staff_a, staff_b
):
    own = _ranking(client_for(staff_a), 2010)
    assert own[1][1].endswith("— 自機関")
    assert own[1][2:] == ["4.50", "顧客8社への調査(回答率75.0%)"]
    assert {row[-1] for row in own[2:]} == {"顧客満足度調査"}
    other = _ranking(client_for(staff_b), 2010)
    assert {row[-1] for row in other[1:]} == {"顧客満足度調査"}
    page = get_ok(
        client_for(staff_b), reverse("dashboards:national"), fy=2010, metric="satisfaction_index"
    )
    assert "社への調査" not in page.content.decode()
