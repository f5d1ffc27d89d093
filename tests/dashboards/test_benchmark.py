"""The peer benchmark of one institution (KEF-style): who may open it, and its figures."""

import csv
import io
import re
import statistics

import pytest
from django.urls import reverse
from django.utils import translation

from dashboards.selectors.benchmarks import peer_benchmark
from metrics.calculations import quantile
from tests.dashboards.dashboard_support import build_country, return_on_cost
from tests.factories import staff_of
from tests.support import get_ok


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def country(db):
    return build_country()


def url(code):
    return reverse("dashboards:benchmark", args=[code])


def _roc(country, code, fiscal_year=2010):
    return return_on_cost(country.figures[(code, fiscal_year)])


# --- who may open it -------------------------------------------------------------------


def test_benchmark_needs_sign_in(anonymous_client, country):
    response = anonymous_client.get(url("TLO-K1"))
    assert response.status_code == 302


def test_officials_open_any_institutions_benchmark(client_for, country, mext_official):
    body = get_ok(client_for(mext_official), url("TLO-N2")).content.decode()
    assert "名前TLO-N2" in body


def test_staff_open_their_own_benchmark(client_for, country):
    staff = staff_of(country.institutions["TLO-K1"], username="k1-staff")
    body = get_ok(client_for(staff), url("TLO-K1")).content.decode()
    assert "名前TLO-K1" in body
    others = [i.name_ja for code, i in country.institutions.items() if code != "TLO-K1"]
    assert not any(name in body for name in others)
    assert 'id="size-peers"' not in body


def test_staff_get_404_for_another_institution(client_for, country):
    staff = staff_of(country.institutions["TLO-K1"], username="k1-staff")
    assert client_for(staff).get(url("TLO-K2")).status_code == 404
    assert client_for(staff).get(url("NO-SUCH")).status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "mext_reviewer"])
def test_reviewers_and_viewers_get_403(request, client_for, country, persona):
    assert client_for(request.getfixturevalue(persona)).get(url("TLO-K1")).status_code == 403


# --- figures ---------------------------------------------------------------------------


def _metric(board, code):
    return next(m for m in board.metrics if m.definition.code == code)


def test_official_benchmark_median_quintile_and_size_peers(country, mext_official):
    board = peer_benchmark(
        institution=country.institutions["TLO-K2"], fiscal_year=None, user=mext_official
    )
    assert board.fiscal_year == 2010
    metric = _metric(board, "return_on_cost")
    assert metric.value == pytest.approx(_roc(country, "TLO-K2"))
    groups = {g.key: g for g in metric.groups}
    kanto = [_roc(country, c) for c in ("TLO-K1", "TLO-K2", "TLO-K3", "TLO-K4")]
    assert groups["region"].median == pytest.approx(statistics.median(kanto))
    assert groups["region"].quintiles[0] == pytest.approx(quantile(kanto, 0.2))
    nation = [_roc(country, c) for (c, fy) in country.figures if fy == 2010]
    assert groups["nation"].institutions == 8
    assert groups["nation"].median == pytest.approx(statistics.median(nation))
    # K2's rank among the eight: share of values below it (ties half) → its fifth.
    below = sum(1 for v in nation if v < metric.value)
    better_share = 1 - (below + 0.5) / 8
    assert groups["nation"].quintile == min(5, int(better_share * 5) + 1)
    # Ten nearest in total costs: everyone else here (only seven), so the group is all eight.
    assert groups["size"].institutions == 8
    assert len(board.size_peers) == 7


def test_staff_benchmark_withholds_groups_with_too_few_others(country):
    staff = staff_of(country.institutions["TLO-H1"], username="h1-staff")
    board = peer_benchmark(institution=country.institutions["TLO-H1"], fiscal_year=2010, user=staff)
    groups = {g.key: g for g in _metric(board, "return_on_cost").groups}
    assert groups["region"].withheld and groups["region"].median is None  # alone in 北海道
    assert groups["tlo_type"].withheld  # one other internal TLO
    assert not groups["nation"].withheld
    nation = sorted(_roc(country, c) for (c, fy) in country.figures if fy == 2010)
    # Smoothed for an anonymised reader: the mean of the three middle values.
    assert groups["nation"].median == pytest.approx(statistics.fmean(nation[3:6]))
    assert board.size_peers == []


def test_benchmark_download_for_staff_names_no_peer(client_for, country):
    staff = staff_of(country.institutions["TLO-K1"], username="k1-staff")
    response = client_for(staff).get(url("TLO-K1"), {"fy": 2010, "download": "position"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["指標", "値"]
    assert "名前TLO-K2" not in text
    roc = next(r for r in rows if r[0].startswith("収益率"))
    assert roc[2] == "4"  # 関東: K1 and three others, enough to show
    assert roc[5] == "6"  # 広域型: K1 and five others


def test_staff_benchmark_of_a_thin_year_withholds_every_group(client_for, country):
    staff = staff_of(country.institutions["TLO-K1"], username="k1-staff")
    # FY2011 (K1's latest, asked for) has one other report in the country.
    response = client_for(staff).get(url("TLO-K1"), {"fy": 2011, "download": "position"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    roc = next(r for r in rows if r[0].startswith("収益率"))
    assert roc[1] == "80.0"  # its own value stays: 1,000,000 / 1,250,000
    assert set(roc[2:]) == {"3機関未満のため非表示"}


def test_benchmark_distribution_for_a_chosen_metric(client_for, country, mext_official):
    body = get_ok(client_for(mext_official), url("TLO-K1"), metric="licence_rate").content.decode()
    assert "figure-distribution" in body
    assert "ライセンス許諾率" in body


def test_benchmark_without_values(client_for, mext_official, institution_a):
    body = get_ok(client_for(mext_official), url(institution_a.code)).content.decode()
    assert 'id="no-values"' in body


def test_benchmark_download_in_shift_jis_and_its_link(client_for, country):
    staff = staff_of(country.institutions["TLO-K1"], username="k1-staff")
    client = client_for(staff)

    page = client.get(url("TLO-K1"), {"fy": 2010}).content.decode()
    response = client.get(url("TLO-K1"), {"fy": 2010, "download": "position", "encoding": "cp932"})

    assert "データ(CSV・Shift_JIS)" in page and "encoding=cp932" in page
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert response.content.decode("cp932").startswith("指標,値")


def test_benchmark_default_year_is_the_latest_most_reported_and_says_why(client_for, country):
    staff = staff_of(country.institutions["TLO-K1"], username="k1-staff")

    response = client_for(staff).get(url("TLO-K1"))

    assert response.context["board"].fiscal_year == 2010  # FY2011: 2 of 8 reports
    note = re.search(
        r'<p class="note" id="default-year">(.*?)</p>', response.content.decode(), re.S
    )
    assert "2010年度(平成22年度)を表示しています" in note.group(1)
    assert "8機関中8機関" in note.group(1)
    assert "2011年度(平成23年度)はまだ8機関中2機関の報告しかありません" in note.group(1)


def test_benchmark_year_asked_for_says_nothing_about_defaults(client_for, country):
    staff = staff_of(country.institutions["TLO-K1"], username="k1-staff")

    response = client_for(staff).get(url("TLO-K1"), {"fy": 2011})

    assert 'id="default-year"' not in response.content.decode()
