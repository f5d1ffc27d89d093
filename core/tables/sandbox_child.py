"""The parser's child process: the half of sandbox.py that runs with the upload.

`python -m core.tables.sandbox_child REQUEST` lowers its own limits first (so that
nothing it runs can raise them again), reads the file from stdin, parses it with
reading.read_rows and writes the rows, or the problem, to stdout as JSON. It imports
only what parsing needs: no Django, no logging, no subprocess, so that it starts fast.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from .problems import FileProblem
from .reading import TableLimits, read_rows


def _tagged(value: Any) -> dict[str, Any]:
    """JSON for the cells JSON has no type for (json.dumps calls it for those only);
    sandbox._untagged turns them back."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$timedelta": [value.days, value.seconds, value.microseconds]}
    raise TypeError(f"a cell of type {type(value).__name__} cannot be sent")


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


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent_pid: int | None) -> None:
    """Ask Linux to kill this process when its parent (the web or Celery worker that
    started it) dies, so that a killed worker leaves no parser running on its own; and
    stop at once if the parent is already gone. Elsewhere the CPU limit ends it."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the request above took effect


def main(arguments: list[str], source: IO[bytes], sink: IO[bytes]) -> None:
    """Limits first, then the file from `source`, the answer to `sink`. `arguments[0]` is
    the request sandbox.read_rows_in_child sends: format, table limits, resource limits."""
    request = json.loads(arguments[0])
    _die_with_parent(request.get("parent_pid"))
    _limit_resources(
        memory_bytes=request["memory_bytes"],
        cpu_seconds=request["cpu_seconds"],
        answer_bytes=request["answer_bytes"],
    )
    data = source.read()
    try:
        rows = read_rows(
            data,
            file_format=request["format"],
            limits=TableLimits(**request["limits"]),
            sheets=tuple(request.get("sheets", ())),
        )
        result: dict[str, Any] = {
            "encoding": rows.encoding,
            "rows": rows.rows,
            "sheets": rows.sheets,
        }
    except FileProblem as failure:
        result = {"problem": failure.problem.as_json()}
    sink.write(
        json.dumps(result, ensure_ascii=False, separators=(",", ":"), default=_tagged).encode()
    )
    sink.flush()


if __name__ == "__main__":
    main(sys.argv[1:], sys.stdin.buffer, sys.stdout.buffer)
