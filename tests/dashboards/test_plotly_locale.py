"""The vendored plotly.js says nothing in English on a Japanese page, and every chart's
config keeps it on the site."""

import json
import re
from pathlib import Path

from dashboards.charts.base import Chart

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "plotly"

# plotly's translated strings are the literals passed to its `_(gd, "...")` helper, which
# the 4.1.1 minified bundle names eu, Wx, _ and TL._ (check after an update of the bundle).
TRANSLATED = re.compile(r'\b(?:eu|Wx|_|[A-Za-z]{1,3}\._)\([A-Za-z.]+,"([^"]+)"\)')
LOCALE_KEY = re.compile(r"^\s*'((?:[^'\\]|\\.)+)'\s*:", re.MULTILINE)
# Literals of the same shape that are not messages shown to anyone.
NOT_MESSAGES = {"kde:"}


def _bundle_messages() -> set[str]:
    text = (VENDOR / "plotly-strict.min.js").read_text(encoding="utf-8")
    return set(TRANSLATED.findall(text)) - NOT_MESSAGES


def test_plotly_locale_ja_has_every_message_of_the_bundle():
    locale = (VENDOR / "plotly-locale-ja.js").read_text(encoding="utf-8")
    keys = set(LOCALE_KEY.findall(locale))
    messages = _bundle_messages()

    assert "Preparing image - this may take a few seconds" in messages  # the regex finds them
    assert sorted(messages - keys) == []


def test_plotly_locale_ja_translates_the_download_toasts():
    locale = (VENDOR / "plotly-locale-ja.js").read_text(encoding="utf-8")
    line = next(x for x in locale.splitlines() if "'Preparing image - this" in x)

    assert "画像を準備" in line


def test_chart_figure_json_carries_a_config_that_stays_on_the_site():
    chart = Chart(key="k", title="t", headers=[], rows=[], figure={"data": [], "layout": {}})

    config = json.loads(chart.figure_json)["config"]

    assert (
        config["displaylogo"],
        config["showSendToCloud"],
        config["showEditInChartStudio"],
        config["plotlyServerURL"],
    ) == (False, False, False, "")
    assert "sendDataToCloud" in config["modeBarButtonsToRemove"]
    assert "toImage" not in config["modeBarButtonsToRemove"]
