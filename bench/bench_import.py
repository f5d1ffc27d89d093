"""Benchmark of the annual-report import, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tlo_review .venv/bin/python bench/bench_import.py

Creates (and drops at the end) a scratch database `tlo_bench_import` on the same server,
1,000 institutions, and a 20,000-row file of institution-years with every field, as
CSV and as XLSX. Then measures rows per second from the uploaded bytes to committed
reports, each time into an empty table:

1. ours: the code the Celery tasks run — store the file and an ImportJob, build and store
   the preview (parse, match institutions, check rights, compare with the database,
   warnings), then confirm: re-check, bulk insert with one history record per report;
2. stock: django-import-export's ModelResource for AnnualReport
   (metrics.resources.AnnualReportResource: institution by code, otherwise the library's
   default options), as its admin does it: a dry run (the preview), then the import;
3. bulk_create: AnnualReport.objects.bulk_create of the already-parsed rows, no history,
   no checks — the target's yardstick;
4. the physical floor: reading the file with the import's parser plus a PostgreSQL COPY
   of the rows (codes looked up, numbers converted, nothing else);
5. ours from the command line: the pipeline `import_reports` runs (metrics.services.
   imports.import_file: preview and apply in one go, no ImportJob), without start-up.

`--phases` runs the command-line pipeline once more with a stopwatch on each of its
steps, to say where the time goes.

The metric recompute that an import queues runs in a Celery worker after commit; it is
not part of the import and is not timed here. The fast methods run in rounds (--repeat, default 5) and the best run of
each counts, since the machine may be shared; the stock one runs once. Options:
--rows N (default 20,000), --skip-stock, --keep (leave the scratch database), --json FILE.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import MISSING, ResultTable, number, ratio  # noqa: E402
from bench.scratch import ScratchDatabase  # noqa: E402

SCRATCH_DB = "tlo_bench_import"
INSTITUTIONS = 1_000
FIRST_YEAR = 1991

# The methods' labels in the results, and their names in docs/benchmarks.md.
OURS_CSV = "ours, CSV (preview + confirm)"
OURS_XLSX = "ours, XLSX (preview + confirm)"
COMMAND_LINE = "ours, CSV, command line"
BULK_CREATE = "bulk_create of parsed rows"
FLOOR = "floor: read CSV + COPY"
STOCK = "django-import-export, CSV"
METHOD_NAMES = {
    OURS_CSV: "ours, web, CSV (upload, preview, confirm)",
    OURS_XLSX: "ours, web, XLSX (upload, preview, confirm)",
    COMMAND_LINE: "ours, command line, CSV (`import_reports`)",
    BULK_CREATE: "plain `bulk_create` of the parsed rows",
    FLOOR: "physical floor: read the CSV + `COPY`",
    STOCK: "django-import-export `ModelResource`, CSV",
}


def figures_for(rng: random.Random, base: dict[str, float]) -> dict[str, object]:
    """One year's figures: the institution's own level, give or take a fifth."""
    from metrics.report_fields import REPORT_FIELDS, Unit

    values: dict[str, object] = {}
    for spec in REPORT_FIELDS:
        level = base[spec.code] * rng.uniform(0.8, 1.25)
        if spec.unit == Unit.COUNT:
            values[spec.code] = round(level)
        elif spec.unit == Unit.YEN:
            values[spec.code] = round(level) * 1_000
        elif spec.unit == Unit.SCORE:
            values[spec.code] = f"{min(5.0, max(1.0, level)):.2f}"
        else:
            values[spec.code] = f"{level:.1f}"
    return values


def institution_levels(rng: random.Random) -> dict[str, float]:
    from metrics.report_fields import REPORT_FIELDS, Unit

    spans = {Unit.COUNT: (5, 300), Unit.YEN: (1_000, 500_000), Unit.SCORE: (2, 4.5)}
    return {spec.code: rng.uniform(*spans.get(spec.unit, (1, 30))) for spec in REPORT_FIELDS}


def build_files(codes: list[str], rows: int) -> tuple[bytes, bytes, list[list[object]]]:
    """The same table as CSV (UTF-8 with BOM, as Excel writes it) and as XLSX."""
    from openpyxl import Workbook

    from metrics.report_fields import REPORT_FIELD_CODES

    rng = random.Random(20_110_401)
    levels = {code: institution_levels(rng) for code in codes}
    header = ["institution", "fiscal_year", *REPORT_FIELD_CODES]
    table: list[list[object]] = []
    for index in range(rows):
        code = codes[index % len(codes)]
        year = FIRST_YEAR + index // len(codes)
        figures = figures_for(rng, levels[code])
        table.append([code, year, *(figures[c] for c in REPORT_FIELD_CODES)])

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(table)
    csv_data = text.getvalue().encode("utf-8-sig")

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("reports")
    sheet.append(header)
    for row in table:
        sheet.append([row[0], *(float(v) if isinstance(v, str) else v for v in row[1:])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return csv_data, buffer.getvalue(), [header, *table]


def empty_reports() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE metrics_annualreport, metrics_historicalannualreport RESTART IDENTITY CASCADE"
        )


def run_once(label: str, rows: int, action) -> float:
    """One run into an empty table; the seconds it took."""
    from metrics.models import AnnualReport

    empty_reports()
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    stored = AnnualReport.objects.count()
    if stored != rows:
        raise SystemExit(f"{label}: {stored} reports stored, expected {rows}")
    return seconds


def timed_rounds(methods: list[tuple[str, object]], rows: int, repeat: int) -> list[dict]:
    """Each method `repeat` times, in rounds (A, B, C, A, B, C, …) so that a busy moment
    on the shared machine falls on all of them alike; the best run of each counts."""
    runs: dict[str, list[float]] = {label: [] for label, _action in methods}
    for _round in range(repeat):
        for label, action in methods:
            runs[label].append(run_once(label, rows, action))
    return [report(label, rows, runs[label]) for label, _action in methods]


def report(label: str, rows: int, runs: list[float]) -> dict[str, object]:
    seconds = min(runs)
    result = {
        "method": label,
        "rows": rows,
        "seconds": round(seconds, 3),
        "runs": [round(r, 3) for r in runs],
        "rows_per_second": round(rows / seconds),
    }
    print(
        f"  {label:<34} {seconds:8.2f} s  {result['rows_per_second']:>9,} rows/s"
        f"   (runs: {', '.join(f'{r:.2f}' for r in runs)})",
        flush=True,
    )
    return result


def ours(actor, data: bytes, name: str):
    from django.core.files.base import ContentFile

    from metrics.enums import ImportState
    from metrics.models import ImportJob
    from metrics.services import imports

    def run() -> None:
        started = time.perf_counter()
        job = ImportJob.objects.create(
            uploaded_by=actor,
            file=ContentFile(data, name=name),
            original_name=name,
            state=ImportState.PARSING,
            result={"language": "ja"},
        )
        job = imports.run_import_preview(job_id=job.pk)
        if job.state != ImportState.PREVIEW:
            raise SystemExit(f"preview failed: {json.dumps(job.result)[:2000]}")
        previewed = time.perf_counter()
        imports.apply_import_job(job_id=job.pk)
        print(
            f"    upload + preview {previewed - started:.2f} s, "
            f"confirm {time.perf_counter() - previewed:.2f} s",
            flush=True,
        )

    return run


def stock(data: bytes, file_format: str):
    import tablib

    from metrics.resources import AnnualReportResource

    def run() -> None:
        if file_format == "csv":
            dataset = tablib.Dataset().load(data.decode("utf-8-sig"), format="csv")
        else:
            dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        resource = AnnualReportResource()
        preview = resource.import_data(dataset, dry_run=True)
        if preview.has_errors() or preview.has_validation_errors():
            raise SystemExit("stock preview has errors")
        resource.import_data(dataset, dry_run=False)

    return run


def command_line(actor, data: bytes, name: str):
    """What `import_reports FILE --as …` runs, without the interpreter's start-up."""
    from metrics.services import imports

    def run() -> None:
        preview, applied = imports.import_file(actor=actor, data=data, file_name=name)
        if applied is None:
            raise SystemExit(f"import failed: {json.dumps(preview.to_json())[:2000]}")

    return run


