"""A parsed file checked row by row: the preview a person confirms.

Each data row becomes one entry: new (no report yet), changed (old → new per field),
unchanged, or error (with every problem of the row). Warnings from
metrics.validation.report_warnings compare each written report with the previous
fiscal year's, whether that is in the database or in the same file.

The preview is typed (metrics.importing.preview_data: Preview, PreviewRow) and stored
as JSON in ImportJob.result; confirming reads it back. Reads only: a fixed number of
queries whatever the size of the file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.tables.files import read_table
from core.tables.problems import FileProblem, Problem
from institutions.fiscal_years import FiscalYearError, parse_fiscal_year
from institutions.models import Institution, User
from institutions.selectors import InstitutionMatcher, InstitutionNotFound

from ..enums import RowOutcome
from ..models import AnnualReport, LicenceAgreement
from ..permissions import can_import_for
from ..report_fields import REPORT_FIELD_CODES, REPORT_FIELDS_BY_CODE, Unit
from ..report_years import current_fiscal_year, first_report_year
from ..validation import report_warnings
from ..workflow import editable
from . import licences as licence_rows
from .headers import FISCAL_YEAR, INSTITUTION, INSTITUTION_NAME, Column, is_code_row, map_headers
from .preview_data import Preview, PreviewRow
from .problems import ProblemKind
from .values import (
    MAX_COUNT,
    MAX_YEN,
    CellProblem,
    Figure,
    cell_text,
    expected_key,
    parse_figure,
)

PROGRESS_EVERY = 1_000
_QUERY_CHUNK = 5_000  # ids per IN (…): PostgreSQL takes at most 65,535 parameters


ProgressCallback = Callable[[int, int], None]


@dataclass
class ParsedRow:
    row: int
    institution: Institution | None = None
    fiscal_year: int | None = None
    values: dict[str, Figure | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def build_preview(
    *,
    data: bytes,
    file_name: str,
    actor: User,
    progress: ProgressCallback | None = None,
) -> Preview:
    """The preview of a file for this person: every row's outcome, warnings, a summary."""
    preview = Preview(file_name=file_name)
    try:
        # The licence detail sheet comes from the same parse (the child process's).
        table = read_table(data, sheets=(licence_rows.SHEET_NAME,))
    except FileProblem as failure:
        preview.file_errors = [failure.problem]
        return preview
    preview.format, preview.encoding = table.format, table.encoding
    rows = table.rows
    header_index = next((i for i, cells in enumerate(rows) if _filled(cells)), None)
    if header_index is None:
        preview.file_errors = [Problem(ProblemKind.NO_HEADER)]
        return preview
    header = map_headers(rows[header_index], row=header_index + 1)
    preview.notices = list(header.notices)
    preview.fields = [c.target for c in header.figures]
    preview.columns = [
        {"header": c.header, "target": c.target, "scale": c.scale} for c in header.columns
    ]
    first_data = header_index + 1
    if first_data < len(rows) and is_code_row(rows[first_data], header.columns):
        first_data += 1
    data_rows = [(i + 1, cells) for i, cells in enumerate(rows[first_data:], first_data)]
    data_rows = [(number, cells) for number, cells in data_rows if _filled(cells)]
    file_errors = header.errors + _headerless_values(header.headerless, data_rows)
    if not file_errors and not data_rows:
        file_errors.append(Problem(ProblemKind.NO_DATA))
    matcher = _CachedMatcher(actor)
    if file_errors:
        # The cells are checked all the same, in the columns the header names, so that
        # the header's problems and the cells' come in one round (nothing is judged
        # against the stored reports: the file cannot be confirmed).
        parsed = _parse_rows(data_rows, header.columns, matcher, progress)
        preview.rows = [_entry(row) for row in parsed if row.problems]
        preview.file_errors = list(file_errors)
        preview.institutions = _institutions_of(parsed)
        return preview

    parsed = _parse_rows(data_rows, header.columns, matcher, progress)
    licences, licence_problems = _licence_sheet(
        table.sheets.get(licence_rows.SHEET_NAME), matcher, parsed
    )
    preview.rows = _judge(parsed, header.figures, licences)
    preview.file_errors = list(licence_problems)
    preview.institutions = _institutions_of(parsed)
    return preview


