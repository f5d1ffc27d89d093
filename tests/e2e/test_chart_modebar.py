"""Charts keep their data on the site (issue 16): on every page that draws a chart the mode
bar offers the PNG download, zoom and reset, no share/cloud/Chart Studio button and no link
out; using it sends no request to any host but the product's own; its messages are Japanese."""

import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD
from tests.dashboards.dashboard_support import build_country
from tests.e2e.conftest import login
from tests.factories import official_of

OUTSIDE_WORDS = ("share", "cloud", "chart studio", "plotly", "共有", "edit in")


def _wait_for_charts(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plot')].every(e => e.getAttribute('data-drawn'))",
        timeout=30_000,
    )


def _use_the_mode_bar(page) -> list[str]:
    """Hover the first chart, check its buttons, click zoom in/out and reset, download the
    PNG; return the titles of the buttons."""
    plot = page.locator(".plot[data-drawn]").first
    plot.hover()
    titles = plot.locator(".modebar-btn").evaluate_all(
        "els => els.map(e => e.getAttribute('data-title') || '')"
    )
    assert plot.locator(".modebar a[href]").count() == 0  # no link out (the plotly logo)
    for button in (
        "[data-attr=zoom][data-val=in]",
        "[data-attr=zoom][data-val=out]",
        "[data-val=reset]",
        "[data-val=auto]",
    ):
        if plot.locator(f".modebar-btn{button}").count():
            plot.hover()
            plot.locator(f".modebar-btn{button}").click()
    plot.hover()
    with page.expect_download() as download:
        plot.locator(".modebar-btn[data-title='PNGファイルでダウンロード']").click()
    assert download.value.suggested_filename.endswith(".png")
    return titles


@pytest.mark.django_db(transaction=True)
def test_chart_modebar_stays_on_the_site(page, live_server):
    country = build_country()
    official_of(username="official-modebar")
    own_host = urlsplit(live_server.url).netloc
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    notes: list[str] = []

    login(page, live_server, "official-modebar", PASSWORD)
    code = next(iter(country.institutions))
    for path in ("/dashboards/?fy=2010", f"/dashboards/institutions/{code}/?fy=2010"):
        page.goto(live_server.url + path)
        _wait_for_charts(page)
        titles = _use_the_mode_bar(page)
        note = page.locator(".plotly-notifier .notifier-note")
        if note.count():
            notes.extend(note.all_inner_texts())

        assert "PNGファイルでダウンロード" in titles
        assert len(titles) == len(set(titles))  # each button says what it does (移動 ≠ 拡大)
        lowered = " ".join(titles).lower()
        assert [w for w in OUTSIDE_WORDS if w in lowered] == []
        assert page.locator(".modebar-btn--logo").count() == 0

    assert sorted(
        {urlsplit(u).netloc for u in requests if not u.startswith(("data:", "blob:"))}
    ) == [own_host]
    # plotly's toasts ("Preparing image…", "Image download succeeded") are Japanese; the
    # file name in them is the chart's key.
    messages = [re.sub(r"\S+\.png", "", n) for n in notes]
    assert messages and [m for m in messages if re.search("[A-Za-z]", m)] == []


@pytest.mark.django_db(transaction=True)
def test_chart_png_button_under_the_chart_downloads_with_the_keyboard(page, live_server):
    build_country()
    official_of(username="official-png")

    login(page, live_server, "official-png", PASSWORD)
    page.goto(live_server.url + "/dashboards/?fy=2010")
    _wait_for_charts(page)
    button = page.locator("button[data-png]").first
    button.focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")

    assert download.value.suggested_filename.endswith(".png")


@pytest.mark.django_db(transaction=True)
def test_trend_marks_an_incomplete_year_in_chromium(page, live_server):
    build_country()  # FY2011: two of eight institutions reported
    official_of(username="official-trend")

    login(page, live_server, "official-trend", PASSWORD)
    page.goto(live_server.url + "/dashboards/?fy=2011")
    _wait_for_charts(page)
    annotation = page.locator("#chart-trend_counts .annotation-text").all_text_contents()
    dotted = page.locator("#chart-trend_counts path.js-line[style*='stroke-dasharray']").count()

    assert any("2/8機関" in text for text in annotation)
    assert dotted > 0
