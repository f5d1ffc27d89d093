"""The sentences of import problems (problems.py), in the reader's language.

Kept apart from the problems themselves because it needs Django's translations and
the report's field labels, which the parser's child process does without.
"""

from __future__ import annotations

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from ..enums import ReportState
from ..report_fields import REPORT_FIELDS_BY_CODE
from .problems import Problem, ProblemKind

# What a cell of each kind should hold; %(unit)s is the header's unit (千円, 百万円, …).
EXPECTED = {
    "count": _("a whole number of 0 or more, such as 12"),
    "yen": _("an amount in yen of 0 or more, such as 1,234,000"),
    "scaled_yen": _("an amount in %(unit)s of 0 or more, such as 1,234"),
    "score": _("a score from 1 to 5 with at most two decimal places, such as 3.75"),
    "fte": _("a number of 0 or more with at most two decimal places, such as 2.5"),
    "fiscal_year": _("a fiscal year such as 2010, 2010年度, H22, 平成22年度, R2 or 令和2年度"),
}

MESSAGES = {
    ProblemKind.FILE_TOO_LARGE: _(
        "The file is %(size_mb)s MB; files of up to %(limit_mb)s MB can be imported. "
        "Split it into smaller files."
    ),
    ProblemKind.TOO_MANY_ROWS: _(
        "The file has more than %(limit)s rows; split it into smaller files."
    ),
    ProblemKind.UNKNOWN_FORMAT: _(
        "This is not a CSV or XLSX file. Save the spreadsheet as XLSX or CSV and upload it again."
    ),
    ProblemKind.OLD_EXCEL_FORMAT: _(
        "This is an old Excel file (.xls). Save it as XLSX (Excel Workbook) or CSV and upload it again."
    ),
    ProblemKind.NUL_CHARACTER: _(
        "There is a NUL character (byte 0x00, position %(offset)s), which text files never "
        "contain: the file may be damaged or not a CSV. Save it again as CSV and upload it."
    ),
    ProblemKind.UNDECODABLE: _(
        "Byte 0x%(byte)s at position %(offset)s (line %(line)s) is not valid UTF-8 or "
        "Shift_JIS (CP932) text. Save the file as CSV UTF-8 or CSV (Shift_JIS) and upload it again."
    ),
    ProblemKind.MALFORMED_CSV: _("The CSV file cannot be read at line %(line)s: %(detail)s."),
    ProblemKind.UNREADABLE_XLSX: _("The XLSX file cannot be read (%(detail)s)."),
    ProblemKind.ZIP_TOO_MANY_ENTRIES: _(
        "The XLSX file has %(count)s parts; a spreadsheet has far fewer (at most %(limit)s). "
        "It was not opened."
    ),
    ProblemKind.ZIP_TOO_LARGE: _(
        "The XLSX file would unpack to more than %(limit_mb)s MB. It was not opened."
    ),
    ProblemKind.XML_ENTITIES: _(
        "The XLSX file contains XML entity declarations (in %(part)s), which spreadsheets "
        "do not use. It was not opened."
    ),
    ProblemKind.CELL_OUT_OF_RANGE: _(
        "Cell %(cell)s is outside the area that can be imported (%(columns)s columns, "
        "%(rows)s rows). Delete what is in it, including any formatting, or split the file, "
        "and upload it again."
    ),
    ProblemKind.READ_ABORTED: _(
        "The file could not be read safely: reading it took more memory or time than "
        "allowed, or stopped with an error. It may be damaged or built to be harmful. "
        "Nothing was imported; open it in Excel, save it again as XLSX or CSV and upload it "
        "again."
    ),
    ProblemKind.NO_HEADER: _("The file is empty: the first row should hold the column headers."),
    ProblemKind.NO_DATA: _("The file has headers but no data rows."),
    ProblemKind.TIMED_OUT: _(
        "Checking or applying the file did not finish within an hour and was stopped. "
        "Nothing was imported; please upload the file again."
    ),
    ProblemKind.PROCESSING_FAILED: _(
        "The file could not be checked because of an error in the system. Nothing was "
        "imported; please try again later or tell the system administrator."
    ),
    ProblemKind.UNKNOWN_COLUMN: _(
        "“%(value)s” is not a column of the annual report. Use the headers of the template "
        "(Japanese labels or field codes)."
    ),
    ProblemKind.UNKNOWN_UNIT: _(
        "The unit “%(unit)s” is not understood. Amounts may be in 円, 千円, 万円 or 百万円."
    ),
    ProblemKind.UNIT_NOT_ALLOWED: _(
        "The unit “%(unit)s” cannot be used for %(field)s, which is not an amount of money."
    ),
    ProblemKind.DUPLICATE_COLUMN: _(
        "This column means the same as column “%(other)s”; keep only one of them."
    ),
    ProblemKind.DATA_WITHOUT_HEADER: _(
        "Column %(position)s has values but no header; give it a header or delete it."
    ),
    ProblemKind.MISSING_INSTITUTION_COLUMN: _(
        "The file has no institution column: add 機関コード (institution code) or 機関名 "
        "(institution name)."
    ),
    ProblemKind.MISSING_FISCAL_YEAR_COLUMN: _("The file has no 年度 (fiscal year) column."),
    ProblemKind.NOT_A_NUMBER: _("“%(value)s” is not a number; expected %(expected)s."),
    ProblemKind.NEGATIVE: _("“%(value)s” is negative; expected %(expected)s."),
    ProblemKind.NOT_WHOLE: _("“%(value)s” is not a whole number; expected %(expected)s."),
    ProblemKind.TOO_MANY_DECIMALS: _(
        "“%(value)s” has more than two decimal places; expected %(expected)s."
    ),
    ProblemKind.OUT_OF_RANGE: _("“%(value)s” is out of range; expected %(expected)s."),
    ProblemKind.NOT_A_FISCAL_YEAR: _("“%(value)s” is not a fiscal year; expected %(expected)s."),
    ProblemKind.YEAR_NOT_REPORTABLE: _(
        "%(year)s is not a fiscal year this institution can report for: from FY%(first)s "
        "(its approval, or the first year collected) to FY%(last)s (the current one)."
    ),
    ProblemKind.MISSING_FISCAL_YEAR: _("The fiscal year is blank; expected %(expected)s."),
    ProblemKind.MISSING_INSTITUTION: _(
        "The institution is blank; expected a registered institution code or name."
    ),
    ProblemKind.UNKNOWN_INSTITUTION: _("No registered institution is called “%(value)s”."),
    ProblemKind.INSTITUTION_MISMATCH: _(
        "The code names %(by_code)s but the name “%(value)s” is %(by_name)s; correct one of them."
    ),
    ProblemKind.NOT_YOUR_INSTITUTION: _(
        "You may import only your own institution's figures; “%(value)s” is not one of your "
        "institutions."
    ),
    ProblemKind.DUPLICATE_ROW: _(
        "%(institution)s, %(fiscal_year)s already appears in row %(other_row)s; "
        "keep one row per institution and fiscal year."
    ),
    ProblemKind.REPORT_LOCKED: _(
        "The %(fiscal_year)s report of %(institution)s is %(state)s and cannot be changed by an "
        "import (it can be changed only while it is a draft or returned)."
    ),
    ProblemKind.IGNORED_COLUMN: _("The column “%(value)s” is for information only and is ignored."),
    ProblemKind.MISSING_VALUE: _("This cell is required and is blank."),
    ProblemKind.TOO_LONG: _("“%(value)s” is longer than %(limit)s characters."),
    ProblemKind.NOT_A_CHOICE: _("“%(value)s” is not one of: %(choices)s."),
    ProblemKind.NOT_YES_OR_NO: _(
        "“%(value)s” is neither yes nor no: write ○ or ×, or leave it blank."
    ),
    ProblemKind.LICENCE_WITHOUT_REPORT: _(
        "%(institution)s, %(fiscal_year)s has no row on the first sheet: licence rows belong to "
        "a report of the same file."
    ),
    ProblemKind.DUPLICATE_LICENCE: _(
        "The agreement “%(value)s” of %(institution)s, %(fiscal_year)s already appears in row "
        "%(other_row)s."
    ),
}

