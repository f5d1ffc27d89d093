"""Benchmark of the national dashboard, on PostgreSQL.

    .venv/bin/python bench/bench_dashboard.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tlo_review .venv/bin/python bench/bench_dashboard.py

Creates (and drops at the end) a scratch database `tlo_bench_dashboards` on the server of
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/), with 1,000 approved TLOs in
six regions, of three TLO types and four specialisations, × 20 fiscal years = 20,000
accepted reports with every figure (written in bulk), and their 340,000 metric values
(the real recompute). Then asks for `/dashboards/?fy=Y` through Django's full request
stack (middleware, session, view, selectors, figures, template), as an official (named
data) and as a viewer (anonymised), for every fiscal year in turn, --rounds times, and
prints the median server time per request (wall clock; and the web process's own CPU time,
which a busy machine inflates less). Nothing is cached: not the page, not its
figures. Also prints the query count, which must not depend on the number of
institutions (tests/metrics/test_dashboard_views.py guards it with 1 and 50).

Options: --institutions N, --years N, --rounds N, --keep (leave the scratch database),
--json FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import MISSING, ResultTable, number  # noqa: E402
from bench.scratch import ScratchDatabase, random_figures  # noqa: E402

SCRATCH_DB = "tlo_bench_dashboards"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
FIRST_YEAR = 1991
TARGET_MS = 150
REGIONS = [
    ("hokkaido_tohoku", "北海道・東北地区", "Hokkaido-Tohoku"),
    ("kanto", "関東地区", "Kanto"),
    ("chubu", "中部地区", "Chubu"),
    ("kinki", "近畿地区", "Kinki"),
    ("chugoku_shikoku", "中国・四国地区", "Chugoku-Shikoku"),
    ("kyushu_okinawa", "九州・沖縄地区", "Kyushu-Okinawa"),
]


def generate(institutions: int, years: int) -> int:
    """Institutions and accepted reports, in bulk. Returns the report count."""

    from django.utils import timezone

    from institutions.enums import InstitutionKind, Specialisation, TloType
    from institutions.models import Institution, Region
    from metrics.enums import ReportState
    from metrics.models import AnnualReport

    rng = random.Random(20_110_401)
    regions = [
        Region.objects.create(code=code, name_ja=ja, name_en=en, order=order)
        for order, (code, ja, en) in enumerate(REGIONS)
    ]
    types = list(TloType)
    specialisations = list(Specialisation)
    created = Institution.objects.bulk_create(
        Institution(
            code=f"BENCH-{index:04d}",
            name_ja=f"ベンチTLO{index}",
            name_en=f"Bench TLO {index}",
            kind=InstitutionKind.APPROVED_TLO,
            tlo_type=types[index % len(types)],
            specialisation=specialisations[index % len(specialisations)],
            region=regions[index % len(regions)],
            approval_fy=FIRST_YEAR,
        )
        for index in range(institutions)
    )

    def figures() -> dict[str, object]:
        return random_figures(rng, lowest=1)

    accepted_at = timezone.now()  # the database requires it of an accepted report
    reports = AnnualReport.objects.bulk_create(
        (
            AnnualReport(
                institution=institution,
                fiscal_year=FIRST_YEAR + year,
                state=ReportState.ACCEPTED,
                accepted_at=accepted_at,
                **figures(),
            )
            for institution in created
            for year in range(years)
        ),
        batch_size=2_000,
    )
    return len(reports)


def result_table(figures: dict) -> ResultTable:
    """The dashboard's table for docs/benchmarks.md, from the figures main() writes with
    --json: per reader, the server time of a request and its ratio to the target."""
    rows = []
    for reader in ("official", "viewer"):
        median = figures.get(f"{reader}_median_ms")
        size = figures.get(f"{reader}_bytes")
        rows.append(
            (
                reader,
                number(median, "{:.0f}", " ms"),
                number(figures.get(f"{reader}_p90_ms"), "{:.0f}", " ms"),
                number(figures.get(f"{reader}_cpu_median_ms"), "{:.0f}", " ms"),
                number(figures.get(f"{reader}_queries"), "{:d}"),
                number(None if size is None else size / 1024, "{:.0f}", " KiB"),
                number(None if median is None else median / TARGET_MS, "{:.2f}", "×"),
            )
        )
    medians = [figures.get(f"{reader}_median_ms") for reader in ("official", "viewer")]
    if None in medians:
        target = f"under {TARGET_MS} ms at the median: {MISSING}"
    else:
        met = all(median < TARGET_MS for median in medians)
        target = (
            f"under {TARGET_MS} ms at the median: {'met' if met else 'NOT met'} "
            f"(official {medians[0]:.0f} ms, viewer {medians[1]:.0f} ms)."
        )
    years, rounds = figures.get("fiscal_years"), figures.get("rounds")
    requests = years * rounds if years and rounds else None
    return ResultTable(
        title="National dashboard",
        data_size=(
            f"{number(figures.get('institutions'), '{:,}')} approved TLOs in six regions × "
            f"{number(years, '{:,}')} fiscal years = {number(figures.get('reports'), '{:,}')} "
            f"accepted reports and {number(figures.get('values'), '{:,}')} metric values; "
            f"`/dashboards/?fy=Y` through the whole Django stack, every fiscal year in turn, "
            f"{number(rounds, '{:,}')} rounds = {number(requests, '{:,}')} requests per reader; "
            "nothing cached."
        ),
        columns=(
            "reader",
            "median",
            "p90",
            "web process CPU (median)",
            "queries",
            "page",
            f"median ÷ {TARGET_MS} ms target",
        ),
        align=("l", "r", "r", "r", "r", "r", "r"),
        rows=tuple(rows),
        target=target,
        about="dashboards.md#speed",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=1_000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()

    scratch = ScratchDatabase.on(os.environ.get("DATABASE_URL", DEFAULT_SERVER), SCRATCH_DB)
    scratch.recreate()
    os.environ["DATABASE_URL"] = scratch.url
    os.environ["DJANGO_DEBUG"] = "0"  # no query log in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    # What a request costs when it computes everything: no page cache (core.cache);
    # bench_load.py measures the cache.
    os.environ["CACHE_URL"] = "dummy://"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from institutions.enums import Ministry, Role
    from institutions.models import User
    from metrics.services.metric_values import recompute_metric_values

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        reports = generate(args.institutions, args.years)
        result = recompute_metric_values()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"Generated {args.institutions:,} institutions × {args.years} fiscal years = "
            f"{reports:,} accepted reports and {result.as_dict()['created']:,} metric values "
            f"in {time.perf_counter() - started:.1f} s.",
            flush=True,
        )
        official = User.objects.create(
            username="bench-official", role=Role.OFFICIAL, ministry=Ministry.MEXT
        )
        viewer = User.objects.create(username="bench-viewer", role=Role.VIEWER)
        years = [FIRST_YEAR + year for year in range(args.years)]
        figures: dict[str, object] = {
            "institutions": args.institutions,
            "fiscal_years": args.years,
            "rounds": args.rounds,
            "reports": reports,
            "values": result.as_dict()["created"],
            "load_average": os.getloadavg(),
        }
        for label, user in (("official", official), ("viewer", viewer)):
            client = Client()
            client.force_login(user)
            client.get("/dashboards/", {"fy": years[-1]})  # warm up: imports, templates
            timings, cpu = [], []
            for _round in range(args.rounds):
                for fiscal_year in years:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = client.get("/dashboards/", {"fy": fiscal_year})
                    timings.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - started_cpu)
                    assert response.status_code == 200, response.status_code
            with CaptureQueriesContext(connection) as queries:
                client.get("/dashboards/", {"fy": years[len(years) // 2]})
            median_ms = statistics.median(timings) * 1000
            figures[f"{label}_median_ms"] = median_ms
            figures[f"{label}_p90_ms"] = statistics.quantiles(timings, n=10)[-1] * 1000
            figures[f"{label}_cpu_median_ms"] = statistics.median(cpu) * 1000
            figures[f"{label}_queries"] = len(queries)
            figures[f"{label}_bytes"] = len(response.content)
            print(
                f"  /dashboards/?fy=Y as {label:8s}: median {median_ms:6.1f} ms, "
                f"p90 {figures[f'{label}_p90_ms']:6.1f} ms over {len(timings)} requests "
                f"(web process CPU {figures[f'{label}_cpu_median_ms']:5.1f} ms) "
                f"({args.rounds} rounds × {len(years)} fiscal years), {len(queries)} queries, "
                f"{len(response.content) / 1024:.0f} KiB",
                flush=True,
            )
        met = all(figures[f"{label}_median_ms"] < TARGET_MS for label in ("official", "viewer"))
        print(
            f"target < {TARGET_MS} ms at the median: {'met' if met else 'NOT met'}; "
            f"load average {os.getloadavg()}"
        )
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=2))
    finally:
        connection.close()
        if not args.keep:
            scratch.recreate(drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
