"""The sentences of file problems (problems.py), in the reader's language.

Kept apart from the problems themselves because it needs Django's translations, which
the parser's child process does without.
"""

from __future__ import annotations

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .problems import FileProblemKind, Problem

MESSAGES = {
    FileProblemKind.FILE_TOO_LARGE: _(
        "The file is %(size_mb)s MB; files of up to %(limit_mb)s MB can be imported. "
        "Split it into smaller files."
    ),
    FileProblemKind.TOO_MANY_ROWS: _(
        "The file has more than %(limit)s rows; split it into smaller files."
    ),
    FileProblemKind.UNKNOWN_FORMAT: _(
        "This is not a CSV or XLSX file. Save the spreadsheet as XLSX or CSV and upload it again."
    ),
    FileProblemKind.OLD_EXCEL_FORMAT: _(
        "This is an old Excel file (.xls). Save it as XLSX (Excel Workbook) or CSV and upload it again."
    ),
    FileProblemKind.NUL_CHARACTER: _(
        "There is a NUL character (byte 0x00, position %(offset)s), which text files never "
        "contain: the file may be damaged or not a CSV. Save it again as CSV and upload it."
    ),
    FileProblemKind.UNDECODABLE: _(
        "Byte 0x%(byte)s at position %(offset)s (line %(line)s) is not valid UTF-8 or "
        "Shift_JIS (CP932) text. Save the file as CSV UTF-8 or CSV (Shift_JIS) and upload it again."
    ),
    FileProblemKind.MALFORMED_CSV: _("The CSV file cannot be read at line %(line)s: %(detail)s."),
    FileProblemKind.UNREADABLE_XLSX: _("The XLSX file cannot be read (%(detail)s)."),
    FileProblemKind.ZIP_TOO_MANY_ENTRIES: _(
        "The XLSX file has %(count)s parts; a spreadsheet has far fewer (at most %(limit)s). "
        "It was not opened."
    ),
    FileProblemKind.ZIP_TOO_LARGE: _(
        "The XLSX file would unpack to more than %(limit_mb)s MB. It was not opened."
    ),
    FileProblemKind.XML_ENTITIES: _(
        "The XLSX file contains XML entity declarations (in %(part)s), which spreadsheets "
        "do not use. It was not opened."
    ),
    FileProblemKind.CELL_OUT_OF_RANGE: _(
        "Cell %(cell)s is outside the area that can be imported (%(columns)s columns, "
        "%(rows)s rows). Delete what is in it, including any formatting, or split the file, "
        "and upload it again."
    ),
    FileProblemKind.READ_ABORTED: _(
        "The file could not be read safely: reading it took more memory or time than "
        "allowed, or stopped with an error. It may be damaged or built to be harmful. "
        "Nothing was imported; open it in Excel, save it again as XLSX or CSV and upload it "
        "again."
    ),
}


def sentence(problem: Problem) -> str:
    """A file problem's sentence, in the active language, without the location."""
    return str(MESSAGES[problem.kind]) % {"value": problem.value, **problem.params}


def place(problem: Problem, file_name: str = "") -> str:
    """Where the problem is: file, row and column, in the active language."""
    parts = []
    if file_name:
        parts.append(file_name)
    if problem.row is not None:
        parts.append(gettext("row %(row)s") % {"row": problem.row})
    if problem.column:
        parts.append(gettext("column “%(column)s”") % {"column": problem.column})
    return joiner().join(parts)


def describe(problem: Problem, file_name: str = "", *, sentence=sentence) -> str:
    """Location and sentence: `report.csv, row 999, column “人件費”: …`. An app whose
    problems have kinds of their own passes its `sentence`."""
    where = place(problem, file_name)
    return f"{where}: {sentence(problem)}" if where else sentence(problem)


def is_japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


def joiner() -> str:
    return "、" if is_japanese() else ", "
