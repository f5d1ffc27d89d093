"""How much an uploaded spreadsheet may hold, and when its work goes to the background.

Each limit can be tightened (or, for tests, lowered) in settings under the same name.
"""

from __future__ import annotations

from django.conf import settings

from .reading import TableLimits

MB = 1024 * 1024

_DEFAULTS = {
    # What a person may upload.
    "IMPORT_MAX_FILE_BYTES": 10 * MB,
    "IMPORT_MAX_ROWS": 100_000,
    # No cell of an XLSX sheet may lie right of this column (200 = GR), and no value of a
    # CSV row either: the parser builds a sheet as one rectangle from A1 to its farthest
    # cell, so one far cell would cost gigabytes.
    "IMPORT_MAX_COLUMNS": 200,
    # An XLSX is a zip: its parts unpacked, and how many there are, are checked before
    # any of it is parsed. A real 100,000-row sheet unpacks to well under 200 MB.
    "IMPORT_XLSX_MAX_UNPACKED_BYTES": 200 * MB,
    "IMPORT_XLSX_MAX_ENTRIES": 200,
    # The file is parsed in a child process with at most this much address space and
    # this much CPU (and wall-clock) time; past either it is killed and the file refused
    # as unsafe to read (sandbox.py). A 60,000-row XLSX of 26 columns (about the 10 MB
    # upload limit) peaks at 170 MB; the farthest cell the limits allow (GR100001) at 810 MB.
    "IMPORT_PARSER_MEMORY_BYTES": 1024 * MB,
    "IMPORT_PARSER_TIMEOUT_SECONDS": 120,
    # Above either of these, the upload returns at once and a Celery task does the work.
    "IMPORT_BACKGROUND_ROWS": 2_000,
    "IMPORT_BACKGROUND_BYTES": 1 * MB,
}


def limit(name: str) -> int:
    return int(getattr(settings, name, _DEFAULTS[name]))


def max_file_bytes() -> int:
    return limit("IMPORT_MAX_FILE_BYTES")


def max_rows() -> int:
    return limit("IMPORT_MAX_ROWS")


def max_columns() -> int:
    return limit("IMPORT_MAX_COLUMNS")


def xlsx_max_unpacked_bytes() -> int:
    return limit("IMPORT_XLSX_MAX_UNPACKED_BYTES")


def xlsx_max_entries() -> int:
    return limit("IMPORT_XLSX_MAX_ENTRIES")


def background_rows() -> int:
    return limit("IMPORT_BACKGROUND_ROWS")


def background_bytes() -> int:
    return limit("IMPORT_BACKGROUND_BYTES")


def parser_memory_bytes() -> int:
    return limit("IMPORT_PARSER_MEMORY_BYTES")


def parser_timeout_seconds() -> int:
    return limit("IMPORT_PARSER_TIMEOUT_SECONDS")


def table_limits() -> TableLimits:
    """The limits the parser's child process applies, read here from the settings."""
    return TableLimits(
        max_rows=max_rows(),
        max_columns=max_columns(),
        xlsx_max_entries=xlsx_max_entries(),
        xlsx_max_unpacked_bytes=xlsx_max_unpacked_bytes(),
    )
