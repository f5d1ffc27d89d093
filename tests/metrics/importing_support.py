"""Building the files that the import tests upload, in every encoding and format."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from metrics.enums import ReportState
from metrics.models import AnnualReport


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> bytes:
    """A CSV file as Excel writes it: CRLF lines, in the given encoding
    ("utf-8", "utf-8-sig" for UTF-8 with BOM, "cp932" for Shift_JIS)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, title: str = "報告") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Figures for every core field (metrics.report_fields.CORE_FIGURES): a report needs them
# to be submitted.
CORE = {
    "patent_applications": 10,
    "licences_granted": 2,
    "licence_income": 3_000_000,
    "personnel_costs": 9_000_000,
    "patent_costs": 1_000_000,
}


def make_report(institution, fiscal_year: int, *, state: str = ReportState.DRAFT, **figures):
    return AnnualReport.objects.create(
        institution=institution, fiscal_year=fiscal_year, state=state, **figures
    )


def messages_of(preview: dict[str, Any]) -> list[str]:
    """Every problem of a preview as a person reads it, file-level first."""
    from metrics.importing.problems import Problem

    found = [Problem.from_json(p).describe() for p in preview.get("file_errors", [])]
    for row in preview.get("rows", []):
        found += [Problem.from_json(p).describe() for p in row.get("problems", [])]
    return found


def problems_of(preview: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(preview.get("file_errors", []))
    for row in preview.get("rows", []):
        found += row.get("problems", [])
    return found
