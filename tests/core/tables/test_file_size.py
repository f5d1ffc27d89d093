"""The upload size limit, at its boundary."""

import pytest

from core.tables.files import check_size
from core.tables.problems import FileProblem, FileProblemKind


def test_check_size_exactly_the_limit_allowed(settings):
    settings.IMPORT_MAX_FILE_BYTES = 2048
    check_size(2048)  # no FileProblem


def test_check_size_one_byte_over_the_limit_refused(settings):
    settings.IMPORT_MAX_FILE_BYTES = 2048
    with pytest.raises(FileProblem) as refused:
        check_size(2049)
    assert refused.value.problem.kind == FileProblemKind.FILE_TOO_LARGE