def parse_and_copy(data: bytes):
    """The physical floor: the import's own file reader, then one COPY of the rows."""
    from django.db import connection
    from django.utils import timezone

    from core.tables.files import read_table
    from institutions.models import Institution
    from metrics.report_fields import REPORT_FIELD_CODES, REPORT_FIELDS, Unit

    decimal = {spec.code for spec in REPORT_FIELDS if spec.unit in (Unit.SCORE, Unit.FTE)}
    columns = [
        "institution_id",
        "fiscal_year",
        "state",
        "version",
        "is_demo",
        "return_reason",
        "reopen_reason",
        "created_at",
        "updated_at",
        *REPORT_FIELD_CODES,
    ]
    sql = f"COPY metrics_annualreport ({', '.join(columns)}) FROM STDIN"

    def run() -> None:
        from decimal import Decimal

        ids = dict(Institution.objects.values_list("code", "id"))
        table = read_table(data)
        header = table.rows[0]
        converters = [Decimal if code in decimal else int for code in header[2:]]
        now = timezone.now()
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for cells in table.rows[1:]:
                copy.write_row(
                    [
                        ids[cells[0]],
                        int(cells[1]),
                        "draft",
                        1,
                        False,
                        "",
                        "",
                        now,
                        now,
                        *(f(c) for f, c in zip(converters, cells[2:], strict=True)),
                    ]
                )

    return run


