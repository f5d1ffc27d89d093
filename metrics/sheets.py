"""Tables for CSV/XLSX downloads and exports: headers and rows, numbers kept numbers.

Text cells are neutralised by core.spreadsheets when written, so a spreadsheet never
runs them. Pure functions over what selectors return; no queries of their own beyond
iterating a queryset they are given.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from core.amounts import AmountUnit, format_yen, unit_label

from .enums import MetricUnit
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
from .selectors.metric_values import MetricPage, RankingTable

# Reports: the field codes (amounts in whole yen) after the institution's code and name,
# the fiscal year and the report's state; the import reads such a file back (the state
# column is for information and ignored).
EXPORT_COLUMNS = (INSTITUTION, INSTITUTION_NAME, FISCAL_YEAR, "state", *REPORT_FIELD_CODES)


def export_rows(reports: QuerySet[AnnualReport]) -> Iterator[list[Any]]:
    for report in reports.iterator(chunk_size=2_000):
        yield [
            report.institution.code,
            report.institution.name_ja,
            report.fiscal_year,
            report.state,
            *(getattr(report, code) for code in REPORT_FIELD_CODES),
        ]


def template_headers() -> tuple[list[str], list[str]]:
    """The import template's two header rows: the Japanese labels people write, and under
    them the field codes (which the import recognises and skips)."""
    labels = [INSTITUTION_HEADER_JA, INSTITUTION_NAME_HEADER_JA, FISCAL_YEAR_HEADER_JA]
    codes = [INSTITUTION, INSTITUTION_NAME, FISCAL_YEAR]
    labels += [spec.label_ja for spec in REPORT_FIELDS]
    codes += [spec.code for spec in REPORT_FIELDS]
    return labels, codes


def ranking_sheet(
    table: RankingTable, *, amount_unit: str = AmountUnit.YEN
) -> tuple[list[str], list[list]]:
    """Headers and rows of a ranking for a CSV/XLSX download: numbers stay numbers.

    `value` is the plain number (whole yen for amounts, for scripts); `value_display` is
    for people, so an amount is shown in the reader's unit, named in its header."""
    display_header = "value_display"
    displays = [r.display for r in table.rows]
    if table.definition.unit == MetricUnit.YEN:
        display_header = f"value_display ({unit_label(amount_unit)})"
        displays = [format_yen(r.value, amount_unit) for r in table.rows]
    if table.anonymised:
        headers = ["rank", "label", "value", display_header]
        rows = [[r.rank, r.label, r.value, d] for r, d in zip(table.rows, displays, strict=True)]
    else:
        headers = ["rank", "institution_code", "label", "value", display_header]
        rows = [
            [r.rank, r.institution.code, r.label, r.value, d]
            for r, d in zip(table.rows, displays, strict=True)
        ]
    return headers, rows


def aggregate_sheet(page: MetricPage) -> tuple[list[str], list[list]]:
    """Headers and rows of a metric page's aggregates for a CSV/XLSX download. A withheld
    group (too few institutions for the reader) has no values, and says why."""
    headers = ["grouping", "group", "pooled", "median", "included", "excluded", "note"]
    rows = []
    groups = [("national", page.national)] if page.national else []
    groups += [("region", row) for row in page.by_region]
    groups += [("tlo_type", row) for row in page.by_type]
    for grouping, row in groups:
        result = row.aggregate
        note = row.pooled_display if row.withheld else ""
        rows.append(
            [grouping, row.group, row.pooled, row.median, result.included, result.excluded, note]
        )
    return headers, rows