def _institutions_of(parsed: list[ParsedRow]) -> dict[int, list[str]]:
    return {
        institution.pk: [institution.code, institution.name_ja, institution.name_en]
        for institution in {r.institution for r in parsed if r.institution is not None}
    }


def _filled(cells: Iterable[Any]) -> bool:
    return any(cell is not None and cell != "" and str(cell).strip() for cell in cells)


def _headerless_values(positions: list[int], data_rows: list[tuple[int, list[Any]]]):
    problems = []
    for position in positions:
        for number, cells in data_rows:
            if position < len(cells) and cell_text(cells[position]):
                problems.append(
                    Problem(
                        ProblemKind.DATA_WITHOUT_HEADER,
                        row=number,
                        params={"position": column_letter(position)},
                    )
                )
                break
    return problems


def column_letter(index: int) -> str:
    """A, B, …, Z, AA, … as spreadsheets name columns (index from 0)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _parse_rows(
    data_rows: list[tuple[int, list[Any]]],
    columns: list[Column],
    matcher: _CachedMatcher,
    progress: ProgressCallback | None,
) -> list[ParsedRow]:
    by_target = {c.target: c for c in columns}
    code_column, name_column = by_target.get(INSTITUTION), by_target.get(INSTITUTION_NAME)
    year_column = by_target.get(FISCAL_YEAR)  # None only in a header with problems
    figure_columns = [_FigureColumn.of(c) for c in columns if c.is_figure]
    years: dict[str, int | FiscalYearError] = {}
    current = current_fiscal_year()
    total = len(data_rows)
    parsed: list[ParsedRow] = []
    for done, (number, cells) in enumerate(data_rows, 1):
        width = len(cells)
        row = ParsedRow(number)
        if code_column is not None or name_column is not None:
            _parse_institution(row, cells, code_column, name_column, matcher)
        if year_column is not None:
            _parse_fiscal_year(row, cells, year_column, years)
        if row.institution is not None and row.fiscal_year is not None:
            assert year_column is not None
            _check_reportable(row, year_column, current)
        values = row.values
        for figure in figure_columns:
            cell = cells[figure.index] if figure.index < width else None
            # Plain whole numbers, by far the most common cells, skip the general parser.
            if figure.ceiling:
                kind = type(cell)
                whole = (kind is str and len(cell) < 20 and cell.isdigit() and cell.isascii()) or (
                    kind is float and cell.is_integer() and cell >= 0
                )
                if whole:
                    value = int(cell) * figure.scale
                    if value <= figure.ceiling:
                        values[figure.target] = value
                        continue
            try:
                values[figure.target] = parse_figure(cell, figure.unit, figure.scale)
            except CellProblem as problem:
                row.problems.append(figure.problem(problem.kind, number, cell))
        parsed.append(row)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if progress is not None:
        progress(total, total)
    return parsed


@dataclass(frozen=True)
class _FigureColumn:
    index: int
    target: str
    unit: Unit
    scale: int
    ceiling: int  # the largest whole number the field holds; 0 for decimal fields
    header: str
    params: dict[str, str]

    @classmethod
    def of(cls, column: Column) -> _FigureColumn:
        unit = REPORT_FIELDS_BY_CODE[column.target].unit
        params = {"expected": expected_key(unit, column.scale)}
        if column.unit:
            params["unit"] = column.unit
        ceiling = {Unit.COUNT: MAX_COUNT, Unit.YEN: MAX_YEN}.get(unit, 0)
        return cls(column.index, column.target, unit, column.scale, ceiling, column.header, params)

    def problem(self, kind: ProblemKind, row: int, cell: Any) -> Problem:
        return Problem(
            kind, row=row, column=self.header, value=cell_text(cell), params=dict(self.params)
        )


class _CachedMatcher:
    """Institution by code or name, and whether the person may import for it; each
    distinct text and institution is looked up once per file."""

    def __init__(self, actor: User):
        self.actor = actor
        self.matcher = InstitutionMatcher()
        self.found: dict[str, Institution | InstitutionNotFound] = {}
        self.allowed: dict[int, bool] = {}

    def match(self, text: str) -> Institution:
        if text not in self.found:
            try:
                self.found[text] = self.matcher.match(text)
            except InstitutionNotFound as missing:
                self.found[text] = missing
        result = self.found[text]
        if isinstance(result, InstitutionNotFound):
            raise result
        return result

    def may_import_for(self, institution: Institution) -> bool:
        if institution.pk not in self.allowed:
            self.allowed[institution.pk] = can_import_for(self.actor, institution)
        return self.allowed[institution.pk]


def _parse_institution(
    row: ParsedRow,
    cells: list[Any],
    code_column: Column | None,
    name_column: Column | None,
    matcher: _CachedMatcher,
) -> None:
    code = _text(cells, code_column)
    name = _text(cells, name_column)
    column = code_column if code else name_column
    text = code or name
    if not text:
        row.problems.append(
            Problem(
                ProblemKind.MISSING_INSTITUTION,
                row=row.row,
                column=(code_column or name_column).header,  # type: ignore[union-attr]
            )
        )
        return
    assert column is not None
    try:
        institution = matcher.match(text)
    except InstitutionNotFound as missing:
        row.problems.append(
            Problem(
                ProblemKind.UNKNOWN_INSTITUTION,
                row=row.row,
                column=column.header,
                value=text,
                params={"suggestions": missing.suggestions},
            )
        )
        return
    if code and name and name_column is not None:
        # Both given: a name that names another registered institution is a mistake.
        try:
            by_name = matcher.match(name)
        except InstitutionNotFound:
            by_name = institution
        if by_name.pk != institution.pk:
            row.problems.append(
                Problem(
                    ProblemKind.INSTITUTION_MISMATCH,
                    row=row.row,
                    column=name_column.header,
                    value=name,
                    params={"by_code": institution.name_ja, "by_name": by_name.name_ja},
                )
            )
            return
    if not matcher.may_import_for(institution):
        row.problems.append(
            Problem(ProblemKind.NOT_YOUR_INSTITUTION, row=row.row, column=column.header, value=text)
        )
        return
    row.institution = institution


def _parse_fiscal_year(
    row: ParsedRow, cells: list[Any], column: Column, years: dict[str, int | FiscalYearError]
) -> None:
    cell = cells[column.index] if column.index < len(cells) else None
    text = cell_text(cell)
    if not text:
        row.problems.append(
            Problem(
                ProblemKind.MISSING_FISCAL_YEAR,
                row=row.row,
                column=column.header,
                params={"expected": "fiscal_year"},
            )
        )
        return
    if text not in years:
        try:
            years[text] = parse_fiscal_year(text)
        except FiscalYearError as error:
            years[text] = error
    year = years[text]
    if isinstance(year, FiscalYearError):
        row.problems.append(
            Problem(
                ProblemKind.NOT_A_FISCAL_YEAR,
                row=row.row,
                column=column.header,
                value=text,
                params={"expected": "fiscal_year"},
            )
        )
        return
    row.fiscal_year = year


def _check_reportable(row: ParsedRow, column: Column, current: int) -> None:
    """A report exists only from the institution's approval (or the first year
    collected) to the current fiscal year (metrics.report_years)."""
    assert row.institution is not None and row.fiscal_year is not None
    first = first_report_year(row.institution.approval_fy)
    if first <= row.fiscal_year <= current:
        return
    row.problems.append(
        Problem(
            ProblemKind.YEAR_NOT_REPORTABLE,
            row=row.row,
            column=column.header,
            params={"year": row.fiscal_year, "first": first, "last": current},
        )
    )
    row.fiscal_year = None


def _text(cells: list[Any], column: Column | None) -> str:
    if column is None or column.index >= len(cells):
        return ""
    return cell_text(cells[column.index])


# ---------------------------------------------------------------------------------------
# The licence detail sheet (XLSX only)

Key = tuple[int, int]  # (institution id, fiscal year)


def _licence_sheet(
    rows: list[list[Any]] | None, matcher: _CachedMatcher, parsed: list[ParsedRow]
) -> tuple[dict[Key, list[dict[str, Any]]] | None, list[Problem]]:
    """The licence rows of the file by report, or None when it has no such sheet; and
    the sheet's problems (every cell checked, duplicates, rows without a report)."""
    if rows is None:
        return None, []
    sheet = licence_rows.parse_sheet(
        rows, match_institution=matcher.match, parse_year=parse_fiscal_year
    )
    problems = list(sheet.problems)
    in_file = {
        (row.institution.pk, row.fiscal_year)
        for row in parsed
        if row.institution is not None and row.fiscal_year is not None
    }
    by_key: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    first_row: dict[tuple[int, int, str], int] = {}
    for licence in sheet.rows:
        institution = licence.pop("institution")
        key = (institution.pk, licence["fiscal_year"])
        params = {"institution": institution.name_ja, "fiscal_year": licence["fiscal_year"]}
        reference = (*key, licence["reference"])
        if key not in in_file:
            problems.append(
                Problem(
                    ProblemKind.LICENCE_WITHOUT_REPORT,
                    row=licence["sheet_row"],
                    column=f"{licence_rows.SHEET_NAME}!{licence_rows.TEMPLATE_HEADERS[0][0]}",
                    params=params,
                )
            )
        elif reference in first_row:
            problems.append(
                Problem(
                    ProblemKind.DUPLICATE_LICENCE,
                    row=licence["sheet_row"],
                    column=f"{licence_rows.SHEET_NAME}!{licence_rows.TEMPLATE_HEADERS[2][0]}",
                    value=licence["reference"],
                    params={**params, "other_row": first_row[reference]},
                )
            )
        else:
            first_row[reference] = licence["sheet_row"]
            by_key[key].append({code: licence[code] for code in licence_rows.LICENCE_FIELDS})
    return dict(by_key), problems


