"""The licence detail sheet (ライセンス明細) of an XLSX import: one row per licence
agreement, naming the report it belongs to by institution and fiscal year.

The rows of a report replace that report's licence rows when the file is confirmed;
a report of the file without rows on this sheet keeps its licence rows. Every cell is
checked as on the first sheet, and a problem names the sheet, the row and the column
(`ライセンス明細!当年度収入`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.tables import limits
from core.tables.problems import FileProblemKind, Problem

from ..enums import LicenseeKind
from ..report_fields import Unit
from .headers import YEN_SCALES, normalise_header
from .problems import ProblemKind
from .values import CellProblem, cell_text, expected_key, parse_figure

SHEET_NAME = "ライセンス明細"

INSTITUTION = "institution"
INSTITUTION_NAME = "institution_name"
FISCAL_YEAR = "fiscal_year"
LICENCE_FIELDS = (
    "reference",
    "technology",
    "field",
    "licensee_kind",
    "licensee_in_region",
    "exclusive",
    "income",
)

# The template's headers (Japanese, then the codes of its second row), in order.
TEMPLATE_HEADERS = (
    ("機関コード", INSTITUTION),
    ("年度", FISCAL_YEAR),
    ("契約番号", "reference"),
    ("技術名", "technology"),
    ("技術分野", "field"),
    ("ライセンシー種別", "licensee_kind"),
    ("同一地域", "licensee_in_region"),
    ("独占", "exclusive"),
    ("当年度収入", "income"),
)
_HEADER_KEYS = {
    INSTITUTION: ("機関コード", "institution", "institution_code", "code", "機関"),
    INSTITUTION_NAME: ("機関名", "institution_name", "名称"),
    FISCAL_YEAR: ("年度", "fiscal_year", "fy"),
    "reference": ("契約番号", "整理番号", "reference", "番号"),
    "technology": ("技術名", "技術", "technology"),
    "field": ("技術分野", "分野", "field"),
    "licensee_kind": ("ライセンシー種別", "ライセンシー", "licensee_kind", "実施者種別"),
    "licensee_in_region": ("同一地域", "地域内", "licensee_in_region", "same_region"),
    "exclusive": ("独占", "独占的", "exclusive"),
    "income": ("当年度収入", "収入", "income", "ライセンス収入"),
}
HEADER_LOOKUP = {
    normalise_header(key): target for target, keys in _HEADER_KEYS.items() for key in keys
}

# Labels people write for the licensee kinds, besides the codes.
_KINDS = {
    "大企業": LicenseeKind.LARGE_COMPANY,
    "中小企業": LicenseeKind.SME,
    "ベンチャー": LicenseeKind.STARTUP,
    "スタートアップ": LicenseeKind.STARTUP,
    "大学発ベンチャー": LicenseeKind.STARTUP,
    "外国企業": LicenseeKind.FOREIGN,
    "海外企業": LicenseeKind.FOREIGN,
    "その他": LicenseeKind.OTHER,
    **{kind.value: kind for kind in LicenseeKind},
}
_TRUE = {"○", "〇", "◯", "はい", "有", "あり", "1", "true", "yes", "y", "t", "x"}
_FALSE = {"×", "✕", "いいえ", "無", "なし", "0", "false", "no", "n", "f", "-", ""}
_MAX_LENGTHS = {"reference": 64, "technology": 200, "field": 100}


@dataclass
class LicenceSheet:
    """The parsed sheet: licence rows by the (institution code or name, fiscal year)
    text of their row, with the sheet row each came from, and the problems found."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Column:
    index: int
    header: str
    target: str
    scale: int = 1
    unit: str = ""


def _where(header: str) -> str:
    return f"{SHEET_NAME}!{header}"


def parse_sheet(
    rows: list[list[Any]],
    *,
    match_institution: Callable[[str], Any],
    parse_year: Callable[[str], int | None],
) -> LicenceSheet:
    """Every licence row of the sheet, checked. `match_institution(text)` gives the
    institution or raises LookupError; `parse_year(text)` the fiscal year or raises
    ValueError. Rows keep their sheet row number (`sheet_row`)."""
    sheet = LicenceSheet()
    header_index = next((i for i, cells in enumerate(rows) if _filled(cells)), None)
    if header_index is None:
        return sheet
    columns, problems = _columns(rows[header_index], header_index + 1)
    if problems:
        sheet.problems = problems
        return sheet
    first = header_index + 1
    if first < len(rows) and _is_code_row(rows[first], columns):
        first += 1
    data = [(number + 1, cells) for number, cells in enumerate(rows[first:], first)]
    data = [(number, cells) for number, cells in data if _filled(cells)]
    if len(data) > limits.max_rows():
        sheet.problems.append(
            Problem(FileProblemKind.TOO_MANY_ROWS, params={"limit": limits.max_rows()})
        )
        return sheet
    by_target = {c.target: c for c in columns}
    for number, cells in data:
        licence, problems = _row(number, cells, by_target, match_institution, parse_year)
        sheet.problems += problems
        if not problems:
            sheet.rows.append(licence)
    return sheet


