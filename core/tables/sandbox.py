"""Parsing an upload in a child process, so that no file can take the server down.

files.read_table hands the bytes to `python -m core.tables.sandbox_child`, which
lowers its own limits before it reads them (address space, CPU seconds, size of what it
may write, no core file), parses them with reading.read_rows and writes the rows, or the
problem, to its stdout. If a file still makes the parser ask for hundreds of gigabytes,
crash or spin, that process dies and this one refuses the file (READ_ABORTED). This
module is the server's half; sandbox_child.py, which imports only what the parsing
needs, is the child's.

Why a fresh interpreter: Celery's prefork workers are daemonic and may not start
multiprocessing children, and forking a threaded gunicorn or runserver process copies
its locks. A subprocess has neither problem, and it starts in a few tens of
milliseconds because the parsing modules import nothing from Django. It gets no
secrets either: only the few environment variables an interpreter needs.

Why JSON and not pickle: a child that a crafted file had taken over could make a pickle
run code in this process; the worst it can do with JSON is send something that does
not make sense, which is checked. XLSX dates and times travel tagged, as
{"$date": "2024-04-01"} and the like. The answer goes to a temporary file, which the
child cannot make larger than 128 MB.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from .problems import FileProblem, FileProblemKind, Problem
from .reading import Rows, TableLimits

logger = logging.getLogger(__name__)

_CHILD_MODULE = "core.tables.sandbox_child"
_PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# What an interpreter may need from the environment; nothing else (no secret key, no
# database URL) reaches the process that parses a stranger's file.
_ENVIRONMENT = (
    "PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "LD_LIBRARY_PATH",
    "TMPDIR",
    "PYTHONDONTWRITEBYTECODE",
)
_CELL_TYPES = {str, int, float, bool, date, datetime, time, timedelta}
# A 10 MB upload of figures (60,000 rows of 26 columns) answers in about 15 MB. A much
# larger answer comes from a file built to multiply its text (one shared string in
# every cell) and would cost this process several times its size, so the child may not
# write more; it is then refused like any other failure.
_MAX_ANSWER_BYTES = 128 * 1024 * 1024
_STDERR_SHOWN = 2000


def read_rows_in_child(
    data: bytes,
    *,
    file_format: str,
    limits: TableLimits,
    memory_bytes: int,
    timeout_seconds: int,
    sheets: tuple[str, ...] = (),
) -> Rows:
    """reading.read_rows, run in a child process with at most `memory_bytes` of address
    space and `timeout_seconds` of CPU and wall-clock time (`sheets`: the further XLSX
    worksheets to read by name, if the workbook has them).

    Raises the FileProblem the parser found, or READ_ABORTED if the child was killed,
    failed or answered nonsense (the reason goes to the log, with its stderr).
    """
    request = {
        "format": file_format,
        "limits": asdict(limits),
        "memory_bytes": memory_bytes,
        "cpu_seconds": timeout_seconds,
        "answer_bytes": _MAX_ANSWER_BYTES,
        "sheets": list(sheets),
        "parent_pid": os.getpid(),  # the child dies with this process (sandbox_child)
    }
    # -S: no site module (it costs a third of the start-up); the child gets this
    # process's import path instead, which already holds what .pth files added.
    command = [sys.executable, "-S", "-m", _CHILD_MODULE, json.dumps(request)]
    environment = {name: os.environ[name] for name in _ENVIRONMENT if name in os.environ}
    environment["PYTHONPATH"] = os.pathsep.join(os.path.abspath(path) for path in sys.path if path)
    with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
        try:
            finished = subprocess.run(
                command,
                input=data,
                stdout=output,
                stderr=errors,
                cwd=_PROJECT_ROOT,
                env=environment,
                timeout=timeout_seconds,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise _aborted(f"still running after {timeout_seconds} s", errors) from None
        if finished.returncode != 0:
            raise _aborted(_exit_reason(finished.returncode), errors)
        output.seek(0)
        answer = output.read(_MAX_ANSWER_BYTES + 1)
    if len(answer) > _MAX_ANSWER_BYTES:
        raise _aborted("answer larger than allowed", None)
    return _rows_from(answer)


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _aborted(reason: str, errors: IO[bytes] | None) -> FileProblem:
    detail = ""
    if errors is not None:
        errors.seek(0, os.SEEK_END)
        errors.seek(max(0, errors.tell() - _STDERR_SHOWN))
        detail = errors.read().decode("utf-8", "replace")
    logger.warning("The import parser stopped (%s); the file is refused. %s", reason, detail)
    return FileProblem(Problem(FileProblemKind.READ_ABORTED))


def _rows_from(answer: bytes) -> Rows:
    """The child's JSON answer, checked: a problem, or an encoding and rows of cells."""
    try:
        result = json.loads(answer, object_hook=_untagged)
        if "problem" in result:
            problem = Problem.from_json(result["problem"])
            FileProblemKind(problem.kind)  # the child words only file problems
            raise FileProblem(problem)
        encoding, rows = result["encoding"], result["rows"]
        sheets = result.get("sheets", {})
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError) as error:
        raise _aborted(f"answer not understood ({type(error).__name__})", None) from None
    if not (
        isinstance(encoding, str)
        and _is_table(rows)
        and isinstance(sheets, dict)
        and all(isinstance(name, str) and _is_table(table) for name, table in sheets.items())
    ):
        raise _aborted("answer not a table of cells", None)
    return Rows(encoding, rows, sheets)


def _is_table(rows: Any) -> bool:
    return (
        isinstance(rows, list)
        and all(type(row) is list for row in rows)
        and set(map(type, itertools.chain.from_iterable(rows))) <= _CELL_TYPES
    )


_UNTAG = {
    "$datetime": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$time": time.fromisoformat,
    "$timedelta": lambda parts: timedelta(*parts),
}


def _untagged(obj: dict[str, Any]) -> Any:
    """A tagged cell back to its type (the inverse of sandbox_child._tagged). json.loads
    calls it for every object; rows are lists, so only tagged cells and the answer's
    own few objects come here."""
    if len(obj) == 1:
        ((tag, value),) = obj.items()
        if tag in _UNTAG:
            return _UNTAG[tag](value)
    return obj
