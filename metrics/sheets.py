"""Tables for CSV/XLSX downloads and exports: headers and rows, numbers kept numbers.

Text cells are neutralised by core.spreadsheets when written, so a spreadsheet never
runs them. Pure functions over what selectors return; no queries of their own beyond
iterating a queryset they are given.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone, translation

from core.amounts import AmountUnit, format_yen, unit_label

from .enums import MetricUnit, ReportState
from .importing import licences
from .importing.headers import (
    FISCAL_YEAR,
    FISCAL_YEAR_HEADER_JA,
    INSTITUTION,
    INSTITUTION_HEADER_JA,
    INSTITUTION_NAME,
    INSTITUTION_NAME_HEADER_JA,
)
from .models import AnnualReport
from .report_fields import REPORT_FIELD_CODES, REPORT_FIELDS
from .selectors.collection import CollectionStatus
from .selectors.metric_values import MetricPage, RankingTable

# Reports: the field codes (amounts in whole yen) after the institution's code and name,
# the fiscal year and the report's state; the import reads such a file back (the state
# column is for information and ignored).
EXPORT_COLUMNS = (INSTITUTION, INSTITUTION_NAME, FISCAL_YEAR, "state", *REPORT_FIELD_CODES)


# The same columns for people (the page's download): the template's Japanese headers,
# which the import reads back as well as the codes.
EXPORT_HEADERS_JA = (
    INSTITUTION_HEADER_JA,
    INSTITUTION_NAME_HEADER_JA,
    FISCAL_YEAR_HEADER_JA,
    "状態",
    *(spec.label_ja for spec in REPORT_FIELDS),
)

# Downloads meant for people have Japanese headers and labels; `?headers=codes` gives the
# codes scripts read (the command-line exports always do).
CODES = "codes"


def export_headers(*, codes: bool) -> list[str]:
    return list(EXPORT_COLUMNS if codes else EXPORT_HEADERS_JA)


def export_rows(reports: QuerySet[AnnualReport], *, codes: bool = True) -> Iterator[list[Any]]:
    states = {state.value: _japanese(state.label) for state in ReportState}
    for report in reports.iterator(chunk_size=2_000):
        yield [
            report.institution.code,
            report.institution.name_ja,
            report.fiscal_year,
            report.state if codes else states[report.state],
            *(getattr(report, code) for code in REPORT_FIELD_CODES),
        ]


def _japanese(label) -> str:
    with translation.override("ja"):
        return str(label)


# The collection status for scripts (/metrics/status/?fy=YEAR&format=csv): fixed columns,
# state codes, ISO dates (Japan time), empty when not yet.
STATUS_COLUMNS = ("institution_code", "institution_name", "state", "submitted_at", "accepted_at")


def status_rows(status: CollectionStatus) -> Iterator[list[Any]]:
    for row in status.rows:
        yield [
            row.institution.code,
            row.institution.name_ja,
            row.state,
            _iso_date(row.submitted_at),
            _iso_date(row.accepted_at),
        ]


# The same status for people (/metrics/status/?format=xlsx): Japanese headers and states,
# real date cells. `&headers=codes` gives STATUS_COLUMNS and status_rows instead.
STATUS_HEADERS_JA = ("機関コード", "機関名", "状況", "提出日", "受理日", "期限内")


def status_rows_for_people(status: CollectionStatus) -> Iterator[list[Any]]:
    for row in status.rows:
        yield [
            row.institution.code,
            row.institution.name_ja,
            _japanese(row.state_label),
            _local_date(row.submitted_at),
            _local_date(row.accepted_at),
            "" if row.on_time is None else ("はい" if row.on_time else "いいえ"),
        ]


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def _iso_date(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def template_headers() -> tuple[list[str], list[str]]:
    """The import template's two header rows: the Japanese labels people write, and under
    them the field codes (which the import recognises and skips)."""
    labels = [INSTITUTION_HEADER_JA, INSTITUTION_NAME_HEADER_JA, FISCAL_YEAR_HEADER_JA]
    codes = [INSTITUTION, INSTITUTION_NAME, FISCAL_YEAR]
    labels += [spec.label_ja for spec in REPORT_FIELDS]
    codes += [spec.code for spec in REPORT_FIELDS]
    return labels, codes


def licence_template() -> tuple[str, list[str], list[list[str]]]:
    """The template's second sheet, ライセンス明細: Japanese headers, then a row of codes
    (recognised and skipped by the import, as on the first sheet)."""
    labels = [label for label, _code in licences.TEMPLATE_HEADERS]
    codes = [code for _label, code in licences.TEMPLATE_HEADERS]
    return licences.SHEET_NAME, labels, [codes]


_RANKING_HEADERS = {
    "rank": "順位",
    "institution_code": "機関コード",
    "label": "機関",
    "value": "値",
    "value_display": "表示値",
    "source": "出典",
}
_AGGREGATE_HEADERS = {
    "grouping": "区分",
    "group": "グループ",
    "pooled": "合算値",
    "median": "中央値",
    "included": "対象機関数",
    "excluded": "除外機関数(値なし)",
    "note": "備考",
    "source": "出典",
}
_GROUPINGS_JA = {"national": "全国", "region": "地域", "tlo_type": "TLO類型"}


def ranking_sheet(
    table: RankingTable, *, codes: bool = False, amount_unit: str = AmountUnit.YEN
) -> tuple[list[str], list[list]]:
    """Headers and rows of a ranking for a CSV/XLSX download: numbers stay numbers;
    Japanese headers unless `codes`.

    `value` is the plain number (whole yen for amounts, for scripts); `value_display` is
    for people, so an amount is shown in the reader's unit, named in its header. A
    satisfaction metric's download for people ends with each value's source (出典)."""
    displays = [r.display for r in table.rows]
    unit = ""
    if table.definition.unit == MetricUnit.YEN:
        unit = unit_label(amount_unit)
        displays = [format_yen(r.value, amount_unit) for r in table.rows]
    if table.anonymised:
        columns = ["rank", "label", "value", "value_display"]
        rows = [[r.rank, r.label, r.value, d] for r, d in zip(table.rows, displays, strict=True)]
    else:
        columns = ["rank", "institution_code", "label", "value", "value_display"]
        rows = [
            [r.rank, r.institution.code, r.label, r.value, d]
            for r, d in zip(table.rows, displays, strict=True)
        ]
    headers = _headers(columns, _RANKING_HEADERS, codes)
    if unit:
        headers[-1] = f"{headers[-1]} ({unit})"
    if not codes and any(r.source for r in table.rows):
        # A satisfaction value's source (self-reported or the survey), for people only:
        # the scripts' columns stay fixed.
        headers.append(_RANKING_HEADERS["source"])
        rows = [[*row, r.source] for row, r in zip(rows, table.rows, strict=True)]
    return headers, rows


def aggregate_sheet(page: MetricPage, *, codes: bool = False) -> tuple[list[str], list[list]]:
    """Headers and rows of a metric page's aggregates for a CSV/XLSX download. A withheld
    group (too few institutions for the reader) has no values, and says why. Japanese
    headers and groupings unless `codes`."""
    columns = ["grouping", "group", "pooled", "median", "included", "excluded", "note"]
    rows = []
    groups = [("national", page.national)] if page.national else []
    groups += [("region", row) for row in page.by_region]
    groups += [("tlo_type", row) for row in page.by_type]
    for grouping, row in groups:
        result = row.aggregate
        note = row.pooled_display if row.withheld else ""
        shown = grouping if codes else _GROUPINGS_JA[grouping]
        rows.append(
            [shown, row.group, row.pooled, row.median, result.included, result.excluded, note]
        )
    if not codes and page.source_label:
        # Every value of the year has the same source; for people only, as above.
        columns.append("source")
        rows = [[*row, page.source_label] for row in rows]
    return _headers(columns, _AGGREGATE_HEADERS, codes), rows


def _headers(columns: list[str], japanese: dict[str, str], codes: bool) -> list[str]:
    return columns if codes else [japanese[column] for column in columns]
