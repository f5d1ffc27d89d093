"""The registry as a file: one set of columns for the list's download, the upload, its
template and `load_registry --file`, so that a download uploads back unchanged.

Every cell of an upload is checked before anything is stored, and every problem is
reported with its row and column (the header is row 1): codes as slugs within their
length, names within theirs, choices among the known codes, years in range, ISO dates.
A NUL byte, a 5,000-digit year or a 10,000-character name is a message, never an error
of the system.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from core.text import safe_excerpt
from core.validators import single_line_problem

from .enums import InstitutionKind, InstitutionStatus, LegalForm, Specialisation, TloType
from .fiscal_years import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from .names import is_reading

# The list's download (/institutions/?format=csv, fixed for scripts), in order.
REGISTRY_COLUMNS = (
    "code",
    "name_ja",
    "name_en",
    "kind",
    "tlo_type",
    "legal_form",
    "region",
    "specialisation",
    "status",
    "approval_fy",
    "approved_on",
    "revoked_on",
    "name_kana",  # the reading (読み), last so that older scripts keep their positions
)
# Headers people may write instead of a column's code.
HEADER_SYNONYMS = {"読み": "name_kana"}
# Optional on upload (the shipped registry file has them): ";"-separated variant names and
# partner universities. Missing, they leave an institution's aliases and partners alone.
EXTRA_COLUMNS = ("alias_ja", "partner_universities")
REQUIRED_COLUMNS = ("code", "name_ja", "kind")

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
CODE_MAX = 40
NAME_MAX = 200
LIST_ITEM_MAX = 200
CELL_MAX = 2_000
MAX_PROBLEMS = 100


class RegistryError(ValueError):
    """A registry file that can't be loaded; `problems` say where and why, each naming
    the row and column (nothing was stored)."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


_CHOICES = {
    "kind": InstitutionKind,
    "tlo_type": TloType,
    "legal_form": LegalForm,
    "specialisation": Specialisation,
    "status": InstitutionStatus,
}


def template_rows() -> tuple[list[str], list[list[str]]]:
    """The upload template: the columns, and one example row."""
    example = {
        "code": "TLO-EXAMPLE",
        "name_ja": "例示TLO",
        "name_en": "Example TLO",
        "kind": InstitutionKind.APPROVED_TLO,
        "tlo_type": TloType.EXTERNAL_WIDE_AREA,
        "legal_form": LegalForm.KABUSHIKI_KAISHA,
        "region": "kanto",
        "specialisation": Specialisation.GENERAL,
        "status": InstitutionStatus.ACTIVE,
        "approval_fy": "2011",
        "approved_on": "2011-08-01",
        "revoked_on": "",
        "name_kana": "れいじてぃーえるおー",
    }
    return list(REGISTRY_COLUMNS), [[str(example[c]) for c in REGISTRY_COLUMNS]]


PROGRESS_EVERY = 500


def registry_rows(
    table: list[list[Any]],
    *,
    regions: Iterable[str],
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, str]]:
    """The rows of an uploaded table (a header row, then one row per institution), as
    dicts of checked text; RegistryError listing every problem otherwise. `progress` is
    told (rows checked, rows) every few hundred rows."""
    rows = [[_text(cell) for cell in row] for row in table]
    header_index = next((i for i, row in enumerate(rows) if any(row)), None)
    if header_index is None:
        raise RegistryError([_("The file is empty: the first row should hold the columns.")])
    written = rows[header_index]
    header = [HEADER_SYNONYMS.get(column, column) for column in written]
    # The header's problems and the cells' are said together, so that one round fixes
    # the file; cells are checked in the columns the header names.
    header_problems = _header_problems(header, header_index + 1, written)
    checker = _RowChecker(set(regions), names=dict(zip(header, written, strict=True)))
    found: list[dict[str, str]] = []
    first_row_of: dict[str, int] = {}
    for index, cells in enumerate(rows[header_index + 1 :], header_index + 2):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index - header_index - 2, len(rows) - header_index - 1)  # rows before
        if not any(cells):
            continue
        values = {
            column: (cells[position] if position < len(cells) else "")
            for position, column in enumerate(header)
            if column
        }
        extra = [p for p in range(len(header), len(cells)) if cells[p]]
        if extra:
            checker.problem(index, "", _("this row has values beyond the last column"))
        checker.check(index, values)
        code = values.get("code", "")
        if code and code in first_row_of:
            checker.problem(
                index,
                "code",
                _("“%(value)s” is already in row %(row)s")
                % {"value": code, "row": first_row_of[code]},
            )
        first_row_of.setdefault(code, index)
        values["_row"] = str(index)
        found.append(values)
        if len(checker.problems) >= MAX_PROBLEMS:
            break
    if header_problems or checker.problems:
        raise RegistryError([*header_problems, *checker.problems][:MAX_PROBLEMS])
    if not found:
        raise RegistryError([_("The file has the columns but no institution rows.")])
    return found


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _header_problems(header: list[str], row: int, written: list[str]) -> list[str]:
    known = set(REGISTRY_COLUMNS) | set(EXTRA_COLUMNS)
    problems = []
    seen: set[str] = set()
    for column, as_written in zip(header, written, strict=True):
        if not column:
            continue
        if column not in known:
            problems.append(
                _("Row %(row)s: “%(column)s” is not a column of the registry file.")
                % {"row": row, "column": safe_excerpt(as_written, limit=40)}
            )
        elif column in seen:
            problems.append(
                _("Row %(row)s: the column %(column)s appears twice.")
                % {"row": row, "column": as_written}
            )
        seen.add(column)
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            problems.append(
                _("Row %(row)s: the column %(column)s is missing.") % {"row": row, "column": column}
            )
    if problems:
        problems.append(
            _("The columns are: %(columns)s (and optionally %(extra)s).")
            % {"columns": ",".join(REGISTRY_COLUMNS), "extra": ",".join(EXTRA_COLUMNS)}
        )
    return problems


