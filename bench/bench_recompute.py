"""Benchmark of the metric recompute, on PostgreSQL.

    .venv/bin/python bench/bench_recompute.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tlo_review .venv/bin/python bench/bench_recompute.py

Creates (and drops at the end) a scratch database `tlo_bench_recompute` on the server
of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/), with 1,000 institutions
× 20 fiscal years = 20,000 accepted reports with every figure, 3 licence detail rows per
report (60,000) and 50 consolidations (so that the lineage is exercised), all written
in bulk. Then measures, each the median of --repeat runs:

1. full recompute into an empty value table (every metric, every institution-year);
2. the same recompute again: nothing changed, nothing written (idempotence);
3. a recompute after every report's licence income changed (updates in place);
4. a recompute of one institution from one fiscal year (what accepting a report queues);
5. the floor: one plain SQL pass reading the same rows (accepted reports with every
   figure, and their licence rows) into Python, with no computation and no writes.

Options: --institutions N, --years N, --repeat N, --keep (leave the scratch database),
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

from bench.report import MISSING, ResultTable, number, ratio  # noqa: E402
from bench.scratch import ScratchDatabase, random_figures  # noqa: E402

SCRATCH_DB = "tlo_bench_recompute"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
FIRST_YEAR = 1991
LICENCES_PER_REPORT = 3
CONSOLIDATIONS = 50


def generate(institutions: int, years: int) -> int:
    """Institutions, accepted reports and licence rows, in bulk. Returns the report count."""
    from datetime import date

    from django.utils import timezone

    from institutions.enums import ConsolidationKind, InstitutionKind, TloType
    from institutions.models import ConsolidationEvent, Institution, Region
    from metrics.enums import LicenseeKind, ReportState
    from metrics.models import AnnualReport, LicenceAgreement

    rng = random.Random(20_110_401)
    region = Region.objects.create(code="kanto", name_ja="関東地区", name_en="Kanto")
    types = list(TloType)
    created = Institution.objects.bulk_create(
        Institution(
            code=f"BENCH-{index:04d}",
            name_ja=f"ベンチTLO{index}",
            kind=InstitutionKind.APPROVED_TLO,
            tlo_type=types[index % len(types)],
            region=region,
        )
        for index in range(institutions)
    )
    ConsolidationEvent.objects.bulk_create(
        ConsolidationEvent(
            predecessor=created[2 * index],
            successor=created[2 * index + 1],
            kind=ConsolidationKind.MERGER,
            occurred_on=date(FIRST_YEAR + years // 2, 3, 31),
        )
        for index in range(CONSOLIDATIONS)
    )

    def figures() -> dict[str, object]:
        return random_figures(rng, lowest=0)

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
    LicenceAgreement.objects.bulk_create(
        (
            LicenceAgreement(
                report=report,
                reference=f"L-{number}",
                licensee_kind=LicenseeKind.SME,
                licensee_in_region=rng.random() < 0.4,
                income=rng.choice((0, 500_000, 2_000_000, 12_000_000, 40_000_000)),
            )
            for report in reports
            for number in range(LICENCES_PER_REPORT)
        ),
        batch_size=5_000,
    )
    return len(reports)


def plain_sql_pass() -> int:
    """Read the rows a recompute reads, with one plain SQL query each, and nothing else."""
    from django.db import connection

    from metrics.report_fields import REPORT_FIELD_CODES

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, institution_id, fiscal_year, {', '.join(REPORT_FIELD_CODES)} "
            "FROM metrics_annualreport WHERE state = 'accepted'"
        )
        reports = cursor.fetchall()
        cursor.execute(
            "SELECT l.report_id, l.income, l.licensee_in_region FROM metrics_licenceagreement l "
            "JOIN metrics_annualreport r ON r.id = l.report_id WHERE r.state = 'accepted'"
        )
        licences = cursor.fetchall()
    return len(reports) + len(licences)


def median_seconds(action, *, before=None, repeat: int) -> tuple[float, object]:
    timings = []
    result = None
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        result = action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def result_table(figures: dict) -> ResultTable:
    """The recompute's table for docs/benchmarks.md, from the figures main() writes with
    --json: each step's median time, and its time against the plain SQL read."""
    plain = figures.get("plain_sql_read_s")
    values = number(figures.get("values"), "{:,}")
    reports = number(figures.get("reports"), "{:,}")
    licence_rows = number(figures.get("licence_rows"), "{:,}")
    steps = (
        (f"full recompute into an empty table ({values} values written)", "full_recompute_s"),
        ("recompute again, nothing changed (nothing written)", "unchanged_recompute_s"),
        ("recompute after every report's licence income changed", "changed_recompute_s"),
        (
            "one institution from one fiscal year (what accepting a report queues)",
            "one_institution_recompute_s",
        ),
        ("of the full recompute: loading the reports", "load_reports_s"),
        ("of the full recompute: computing in memory", "compute_in_memory_s"),
        (
            f"one plain SQL pass reading the same rows ({reports} reports + "
            f"{licence_rows} licence rows)",
            "plain_sql_read_s",
        ),
    )
    rows = tuple(
        (step, number(figures.get(key), suffix=" s"), ratio(figures.get(key), plain))
        for step, key in steps
    )
    full = figures.get("full_recompute_s")
    target = "the full recompute under 5 s: " + (
        MISSING if full is None else f"{'met' if full < 5 else 'NOT met'} ({full:.2f} s)."
    )
    institutions = number(figures.get("institutions"), "{:,}")
    return ResultTable(
        title="Metric recompute",
        data_size=(
            f"{institutions} institutions × {figures.get('years', MISSING)} fiscal years = "
            f"{reports} accepted reports with every figure, {licence_rows} licence rows, "
            f"{CONSOLIDATIONS} consolidations; {figures.get('definitions', MISSING)} metric "
            f"definitions → {values} values; median of {figures.get('repeat', MISSING)} runs."
        ),
        columns=("step", "seconds", "× plain SQL read"),
        align=("l", "r", "r"),
        rows=rows,
        target=target,
        about="metrics.md#speed",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=1_000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()

    scratch = ScratchDatabase.on(os.environ.get("DATABASE_URL", DEFAULT_SERVER), SCRATCH_DB)
    scratch.recreate()
    scratch_url = scratch.url
    os.environ["DATABASE_URL"] = scratch_url
    os.environ["DJANGO_DEBUG"] = "0"  # no query log in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import F

    from metrics.models import AnnualReport, MetricDefinition, MetricValue
    from metrics.services.metric_values import recompute_metric_values

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        reports = generate(args.institutions, args.years)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"Generated {args.institutions:,} institutions × {args.years} fiscal years = "
            f"{reports:,} accepted reports, {reports * LICENCES_PER_REPORT:,} licence rows "
            f"in {time.perf_counter() - started:.1f} s; "
            f"{MetricDefinition.objects.count()} metric definitions.",
            flush=True,
        )

        def empty_values() -> None:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE metrics_metricvalue")

        figures = {}
        full, result = median_seconds(
            recompute_metric_values, before=empty_values, repeat=args.repeat
        )
        values = MetricValue.objects.count()
        figures["full_recompute_s"] = full
        print(f"  full recompute (empty table)     {full:6.2f} s  {result.as_dict()}")

        again, result = median_seconds(recompute_metric_values, repeat=args.repeat)
        figures["unchanged_recompute_s"] = again
        print(f"  again, nothing changed           {again:6.2f} s  {result.as_dict()}")

        def change_income() -> None:
            AnnualReport.objects.update(licence_income=F("licence_income") + 1_000)

        changed, result = median_seconds(
            recompute_metric_values, before=change_income, repeat=args.repeat
        )
        figures["changed_recompute_s"] = changed
        print(f"  after every income changed       {changed:6.2f} s  {result.as_dict()}")

        one = AnnualReport.objects.order_by("institution_id", "fiscal_year").first()
        single, result = median_seconds(
            lambda: recompute_metric_values(
                institution_ids=[one.institution_id], from_fiscal_year=one.fiscal_year + 10
            ),
            repeat=args.repeat,
        )
        figures["one_institution_recompute_s"] = single
        print(f"  one institution, from one year   {single:6.2f} s  {result.as_dict()}")

        # Where the time of a full recompute goes (each step on its own).
        from institutions.models import ConsolidationEvent
        from metrics.calculations import predecessors_map
        from metrics.services.metric_values import compute_values, load_series

        loading, series = median_seconds(load_series, repeat=args.repeat)
        predecessors = predecessors_map(
            ConsolidationEvent.objects.values_list("predecessor_id", "successor_id")
        )
        definitions = list(MetricDefinition.objects.all())
        computing, _ = median_seconds(
            lambda: compute_values(
                definitions=definitions, series=series, predecessors=predecessors
            ),
            repeat=args.repeat,
        )
        figures["load_reports_s"] = loading
        figures["compute_in_memory_s"] = computing
        print(f"    of which: load reports {loading:.2f} s, compute {computing:.2f} s")

        plain, rows = median_seconds(plain_sql_pass, repeat=args.repeat)
        figures["plain_sql_read_s"] = plain
        print(f"  plain SQL pass reading the rows  {plain:6.2f} s  ({rows:,} rows)")
        print(
            f"{values:,} metric values; full recompute = {full / plain:.1f}× the plain SQL read; "
            f"target < 5 s: {'met' if full < 5 else 'NOT met'}."
        )
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "institutions": args.institutions,
                        "years": args.years,
                        "reports": reports,
                        "licence_rows": reports * LICENCES_PER_REPORT,
                        "definitions": len(definitions),
                        "values": values,
                        "repeat": args.repeat,
                        **{k: round(v, 3) for k, v in figures.items()},
                    },
                    indent=2,
                )
            )
    finally:
        connection.close()
        if not args.keep:
            scratch.recreate(drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
