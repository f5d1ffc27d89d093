"""Chromium opens each dashboard: every chart draws (a plot with data), the console shows no
error (a CSP violation is one), filters and the unit switch work, and a screenshot of each
dashboard is saved under test-results/ as an artefact."""

from pathlib import Path

import pytest

from dashboards.selectors import national as national_selectors
from tests.conftest import PASSWORD
from tests.dashboards.dashboard_support import build_country
from tests.e2e.conftest import login
from tests.factories import UserFactory, official_of, staff_of

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results"

# Every plot: drawn by our script, with plotly's SVG and at least one trace with points.
PLOTS_STATE = """
els => els.map(e => ({
  key: e.getAttribute('data-figure'),
  drawn: e.getAttribute('data-drawn') === 'true',
  svg: e.querySelectorAll('.main-svg').length,
  traces: (e.data || []).length,
  points: (e.data || []).reduce((n, t) => n + ((t.x || t.values || t.y || []).length), 0),
}))
"""


def _watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def _assert_every_chart_drew(page, expected_at_least: int) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plot')].every(e => e.getAttribute('data-drawn'))",
        timeout=30_000,
    )
    plots = page.eval_on_selector_all(".plot", PLOTS_STATE)
    assert len(plots) >= expected_at_least, " ".join(p["key"] for p in plots)
    for plot in plots:
        assert plot["drawn"] and plot["svg"] > 0 and plot["traces"] > 0, plot
        assert plot["points"] > 0, plot


def _screenshot(page, name: str) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / name), full_page=True)


def quadrant_source(*, user):
    """A stand-in for reviews.selectors.quadrant (the review itself is another journey)."""
    from institutions.models import Institution

    institutions = Institution.objects.filter(code__startswith="TLO-").order_by("code")
    return {
        "cycle": "2011年度審査",
        "fiscal_year": 2010,
        "points": [
            {"institution_id": i.pk, "regional_necessity": 2 + (n % 3), "category": "支援"}
            for n, i in enumerate(institutions)
        ],
    }


@pytest.mark.django_db(transaction=True)
def test_national_dashboard_for_an_official(page, live_server, monkeypatch):
    monkeypatch.setattr(national_selectors, "quadrant_points", quadrant_source)
    build_country()
    official_of(username="official-e2e")
    problems = _watch_console(page)

    login(page, live_server, "official-e2e", PASSWORD)
    page.click("#nav-dashboards")
    page.wait_for_url(f"{live_server.url}/dashboards/")
    assert "8機関中8機関" in page.locator("#coverage").inner_text()
    _assert_every_chart_drew(page, expected_at_least=15)
    assert page.locator("#figure-quadrant").count() == 1
    _screenshot(page, "dashboard_national.png")

    # Filters: a region, shown as a badge; removing the badge brings the whole country back.
    page.select_option("select[name=region]", "kanto")
    page.click(".dashboard-filters button[type=submit]")
    page.wait_for_url("**/dashboards/?*region=kanto*")
    assert "4機関中4機関" in page.locator("#coverage").inner_text()
    page.click('a.filter-badge:has-text("関東地区")')
    page.wait_for_url(lambda url: "region=" not in url)
    assert "8機関中8機関" in page.locator("#coverage").inner_text()

    # The unit switch in the header: amounts in 百万円 on the same page.
    page.select_option("#amount-unit-select", "million")
    page.click(".amount-unit-switch button")
    page.wait_for_load_state()
    assert "百万円" in page.locator("#kpis").inner_text()
    _assert_every_chart_drew(page, expected_at_least=15)
    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_national_dashboard_for_a_viewer_and_benchmark_for_staff(page, live_server):
    country = build_country()
    UserFactory(username="viewer-e2e")
    staff_of(country.institutions["TLO-K1"], username="staff-e2e")
    problems = _watch_console(page)

    login(page, live_server, "viewer-e2e", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/?fy=2010")
    _assert_every_chart_drew(page, expected_at_least=14)
    assert "名前TLO" not in page.content()
    _screenshot(page, "dashboard_viewer.png")
    page.click("form[action$='/accounts/logout/'] button")

    login(page, live_server, "staff-e2e", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/institutions/TLO-K1/?fy=2010")
    _assert_every_chart_drew(page, expected_at_least=2)
    text = page.content()
    assert "名前TLO-K1" in text and "名前TLO-K2" not in text
    _screenshot(page, "dashboard_benchmark.png")

    page.goto(f"{live_server.url}/en/dashboards/institutions/TLO-K1/?fy=2010")
    _assert_every_chart_drew(page, expected_at_least=2)
    assert problems == []
