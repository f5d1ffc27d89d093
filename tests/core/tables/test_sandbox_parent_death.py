"""A worker killed while its parser child runs leaves no parser running on its own."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")

# The "worker": starts the parser child exactly as sandbox.read_rows_in_child does (its
# request names this process as the parent), prints the child's pid, and waits.
PARENT = """
import json, os, subprocess, sys, time
request = {"format": "csv", "limits": {"max_rows": 10, "max_columns": 10,
    "xlsx_max_entries": 10, "xlsx_max_unpacked_bytes": 1000000},
    "memory_bytes": 512 * 1024 * 1024, "cpu_seconds": 60, "answer_bytes": 1000000,
    "sheets": [], "parent_pid": os.getpid()}
child = subprocess.Popen([sys.executable, "-S", "-m", "core.tables.sandbox_child",
    json.dumps(request)], stdin=int(sys.argv[1]), stdout=subprocess.DEVNULL)
print(child.pid, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_parser_child_dies_with_its_parent():
    # The child waits for the file on a pipe this test keeps open: only its parent's
    # death can end it.
    read_end, write_end = os.pipe()
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(read_end)],
        pass_fds=(read_end,),
        stdout=subprocess.PIPE,
        cwd=settings.BASE_DIR,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )
    os.close(read_end)
    try:
        child_pid = int(parent.stdout.readline())
        time.sleep(0.5)
        assert _alive(child_pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while _alive(child_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        alive = _alive(child_pid)
        if alive:
            os.kill(child_pid, signal.SIGKILL)
        assert not alive
    finally:
        os.close(write_end)
        parent.kill()
