"""Reports as a table for CSV / XLSX downloads and export_reports, and the template.

Columns are the field codes (amounts in whole yen), after the institution's code and
name, the fiscal year and the report's state; the import reads such a file back
(the state column is for information and ignored). Text cells are neutralised by
institutions.spreadsheets when written, so a spreadsheet never runs them; numbers stay
numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from institutions.models import Institution, User
from institutions.permissions import can_see_all_institutions

from ..models import AnnualReport
from ..report_fields import REPORT_FIELD_CODES, REPORT_FIELDS
from .headers import (
    FISCAL_YEAR,
    FISCAL_YEAR_HEADER_JA,
    INSTITUTION,
    INSTITUTION_HEADER_JA,
    INSTITUTION_NAME,
    INSTITUTION_NAME_HEADER_JA,
)

EXPORT_COLUMNS = (INSTITUTION, INSTITUTION_NAME, FISCAL_YEAR, "state", *REPORT_FIELD_CODES)


def exportable_reports(
    *,
    user: User,
    fiscal_year: int | None = None,
    institution: Institution | None = None,
    state: str = "",
) -> QuerySet[AnnualReport]:
    """The reports this person may see, filtered; one query with their institutions."""
    reports = AnnualReport.objects.select_related("institution").order_by(
        "institution__code", "fiscal_year"
    )
    if not can_see_all_institutions(user):
        reports = reports.filter(institution__memberships__user=user)
    if fiscal_year is not None:
        reports = reports.filter(fiscal_year=fiscal_year)
    if institution is not None:
        reports = reports.filter(institution=institution)
    if state:
        reports = reports.filter(state=state)
    return reports


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
    """The template's two header rows: the Japanese labels people write, and under them
    the field codes (which the import recognises and skips)."""
    labels = [INSTITUTION_HEADER_JA, INSTITUTION_NAME_HEADER_JA, FISCAL_YEAR_HEADER_JA]
    codes = [INSTITUTION, INSTITUTION_NAME, FISCAL_YEAR]
    labels += [spec.label_ja for spec in REPORT_FIELDS]
    codes += [spec.code for spec in REPORT_FIELDS]
    return labels, codes