def phases(actor, data: bytes) -> dict[str, float]:
    """One command-line import with a stopwatch on each step (nested steps excluded from
    their callers), in seconds."""
    import simple_history.manager

    from metrics.importing import preview
    from metrics.models import AnnualReport
    from metrics.services import bulk, imports

    spent: dict[str, float] = {}
    stack: list[float] = []

    def timed(owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            stack.append(0.0)
            try:
                return original(*args, **kwargs)
            finally:
                inner = stack.pop()
                elapsed = time.perf_counter() - started
                spent[label] = spent.get(label, 0.0) + elapsed - inner
                if stack:
                    stack[-1] += elapsed

        setattr(owner, name, wrapper)

    timed(preview, "read_table", "read the file (decode, CSV/XLSX cells)")
    timed(preview, "_parse_rows", "parse cells, match institutions and rights")
    timed(preview, "existing_reports", "read the institutions' existing reports")
    timed(preview, "_add_warnings", "plausibility warnings")
    timed(preview, "_judge", "judge rows (new/changed), build the preview")
    timed(imports, "_locked_reports", "confirm: lock and re-check reports")
    timed(imports, "_existing_pairs", "confirm: lock and re-check reports")
    timed(imports, "_lost_rights", "confirm: lock and re-check reports")
    timed(imports, "_new_reports", "confirm: build report objects")
    timed(bulk, "create_with_history", "confirm: draw ids from the sequence")
    timed(bulk, "_copy", "COPY the reports and their history records")
    # Where the database is not PostgreSQL, django-simple-history's helpers insert.
    timed(AnnualReport.objects, "bulk_create", "INSERT the reports")
    timed(simple_history.manager.HistoryManager, "bulk_history_create", "INSERT their history")
    empty_reports()
    started = time.perf_counter()
    command_line(actor, data, "phases.csv")()
    spent["total"] = time.perf_counter() - started
    spent["everything else"] = spent["total"] - sum(v for k, v in spent.items() if k != "total")
    return spent


def plain_bulk_create(actor, data: bytes):
    """Parse once (not timed), then time bulk_create of the parsed rows."""
    from metrics.importing.preview import build_preview, figures_from_json
    from metrics.models import AnnualReport

    empty_reports()
    preview = build_preview(data=data, file_name="bench.csv", actor=actor)
    fields = preview.fields
    parsed = [
        (row.institution_id, row.fiscal_year, figures_from_json(fields, row.values or []))
        for row in preview.rows
    ]

    def run() -> None:
        AnnualReport.objects.bulk_create(
            [AnnualReport(institution_id=i, fiscal_year=y, **v) for i, y, v in parsed]
        )

    return run


def result_table(figures: dict) -> ResultTable:
    """The import's table for docs/benchmarks.md, from the figures main() writes with --json:
    each method's best time, its rows per second, and its time against plain
    `bulk_create` and against the physical floor."""
    results = {result["method"]: result for result in figures.get("results", ())}
    seconds = {method: result["seconds"] for method, result in results.items()}
    rows = figures.get("rows")
    table_rows = []
    for method, name in METHOD_NAMES.items():
        if method not in results:  # the stock resource is left out with --skip-stock
            continue
        result = results[method]
        per_second = result.get("rows_per_second")
        if per_second is None and rows:
            per_second = rows / result["seconds"]
        table_rows.append(
            (
                name,
                number(result["seconds"], suffix=" s"),
                number(per_second, "{:,.0f}"),
                ratio(result["seconds"], seconds.get(BULK_CREATE)),
                ratio(result["seconds"], seconds.get(FLOOR)),
            )
        )

    bulk = seconds.get(BULK_CREATE)
    web = [ratio(seconds.get(m), bulk) for m in (OURS_CSV, OURS_XLSX)]
    web_met = bulk and all(m in seconds and seconds[m] <= 3 * bulk for m in (OURS_CSV, OURS_XLSX))
    target = (
        f"the web import at most 3× plain `bulk_create`: {'met' if web_met else 'NOT met'} "
        f"(CSV {web[0]}, XLSX {web[1]}); at least 20× as fast as django-import-export: "
    )
    if STOCK in seconds and OURS_CSV in seconds:
        faster = seconds[STOCK] / seconds[OURS_CSV]
        target += f"{'met' if faster >= 20 else 'NOT met'} ({faster:,.0f}× on CSV)."
    else:
        target += "not measured in this run (`--skip-stock`)."

    institutions, columns = figures.get("institutions"), figures.get("columns")
    size = f"{number(rows, '{:,}')} rows"
    if rows and institutions and columns:
        # Two columns name the institution and the fiscal year; the rest are figures.
        years, partial = divmod(rows, institutions)
        who = (
            f"{institutions:,} institutions × {years} fiscal years"
            if years and not partial
            else f"institution-years of {min(rows, institutions):,} institutions"
        )
        size += f" ({who}, {columns - 2} figures each)"
    files = [
        f"{kind} {number(figures[key] / 1e6, '{:.1f}', ' MB')}"
        for kind, key in (("CSV", "csv_bytes"), ("XLSX", "xlsx_bytes"))
        if figures.get(key)
    ]
    if files:
        size += ", as " + " and ".join(files)
    size += (
        "; each run into an empty table, from the uploaded bytes to committed reports; "
        f"best of {figures.get('repeat', MISSING)} interleaved rounds."
    )
    return ResultTable(
        title="Annual-report import",
        data_size=size,
        columns=("method", "best time", "rows/s", "× plain `bulk_create`", "× floor"),
        align=("l", "r", "r", "r", "r"),
        rows=tuple(table_rows),
        target=target,
        about="reports-and-import.md#speed",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--skip-stock", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=5, help="rounds of the fast methods; the best run counts"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--profile", action="store_true", help="profile our CSV import only")
    parser.add_argument(
        "--phases", action="store_true", help="also time each step of the command-line import"
    )
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit(
            "Set DATABASE_URL to the PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/tlo_review"
        )
    scratch = ScratchDatabase.on(url, SCRATCH_DB)
    scratch.recreate()
    scratch_url = scratch.url
    os.environ["DATABASE_URL"] = scratch_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(ROOT / "bench" / "out" / "media"))
    # The uploads the benchmark stores (ImportJob files), kept out of the project's folder.
    os.environ.setdefault("DJANGO_PRIVATE_ROOT", str(ROOT / "bench" / "out" / "private"))

    import django

    django.setup()
    from django.core.management import call_command

    from institutions.enums import Ministry, Role
    from institutions.models import Institution, Region, User
    from metrics.services import metric_values

    # The recompute runs in a worker after commit; keep it out of the timings.
    metric_values.queue_recompute = lambda **kwargs: None

    try:
        call_command("migrate", verbosity=0)
        region = Region.objects.create(code="kanto", name_ja="関東", name_en="Kanto")
        Institution.objects.bulk_create(
            Institution(
                code=f"BENCH-{n:04d}",
                name_ja=f"ベンチ機関{n}",
                name_en=f"Bench {n}",
                kind="approved_tlo",
                region=region,
                # Reports may be made from the approval year on (metrics.report_years).
                approval_fy=FIRST_YEAR,
            )
            for n in range(INSTITUTIONS)
        )
        actor = User.objects.create(
            username="bench-official", role=Role.OFFICIAL, ministry=Ministry.MEXT
        )
        codes = list(Institution.objects.order_by("code").values_list("code", flat=True))
        csv_data, xlsx_data, _table = build_files(codes, options.rows)
        print(
            f"{options.rows:,} rows × {len(_table[0])} columns; CSV {len(csv_data) / 1e6:.1f} MB, "
            f"XLSX {len(xlsx_data) / 1e6:.1f} MB; PostgreSQL database {SCRATCH_DB}",
            flush=True,
        )
        if options.profile:
            import cProfile
            import pstats

            empty_reports()
            cProfile.runctx(
                "run()",
                globals(),
                {"run": ours(actor, csv_data, "p.csv")},
                "/tmp/bench_import.prof",
            )
            pstats.Stats("/tmp/bench_import.prof").sort_stats("cumulative").print_stats(40)
            return
        repeat = options.repeat
        bulk = plain_bulk_create(actor, csv_data)
        results = timed_rounds(
            [
                (OURS_CSV, ours(actor, csv_data, "b.csv")),
                (OURS_XLSX, ours(actor, xlsx_data, "b.xlsx")),
                (COMMAND_LINE, command_line(actor, csv_data, "c.csv")),
                (BULK_CREATE, bulk),
                (FLOOR, parse_and_copy(csv_data)),
            ],
            options.rows,
            repeat,
        )
        if not options.skip_stock:
            results.append(
                report(STOCK, options.rows, [run_once(STOCK, options.rows, stock(csv_data, "csv"))])
            )
        rates = {r["method"]: r["rows_per_second"] for r in results}
        floor = rates[BULK_CREATE]
        copy = rates[FLOOR]
        summary = {
            "ours_csv_vs_bulk_create": round(floor / rates[OURS_CSV], 2),
            "ours_xlsx_vs_bulk_create": round(floor / rates[OURS_XLSX], 2),
            "command_line_vs_bulk_create": round(floor / rates[COMMAND_LINE], 2),
            "command_line_vs_floor": round(copy / rates[COMMAND_LINE], 2),
            "bulk_create_vs_floor": round(copy / floor, 2),
        }
        if not options.skip_stock:
            base = rates[STOCK]
            summary["ours_csv_vs_stock"] = round(rates[OURS_CSV] / base, 1)
            summary["ours_xlsx_vs_stock"] = round(rates[OURS_XLSX] / base, 1)
        print("ratios (targets: ours ≥ 20× stock; bulk_create ≤ 3× ours):")
        for key, value in summary.items():
            print(f"  {key:<28} {value}")
        breakdown = {}
        if options.phases:
            breakdown = phases(actor, csv_data)
            print("where the command-line import's time goes (one run):")
            for label, seconds in breakdown.items():
                print(f"  {label:<48} {seconds:7.2f} s")
        if options.json:
            options.json.parent.mkdir(parents=True, exist_ok=True)
            figures = {
                "institutions": INSTITUTIONS,
                "rows": options.rows,
                "columns": len(_table[0]),
                "csv_bytes": len(csv_data),
                "xlsx_bytes": len(xlsx_data),
                "repeat": repeat,
                "results": results,
                "ratios": summary,
                "phases": breakdown,
            }
            options.json.write_text(json.dumps(figures, indent=2))
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            scratch.recreate(drop_only=True)


if __name__ == "__main__":
    main()