def _licence_signature(rows: Iterable[dict[str, Any]]) -> list[tuple]:
    return sorted(tuple(row[code] for code in licence_rows.LICENCE_FIELDS) for row in rows)


def existing_licences(report_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The licence rows of these reports, by report id. One query per few thousand."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    ids = sorted(set(report_ids))
    for start in range(0, len(ids), _QUERY_CHUNK):
        for row in LicenceAgreement.objects.filter(
            report_id__in=ids[start : start + _QUERY_CHUNK]
        ).values("report_id", *licence_rows.LICENCE_FIELDS):
            found[row.pop("report_id")].append(row)
    return found


# ---------------------------------------------------------------------------------------
# Judging rows against the database


def existing_reports(institution_ids: Iterable[int]) -> dict[tuple[int, int], dict[str, Any]]:
    """Every report of these institutions: (institution id, fiscal year) → id, state,
    version and figures. One query per few thousand institutions."""
    columns = ("id", "institution_id", "fiscal_year", "state", "version", *REPORT_FIELD_CODES)
    found: dict[tuple[int, int], dict[str, Any]] = {}
    ids = sorted(set(institution_ids))
    for start in range(0, len(ids), _QUERY_CHUNK):
        chunk = ids[start : start + _QUERY_CHUNK]
        for values in AnnualReport.objects.filter(institution_id__in=chunk).values_list(*columns):
            report = dict(zip(columns, values, strict=True))
            found[(report["institution_id"], report["fiscal_year"])] = report
    return found


def _judge(
    parsed: list[ParsedRow],
    figure_columns: list[Column],
    licences: dict[Key, list[dict[str, Any]]] | None = None,
) -> list[PreviewRow]:
    fields = [c.target for c in figure_columns]
    decimal_positions = [
        i for i, code in enumerate(fields) if REPORT_FIELDS_BY_CODE[code].unit in DECIMAL_UNITS
    ]
    first_row: dict[tuple[int, int], int] = {}
    for row in parsed:
        if row.institution is None or row.fiscal_year is None:
            continue
        key = (row.institution.pk, row.fiscal_year)
        if key in first_row:
            row.problems.append(
                Problem(
                    ProblemKind.DUPLICATE_ROW,
                    row=row.row,
                    params={
                        "institution": row.institution.name_ja,
                        "fiscal_year": row.fiscal_year,
                        "other_row": first_row[key],
                    },
                )
            )
        else:
            first_row[key] = row.row

    reports = existing_reports(r.institution.pk for r in parsed if r.institution is not None)
    licences = licences or {}
    # The licence rows of the file's existing reports: to compare with the sheet's, and
    # for the warning on licence income against the rows' total.
    stored_licences = existing_licences(
        reports[key]["id"]
        for key in ((r.institution.pk, r.fiscal_year) for r in parsed if r.institution)
        if key in reports
    )
    licence_totals: dict[Key, int] = {}
    # What each report will hold once the file is applied, for the year-on-year warnings.
    final: dict[tuple[int, int], dict[str, Any]] = {key: report for key, report in reports.items()}
    entries: list[PreviewRow] = []
    writes: list[tuple[PreviewRow, tuple[int, int], dict[str, Any]]] = []
    for row in parsed:
        entry = _entry(row)
        entries.append(entry)
        if row.problems:
            continue
        assert row.institution is not None and row.fiscal_year is not None
        key = (row.institution.pk, row.fiscal_year)
        report = reports.get(key)
        sheet_rows = licences.get(key)
        if sheet_rows is not None:
            licence_totals[key] = sum(licence["income"] for licence in sheet_rows)
        elif report is not None and stored_licences.get(report["id"]):
            licence_totals[key] = sum(r["income"] for r in stored_licences[report["id"]])
        if report is None:
            entry.outcome = RowOutcome.NEW
            entry.licences = sheet_rows
            values = row.values
            entry.values = listed = [values[code] for code in fields]
            for index in decimal_positions:
                if listed[index] is not None:
                    listed[index] = str(listed[index])
            figures = dict.fromkeys(REPORT_FIELD_CODES)
            figures.update(row.values)
        else:
            entry.report_id, entry.version = report["id"], report["version"]
            changes = {
                code: [_json(report[code]), _json(row.values[code])]
                for code in fields
                if report[code] != row.values[code]
            }
            before = stored_licences.get(report["id"], [])
            licences_change = sheet_rows is not None and _licence_signature(
                before
            ) != _licence_signature(sheet_rows)
            if not changes and not licences_change:
                entry.outcome = RowOutcome.UNCHANGED
                continue
            if not editable(report["state"]):
                problem = Problem(
                    ProblemKind.REPORT_LOCKED,
                    row=row.row,
                    params={
                        "institution": row.institution.name_ja,
                        "fiscal_year": row.fiscal_year,
                        "state": report["state"],
                    },
                )
                entry.outcome, entry.problems = RowOutcome.ERROR, [problem]
                continue
            entry.outcome = RowOutcome.CHANGED
            entry.changes = changes
            if licences_change:
                entry.licences = sheet_rows
                entry.licence_change = [len(before), len(sheet_rows or [])]
            figures = {code: report[code] for code in REPORT_FIELD_CODES}
            figures.update(row.values)
        final[key] = figures
        writes.append((entry, key, figures))
    _add_warnings(writes, final, licence_totals)
    return entries


def _entry(row: ParsedRow) -> PreviewRow:
    return PreviewRow(
        row=row.row,
        outcome=RowOutcome.ERROR,
        institution_id=row.institution.pk if row.institution is not None else None,
        fiscal_year=row.fiscal_year,
        problems=list(row.problems),
    )


def _add_warnings(
    writes: list[tuple[PreviewRow, tuple[int, int], dict[str, Any]]],
    final: dict[tuple[int, int], dict[str, Any]],
    licence_totals: dict[Key, int],
) -> None:
    applications_by_year: dict[int, dict[int, int | None]] = defaultdict(dict)
    for (institution_id, fiscal_year), figures in final.items():
        applications_by_year[institution_id][fiscal_year] = figures.get("patent_applications")
    for entry, (institution_id, fiscal_year), figures in writes:
        previous = final.get((institution_id, fiscal_year - 1))
        known = [
            count
            for year, count in applications_by_year[institution_id].items()
            if year <= fiscal_year and count is not None
        ]
        warnings = report_warnings(
            figures,
            previous=previous,
            cumulative_applications=sum(known) if known else None,
            licence_total=licence_totals.get((institution_id, fiscal_year)),
        )
        entry.warnings = list(warnings)


def _json(value: Figure | None) -> int | str | None:
    """Figures in JSON: whole numbers as numbers, decimals as text (exact)."""
    if isinstance(value, Decimal):
        return str(value)
    return value


DECIMAL_UNITS = (Unit.SCORE, Unit.FTE)


def figure_from_json(code: str, value: int | str | None) -> Figure | None:
    if value is None:
        return None
    if REPORT_FIELDS_BY_CODE[code].unit in DECIMAL_UNITS:
        return Decimal(str(value))
    return int(value)


def figures_from_json(
    fields: list[str], values: list[int | str | None]
) -> dict[str, Figure | None]:
    """A new row's stored values → field code → figure (decimals back from text)."""
    figures: dict[str, Figure | None] = dict(zip(fields, values, strict=True))
    for code in fields:
        value = figures[code]
        if type(value) is str:
            figures[code] = Decimal(value)
    return figures
