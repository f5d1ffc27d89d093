"""A real Celery worker killed (SIGKILL) while it checks an uploaded file: the parser
child it started dies with it, and a worker started again gets the task back (late
acknowledgement: Redis delivers it again after the visibility timeout) and finishes the
job, instead of leaving it "checking" for an hour.

The worker is a separate process (`celery -A config worker`), against the Redis broker
on a queue of its own (so that no other test's worker takes the task) and the test's
own database, which it must be able to reach: PostgreSQL. CI has both (.ci/run sets
DATABASE_URL and CELERY_BROKER_URL) and there the test may not skip; elsewhere it is
skipped without them (run it with e.g. CELERY_BROKER_URL=redis://127.0.0.1:6379/8 and a
PostgreSQL DATABASE_URL).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings as django_settings
from django.db import connection

from core import outbox
from institutions.models import Institution
from metrics.enums import ImportState
from metrics.models import ImportPreviewRow
from metrics.services import imports
from tests.factories import RegionFactory
from tests.metrics.importing_support import csv_bytes

PROJECT = Path(__file__).resolve().parents[2]
INSTITUTIONS = 1_000
YEARS = 20  # FY1998–FY2017 for each: 20,000 rows, about 2.5 MB
# Redis hands a task taken by a worker that died to another after this many seconds
# (the product's default is an hour: BROKER_VISIBILITY_TIMEOUT).
VISIBILITY_SECONDS = 3
FIND_CHILD_SECONDS = 120
FINISH_SECONDS = 300
HEADER = [
    "機関コード",
    "年度",
    "特許出願件数",
    "ライセンス件数",
    "ライセンス収入(千円)",
    "人件費(千円)",
    "特許関係費(千円)",
]


def _requirements() -> tuple[str, str]:
    """The broker URL and the test database's URL, or a skip (a failure in CI)."""
    broker = django_settings.CELERY_BROKER_URL
    problems = []
    if not broker.startswith(("redis://", "rediss://")):
        problems.append("a Redis broker (CELERY_BROKER_URL=redis://…)")
    if connection.vendor != "postgresql":
        problems.append("a PostgreSQL database the worker process can reach (DATABASE_URL)")
    if problems:
        message = "needs " + " and ".join(problems)
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI provides them (.ci/run)")
        pytest.skip(message)
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    url = f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    return broker, url


def _start_worker(*, queue: str, broker: str, database: str, log: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_PRIVATE_ROOT": str(django_settings.PRIVATE_MEDIA_ROOT),
        "BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        f"--queues={queue}",
        f"--hostname={queue}-{uuid.uuid4().hex[:6]}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with log.open("ab") as output:
        return subprocess.Popen(
            command, cwd=PROJECT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=30)


def _parser_child_of(pid: int) -> int | None:
    """The pid of the parser process (core.tables.sandbox_child) started by `pid`."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and b"core.tables.sandbox_child" in cmdline:
            return int(entry.name)
    return None


def _is_gone(pid: int) -> bool:
    """No such process, or one that has exited and waits to be reaped (a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def _wait(condition, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.01)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise AssertionError(f"{what} after {seconds} s; the worker's log ends:\n{tail}")


def _big_file() -> bytes:
    region = RegionFactory()
    Institution.objects.bulk_create(
        Institution(
            code=f"TLO-K{n:04d}",
            name_ja=f"機関{n}",
            name_en=f"Institution {n}",
            kind="approved_tlo",
            tlo_type="external_wide_area",
            legal_form="kabushiki_kaisha",
            region=region,
            approval_fy=1998,
        )
        for n in range(INSTITUTIONS)
    )
    rows = [HEADER]
    rows += [
        [f"TLO-K{n:04d}", 1998 + year, 10 + year, 2, "3,000", "9,000", "1,000"]
        for n in range(INSTITUTIONS)
        for year in range(YEARS)
    ]
    return csv_bytes(rows, "cp932")


@pytest.mark.celery_worker
def test_worker_killed_mid_check_redelivers_and_finishes(
    transactional_db, mext_official, tmp_path, monkeypatch
):
    broker, database = _requirements()
    queue = f"killed-worker-{uuid.uuid4().hex[:10]}"
    log = tmp_path / "worker.log"
    data = _big_file()

    # The upload as the request stores it; the test sends its task to the workers'
    # queue itself (the outbox sends to the default queue).
    monkeypatch.setattr(outbox, "send_queued_task", lambda task_id: False)
    job = imports.start_import(actor=mext_official, file_name="big.csv", data=data, language="ja")
    sender = Celery("kill-test", broker=broker, set_as_current=False)
    first = _start_worker(queue=queue, broker=broker, database=database, log=log)
    second = None
    try:
        sender.send_task("metrics.preview_import", args=[job.pk], queue=queue)
        child = _wait(
            lambda: _parser_child_of(first.pid),
            FIND_CHILD_SECONDS,
            "the worker started no parser",
            log,
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)

        # The parser child dies with its parent (PR_SET_PDEATHSIG).
        _wait(lambda: _is_gone(child), 30, f"parser child {child} still running", log)
        job.refresh_from_db()
        assert job.state == ImportState.PARSING  # what the killed worker left

        # Redis gives the task to the next worker once the visibility timeout passed.
        time.sleep(VISIBILITY_SECONDS + 1)
        second = _start_worker(queue=queue, broker=broker, database=database, log=log)

        def finished():
            job.refresh_from_db()
            return job.state in {ImportState.PREVIEW, ImportState.FAILED}

        _wait(finished, FINISH_SECONDS, "the job did not finish", log)
        assert job.result.get("file_errors") == [], job.result
        assert (job.state, job.processed_rows, job.total_rows) == (
            ImportState.PREVIEW,
            INSTITUTIONS * YEARS,
            INSTITUTIONS * YEARS,
        )
        assert job.result["summary"]["new"] == INSTITUTIONS * YEARS
        assert ImportPreviewRow.objects.filter(job=job).count() == INSTITUTIONS * YEARS
    finally:
        for worker in (first, second):
            if worker is not None:
                _stop(worker)
        sender.close()
        _purge(broker, queue)


def _purge(broker: str, queue: str) -> None:
    """Drop the test's queue from Redis (empty once the task was acknowledged)."""
    import redis

    client = redis.Redis.from_url(broker)
    try:
        client.delete(queue)
    finally:
        client.close()
