"""Building the files that the import tests upload, in every encoding and format."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook

from metrics.enums import ReportState
from tests.factories import AnnualReportFactory


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
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def handmade_xlsx(*sheets: str, dimension: str = "", hidden: Sequence[int] = ()) -> bytes:
    """An XLSX file written part by part, a few kB whatever cells it names (openpyxl
    would write every cell up to a far one). Each argument is the inside of one
    worksheet's <sheetData> (see sheet_data); `hidden` lists sheets, from 0, that are
    hidden; `dimension` is written as every sheet's <dimension ref>."""
    names = range(1, len(sheets) + 1)
    entries = "".join(
        f'<sheet name="Sheet{n}" sheetId="{n}" r:id="rId{n}"'
        + (' state="hidden"' if n - 1 in hidden else "")
        + "/>"
        for n in names
    )
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELATIONSHIPS}/worksheet" '
        f'Target="worksheets/sheet{n}.xml"/>'
        for n in names
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_WORKSHEET}"/>'
        for n in names
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_WORKBOOK}"/>{overrides}</Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" '
            f'Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>{entries}</sheets>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PACKAGE}">{links}</Relationships>',
    }
    for n, inside in zip(names, sheets, strict=True):
        extent = f'<dimension ref="{dimension}"/>' if dimension else ""
        parts[f"xl/worksheets/sheet{n}.xml"] = (
            f'<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">{extent}'
            f"<sheetData>{inside}</sheetData></worksheet>"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            archive.writestr(name, declaration + text)
    return buffer.getvalue()


def sheet_data(cells: Mapping[str, Any]) -> str:
    """<row> and <c> elements for cells by reference, such as {"A1": "年度", "B2": 2010}:
    numbers as values, text written inline."""
    rows: dict[int, list[str]] = {}
    for reference, value in cells.items():
        row = int(re.fullmatch(r"[A-Z]+([0-9]+)", reference)[1])
        if isinstance(value, str):
            cell = f'<c r="{reference}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        else:
            cell = f'<c r="{reference}"><v>{value}</v></c>'
        rows.setdefault(row, []).append(cell)
    return "".join(f'<row r="{row}">{"".join(rows[row])}</row>' for row in sorted(rows))


def make_report(institution, fiscal_year: int, *, state: str = ReportState.DRAFT, **figures):
    return AnnualReportFactory(
        institution=institution, fiscal_year=fiscal_year, state=state, **figures
    )


def _as_json(preview: Any) -> dict[str, Any]:
    """A preview as stored (ImportJob.result), whether given typed or stored."""
    from metrics.importing.preview_data import Preview

    return preview.to_json() if isinstance(preview, Preview) else preview


def messages_of(preview: Any) -> list[str]:
    """Every problem of a preview as a person reads it, file-level first."""
    from core.tables.problems import Problem
    from metrics.importing.wording import describe

    preview = _as_json(preview)
    found = [describe(Problem.from_json(p)) for p in preview.get("file_errors", [])]
    for row in preview.get("rows", []):
        found += [describe(Problem.from_json(p)) for p in row.get("problems", [])]
    return found


def problems_of(preview: Any) -> list[dict[str, Any]]:
    preview = _as_json(preview)
    found = list(preview.get("file_errors", []))
    for row in preview.get("rows", []):
        found += row.get("problems", [])
    return found


def start_and_check(**arguments):
    """imports.start_import, then the background check it queues (run on commit), as a
    worker would; the job as it is afterwards."""
    from django.test import TestCase

    from metrics.services import imports

    with TestCase.captureOnCommitCallbacks(execute=True):
        job = imports.start_import(**arguments)
    job.refresh_from_db()
    return job


def stored(job) -> dict[str, Any]:
    """A job's whole stored preview (its head and every stored row), as JSON."""
    from metrics.selectors.imports import stored_preview

    return stored_preview(job).to_json()
