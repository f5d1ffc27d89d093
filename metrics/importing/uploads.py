"""The import's reader offered to other apps (settings.UPLOAD_TABLE_READER, core.uploads):
the registry upload reads CSV and XLSX with the same checks as the annual reports."""

from __future__ import annotations

from typing import Any

from core.uploads import UnreadableUpload

from .problems import FileProblem
from .tables import read_table


def read_upload_table(data: bytes) -> list[list[Any]]:
    """The rows of a CSV file or of an XLSX file's first visible sheet; UnreadableUpload
    with the import's message for a file it refuses."""
    try:
        return read_table(data).rows
    except FileProblem as failure:
        raise UnreadableUpload(failure.problem.message()) from None
