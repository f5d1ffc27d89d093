"""Run every benchmark in bench/ one after the other, and write docs/benchmarks.md.

The benchmarks are measured on PostgreSQL: set DATABASE_URL, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/tlo_review make bench

Each script runs in its own process, prints as it goes, and writes its figures with
--json; each script's `result_table` turns them into its table, and bench/report.py writes
the page (with the date, the CPU count, the database, and the load average before and
after). The page is written only when every benchmark succeeded.

Options: --skip-stock (leave out django-import-export's resource, which takes about nine
minutes), --output FILE (instead of docs/benchmarks.md), --database-prefix NAME (the
scratch databases are NAME_import, NAME_load, … instead of tlo_bench_…), --redis-db N
(the Redis database of the load benchmark's cache and broker).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.report import DOCS_PAGE, BenchmarkRun, Machine, write  # noqa: E402

# In the order data flows: reports are imported, metrics recomputed, dashboards read;
# last, the pages under load (gunicorn, Redis and Locust: bench/bench_load.py).
BENCHMARKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bench_import", ("--phases",)),
    ("bench_recompute", ()),
    ("bench_dashboard", ()),
    ("bench_load", ()),
)


def describe_database(url: str) -> str:
    """The server, e.g. PostgreSQL 15.4 at 127.0.0.1:5432, without user or password."""
    parsed = urlparse(url)
    where = f"{parsed.hostname or 'localhost'}:{parsed.port or 5432}"
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as connection:
            version = connection.info.server_version  # e.g. 150004
        return f"PostgreSQL {version // 10_000}.{version % 10_000} at {where}"
    except Exception:  # the benchmarks will say what is wrong with the server
        return f"PostgreSQL at {where}"


def run_benchmark(name: str, arguments: tuple[str, ...], folder: Path) -> BenchmarkRun | None:
    """Run bench/<name>.py with --json; None if it failed."""
    script = HERE / f"{name}.py"
    output = folder / f"{name}.json"
    print(f"== {script.name} {' '.join(arguments)}", flush=True)
    before = os.getloadavg()
    status = subprocess.call(
        [sys.executable, str(script), *arguments, "--json", str(output)], cwd=ROOT
    )
    after = os.getloadavg()
    if status != 0 or not output.exists():
        print(f"{script.name} failed (exit status {status})", flush=True)
        return None
    figures = json.loads(output.read_text())
    module = importlib.import_module(f"bench.{name}")
    command = shlex.join(["python", f"bench/{script.name}", *arguments])
    return BenchmarkRun(
        command=f"DATABASE_URL=postgres://… {command}",
        table=module.result_table(figures),
        load_before=before,
        load_after=after,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-stock", action="store_true")
    parser.add_argument("--output", type=Path, default=DOCS_PAGE)
    parser.add_argument("--database-prefix", default="")
    parser.add_argument("--redis-db", type=int)
    options = parser.parse_args(argv)
    if options.database_prefix:
        os.environ["BENCH_DATABASE_PREFIX"] = options.database_prefix

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server: the figures are for PostgreSQL.")
        return 2
    database = describe_database(url)
    started = os.getloadavg()
    runs: list[BenchmarkRun] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="tlo-bench-") as folder:
        for name, arguments in BENCHMARKS:
            if name == "bench_import" and options.skip_stock:
                arguments = (*arguments, "--skip-stock")
            if name == "bench_load" and options.redis_db is not None:
                arguments = (*arguments, "--redis-db", str(options.redis_db))
            run = run_benchmark(name, arguments, Path(folder))
            if run is None:
                failed = True
            else:
                runs.append(run)
    if failed:
        print(f"Not writing {options.output}: a benchmark failed.")
        return 1
    machine = Machine(
        date=datetime.date.today().isoformat(),
        cpu_count=os.cpu_count(),
        database=database,
        load_before=started,
        load_after=os.getloadavg(),
    )
    print(f"Wrote {write(machine, runs, options.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
