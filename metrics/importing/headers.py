"""Header cells → what each column holds.

A header is a Japanese label of SPEC §3 (特許出願件数, ライセンス収入, …), a field code
(licence_income), or the English label; 機関コード / 機関名 / 年度 (or institution,
institution_name, fiscal_year) name the row. Full-width forms, spaces and case do not
matter (NFKC). A unit in brackets scales an amount to yen: ライセンス収入(千円),
人件費（百万円）; a count or a score may carry its own unit (件, 人, 点), which changes
nothing.

An unknown header is an error, not a column skipped: a misspelt header would otherwise
drop a whole column of figures without anyone noticing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from core.tables.problems import Problem

from ..report_fields import REPORT_FIELDS, REPORT_FIELDS_BY_CODE, Unit
from .problems import ProblemKind

INSTITUTION = "institution"
INSTITUTION_NAME = "institution_name"
FISCAL_YEAR = "fiscal_year"
IGNORED = "ignored"  # known columns for information only (an export's state)

INSTITUTION_HEADER_JA = "機関コード"
INSTITUTION_NAME_HEADER_JA = "機関名"
FISCAL_YEAR_HEADER_JA = "年度"

_ROW_KEYS = {
    INSTITUTION: (
        INSTITUTION_HEADER_JA,
        "institution",
        "institution_code",
        "institutioncode",
        "code",
        "機関",
    ),
    INSTITUTION_NAME: (INSTITUTION_NAME_HEADER_JA, "機関名称", "institution_name", "名称"),
    FISCAL_YEAR: (FISCAL_YEAR_HEADER_JA, "fiscal_year", "fiscalyear", "fy", "会計年度", "事業年度"),
    IGNORED: ("state", "状態", "状況"),
}

# Units that scale an amount to yen.
YEN_SCALES = {
    "円": 1,
    "yen": 1,
    "jpy": 1,
    "千円": 1_000,
    "thousandyen": 1_000,
    "万円": 10_000,
    "百万円": 1_000_000,
    "millionyen": 1_000_000,
}
# Units that only say what is counted.
_PLAIN_UNITS = {
    Unit.COUNT: {"件", "社", "人", "名", "回", "本"},
    Unit.FTE: {"人", "名", "fte"},
    Unit.SCORE: {"点"},
}

_UNIT_SUFFIX = re.compile(r"^(?P<name>.+?)\((?P<unit>[^()]*)\)$")
_SPACES = re.compile(r"\s+")


def normalise_header(text: Any) -> str:
    """The form two spellings of one header share."""
    key = unicodedata.normalize("NFKC", str(text)).casefold()
    key = _SPACES.sub("", key).replace("【", "(").replace("】", ")")
    key = key.strip("*※")
    return key.replace("license", "licence")


def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for target, keys in _ROW_KEYS.items():
        for key in keys:
            table[normalise_header(key)] = target
    for spec in REPORT_FIELDS:
        for key in (spec.code, spec.label_ja, spec.label_en):
            table.setdefault(normalise_header(key), spec.code)
    return table


HEADER_LOOKUP = _lookup()


@dataclass(frozen=True)
class Column:
    index: int  # position in the row, from 0
    header: str  # as written in the file, for messages
    target: str  # INSTITUTION, INSTITUTION_NAME, FISCAL_YEAR, IGNORED or a field code
    scale: int = 1  # multiply by this to get yen
    unit: str = ""  # the unit as written (千円), for messages

    @property
    def is_figure(self) -> bool:
        return self.target in REPORT_FIELDS_BY_CODE


@dataclass
class HeaderMap:
    columns: list[Column]
    errors: list[Problem]
    notices: list[Problem]  # not blocking: ignored columns
    headerless: list[int]  # positions with no header; a value there is an error

    def target(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.target == name), None)

    @property
    def figures(self) -> list[Column]:
        return [c for c in self.columns if c.is_figure]


def map_headers(cells: list[Any], *, row: int) -> HeaderMap:
    """What each column of the header row (spreadsheet row `row`) holds."""
    columns: list[Column] = []
    errors: list[Problem] = []
    notices: list[Problem] = []
    headerless: list[int] = []
    seen: dict[str, Column] = {}
    for index, cell in enumerate(cells):
        header = "" if cell is None else str(cell).strip()
        if not header:
            headerless.append(index)
            continue
        column, problem = _column(index, header, row)
        if problem is not None:
            errors.append(problem)
            continue
        assert column is not None
        if column.target == IGNORED:
            notices.append(Problem(ProblemKind.IGNORED_COLUMN, row=row, value=header))
            continue
        if column.target in seen:
            errors.append(
                Problem(
                    ProblemKind.DUPLICATE_COLUMN,
                    row=row,
                    column=header,
                    params={"other": seen[column.target].header},
                )
            )
            continue
        seen[column.target] = column
        columns.append(column)
    # Said with the other header problems, so that one round fixes the header.
    if INSTITUTION not in seen and INSTITUTION_NAME not in seen:
        errors.append(Problem(ProblemKind.MISSING_INSTITUTION_COLUMN, row=row))
    if FISCAL_YEAR not in seen:
        errors.append(Problem(ProblemKind.MISSING_FISCAL_YEAR_COLUMN, row=row))
    return HeaderMap(columns, errors, notices, headerless)


def _column(index: int, header: str, row: int) -> tuple[Column | None, Problem | None]:
    key = normalise_header(header)
    target = HEADER_LOOKUP.get(key)
    if target is not None:
        return Column(index, header, target), None
    match = _UNIT_SUFFIX.match(key)
    target = HEADER_LOOKUP.get(match["name"]) if match else None
    if match is None or target is None:
        return None, Problem(
            ProblemKind.UNKNOWN_COLUMN,
            row=row,
            column=header,
            value=header,
            params={"suggestions": closest_headers(header)},
        )
    unit = match["unit"]
    spec = REPORT_FIELDS_BY_CODE.get(target)
    if spec is None:
        return None, Problem(
            ProblemKind.UNIT_NOT_ALLOWED,
            row=row,
            column=header,
            params={"unit": unit, "field": header},
        )
    if unit in YEN_SCALES:
        if spec.unit != Unit.YEN:
            return None, Problem(
                ProblemKind.UNIT_NOT_ALLOWED,
                row=row,
                column=header,
                params={"unit": unit, "field": spec.code},
            )
        return Column(index, header, target, scale=YEN_SCALES[unit], unit=unit), None
    if unit in _PLAIN_UNITS.get(spec.unit, ()):
        return Column(index, header, target, unit=unit), None
    return None, Problem(ProblemKind.UNKNOWN_UNIT, row=row, column=header, params={"unit": unit})


def closest_headers(header: str, limit: int = 3) -> list[str]:
    """The template headers closest to a header nobody knows."""
    display = {normalise_header(spec.label_ja): spec.label_ja for spec in REPORT_FIELDS}
    display.update({normalise_header(spec.code): spec.code for spec in REPORT_FIELDS})
    for name in (INSTITUTION_HEADER_JA, INSTITUTION_NAME_HEADER_JA, FISCAL_YEAR_HEADER_JA):
        display[normalise_header(name)] = name
    key = normalise_header(header)
    match = _UNIT_SUFFIX.match(key)
    if match:
        key = match["name"]
    found = difflib.get_close_matches(key, list(display), n=limit, cutoff=0.5)
    return [display[k] for k in found]


def is_code_row(cells: list[Any], columns: list[Column]) -> bool:
    """Whether a row under the header repeats it in other words (the template's second
    row of field codes), rather than holding data."""
    filled = 0
    for column in columns:
        cell = cells[column.index] if column.index < len(cells) else ""
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        if HEADER_LOOKUP.get(normalise_header(text)) != column.target:
            return False
        filled += 1
    return filled >= 2
