"""The dashboard pages: who sees what (pages, chart data, hover text, CSV downloads),
filters in the URL, the amount unit, the quadrant source, and query-count guards."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.amounts import AmountUnit
from dashboards.selectors import national as national_selectors
from institutions.enums import Role
from metrics.services.metric_values import recompute_metric_values
from tests.dashboards.dashboard_support import INSTITUTIONS, build_country, figures_for
from tests.factories import InstitutionFactory, RegionFactory, UserFactory, staff_of
from tests.metrics.metric_builders import accepted_report
from tests.support import get_ok

URL = "/dashboards/"
NATIONAL_KEYS = [
    "totals",
    "balance",
    "ranking_return_on_cost",
    "ranking_commercialisation_rate",
    "ranking_licence_rate",
    "trend_counts",
    "trend_amounts",
    "per_agreement",
    "region_income",
    "by_region",
    "by_type",
    "quadrant",
    "approvals",
    "consolidations",
    "japan_us",
    "survey",
]


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def country(db):
    return build_country()


def _names(country):
    return [i.name_ja for i in country.institutions.values()] + [
        i.name_en for i in country.institutions.values()
    ]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _figures(body: str) -> dict:
    blocks = re.findall(
        r'<script type="application/json" id="figure-([a-z_]+)">(.*?)</script>', body, re.S
    )
    return {key: json.loads(text) for key, text in blocks}


# --- who may open what -----------------------------------------------------------------


def test_dashboard_needs_sign_in(anonymous_client):
    response = anonymous_client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["viewer", "mext_reviewer", "staff_a", "mext_official"])
def test_every_signed_in_person_opens_the_dashboard(request, client_for, country, persona):
    body = get_ok(client_for(request.getfixturevalue(persona)), URL).content.decode()
    # staff_a's institution (no report) is expected too: 9 institutions, 8 reports.
    assert re.search(r"[89]機関中8機関", body)
    assert 'id="nav-dashboards"' in body


def test_dashboard_is_first_in_the_header(client_for, viewer):
    body = get_ok(client_for(viewer), "/").content.decode()
    assert body.index('id="nav-dashboards"') < body.index('id="nav-metrics"')


@pytest.mark.parametrize("persona", ["viewer", "mext_reviewer"])
def test_anonymised_readers_see_no_name_in_page_figures_or_downloads(
    request, client_for, country, persona
):
    client = client_for(request.getfixturevalue(persona))
    body = get_ok(client, URL, fy=2010).content.decode()
    figures = _figures(body)
    assert set(figures) >= {"totals", "ranking_return_on_cost", "by_region"}
    for name in _names(country):
        assert name not in body
    for key in NATIONAL_KEYS:
        response = client.get(URL, {"fy": 2010, "download": key})
        assert response.status_code == 200, key
        text = response.content.decode("utf-8-sig")
        for name in _names(country):
            assert name not in text, (key, name)
    hover = json.dumps(figures["ranking_return_on_cost"]["data"][0]["text"], ensure_ascii=False)
    assert "承認TLO (A)" in hover


def test_staff_see_their_own_institution_marked_but_no_other_name(client_for, country):
    staff = staff_of(country.institutions["TLO-K1"], username="k1-staff")
    body = get_ok(client_for(staff), URL, fy=2010).content.decode()
    others = [
        n
        for code, i in country.institutions.items()
        if code != "TLO-K1"
        for n in (i.name_ja, i.name_en)
    ]
    for name in others:
        assert name not in body
    assert reverse("dashboards:benchmark", args=["TLO-K1"]) in body


def test_officials_see_names_in_the_ranking_and_its_download(client_for, country, mext_official):
    client = client_for(mext_official)
    figures = _figures(get_ok(client, URL, fy=2010).content.decode())
    assert any(
        "名前TLO-K1" in text for text in figures["ranking_return_on_cost"]["data"][0]["text"]
    )
    rows = _csv(client.get(URL, {"fy": 2010, "download": "ranking_return_on_cost"}))
    assert rows[0] == ["順位", "機関", "収益率 (%)"]
    assert "名前TLO-K1" in [row[1] for row in rows[1:]]


def test_small_groups_are_withheld_in_a_viewers_download(client_for, country, viewer):
    withheld, income = "3機関未満のため非表示", "ライセンス収入 (円)"
    kanto_income = sum(
        country.figures[(code, 2010)]["licence_income"]
        for code, region, *_ in INSTITUTIONS
        if region == "kanto"
    )
    header, *rows = _csv(client_for(viewer).get(URL, {"fy": 2010, "download": "by_region"}))
    by_region = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    # 北海道・東北 stands on one institution: nothing but its count is shown.
    assert set(list(by_region["北海道・東北地区"].values())[2:]) == {withheld}
    # Its totals would be the country's minus the others', so the next smallest region's
    # (近畿, three institutions) totals are withheld too; its medians are not.
    assert by_region["近畿地区"][income] == withheld
    assert by_region["近畿地区"]["中央値: 収益率 (%)"] != withheld
    # 関東 (four) is shown: the sum of its institutions' figures in the test data.
    assert by_region["関東地区"][income] == str(kanto_income)
    # The chart on the page shows the same: a bar for 関東 only.
    page = get_ok(client_for(viewer), URL, fy=2010).content.decode()
    bars = _figures(page)["by_region"]["data"][0]
    assert dict(zip(bars["x"], bars["y"], strict=True)) == {
        "北海道・東北地区": None,
        "関東地区": kanto_income,
        "近畿地区": None,
    }


def test_officials_see_small_groups(client_for, country, mext_official):
    rows = _csv(client_for(mext_official).get(URL, {"fy": 2010, "download": "by_region"}))
    hokkaido = next(row for row in rows if row[0] == "北海道・東北地区")
    assert hokkaido[5] == "7777777"  # licence income, whole yen


# --- filters and shareable URLs --------------------------------------------------------


def test_filters_live_in_the_url_and_show_as_removable_badges(client_for, country, mext_official):
    body = get_ok(
        client_for(mext_official), URL, fy="H22", region="kanto", tlo_type="external_wide_area"
    ).content.decode()
    assert "3機関中3機関" in body
    assert "地域: 関東地区" in body
    # Each badge's link removes its own filter and keeps the others.
    assert 'href="?fy=H22&amp;tlo_type=external_wide_area"' in body
    assert 'href="?fy=H22&amp;region=kanto"' in body


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"region": "atlantis"}, "region"),
        ({"tlo_type": "<script>"}, "tlo_type"),
        ({"fy": "平成九十九年度x"}, "fy"),
        ({"fy": "9" * 5000}, "fy"),
        ({"metric": "nope"}, "metric"),
        ({"kind": "university"}, "kind"),
    ],
)
def test_bad_filters_are_refused_with_the_parameter_named(
    client_for, country, viewer, params, named
):
    response = client_for(viewer).get(URL, params)
    assert response.status_code == 400
    assert f"({named})" in response.content.decode()


def test_unknown_chart_download_is_refused(client_for, country, viewer):
    response = client_for(viewer).get(URL, {"download": "../../etc/passwd"})
    assert response.status_code == 400


def test_download_keeps_the_filters(client_for, country, mext_official):
    rows = _csv(
        client_for(mext_official).get(
            URL, {"fy": 2010, "region": "kinki", "download": "ranking_licence_rate"}
        )
    )
    assert {row[1] for row in rows[1:]} == {"名前TLO-N1", "名前TLO-N2", "名前TLO-N3"}


def test_a_fourth_ranking_of_any_metric(client_for, country, mext_official):
    body = get_ok(client_for(mext_official), URL, fy=2010, metric="grant_rate").content.decode()
    assert "figure-ranking_grant_rate" in body


# --- the amount unit -------------------------------------------------------------------


def test_unit_switch_changes_the_page_and_the_download_headers(client_for, country, mext_official):
    mext_official.amount_unit = AmountUnit.MILLION
    mext_official.save()
    client = client_for(mext_official)
    body = get_ok(client, URL, fy=2010).content.decode()
    total = sum(f["licence_income"] for (c, fy), f in country.figures.items() if fy == 2010)
    assert f"{round(total / 1_000_000, 1)}百万円" in body  # 98.3百万円
    rows = _csv(client.get(URL, {"fy": 2010, "download": "trend_amounts"}))
    assert rows[0][2] == "ライセンス収入 (百万円)"
    row_2010 = next(r for r in rows if r[0].startswith("2010年度"))
    assert row_2010[2] == "98.3"
    assert row_2010[0] == "2010年度(平成22年度)"


# --- the quadrant ----------------------------------------------------------------------

QUADRANT_CALLS = []


def fake_quadrant_source(*, user):
    """What reviews.selectors.quadrant would give: scores of the latest cycle (a stand-in,
    so that these tests need no review; the selector has its own tests in tests/reviews)."""
    QUADRANT_CALLS.append(user.username)
    if user.role == Role.VIEWER and user.username == "blocked":
        return None
    from institutions.models import Institution

    points = [
        {
            "institution_id": i.pk,
            "regional_necessity": 1.5 + n * 0.5,
            "category": "重点支援" if n % 2 else "支援",
        }
        for n, i in enumerate(Institution.objects.filter(code__startswith="TLO-").order_by("code"))
    ]
    return {"cycle": "2011年度審査", "fiscal_year": 2010, "points": points}


@pytest.fixture
def fake_quadrant(monkeypatch):
    monkeypatch.setattr(national_selectors, "quadrant_points", fake_quadrant_source)


def test_quadrant_is_empty_without_review_scores(client_for, country, mext_official):
    body = get_ok(client_for(mext_official), URL, fy=2010).content.decode()
    assert "figure-quadrant" not in body
    assert "empty-state" in body


def test_quadrant_plots_return_on_cost_against_the_reviews_scores(
    client_for, country, mext_official, fake_quadrant
):
    QUADRANT_CALLS.clear()
    figures = _figures(get_ok(client_for(mext_official), URL, fy=2010).content.decode())
    assert QUADRANT_CALLS == ["mext-official"]
    data = figures["quadrant"]["data"]
    assert {trace["name"] for trace in data} == {"重点支援", "支援"}
    xs = sorted(x for trace in data for x in trace["x"])
    expected = sorted(
        round(100 * f["licence_income"] / (f["personnel_costs"] + f["patent_costs"]), 1)
        for (c, fy), f in country.figures.items()
        if fy == 2010
    )
    assert xs == pytest.approx(expected)
    assert any("名前TLO-K1" in text for trace in data for text in trace["text"])


def test_quadrant_has_no_labels_for_a_viewer(client_for, country, viewer, fake_quadrant):
    body = get_ok(client_for(viewer), URL, fy=2010).content.decode()
    figures = _figures(body)
    assert "quadrant" in figures
    for name in _names(country):
        assert name not in body


def test_quadrant_without_points_for_the_reader_is_the_empty_state(
    client_for, country, fake_quadrant
):
    blocked = UserFactory(role=Role.VIEWER, username="blocked")
    body = get_ok(client_for(blocked), URL, fy=2010).content.decode()
    assert "figure-quadrant" not in body


# --- empty database and query counts ---------------------------------------------------


def test_dashboard_without_reports_says_so(client_for, viewer):
    body = get_ok(client_for(viewer), URL).content.decode()
    assert 'id="no-reports"' in body
    assert "figure-approvals" in body or "empty-state" in body


def _grow(count: int):
    region = RegionFactory()
    for n in range(count):
        institution = InstitutionFactory(region=region)
        accepted_report(institution, 2010, **figures_for(1_000_000 * (n + 1), 5_000_000, 3, 10, 4))
    recompute_metric_values()


def test_dashboard_queries_do_not_grow_with_institutions(
    client_for, mext_official, assert_constant_queries
):
    _grow(1)
    client = client_for(mext_official)
    assert_constant_queries(lambda: get_ok(client, URL, fy=2010), lambda: _grow(49), at_most=20)


def test_viewer_dashboard_queries_do_not_grow(client_for, viewer, assert_constant_queries):
    _grow(3)  # enough for an anonymised reader to see the view
    client = client_for(viewer)
    assert_constant_queries(lambda: get_ok(client, URL, fy=2010), lambda: _grow(49), at_most=20)


def test_benchmark_queries_do_not_grow(client_for, mext_official, assert_constant_queries):
    _grow(2)
    from institutions.models import Institution

    code = Institution.objects.order_by("pk").first().code
    client = client_for(mext_official)
    url = reverse("dashboards:benchmark", args=[code])
    assert_constant_queries(lambda: get_ok(client, url), lambda: _grow(48), at_most=20)


# --- English ---------------------------------------------------------------------------


def test_dashboard_in_english(client_for, country, mext_official):
    body = get_ok(client_for(mext_official), "/en/dashboards/", fy=2010).content.decode()
    assert "Name TLO-K1" in body
    assert "FY2010 (H22)" in body


def test_institutions_constant_used_by_tests_is_consistent():
    assert len(INSTITUTIONS) == 8
