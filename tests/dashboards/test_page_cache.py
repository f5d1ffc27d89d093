"""Cached page data as readers meet it: never across audiences, and a write shows on the
next request (core.cache)."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation

from core.amounts import AmountUnit
from metrics.enums import ReportState
from metrics.models import AnnualReport
from metrics.services import reports
from tests.dashboards.dashboard_support import build_country
from tests.factories import staff_of
from tests.support import get_ok

URL = "/dashboards/"


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def country(db):
    return build_country()


def _names(country) -> list[str]:
    return [i.name_ja for i in country.institutions.values()]


def _licence_income_2010(client) -> str:
    response = client.get(URL, {"fy": 2010, "download": "trend_amounts"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return next(row for row in rows if row[0].startswith("2010年度"))[2]


def test_viewer_never_receives_the_page_cached_for_an_official(
    client_for, country, mext_official, viewer
):
    official_body = get_ok(client_for(mext_official), URL, fy=2010).content.decode()
    assert "名前TLO-K1" in official_body
    viewer_body = get_ok(client_for(viewer), URL, fy=2010).content.decode()
    for name in _names(country):
        assert name not in viewer_body


def test_viewer_download_never_comes_from_the_officials_cache(
    client_for, country, mext_official, viewer
):
    params = {"fy": 2010, "download": "ranking_return_on_cost"}
    official = client_for(mext_official).get(URL, params).content.decode("utf-8-sig")
    assert "名前TLO-K1" in official
    anonymised = client_for(viewer).get(URL, params).content.decode("utf-8-sig")
    for name in _names(country):
        assert name not in anonymised


def test_staff_of_another_institution_never_receive_the_first_staffs_mark(client_for, country):
    k1 = staff_of(country.institutions["TLO-K1"], username="k1-staff")
    n1 = staff_of(country.institutions["TLO-N1"], username="n1-staff")
    params = {"fy": 2010, "download": "ranking_return_on_cost"}
    first = client_for(k1).get(URL, params).content.decode("utf-8-sig")
    second = client_for(n1).get(URL, params).content.decode("utf-8-sig")
    # Each sees one row marked as their own, at their own institution's rank.
    assert first != second


def test_english_reader_never_receives_the_japanese_page(client_for, country, viewer):
    client = client_for(viewer)
    params = {"fy": 2010, "download": "trend_amounts"}
    japanese = client.get(URL, params).content.decode("utf-8-sig").splitlines()[0]
    english = client.get("/en" + URL, params).content.decode("utf-8-sig").splitlines()[0]
    assert "ライセンス収入" in japanese
    assert english.isascii()


def test_reopened_report_is_gone_from_the_next_request(client_for, country, mext_official):
    client = client_for(mext_official)
    total = sum(f["licence_income"] for (_c, fy), f in country.figures.items() if fy == 2010)
    assert _licence_income_2010(client) == str(total)
    report = AnnualReport.objects.get(institution=country.institutions["TLO-K1"], fiscal_year=2010)
    reports.reopen_report(actor=mext_official, report=report, reason="誤り")
    k1_income = country.figures[("TLO-K1", 2010)]["licence_income"]
    assert _licence_income_2010(client) == str(total - k1_income)


def test_write_outside_the_services_is_not_seen_until_the_version_moves(
    client_for, country, mext_official
):
    """What the cache relies on: a change that no service made (and so moved no version)
    stays unseen; the next service write shows everything."""
    client = client_for(mext_official)
    before = _licence_income_2010(client)
    AnnualReport.objects.filter(fiscal_year=2010, institution__code="TLO-K2").update(
        state=ReportState.DRAFT, accepted_at=None, accepted_by=None
    )
    assert _licence_income_2010(client) == before
    from core.cache import bump_data_version

    bump_data_version()
    k2_income = country.figures[("TLO-K2", 2010)]["licence_income"]
    assert _licence_income_2010(client) == str(int(before) - k2_income)


def test_metric_page_for_a_viewer_never_comes_from_the_officials_cache(
    client_for, country, mext_official, viewer
):
    url = "/metrics/return_on_cost/"
    assert "名前TLO-K1" in get_ok(client_for(mext_official), url, fy=2010).content.decode()
    body = get_ok(client_for(viewer), url, fy=2010).content.decode()
    for name in _names(country):
        assert name not in body


def test_reopened_report_is_gone_from_the_next_pages_html(client_for, country, mext_official):
    mext_official.amount_unit = AmountUnit.MILLION
    mext_official.save()
    client = client_for(mext_official)
    total = sum(f["licence_income"] for (_c, fy), f in country.figures.items() if fy == 2010)
    k1_income = country.figures[("TLO-K1", 2010)]["licence_income"]
    before = get_ok(client, URL, fy=2010).content.decode()
    assert f"{round(total / 1_000_000, 1)}百万円" in before
    report = AnnualReport.objects.get(institution=country.institutions["TLO-K1"], fiscal_year=2010)
    reports.reopen_report(actor=mext_official, report=report, reason="誤り")
    after = get_ok(client, URL, fy=2010).content.decode()
    assert f"{round((total - k1_income) / 1_000_000, 1)}百万円" in after


def test_institution_metrics_never_come_from_another_units_page(client_for, country, mext_official):
    url = "/institutions/TLO-K1/"
    client = client_for(mext_official)
    in_yen = get_ok(client, url).content.decode()
    mext_official.amount_unit = AmountUnit.MILLION
    mext_official.save()
    in_millions = get_ok(client, url).content.decode()
    assert "百万円" not in in_yen.split('id="institution-metrics"')[1]
    assert "百万円" in in_millions.split('id="institution-metrics"')[1]


def test_metric_page_reader_who_switches_unit_sees_the_new_unit(client_for, country, mext_official):
    """The metric page's HTML is cached; its amounts are written in the reader's unit."""
    client = client_for(mext_official)
    url = "/metrics/income_per_licence/"

    def ranking() -> str:
        body = get_ok(client, url, fy=2010).content.decode()
        return body[body.index('id="ranking"') : body.index('id="ranking-counts"')]

    yen = ranking()
    assert "円" in yen and "百万円" not in yen
    mext_official.amount_unit = AmountUnit.MILLION
    mext_official.save(update_fields=["amount_unit"])
    assert "百万円" in ranking()