DID_YOU_MEAN = _("Did you mean: %(suggestions)s?")

_UNIT_NAMES_EN = {
    "円": "yen",
    "千円": "thousand yen",
    "万円": "ten thousand yen",
    "百万円": "million yen",
}


def sentence(problem: Problem) -> str:
    """The problem's sentence, in the active language, without the location."""
    params = {"value": problem.value, **problem.params}
    if "expected" in params:
        params["expected"] = _expected(params["expected"], params.get("unit", ""))
    if "state" in params:
        params["state"] = ReportState(params["state"]).label
    if "field" in params and params["field"] in REPORT_FIELDS_BY_CODE:
        params["field"] = REPORT_FIELDS_BY_CODE[params["field"]].label
    text = str(MESSAGES[problem.kind]) % params
    suggestions = problem.params.get("suggestions")
    if suggestions:
        space = "" if _is_japanese() else " "
        text += space + str(DID_YOU_MEAN) % {"suggestions": _joiner().join(suggestions)}
    return text


def place(problem: Problem, file_name: str = "") -> str:
    """Where the problem is: file, row and column, in the active language."""
    parts = []
    if file_name:
        parts.append(file_name)
    if problem.row is not None:
        parts.append(gettext("row %(row)s") % {"row": problem.row})
    if problem.column:
        parts.append(gettext("column “%(column)s”") % {"column": problem.column})
    return _joiner().join(parts)


def _is_japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


def _joiner() -> str:
    return "、" if _is_japanese() else ", "


def _expected(key: str, unit: str) -> str:
    if key == "scaled_yen":
        shown = unit if _is_japanese() else _UNIT_NAMES_EN.get(unit, unit)
        return str(EXPECTED[key]) % {"unit": shown}
    return str(EXPECTED[key])
