"""Load benchmark: the pages officials open together, under Locust, on PostgreSQL and Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tlo_review .venv/bin/python bench/bench_load.py

Creates (and drops at the end) a scratch database `tlo_bench_load` on the server of
DATABASE_URL, and loads it as an official would: 1,000 approved TLOs in six regions (the
registry, in bulk), then 20 fiscal years of their reports = 20,000 rows imported from
one CSV file as accepted by an official (metrics.services.imports.import_file, which
queues the real metric recompute), and a review cycle of the last year with 50
institutions, three reviewers each and their submitted scores (the services).

Then runs gunicorn (3 workers) with the production settings (config.settings.production;
plain HTTP on 127.0.0.1) and, for each page, Locust headless (bench/locustfile.py):
readers signed in as an official asking with no pause for the page, each request for
another fiscal year or filter of the page's list. Three runs per page:

1. cold, one connection: no cache at all (CACHE_URL=dummy://), --short seconds;
2. cold, 20 connections: no cache at all, --seconds (what the page cost before caching);
3. warm, 20 connections: the page cache in Redis (database --redis-db), after one request
   for every URL of the list, --seconds.

Before the warm runs, with the cache empty, the national dashboard is asked once for each
fiscal year by one client: its first (cold) request for a year, whose time is server time
on a local connection. Prints p50/p95/p99 and requests per second per page and run, and
the ratios the issue asks for (warm throughput at 20 ÷ cold throughput at 1; p95 at 20
warm ÷ p50 at 1 cold).

Options: --institutions N, --years N, --users N, --seconds N, --short N, --port N,
--redis URL (server, default redis://127.0.0.1:6379), --redis-db N (default 8: the
page cache and the web server's broker, flushed before the warm runs and at the end),
--pages a,b (a subset of the pages), --keep, --json FILE.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import MISSING, ResultTable, number  # noqa: E402
from bench.scratch import ScratchDatabase  # noqa: E402

SCRATCH_DB = "tlo_bench_load"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
FIRST_YEAR = 1991
CYCLE_INSTITUTIONS = 50
REVIEWERS_PER_ENTRY = 3
P95_TARGET_MS = 300
THROUGHPUT_TARGET = 5.0
COLD_FIRST_TARGET_MS = 150
RUNS = ("cold_1", "cold_20", "warm_20")
PAGES = ("national", "benchmark", "institution", "metric", "deliberation", "report_list")
PAGE_LABELS = {
    "national": "national dashboard",
    "benchmark": "peer benchmark",
    "institution": "institution page",
    "metric": "metric page",
    "deliberation": "deliberation",
    "report_list": "report list",
}


# ---------------------------------------------------------------------------------------
# Loading the data, as an official would


def load_data(institutions: int, years: int) -> dict:
    """The registry in bulk, the reports through the import (as accepted, by an official),
    the metrics through the recompute it queues, a review cycle through the services."""
    from bench.bench_dashboard import REGIONS
    from bench.bench_import import figures_for, institution_levels
    from institutions.enums import InstitutionKind, Ministry, Role, Specialisation, TloType
    from institutions.models import Institution, Region, User
    from metrics.models import AnnualReport, MetricValue
    from metrics.report_fields import REPORT_FIELD_CODES
    from metrics.services import imports

    rng = random.Random(20_110_401)
    regions = [
        Region.objects.create(code=code, name_ja=ja, name_en=en, order=order)
        for order, (code, ja, en) in enumerate(REGIONS)
    ]
    types, specialisations = list(TloType), list(Specialisation)
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
    official = User.objects.create_user(
        username="bench-official",
        password=secrets.token_urlsafe(),
        role=Role.OFFICIAL,
        ministry=Ministry.MEXT,
    )

    codes = [i.code for i in created]
    levels = {code: institution_levels(rng) for code in codes}
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["institution", "fiscal_year", *REPORT_FIELD_CODES])
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        for code in codes:
            figures = figures_for(rng, levels[code])
            writer.writerow([code, year, *(figures[c] for c in REPORT_FIELD_CODES)])
    started = time.perf_counter()
    preview, applied = imports.import_file(
        actor=official,
        data=text.getvalue().encode("utf-8-sig"),
        file_name="bench_reports.csv",
        as_accepted=True,
    )
    if applied is None:
        raise SystemExit(f"the import failed: {json.dumps(preview, ensure_ascii=False)[:2000]}")
    imported = time.perf_counter() - started
    cycle_year = FIRST_YEAR + years - 1
    review_cycle(official, created[:CYCLE_INSTITUTIONS], cycle_year)
    return {
        "official_id": official.pk,
        "reports": AnnualReport.objects.count(),
        "values": MetricValue.objects.count(),
        "import_seconds": imported,
        "cycle_year": cycle_year,
        "codes": codes,
    }


def review_cycle(official, institutions, fiscal_year: int) -> None:
    """A cycle with submitted scores (so that the deliberation and the dashboard's
    quadrant have something to show), made through the services."""
    from institutions.enums import Ministry, Role
    from institutions.models import User
    from reviews.enums import Stage
    from reviews.services import assignments, cycles
    from reviews.services.scores import ScoreInput, record_scores

    cycle = cycles.create_cycle(actor=official, fiscal_year=fiscal_year, institutions=institutions)
    reviewers = [
        User.objects.create(
            username=f"bench-reviewer-{n}",
            role=Role.REVIEWER,
            ministry=(Ministry.MEXT, Ministry.METI)[n % 2],
        )
        for n in range(REVIEWERS_PER_ENTRY * 2)
    ]
    entries = list(cycle.entries.order_by("pk"))
    pairs = [
        (entry, reviewers[(index + k) % len(reviewers)])
        for index, entry in enumerate(entries)
        for k in range(REVIEWERS_PER_ENTRY)
    ]
    made = assignments.assign_reviewers(actor=official, cycle=cycle, pairs=pairs)
    cycle.stage = Stage.SCORING
    cycle.save(update_fields=["stage"])
    rng = random.Random(5)
    codes = [c.code for c in cycle.criteria.all()]
    for assignment in made:
        scores = {code: ScoreInput(rng.randint(2, 4), "bench") for code in codes}
        record_scores(actor=assignment.reviewer, assignment=assignment, scores=scores, submit=True)
    cycle.stage = Stage.DELIBERATION
    cycle.save(update_fields=["stage"])


def sessions_for(user_id: int, count: int) -> list[str]:
    """Session keys of `user_id` signed in `count` times (a reader each)."""
    from django.test import Client

    from institutions.models import User

    user = User.objects.get(pk=user_id)
    keys = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        keys.append(client.cookies["sessionid"].value)
    return keys


def page_urls(loaded: dict, years: int) -> dict[str, list[str]]:
    """Per page, the URLs its readers ask for: another year or filter each time."""
    from metrics.models import MetricDefinition

    fiscal_years = [FIRST_YEAR + n for n in range(years)]
    filters = ["", "&region=kanto", "&tlo_type=internal", "&specialisation=it"]
    codes = loaded["codes"]
    metrics = list(MetricDefinition.objects.order_by("order").values_list("code", flat=True))[:4]
    return {
        "national": [f"/dashboards/?fy={y}{f}" for y in fiscal_years for f in filters],
        "benchmark": [
            f"/dashboards/institutions/{code}/?fy={y}" for code in codes[:5] for y in fiscal_years
        ],
        "institution": [f"/institutions/{code}/" for code in codes[:80]],
        "metric": [f"/metrics/{m}/?fy={y}" for m in metrics for y in fiscal_years],
        "deliberation": [f"/reviews/{loaded['cycle_year']}/deliberation/"],
        "report_list": [
            f"/metrics/reports/?fiscal_year={y}{s}"
            for y in fiscal_years
            for s in ("", "&state=accepted")
        ],
    }


# ---------------------------------------------------------------------------------------
# The server and the load


class Server:
    """gunicorn with the production settings, on plain HTTP at 127.0.0.1:port."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi:application",
                "--workers",
                "3",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def get(port: int, url: str, session: str) -> float:
    """One request; its time in ms. Refuses anything but the page itself."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{url}", headers={"Cookie": f"sessionid={session}"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        final = response.geturl()
    elapsed = (time.perf_counter() - started) * 1000
    if "/accounts/login/" in final or b'name="password"' in body:
        raise SystemExit(f"{url}: not signed in (the session was refused)")
    return elapsed


def locust(page: str, urls: list[str], sessions: list[str], *, users: int, seconds: int, port: int):
    """Run Locust headless on one page; its aggregated figures."""
    with tempfile.TemporaryDirectory(prefix="tlo-locust-") as folder:
        plan = Path(folder) / "plan.json"
        plan.write_text(json.dumps({"page": page, "urls": urls, "sessions": sessions}))
        prefix = str(Path(folder) / "run")
        subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "BENCH_PLAN": str(plan)},
            cwd=ROOT,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
            row = next(r for r in csv.DictReader(stats) if r["Name"] == "Aggregated")

    def figure(name: str) -> float | None:
        try:
            return float(row[name])
        except ValueError:  # "N/A": no request finished
            return None

    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": figure("Requests/s"),
        "p50_ms": figure("50%"),
        "p95_ms": figure("95%"),
        "p99_ms": figure("99%"),
    }


def server_env(scratch_url: str, static_root: str, cache_url: str, broker: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": scratch_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": static_root,
        "CELERY_BROKER_URL": broker,
        "CACHE_URL": cache_url,
        "LOG_LEVEL": "WARNING",
    }


# ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=1_000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--short", type=int, default=15)
    parser.add_argument("--port", type=int, default=8391)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=8)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p in PAGES]

    scratch = ScratchDatabase.on(os.environ.get("DATABASE_URL", DEFAULT_SERVER), SCRATCH_DB)
    scratch.recreate()
    # The web server and this process share the secret: the sessions made here are
    # signed with it.
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    os.environ["DATABASE_URL"] = scratch.url
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("CELERY_BROKER_URL", None)  # the load's recompute runs in this process

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    static_root = tempfile.mkdtemp(prefix="tlo-bench-static-")
    cache_url = f"{args.redis}/{args.redis_db}"
    broker = cache_url  # the pages queue nothing; one database number for the whole run
    figures: dict[str, object] = {
        "institutions": args.institutions,
        "fiscal_years": args.years,
        "users": args.users,
        "seconds": args.seconds,
        "short_seconds": args.short,
        "load_before": os.getloadavg(),
        "pages": {},
    }
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        loaded = load_data(args.institutions, args.years)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        figures.update(reports=loaded["reports"], values=loaded["values"])
        print(
            f"Loaded {args.institutions:,} institutions × {args.years} fiscal years = "
            f"{loaded['reports']:,} reports (import as accepted {loaded['import_seconds']:.1f} s) "
            f"and {loaded['values']:,} metric values, a review cycle of "
            f"{CYCLE_INSTITUTIONS}, in {time.perf_counter() - started:.1f} s.",
            flush=True,
        )
        sessions = sessions_for(loaded["official_id"], args.users)
        urls = page_urls(loaded, args.years)
        connection.close()
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=server_env(scratch.url, static_root, "dummy://", broker),
            check=True,
        )

        results: dict[str, dict] = {page: {} for page in pages}
        server = Server(server_env(scratch.url, static_root, "dummy://", broker), args.port)
        try:
            for page in pages:
                get(args.port, urls[page][0], sessions[0])  # imports, templates
                for run, users, seconds in (
                    ("cold_1", 1, args.short),
                    ("cold_20", args.users, args.seconds),
                ):
                    results[page][run] = locust(
                        page, urls[page], sessions, users=users, seconds=seconds, port=args.port
                    )
                    print_run(page, run, results[page][run])
        finally:
            server.stop()

        flush_redis(cache_url)
        server = Server(server_env(scratch.url, static_root, cache_url, broker), args.port)
        try:
            # The dashboard's first request for each year, with the cache empty.
            get(args.port, "/metrics/", sessions[0])  # start-up of the workers
            firsts = [
                get(args.port, f"/dashboards/?fy={FIRST_YEAR + n}", sessions[0])
                for n in range(args.years)
            ]
            figures["cold_first_median_ms"] = statistics.median(firsts)
            figures["cold_first_max_ms"] = max(firsts)
            print(
                f"  national dashboard, first request of a year (cache empty): median "
                f"{statistics.median(firsts):.0f} ms, slowest {max(firsts):.0f} ms",
                flush=True,
            )
            for page in pages:
                for url in urls[page]:
                    get(args.port, url, sessions[0])
                results[page]["warm_20"] = locust(
                    page,
                    urls[page],
                    sessions,
                    users=args.users,
                    seconds=args.seconds,
                    port=args.port,
                )
                print_run(page, "warm_20", results[page]["warm_20"])
        finally:
            server.stop()
        figures["pages"] = results
        figures["load_after"] = os.getloadavg()
        print(f"load average before {figures['load_before']}, after {figures['load_after']}")
        print("\n".join(" | ".join(row) for row in result_table(figures).rows))
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=2))
    finally:
        connection.close()
        shutil.rmtree(static_root, ignore_errors=True)
        flush_redis(cache_url)
        if not args.keep:
            scratch.recreate(drop_only=True)
    return 0


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def print_run(page: str, run: str, found: dict) -> None:
    print(
        f"  {PAGE_LABELS[page]:20s} {run:8s} {number(found['rps'], '{:7.1f}')} req/s  "
        f"p50 {number(found['p50_ms'], '{:6.0f}')}  p95 {number(found['p95_ms'], '{:6.0f}')}  "
        f"p99 {number(found['p99_ms'], '{:6.0f}')} ms  "
        f"({found['requests']:,} requests, {found['failures']} failed)",
        flush=True,
    )


def result_table(figures: dict) -> ResultTable:
    """The load benchmark's table for docs/benchmarks.md, from the figures main() writes
    with --json: per page, each run's rate and percentiles, and the two ratios."""
    rows = []
    met_p95, met_ratio = [], []
    for page, runs in figures.get("pages", {}).items():
        cold_1, cold_20, warm = (runs.get(run) or {} for run in RUNS)
        ratio = warm["rps"] / cold_1["rps"] if warm.get("rps") and cold_1.get("rps") else None
        spread = (
            warm["p95_ms"] / cold_1["p50_ms"]
            if warm.get("p95_ms") is not None and cold_1.get("p50_ms")
            else None
        )
        if warm.get("p95_ms") is not None:
            met_p95.append(warm["p95_ms"] < P95_TARGET_MS)
        if ratio is not None:
            met_ratio.append(ratio >= THROUGHPUT_TARGET)

        def cell(run: dict) -> str:
            if not run:
                return MISSING
            failed = f", {run['failures']} failed" if run.get("failures") else ""
            percentiles = " / ".join(
                number(run.get(key), "{:,.0f}") for key in ("p50_ms", "p95_ms", "p99_ms")
            )
            return f"{number(run.get('rps'), '{:.1f}')} req/s; {percentiles} ms{failed}"

        rows.append(
            (
                PAGE_LABELS.get(page, page),
                cell(cold_1),
                cell(cold_20),
                cell(warm),
                number(ratio, "{:.1f}", "×"),
                number(spread, "{:.1f}", "×"),
            )
        )
    first = figures.get("cold_first_median_ms")

    def verdict(found: list[bool]) -> str:
        return MISSING if not found else ("met" if all(found) else "NOT met")

    target = (
        f"p95 under {P95_TARGET_MS} ms warm at {figures.get('users', 20)} connections: "
        f"{verdict(met_p95)}; warm throughput at least {THROUGHPUT_TARGET:.0f}× one cold "
        f"connection's: {verdict(met_ratio)}; the national dashboard's first request of a "
        f"year (cache empty) under {COLD_FIRST_TARGET_MS} ms: "
        + (
            MISSING
            if first is None
            else f"{'met' if first < COLD_FIRST_TARGET_MS else 'NOT met'} "
            f"(median {first:.0f} ms, slowest {figures.get('cold_first_max_ms', 0):.0f} ms)"
        )
        + "."
    )
    users = figures.get("users", 20)
    return ResultTable(
        title="Pages under load",
        data_size=(
            f"{number(figures.get('institutions'), '{:,}')} approved TLOs × "
            f"{number(figures.get('fiscal_years'), '{:,}')} fiscal years = "
            f"{number(figures.get('reports'), '{:,}')} reports imported as accepted by an "
            f"official, {number(figures.get('values'), '{:,}')} metric values, a review cycle "
            f"of {CYCLE_INSTITUTIONS} institutions with 3 reviewers each; gunicorn (3 workers), "
            "production settings, PostgreSQL and Redis; Locust headless, readers signed in as "
            "an official with no pause between requests, each request for another fiscal "
            f"year or filter; cold = no cache ({figures.get('short_seconds', MISSING)} s at 1 "
            f"connection, {figures.get('seconds', MISSING)} s at {users}), warm = page cache in "
            f"Redis after one request per URL ({figures.get('seconds', MISSING)} s at {users})."
        ),
        columns=(
            "page",
            "cold, 1 connection: req/s; p50 / p95 / p99",
            f"cold, {users} connections",
            f"warm, {users} connections",
            "warm req/s ÷ cold at 1",
            "warm p95 ÷ cold p50 at 1",
        ),
        rows=tuple(rows),
        align=("l", "r", "r", "r", "r", "r"),
        target=target,
        about="configuration-and-production.md#pages-under-load",
    )


if __name__ == "__main__":
    sys.exit(main())
