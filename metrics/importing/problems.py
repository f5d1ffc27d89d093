"""What can be wrong with an annual-report file beyond what core.tables checks: its
headers, its cells and its rows, kept as data (core.tables.Problem) and worded when shown
(wording.py)."""

from __future__ import annotations

from enum import StrEnum


class ProblemKind(StrEnum):
    # the file as a whole, once it could be read (core.tables.FileProblemKind: before)
    NO_HEADER = "no_header"
    NO_DATA = "no_data"
    PROCESSING_FAILED = "processing_failed"
    TIMED_OUT = "timed_out"
    WORKER_LOST = "worker_lost"
    # the header row
    UNKNOWN_COLUMN = "unknown_column"
    UNKNOWN_UNIT = "unknown_unit"
    UNIT_NOT_ALLOWED = "unit_not_allowed"
    DUPLICATE_COLUMN = "duplicate_column"
    DATA_WITHOUT_HEADER = "data_without_header"
    MISSING_INSTITUTION_COLUMN = "missing_institution_column"
    MISSING_FISCAL_YEAR_COLUMN = "missing_fiscal_year_column"
    # one cell
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    NOT_WHOLE = "not_whole"
    TOO_MANY_DECIMALS = "too_many_decimals"
    OUT_OF_RANGE = "out_of_range"
    NOT_A_FISCAL_YEAR = "not_a_fiscal_year"
    YEAR_NOT_REPORTABLE = "year_not_reportable"
    MISSING_FISCAL_YEAR = "missing_fiscal_year"
    MISSING_INSTITUTION = "missing_institution"
    UNKNOWN_INSTITUTION = "unknown_institution"
    INSTITUTION_MISMATCH = "institution_mismatch"
    NOT_YOUR_INSTITUTION = "not_your_institution"
    DUPLICATE_ROW = "duplicate_row"
    REPORT_LOCKED = "report_locked"
    # the licence detail sheet (ライセンス明細)
    MISSING_VALUE = "missing_value"
    TOO_LONG = "too_long"
    NOT_A_CHOICE = "not_a_choice"
    NOT_YES_OR_NO = "not_yes_or_no"
    LICENCE_WITHOUT_REPORT = "licence_without_report"
    DUPLICATE_LICENCE = "duplicate_licence"
    # the header row, informational (a warning, not an error)
    IGNORED_COLUMN = "ignored_column"
