"""Parsing an upload in a child process, so that no file can take the server down.

tables.read_table hands the bytes to `python -m metrics.importing.sandbox`, which lowers
its own limits before it reads them (address space, CPU seconds, size of what it may
write, no core file), parses them with reading.read_rows and writes the rows, or the
problem, to its stdout. If a file still makes the parser ask for hundreds of gigabytes,
crash or spin, that process dies and this one refuses the file (READ_ABORTED).

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
import resource
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from .problems import FileProblem, Problem, ProblemKind
from .reading import Rows, TableLimits, read_rows

logger = logging.getLogger(__name__)

_MODULE = "metrics.importing.sandbox"
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
) -> Rows:
    """reading.read_rows, run in a child process with at most `memory_bytes` of address
    space and `timeout_seconds` of CPU and wall-clock time.

    Raises the FileProblem the parser found, or READ_ABORTED if the child was killed,
    failed or answered nonsense (the reason goes to the log, with its stderr).
    """
    request = {
        "format": file_format,
        "limits": asdict(limits),
        "memory_bytes": memory_bytes,
        "cpu_seconds": timeout_seconds,
        "answer_bytes": _MAX_ANSWER_BYTES,
    }
    # -S: no site module (it costs a third of the start-up); the child gets this
    # process's import path instead, which already holds what .pth files added.
    command = [sys.executable, "-S", "-m", _MODULE, json.dumps(request)]
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
    return FileProblem(Problem(ProblemKind.READ_ABORTED))


def _rows_from(answer: bytes) -> Rows:
    """The child's JSON answer, checked: a problem, or an encoding and rows of cells."""
    try:
        result = json.loads(answer, object_hook=_untagged)
        if "problem" in result:
            raise FileProblem(Problem.from_json(result["problem"]))
        encoding, rows = result["encoding"], result["rows"]
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError) as error:
        raise _aborted(f"answer not understood ({type(error).__name__})", None) from None
    if not (
        isinstance(encoding, str)
        and isinstance(rows, list)
        and all(type(row) is list for row in rows)
        and set(map(type, itertools.chain.from_iterable(rows))) <= _CELL_TYPES
    ):
        raise _aborted("answer not a table of cells", None)
    return Rows(encoding, rows)


def _tagged(value: Any) -> dict[str, Any]:
    """JSON for the cells JSON has no type for (json.dumps calls it for those only)."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$timedelta": [value.days, value.seconds, value.microseconds]}
    raise TypeError(f"a cell of type {type(value).__name__} cannot be sent")


_UNTAG = {
    "$datetime": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$time": time.fromisoformat,
    "$timedelta": lambda parts: timedelta(*parts),
}


def _untagged(obj: dict[str, Any]) -> Any:
    """The inverse of _tagged (json.loads calls it for every object; rows are lists,
    so only tagged cells and the answer's own few objects come here)."""
    if len(obj) == 1:
        ((tag, value),) = obj.items()
        if tag in _UNTAG:
            return _UNTAG[tag](value)
    return obj


def _limit_resources(*, memory_bytes: int, cpu_seconds: int, answer_bytes: int) -> None:
    """Lower this process's limits, soft and hard, so that nothing it runs can raise them
    again. Where a limit is already lower (a container's, say), it stays."""
    for kind, soft, hard in (
        (resource.RLIMIT_AS, memory_bytes, memory_bytes),
        (resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1),
        (resource.RLIMIT_FSIZE, answer_bytes, answer_bytes),
        (resource.RLIMIT_CORE, 0, 0),
    ):
        _old_soft, old_hard = resource.getrlimit(kind)
        if old_hard != resource.RLIM_INFINITY:
            hard = min(hard, old_hard)
        resource.setrlimit(kind, (min(soft, hard), hard))


def _child(arguments: list[str], source: IO[bytes], sink: IO[bytes]) -> None:
    """The child's work: limits first, then the file from stdin, the answer to stdout."""
    request = json.loads(arguments[0])
    _limit_resources(
        memory_bytes=request["memory_bytes"],
        cpu_seconds=request["cpu_seconds"],
        answer_bytes=request["answer_bytes"],
    )
    data = source.read()
    try:
        rows = read_rows(
            data, file_format=request["format"], limits=TableLimits(**request["limits"])
        )
        result: dict[str, Any] = {"encoding": rows.encoding, "rows": rows.rows}
    except FileProblem as failure:
        result = {"problem": failure.problem.as_json()}
    sink.write(
        json.dumps(result, ensure_ascii=False, separators=(",", ":"), default=_tagged).encode()
    )
    sink.flush()


if __name__ == "__main__":
    _child(sys.argv[1:], sys.stdin.buffer, sys.stdout.buffer)