def _filled(cells: list[Any]) -> bool:
    return any(cell is not None and str(cell).strip() for cell in cells)


def _is_code_row(cells: list[Any], columns: list[_Column]) -> bool:
    return all(
        c.index < len(cells)
        and normalise_header(cell_text(cells[c.index])) == normalise_header(c.target)
        for c in columns
    )


def _columns(cells: list[Any], row: int) -> tuple[list[_Column], list[Problem]]:
    columns: list[_Column] = []
    problems: list[Problem] = []
    for index, cell in enumerate(cells):
        header = cell_text(cell)
        if not header:
            continue
        key = normalise_header(header)
        scale, unit = 1, ""
        if key not in HEADER_LOOKUP and key.endswith(")") and "(" in key:
            name, written = key[:-1].split("(", 1)
            if HEADER_LOOKUP.get(name) == "income" and written in YEN_SCALES:
                key, scale, unit = name, YEN_SCALES[written], written
        target = HEADER_LOOKUP.get(key)
        if target is None:
            problems.append(Problem(ProblemKind.UNKNOWN_COLUMN, row=row, value=_where(header)))
            continue
        columns.append(_Column(index, header, target, scale, unit))
    targets = {c.target for c in columns}
    if not problems:
        if INSTITUTION not in targets and INSTITUTION_NAME not in targets:
            problems.append(Problem(ProblemKind.MISSING_INSTITUTION_COLUMN, row=row))
        if FISCAL_YEAR not in targets:
            problems.append(Problem(ProblemKind.MISSING_FISCAL_YEAR_COLUMN, row=row))
        if "reference" not in targets:
            problems.append(Problem(ProblemKind.UNKNOWN_COLUMN, row=row, value=_where("契約番号")))
    return columns, problems


def _row(number, cells, columns, match_institution, parse_year):
    problems: list[Problem] = []

    def text(target: str) -> str:
        column = columns.get(target)
        if column is None or column.index >= len(cells):
            return ""
        return cell_text(cells[column.index])

    def problem(kind, target, value="", **params):
        header = columns[target].header if target in columns else target
        problems.append(
            Problem(kind, row=number, column=_where(header), value=value, params=params)
        )

    licence: dict[str, Any] = {"sheet_row": number}
    who_target = INSTITUTION if text(INSTITUTION) else INSTITUTION_NAME
    who = text(who_target)
    if not who:
        problem(
            ProblemKind.MISSING_INSTITUTION, who_target if who_target in columns else INSTITUTION
        )
    else:
        try:
            licence["institution"] = match_institution(who)
        except LookupError as missing:
            suggestions = getattr(missing, "suggestions", [])
            problem(ProblemKind.UNKNOWN_INSTITUTION, who_target, who, suggestions=suggestions)
    year = text(FISCAL_YEAR)
    if not year:
        problem(ProblemKind.MISSING_FISCAL_YEAR, FISCAL_YEAR, expected="fiscal_year")
    else:
        try:
            licence["fiscal_year"] = parse_year(year)
        except ValueError:
            problem(ProblemKind.NOT_A_FISCAL_YEAR, FISCAL_YEAR, year, expected="fiscal_year")
    reference = text("reference")
    if not reference:
        problem(ProblemKind.MISSING_VALUE, "reference")
    for code, limit in _MAX_LENGTHS.items():
        value = text(code)
        if len(value) > limit:
            problem(ProblemKind.TOO_LONG, code, value, limit=limit)
        licence[code] = value[:limit]
    kind = text("licensee_kind")
    normalised = unicodedata.normalize("NFKC", kind).strip().casefold()
    if normalised in _KINDS:
        licence["licensee_kind"] = str(_KINDS[normalised])
    elif not kind:
        licence["licensee_kind"] = str(LicenseeKind.OTHER)
    else:
        choices = "、".join(k for k in _KINDS if not k.isascii())
        problem(ProblemKind.NOT_A_CHOICE, "licensee_kind", kind, choices=choices)
    for flag in ("licensee_in_region", "exclusive"):
        value = unicodedata.normalize("NFKC", text(flag)).strip().casefold()
        if value in _TRUE:
            licence[flag] = True
        elif value in _FALSE:
            licence[flag] = False
        else:
            problem(ProblemKind.NOT_YES_OR_NO, flag, text(flag))
    income_column = columns.get("income")
    cell = (
        cells[income_column.index] if income_column and income_column.index < len(cells) else None
    )
    scale = income_column.scale if income_column else 1
    try:
        licence["income"] = parse_figure(cell, Unit.YEN, scale) or 0
    except CellProblem as failure:
        params = {"expected": expected_key(Unit.YEN, scale)}
        if income_column and income_column.unit:
            params["unit"] = income_column.unit
        problem(failure.kind, "income", cell_text(cell), **params)
    return licence, problems
