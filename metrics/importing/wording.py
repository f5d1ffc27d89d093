"""The sentences of import problems, in the reader's language: the report import's own
kinds (problems.py) here, the file-level ones from core.tables.wording.

Kept apart from the problems themselves because it needs Django's translations and
the report's field labels, which the parser's child process does without.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.tables import wording as file_wording
from core.tables.problems import Problem

from ..enums import ReportState
from ..report_fields import REPORT_FIELDS_BY_CODE
from .problems import ProblemKind

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
    ProblemKind.NO_HEADER: _("The file is empty: the first row should hold the column headers."),
    ProblemKind.NO_DATA: _("The file has headers but no data rows."),
    ProblemKind.TIMED_OUT: _(
        "Checking or applying the file did not finish within an hour and was stopped. "
        "Nothing was imported; please upload the file again."
    ),
    ProblemKind.WORKER_LOST: _(
        "Checking the file stopped: the process working on it gave no sign of life for "
        "several minutes (it may have been restarted). Nothing was imported; please upload "
        "the file again."
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
    if problem.kind in file_wording.MESSAGES:
        return file_wording.sentence(problem)
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
        space = "" if file_wording.is_japanese() else " "
        text += space + str(DID_YOU_MEAN) % {"suggestions": file_wording.joiner().join(suggestions)}
    return text


def describe(problem: Problem, file_name: str = "") -> str:
    """Location and sentence: `report.csv, row 999, column “人件費”: “abc” is not …`."""
    return file_wording.describe(problem, file_name, sentence=sentence)


def command_line(problem: Problem) -> str:
    """The line `import_reports` prints: `row N, column C: message` (a stable prefix)."""
    prefix = []
    if problem.row is not None:
        prefix.append(f"row {problem.row}")
    if problem.column:
        prefix.append(f"column {problem.column}")
    text = sentence(problem)
    return f"{', '.join(prefix)}: {text}" if prefix else text


def _expected(key: str, unit: str) -> str:
    if key == "scaled_yen":
        shown = unit if file_wording.is_japanese() else _UNIT_NAMES_EN.get(unit, unit)
        return str(EXPECTED[key]) % {"unit": shown}
    return str(EXPECTED[key])
