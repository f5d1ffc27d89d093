"""What an anonymised reader can reach for a fiscal year through the web, as numbers: the
national dashboard's chart payloads (the JSON in `<script type="application/json">`), every
chart's CSV download, the metric pages and their CSV downloads (ranking and aggregates),
and, for TLO staff, their own peer benchmark and its downloads. Fetched with the Django
test client, with every filter value the dashboard's page offers the reader.

Used by the disclosure audit (test_disclosure_audit.py)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import openpyxl

from dashboards.selectors.national import GROUP_MEDIANS, SEED_RANKINGS
from institutions.models import Institution, Region
from metrics.models import MetricDefinition

DASHBOARD = "/dashboards/"
# Keys of a plotly trace that carry the data (the rest is styling: colours, sizes, widths).
DATA_KEYS = ("x", "y", "z", "values", "customdata", "text", "hovertext", "base")
NUMBER = re.compile(r"[−-]?\d[\d,]*(?:\.\d+)?")


@dataclass
class Reach:
    """Every number found, with where it was found (for the audit's message)."""

    numbers: list[tuple[str, float]] = field(default_factory=list)
    pages: int = 0
    refused: list[str] = field(default_factory=list)  # filter values answered with a refusal
    names: list[str] = field(default_factory=list)  # public names, taken out of texts
    seen: set[tuple[str, str]] = field(default_factory=set)  # (chart, payload) already read

    def add(self, where: str, value: float) -> None:
        self.numbers.append((where, value))


def public_names() -> list[str]:
    """The public registry's names and codes of institutions and regions, longest first:
    a number inside a name (テストTLO255, 第2地区) is the registry's, not a figure."""
    names = set()
    for row in Institution.objects.values_list("code", "name_ja", "name_en"):
        names.update(n for n in row if n)
    for row in Region.objects.values_list("code", "name_ja", "name_en"):
        names.update(n for n in row if n)
    return sorted(names, key=lambda n: (-len(n), n))


def without_names(text: str, names: list[str]) -> str:
    """The text with every public name taken out (each replaced by a space)."""
    for name in names:
        if name in text:
            text = text.replace(name, " ")
    return text


def offered(body: str) -> dict[str, list[str]]:
    """The values each filter <select> of the page offers (blank: all)."""
    found = {}
    for select in re.finditer(r'<select name="([a-z_]+)".*?</select>', body, re.S):
        values = [v for v in re.findall(r'value="([^"]*)"', select.group(0)) if v]
        found[select.group(1)] = values
    return found


def reach(
    client,
    *,
    fiscal_year: int,
    benchmark_code: str | None = None,
    every_filter: bool = True,
    material: Sequence[str] = (),
) -> Reach:
    """Every number the client's reader reaches for the fiscal year (with `every_filter`
    False, the page as it opens and the refused filter values only: a dashboard with its
    downloads takes seconds, the demo's every filter minutes)."""
    found = Reach(names=public_names())
    base = {"fy": str(fiscal_year)}
    page = client.get(DASHBOARD, base)
    assert page.status_code == 200, page.status_code
    body = page.content.decode()
    choices = offered(body)
    views = [dict(base)]
    for name, values in choices.items():
        if name == "fy":
            continue
        if every_filter or name in ("region", "tlo_type", "specialisation"):
            views += [{**base, name: v} for v in values if v != base.get(name)]
    for view in views:
        _dashboard(client, view, found)
    codes = [*SEED_RANKINGS, *GROUP_MEDIANS]
    if every_filter:
        codes += MetricDefinition.objects.order_by("order", "code").values_list("code", flat=True)
    for code in dict.fromkeys(codes):
        _metric_page(client, code, fiscal_year, found)
    if benchmark_code:
        _benchmark(client, benchmark_code, fiscal_year, found)
    for entry in material:
        _material(client, entry, found)
    return found


def _material(client, entry: str, found: Reach) -> None:
    """A reviewer's material of one assigned institution: the entry page (named metrics
    over the years, positions in its groups), the scoring page (with the TLO's survey
    summary) and the hearing sheet (XLSX)."""
    for url in (entry, f"{entry}score/"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found.pages += 1
        for value in page_numbers(response.content.decode(), found.names):
            found.add(f"material {url}", value)
    sheet = client.get(f"{entry.rstrip('/')}/sheet.xlsx")
    assert sheet.status_code == 200, (entry, sheet.status_code)
    for value in xlsx_numbers(_body(sheet), found.names, header=False):
        found.add(f"material {entry} sheet.xlsx", value)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_numbers(content: bytes, names: list[str] = (), *, header: bool = True) -> Iterator[float]:
    """Numbers in every cell of a workbook (numeric cells and numbers written in text);
    with `header`, each sheet's first row names columns and is left out."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for worksheet in workbook.worksheets:
        rows = worksheet.iter_rows(values_only=True)
        if header:
            next(rows, None)
        for row in rows:
            for cell in row:
                yield from _leaves(cell, names)


def page_numbers(body: str, names: list[str]) -> Iterator[float]:
    """Numbers in the text of a page's main part (tags and their attributes left out)."""
    main = re.search(r'<main id="main-content"[^>]*>(.*?)</main>', body, re.S)
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", main.group(1) if main else "", flags=re.S)
    yield from text_numbers(html.unescape(text), names)


def _dashboard(client, view: dict[str, str], found: Reach) -> None:
    response = client.get(DASHBOARD, view)
    label = "&".join(f"{k}={v}" for k, v in sorted(view.items()))
    if response.status_code == 400:
        found.refused.append(label)
        return
    assert response.status_code == 200, (label, response.status_code)
    found.pages += 1
    body = response.content.decode()
    keys = []
    for key, payload in re.findall(
        r'<script type="application/json" id="figure-([^"]+)">(.*?)</script>', body, re.S
    ):
        if (key, payload) in found.seen:
            # The same chart as in a view already read (a metric filter adds one ranking
            # and leaves the others be): its numbers and its download are read once.
            continue
        found.seen.add((key, payload))
        keys.append(key)
        for value in _trace_numbers(json.loads(payload), found.names):
            found.add(f"dashboard {label} chart {key}", value)
    for key in keys:
        download = client.get(DASHBOARD, {**view, "download": key})
        assert download.status_code == 200, (label, key, download.status_code)
        for value in csv_numbers(download.content, found.names):
            found.add(f"dashboard {label} download {key}", value)


def _metric_page(client, code: str, fiscal_year: int, found: Reach) -> None:
    url = f"/metrics/{code}/"
    response = client.get(url, {"fy": fiscal_year})
    assert response.status_code == 200, (url, response.status_code)
    found.pages += 1
    for table in ("ranking", "aggregates"):
        download = client.get(url, {"fy": fiscal_year, "format": "csv", "table": table})
        assert download.status_code == 200, (url, table, download.status_code)
        for value in csv_numbers(download.content, found.names):
            found.add(f"metric {code} {table}.csv", value)
        workbook = client.get(url, {"fy": fiscal_year, "format": "xlsx", "table": table})
        assert workbook.status_code == 200, (url, table, workbook.status_code)
        for value in xlsx_numbers(_body(workbook), found.names):
            found.add(f"metric {code} {table}.xlsx", value)


def _benchmark(client, code: str, fiscal_year: int, found: Reach) -> None:
    url = f"/dashboards/institutions/{code}/"
    response = client.get(url, {"fy": fiscal_year})
    assert response.status_code == 200, (url, response.status_code)
    found.pages += 1
    body = response.content.decode()
    for key, payload in re.findall(
        r'<script type="application/json" id="figure-([^"]+)">(.*?)</script>', body, re.S
    ):
        for value in _trace_numbers(json.loads(payload), found.names):
            found.add(f"benchmark chart {key}", value)
        download = client.get(url, {"fy": fiscal_year, "download": key})
        assert download.status_code == 200, (url, key, download.status_code)
        for value in csv_numbers(download.content, found.names):
            found.add(f"benchmark download {key}", value)


def _trace_numbers(figure: dict, names: list[str]) -> Iterator[float]:
    for trace in figure.get("data", []):
        trace = _bar_ends(trace)
        for key in DATA_KEYS:
            yield from _leaves(trace.get(key), names)


def _bar_ends(trace: dict) -> dict:
    """A bar drawn from `base` carries its length, the difference of two numbers the
    reader is shown (its start and its end, e.g. a group's 20th and 80th percentiles):
    what the reader learns is the end, so that is what is audited."""
    base = trace.get("base")
    if trace.get("type") != "bar" or not isinstance(base, list):
        return trace
    length_key = "x" if trace.get("orientation") == "h" else "y"
    lengths = trace.get(length_key) or []
    ends = [
        None if start is None or length is None else start + length
        for start, length in zip(base, lengths, strict=False)
    ]
    return {**trace, length_key: ends}


def _leaves(value, names: list[str]) -> Iterator[float]:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        yield float(value)
    elif isinstance(value, str):
        yield from text_numbers(value, names)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item, names)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item, names)


def text_numbers(text: str, names: list[str] = ()) -> Iterator[float]:
    """Numbers written in a text (hover text, a CSV cell): 1,234,567 / −12.5 / 3.4%; the
    public names in it are taken out first."""
    for match in NUMBER.finditer(without_names(text, names)):
        yield float(match.group(0).replace(",", "").replace("−", "-"))


def csv_numbers(content: bytes, names: list[str] = ()) -> Iterator[float]:
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows[1:]:  # the header row names columns
        for cell in row:
            yield from text_numbers(cell, names)