class _RowChecker:
    def __init__(self, regions: set[str], *, names: dict[str, str]):
        self.regions = regions
        self.names = names  # column code → the header as the file writes it (読み)
        self.problems: list[str] = []

    def problem(self, row: int, column: str, text: str) -> None:
        if column:
            column = self.names.get(column, column)
            self.problems.append(
                _("Row %(row)s, column %(column)s: %(problem)s.")
                % {"row": row, "column": column, "problem": text}
            )
        else:
            self.problems.append(_("Row %(row)s: %(problem)s.") % {"row": row, "problem": text})

    def check(self, row: int, values: dict[str, str]) -> None:
        for column, value in values.items():
            if len(value) > CELL_MAX:
                self.problem(row, column, _too_long(value, CELL_MAX))
                values[column] = ""
            elif "\x00" in value:
                self.problem(row, column, _("the cell contains a NUL character"))
                values[column] = ""
            elif (problem := single_line_problem(value)) is not None:
                self.problem(row, column, problem)
                values[column] = ""
        for column in REQUIRED_COLUMNS:
            # A column the header lacks is one problem of the header, not one per row.
            if column in values and not values[column]:
                self.problem(row, column, _("this column is required and is blank"))
        code = values.get("code", "")
        if code and (len(code) > CODE_MAX or not CODE_PATTERN.match(code)):
            self.problem(
                row,
                "code",
                _("“%(value)s” is not a code: use at most %(limit)s letters, digits, “-” and “_”")
                % {"value": safe_excerpt(code, limit=60), "limit": CODE_MAX},
            )
        for column in ("name_ja", "name_en"):
            if len(values.get(column, "")) > NAME_MAX:
                self.problem(row, column, _too_long(values[column], NAME_MAX))
        for column, choices in _CHOICES.items():
            value = values.get(column, "")
            if value and value not in choices.values:
                self.problem(row, column, _not_one_of(value, choices.values))
        if values.get("tlo_type") and values.get("kind") != InstitutionKind.APPROVED_TLO:
            self.problem(row, "tlo_type", _("only approved TLOs have a TLO type"))
        region = values.get("region", "")
        if region and region not in self.regions:
            self.problem(row, "region", _not_one_of(region, sorted(self.regions)))
        year = values.get("approval_fy", "")
        if year and not (
            year.isascii()
            and year.isdigit()
            and len(year) <= 4
            and MIN_FISCAL_YEAR <= int(year) <= MAX_FISCAL_YEAR
        ):
            self.problem(
                row,
                "approval_fy",
                _("“%(value)s” is not a fiscal year from %(first)s to %(last)s")
                % {
                    "value": safe_excerpt(year, limit=20),
                    "first": MIN_FISCAL_YEAR,
                    "last": MAX_FISCAL_YEAR,
                },
            )
        for column in ("approved_on", "revoked_on"):
            value = values.get(column, "")
            if value and _date(value) is None:
                self.problem(
                    row,
                    column,
                    _("“%(value)s” is not a date (YYYY-MM-DD)")
                    % {"value": safe_excerpt(value, limit=30)},
                )
        reading = values.get("name_kana", "")
        if reading and len(reading) > NAME_MAX:
            self.problem(row, "name_kana", _too_long(reading, NAME_MAX))
        elif reading and not is_reading(reading):
            self.problem(
                row,
                "name_kana",
                _(
                    "“%(value)s” is not a reading: write it in hiragana or katakana (the "
                    "long mark ー and spaces may be used)"
                )
                % {"value": safe_excerpt(reading, limit=30)},
            )
        if values.get("revoked_on") and values.get("status") != InstitutionStatus.REVOKED:
            self.problem(row, "revoked_on", _("only a revoked institution has a revocation date"))
        for column in EXTRA_COLUMNS:
            for item in values.get(column, "").split(";"):
                if len(item.strip()) > LIST_ITEM_MAX:
                    self.problem(row, column, _too_long(item.strip(), LIST_ITEM_MAX))


def _date(value: str) -> datetime.date | None:
    if len(value) != 10:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _too_long(value: str, limit: int) -> str:
    return _("“%(value)s” is longer than %(limit)s characters") % {
        "value": safe_excerpt(value, limit=30),
        "limit": limit,
    }


def _not_one_of(value: str, allowed: Iterable[str]) -> str:
    return _("“%(value)s” is not one of %(allowed)s") % {
        "value": safe_excerpt(value, limit=40),
        "allowed": ", ".join(allowed),
    }
