"""Parsing runs in a child process: a file that exhausts it is refused, and the process
that asked (a web or Celery worker) lives on, small."""

import datetime as dt
import json
import logging
import multiprocessing
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from core.tables import sandbox
from core.tables.files import read_table
from core.tables.problems import FileProblem, FileProblemKind
from core.tables.wording import describe
from tests.metrics.importing_support import csv_bytes, handmade_xlsx, sheet_data, xlsx_bytes

MB = 1024 * 1024
TABLE = {"A1": "機関コード", "B1": "年度", "A2": "TLO-AAA", "B2": 2010}
# The farthest cell the default limits allow: calamine builds 200 × 100,001 cells for it,
# about 800 MB in the child.
EDGE_OF_THE_AREA = {**TABLE, "GR100001": 1}

# Runs in a fresh interpreter so that pytest's own memory does not count. The address
# space limit is only a net for the machine should a parse escape the child's limit.
PARSE_AND_MEASURE = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
import django
django.setup()
from core.tables.problems import FileProblem
from core.tables.files import read_table
try:
    outcome = {"rows": len(read_table(sys.stdin.buffer.read()).rows)}
except FileProblem as failure:
    outcome = failure.problem.as_json()
whom = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
peaks = [resource.getrusage(who).ru_maxrss for who in whom]
print(json.dumps({"outcome": outcome, "peak_kb": peaks}))
"""


def _parse_in_a_fresh_process(data: bytes) -> dict:
    finished = subprocess.run(
        [sys.executable, "-c", PARSE_AND_MEASURE],
        input=data,
        capture_output=True,
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        check=False,
    )
    assert finished.returncode == 0, finished.stderr.decode()[-2000:]
    return json.loads(finished.stdout.decode().splitlines()[-1])


@pytest.mark.parametrize(
    ("data", "outcome"),
    [
        (
            handmade_xlsx(sheet_data({**TABLE, "XFD1048576": 1})),
            {"kind": "cell_out_of_range", "cell": "XFD1048576"},
        ),
        (
            handmade_xlsx(sheet_data({**TABLE, "ZZ100000": 1})),
            {"kind": "cell_out_of_range", "cell": "ZZ100000"},
        ),
        (
            csv_bytes([[f"列{n}" for n in range(1, 202)], ["1"] * 201]),
            {"kind": "cell_out_of_range", "cell": "GS1"},
        ),
        (handmade_xlsx(sheet_data(TABLE), dimension="A1:XFD1048576"), {"rows": 2}),
    ],
    ids=["XFD1048576", "ZZ100000", "csv-201-columns", "stale-dimension"],
)
def test_hostile_file_is_answered_within_512_mb(data, outcome):
    measured = _parse_in_a_fresh_process(data)
    found = measured["outcome"]
    if "kind" in found:
        found = {"kind": found["kind"], "cell": found["params"]["cell"]}
    assert found == outcome
    assert sum(measured["peak_kb"]) * 1024 < 512 * MB


def test_read_table_refuses_a_file_whose_parsing_exceeds_the_memory_limit(settings, caplog):
    settings.IMPORT_PARSER_MEMORY_BYTES = 256 * MB
    with (
        caplog.at_level(logging.WARNING, logger="core.tables.sandbox"),
        pytest.raises(FileProblem) as caught,
    ):
        read_table(handmade_xlsx(sheet_data(EDGE_OF_THE_AREA)))
    assert caught.value.problem.kind == FileProblemKind.READ_ABORTED
    assert "The import parser stopped" in caplog.text
    # The process that asked lives on and reads the next file.
    assert read_table(handmade_xlsx(sheet_data(TABLE))).rows[1] == ["TLO-AAA", 2010.0]


def test_read_table_refuses_a_file_whose_parsing_takes_too_long(settings):
    settings.IMPORT_PARSER_TIMEOUT_SECONDS = 1
    with pytest.raises(FileProblem) as caught:
        read_table(handmade_xlsx(sheet_data(EDGE_OF_THE_AREA)))
    assert caught.value.problem.kind == FileProblemKind.READ_ABORTED


def test_read_aborted_message_names_the_file():
    failure = sandbox._aborted("a test", None)
    with translation.override("ja"):
        described = describe(failure.problem, "evil.xlsx")
    assert described.startswith("evil.xlsx: このファイルは安全に読み取れませんでした。")


def test_read_table_brings_dates_and_times_back_from_the_child():
    when = [dt.date(2024, 4, 1), dt.datetime(2024, 4, 1, 9, 30, 15), dt.time(9, 30)]
    rows = read_table(xlsx_bytes([["d", "dt", "t", "td"], [*when, dt.timedelta(hours=30)]])).rows
    assert rows[1] == [*when, dt.timedelta(hours=30)]


@pytest.mark.parametrize(
    "answer",
    [
        b"",
        b"not json",
        b"[" * 100_000,
        b'["rows"]',
        b'{"encoding": "", "rows": [[{"$eval": "1"}]]}',
        b'{"encoding": "", "rows": [[[1]]]}',
        b'{"encoding": "", "rows": [{"a": 1}]}',
        b'{"encoding": "", "rows": [[{"$date": "not a date"}]]}',
        b'{"problem": {"kind": "no_such_kind"}}',
    ],
)
def test_an_answer_from_the_child_that_is_not_a_table_is_refused(answer):
    with pytest.raises(FileProblem) as caught:
        sandbox._rows_from(answer)
    assert caught.value.problem.kind == FileProblemKind.READ_ABORTED


def test_parser_child_starts_without_django():
    code = "import sys, core.tables.sandbox_child; print(*sorted(sys.modules))"
    finished = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        cwd=django_settings.BASE_DIR,
        env={"PYTHONPATH": os.pathsep.join(path for path in sys.path if path)},
        check=True,
    )
    imported = {name.split(".")[0] for name in finished.stdout.decode().split()}
    assert {"python_calamine", "core"} <= imported
    assert imported.isdisjoint({"django", "logging", "subprocess", "metrics"})


def _read_in_a_daemon(queue) -> None:
    try:
        queue.put(read_table(csv_bytes([["機関コード", "年度"], ["TLO-AAA", "2010"]])).rows)
    except BaseException as error:  # sent back to the test, whatever it is
        queue.put(repr(error))


def test_read_table_works_in_a_daemonic_worker_process():
    # Celery's prefork pool runs tasks in daemonic processes, which may not start
    # multiprocessing children; a subprocess is allowed.
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    worker = context.Process(target=_read_in_a_daemon, args=(queue,), daemon=True)
    worker.start()
    answer = queue.get(timeout=60)
    worker.join(timeout=60)
    assert answer == [["機関コード", "年度"], ["TLO-AAA", "2010"]]
