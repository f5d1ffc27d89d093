"""A real Celery worker killed (SIGKILL) while it checks an uploaded file, the way the
kernel's OOM killer or a redeploy kills it: the parser child it started dies with it,
and the task comes back (late acknowledgement) and finishes the job, instead of leaving
it "checking" for an hour.

- The process running the task is killed: its worker requeues the task at once
  (CELERY_TASK_REJECT_ON_WORKER_LOST) and runs it again in a new pool process.
- The whole worker is killed: a worker started again gets the task from Redis once its
  visibility timeout passed (BROKER_VISIBILITY_TIMEOUT, shortened here).

Without late acknowledgement the prefork worker acknowledges the task when its pool
process takes it, and both tests fail: the task is lost with the process.

The worker is a separate process (`celery -A config worker`, prefork, one pool
process), against the Redis broker on a queue of its own (so that no other test's worker
takes the task) and the test's own database, which it must be able to reach: PostgreSQL.
CI has both (.ci/run sets DATABASE_URL and CELERY_BROKER_URL) and there the tests may not
skip; elsewhere they are skipped without them (run them with e.g.
CELERY_BROKER_URL=redis://127.0.0.1:6379/8 and a PostgreSQL DATABASE_URL).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
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
        "--pool=prefork",
        "--concurrency=1",
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


def _processes() -> dict[int, tuple[int, bytes]]:
    """pid → (parent pid, command line) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        found[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline)
    return found


def _parser_under(worker: int) -> tuple[int, int] | None:
    """(the parser's pid, its parent's pid) if a process started by the worker `worker`
    (in one of its pool processes) runs the parser (core.tables.sandbox_child)."""
    processes = _processes()
    pool = {pid for pid, (parent, _command) in processes.items() if parent == worker}
    for pid, (parent, command) in processes.items():
        if parent in pool and b"core.tables.sandbox_child" in command:
            return pid, parent
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


def _finished(job):
    def check():
        job.refresh_from_db()
        return job.state in {ImportState.PREVIEW, ImportState.FAILED}

    return check


def _assert_checked_to_the_end(job) -> None:
    assert job.result.get("file_errors") == [], job.result
    assert (job.state, job.processed_rows, job.total_rows) == (
        ImportState.PREVIEW,
        INSTITUTIONS * YEARS,
        INSTITUTIONS * YEARS,
    )
    assert job.result["summary"]["new"] == INSTITUTIONS * YEARS
    assert ImportPreviewRow.objects.filter(job=job).count() == INSTITUTIONS * YEARS


@pytest.fixture
def killing(transactional_db, mext_official, tmp_path, monkeypatch):
    """A big upload stored as the request stores it, a worker on a queue of its own, and
    what the test needs to kill it and start another; the workers are stopped after."""
    broker, database = _requirements()
    queue = f"killed-worker-{uuid.uuid4().hex[:10]}"
    log = tmp_path / "worker.log"
    data = _big_file()
    # The test sends the task to its workers' queue itself (the outbox sends to the
    # default queue, which other tests' workers read).
    monkeypatch.setattr(outbox, "send_queued_task", lambda task_id: False)
    job = imports.start_import(actor=mext_official, file_name="big.csv", data=data, language="ja")
    workers: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        workers.append(_start_worker(queue=queue, broker=broker, database=database, log=log))
        return workers[-1]

    sender = Celery("kill-test", broker=broker, set_as_current=False)
    try:
        yield SimpleNamespace(
            job=job,
            log=log,
            start=start,
            send=lambda: sender.send_task("metrics.preview_import", args=[job.pk], queue=queue),
        )
    finally:
        for worker in workers:
            _stop(worker)
        sender.close()
        _purge(broker, queue)


def _kill_during_parsing(killing, worker: subprocess.Popen, *, whole: bool) -> None:
    """Wait until the worker's pool process runs the parser, then SIGKILL that pool
    process (and, if `whole`, the worker's main process too); the parser must die by
    itself, with its parent."""
    parser, pool = _wait(
        lambda: _parser_under(worker.pid),
        FIND_CHILD_SECONDS,
        "the worker started no parser",
        killing.log,
    )
    if whole:
        os.kill(worker.pid, signal.SIGKILL)
    os.kill(pool, signal.SIGKILL)
    if whole:
        worker.wait(timeout=30)
    _wait(lambda: _is_gone(parser), 30, f"parser {parser} outlived its parent", killing.log)
    assert _is_gone(pool)


@pytest.mark.celery_worker
def test_pool_process_killed_mid_check_is_requeued_and_finishes(killing):
    worker = killing.start()
    killing.send()
    _kill_during_parsing(killing, worker, whole=False)

    # The worker requeues the task of its lost process and runs it again.
    _wait(_finished(killing.job), FINISH_SECONDS, "the job did not finish", killing.log)
    _assert_checked_to_the_end(killing.job)
    assert worker.poll() is None


@pytest.mark.celery_worker
def test_worker_killed_mid_check_redelivers_to_the_next_worker(killing):
    first = killing.start()
    killing.send()
    _kill_during_parsing(killing, first, whole=True)
    killing.job.refresh_from_db()
    assert killing.job.state == ImportState.PARSING  # what the killed worker left

    # Redis gives the task to the next worker once the visibility timeout passed.
    time.sleep(VISIBILITY_SECONDS + 1)
    killing.start()
    _wait(_finished(killing.job), FINISH_SECONDS, "the job did not finish", killing.log)
    _assert_checked_to_the_end(killing.job)


def _purge(broker: str, queue: str) -> None:
    """Drop the test's queue from Redis (empty once the task was acknowledged) and the
    bindings kombu recorded for it."""
    import redis

    client = redis.Redis.from_url(broker)
    try:
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    finally:
        client.close()
