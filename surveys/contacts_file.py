"""A TLO's customer list as a file (CSV or XLSX, read by core.tables): the columns, the
template, and the check of every cell. Every problem names its row and column (the
header is row 1); nothing is stored unless the whole file is right."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from core.tables.problems import FileProblemKind, Problem
from core.text import safe_excerpt
from core.validators import single_line_problem

from .enums import Relation

COLUMNS = ("company", "person", "email", "relation")
MAX_CONTACTS = 500
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
LIMITS = {"company": 200, "person": 100, "email": 254}
# Names go into e-mail subjects and letters: one line each.
SINGLE_LINE = ("company", "person")


@dataclass(frozen=True)
class ContactRow:
    company: str
    person: str
    email: str
    relation: str


class ContactListError(ValueError):
    """A list that cannot be stored; `problems` say where and why."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def _relation_code(value: str) -> str | None:
    """A relation by its code or its name in either language (ライセンス先 → licensee)."""
    folded = value.strip().lower()
    for choice in Relation:
        if folded in {choice.value, str(choice.label).lower()}:
            return choice.value
    aliases = {
        "ライセンシー": Relation.LICENSEE,
        "ライセンス先": Relation.LICENSEE,
        "共同研究": Relation.JOINT_RESEARCH,
        "その他": Relation.OTHER,
    }
    found = aliases.get(value.strip())
    return found.value if found else None


def normalise_email(value: str) -> str:
    """Addresses compare without case: a duplicate is the same address in any case."""
    return value.strip().lower()


def check_contact(values: dict[str, str]) -> dict[str, str]:
    """Problems of one contact by column (empty when it is right)."""
    problems: dict[str, str] = {}
    for column in COLUMNS:
        value = values.get(column, "")
        if not value:
            problems[column] = _("this column is required and is blank")
        elif "\x00" in value:
            problems[column] = _("the cell contains a NUL character")
        elif column in SINGLE_LINE and (problem := single_line_problem(value)):
            problems[column] = problem
        elif column in LIMITS and len(value) > LIMITS[column]:
            problems[column] = _("“%(value)s…” is longer than %(limit)s characters") % {
                "value": safe_excerpt(value, limit=20),
                "limit": LIMITS[column],
            }
    email = values.get("email", "")
    if "email" not in problems:
        try:
            validate_email(email)
        except ValidationError:
            problems["email"] = _("“%(value)s” is not an e-mail address") % {
                "value": safe_excerpt(email, limit=60)
            }
    if "relation" not in problems and _relation_code(values["relation"]) is None:
        problems["relation"] = _("“%(value)s” is not one of: %(choices)s") % {
            "value": safe_excerpt(values["relation"], limit=40),
            "choices": ", ".join(Relation.values),
        }
    return problems


def _at(row: int, column: str, problem: str) -> str:
    return _("Row %(row)s, column %(column)s: %(problem)s.") % {
        "row": row,
        "column": column,
        "problem": problem,
    }


def nul_in_csv(data: bytes, problem: Problem | None) -> str | None:
    """For a CSV refused for a NUL byte (which the reader names by its line and
    position), the same problem named by row and column, as for any other cell: the
    column is the header's name of the cell holding the byte (its letter when the header
    is not one of COLUMNS). None for other problems."""
    if problem is None or problem.kind != FileProblemKind.NUL_CHARACTER:
        return None
    offset = int(problem.params.get("offset") or 1) - 1
    start = data.rfind(b"\n", 0, offset) + 1
    before = data[start:offset].decode("utf-8", errors="replace")
    index = len(next(csv.reader([before]), [""])) - 1 if before else 0
    header_line = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
    header = [cell.strip().lower() for cell in next(csv.reader([header_line]), [])]
    # The header's name if it is one of ours; else the column's letter (the header itself
    # may hold the NUL).
    column = header[index] if index < len(header) and header[index] in COLUMNS else None
    column = column or _column_letter(index)
    return _at(problem.row or 1, column, _("the cell contains a NUL character"))


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def contact_rows(table: list[list[str]], *, existing: set[str] | None = None) -> list[ContactRow]:
    """The checked rows of an uploaded list (a header row, then one row per contact);
    ContactListError listing every problem otherwise. `existing`: the addresses the TLO's
    list already has (refused again, and counted against MAX_CONTACTS)."""
    existing = existing or set()
    header_index = next((i for i, row in enumerate(table) if any(row)), None)
    if header_index is None:
        raise ContactListError(_("The file is empty: the first row should hold the columns."))
    header = [cell.strip().lower() for cell in table[header_index]]
    problems = []
    for column in COLUMNS:
        if column not in header:
            problems.append(
                _("Row %(row)s: the column %(column)s is missing.")
                % {"row": header_index + 1, "column": column}
            )
    if problems:
        problems.append(_("The columns are: %(columns)s.") % {"columns": ", ".join(COLUMNS)})
        raise ContactListError(problems)
    positions = {column: header.index(column) for column in COLUMNS}
    found: list[ContactRow] = []
    first_row_of: dict[str, int] = {}
    for number, cells in enumerate(table[header_index + 1 :], header_index + 2):
        if not any(cells):
            continue
        values = {
            column: (cells[p].strip() if p < len(cells) else "") for column, p in positions.items()
        }
        row_problems = check_contact(values)
        problems.extend(_at(number, column, text) for column, text in row_problems.items())
        email = normalise_email(values["email"])
        if "email" not in row_problems:
            if email in existing:
                problems.append(_at(number, "email", _("this address is already on the list")))
            elif email in first_row_of:
                problems.append(
                    _at(
                        number,
                        "email",
                        _("the address is already in row %(row)s") % {"row": first_row_of[email]},
                    )
                )
            else:
                first_row_of[email] = number
        if not row_problems:
            found.append(
                ContactRow(
                    values["company"],
                    values["person"],
                    email,
                    _relation_code(values["relation"]) or "",
                )
            )
        if len(problems) >= 100:
            problems.append(_("Further rows were not checked."))
            break
    total = len(existing) + len(first_row_of)
    if total > MAX_CONTACTS and not problems:
        problems.append(
            _("A TLO may list at most %(limit)s customers; this list would make %(count)s.")
            % {"limit": MAX_CONTACTS, "count": total}
        )
    if problems:
        raise ContactListError(problems)
    return found
