"""Recomputing stored metric values, and loading the default metric definitions.

A metric value is derived data: it is recomputed from the accepted reports whenever
one is accepted, reopened or imported (`queue_recompute`, called by those services),
or by hand (`python manage.py recompute_metrics`). The recompute is set-wise: a fixed
handful of queries whatever the number of institutions, and it writes only the rows
whose value changed, so running it twice leaves the table exactly as it was.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.db.models import QuerySet

from core.cache import bump_data_version
from core.tasks import enqueue
from institutions.models import ConsolidationEvent, User

from ..calculations import (
    ReportFigures,
    YearlySums,
    ancestors,
    descendants,
    evaluate_years,
    predecessors_map,
)
from ..default_definitions import DEFAULT_CODES, DEFAULT_DEFINITIONS
from ..enums import ReportState
from ..models import AnnualReport, LicenceAgreement, MetricDefinition, MetricValue
from ..report_fields import REPORT_FIELD_CODES, REPORT_FIELDS, Unit
from .survey_results import survey_operands, with_survey_operands

logger = logging.getLogger(__name__)

# (definition id, institution id, fiscal year) → (status, value, numerator, denominator)
Key = tuple[int, int, int]
Row = tuple[str, float | None, float | None, float | None]

KEY_COLUMNS = ("definition_id", "institution_id", "fiscal_year")
VALUE_COLUMNS = ("status", "value", "numerator", "denominator")
BATCH_SIZE = 1000
DELETE_BATCH_SIZE = 300  # keys of three columns: 900 parameters, within SQLite's limit
COPY_CHUNK = 20_000
COPY_NULL = "\\N"


@dataclass(frozen=True)
class RecomputeResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def queue_recompute(*, institution_ids: Iterable[int], fiscal_years: Iterable[int]) -> None:
    """Queue a recompute of the metrics these reports feed, once the transaction commits.

    Called by the services that accept, reopen or import reports. A later fiscal year
    depends on earlier ones through cumulative and rolling windows, so the recompute
    covers each given fiscal year and every later one, for the given institutions and
    the institutions they were consolidated into.

    Side effect, after commit: one Celery task `metrics.recompute_metrics` with the ids
    and the earliest fiscal year (plain ints, so the task can be sent to a worker).
    Nothing is queued if the transaction rolls back, or if there is nothing to do.
    """
    ids = sorted({int(i) for i in institution_ids})
    years = sorted({int(y) for y in fiscal_years})
    if not ids or not years:
        return
    enqueue("metrics.recompute_metrics", institution_ids=ids, from_fiscal_year=years[0])


def queue_full_recompute() -> None:
    """Queue a recompute of every value, once the transaction commits (definitions changed)."""
    enqueue("metrics.recompute_metrics")


@transaction.atomic
def recompute_metric_values(
    *,
    actor: User | None = None,
    institution_ids: Iterable[int] | None = None,
    from_fiscal_year: int | None = None,
) -> RecomputeResult:
    """Bring the stored metric values in line with the accepted reports.

    Scope: the given institutions (all when None) and every institution they were
    consolidated into, for `from_fiscal_year` and later (all years when None).
    `actor` is the person who asked, or None for the system; values are derived data
    and carry no history of their own.

    Side effects, in order: on PostgreSQL, a transaction-level advisory lock so that
    two recomputes never interleave; then, within the scope, inserts the values that
    are new, updates the ones that changed, deletes the ones whose report is no longer
    accepted. Unchanged rows are not written. If any row was written, the data version
    moves on (core.cache); a recompute that changes nothing leaves cached pages be.
    """
    _lock()
    definitions = list(MetricDefinition.objects.order_by("pk"))
    edges = list(ConsolidationEvent.objects.values_list("predecessor_id", "successor_id"))
    predecessors = predecessors_map(edges)
    scope = None if institution_ids is None else descendants(institution_ids, edges)
    members = None
    if scope is not None:
        members = set(scope)
        for institution_id in scope:
            members |= ancestors(institution_id, predecessors)
    series = load_series(institution_ids=members)
    computed = compute_values(
        definitions=definitions,
        series=series,
        predecessors=predecessors,
        institution_ids=scope,
        from_fiscal_year=from_fiscal_year,
    )
    stored = _stored_values(institution_ids=scope, from_fiscal_year=from_fiscal_year)
    result = _write(computed, stored)
    if result.created or result.updated or result.deleted:
        bump_data_version()
    logger.info(
        "Recomputed metric values (by %s, institutions %s, from FY%s): %s",
        getattr(actor, "username", "system"),
        "all" if scope is None else len(scope),
        from_fiscal_year or "—",
        result.as_dict(),
    )
    return result


def load_series(*, institution_ids: Iterable[int] | None = None) -> dict[int, list[ReportFigures]]:
    """Institution id → its accepted reports (oldest first), with their licence rows.

    Three queries whatever the number of institutions: reports, licence rows, and the
    customer-survey results that replace the self-reported satisfaction scores from the
    first survey's year on (metrics.services.survey_results).
    """
    reports = AnnualReport.objects.filter(state=ReportState.ACCEPTED).order_by()
    licences = LicenceAgreement.objects.filter(report__state=ReportState.ACCEPTED).order_by()
    if institution_ids is not None:
        ids = list(institution_ids)
        reports = reports.filter(institution_id__in=ids)
        licences = licences.filter(report__institution_id__in=ids)
    first_year, operands = survey_operands()
    incomes: dict[int, list[int]] = defaultdict(list)
    in_region: dict[int, int] = defaultdict(int)
    for report_id, income, licensee_in_region in _fetch(
        licences.values_list("report_id", "income", "licensee_in_region")
    ):
        incomes[report_id].append(income)
        if licensee_in_region:
            in_region[report_id] += 1
    series: dict[int, list[ReportFigures]] = defaultdict(list)
    for row in _fetch(
        reports.values_list("id", "institution_id", "fiscal_year", *REPORT_FIELD_CODES)
    ):
        report_id, institution_id, fiscal_year = row[:3]
        series[institution_id].append(
            ReportFigures(
                report_id=report_id,
                institution_id=institution_id,
                fiscal_year=fiscal_year,
                figures=with_survey_operands(
                    _figures(row[3:]),
                    institution_id=institution_id,
                    fiscal_year=fiscal_year,
                    first_year=first_year,
                    operands=operands,
                ),
                licence_incomes=tuple(incomes.get(report_id, ())),
                licences_in_region=in_region.get(report_id, 0),
            )
        )
    for reports_of_one in series.values():
        reports_of_one.sort(key=lambda r: r.fiscal_year)
    return dict(series)


# Scores and FTEs arrive as Decimal (or, from SQLite, as int or float): floats from here on.
_DECIMAL_FIELDS = tuple(
    index for index, spec in enumerate(REPORT_FIELDS) if spec.unit in (Unit.SCORE, Unit.FTE)
)


def _figures(values: tuple) -> dict[str, object]:
    values = list(values)
    for index in _DECIMAL_FIELDS:
        if values[index] is not None:
            values[index] = float(values[index])
    return dict(zip(REPORT_FIELD_CODES, values, strict=True))


def compute_values(
    *,
    definitions: Iterable[MetricDefinition],
    series: dict[int, list[ReportFigures]],
    predecessors: dict[int, set[int]],
    institution_ids: Iterable[int] | None = None,
    from_fiscal_year: int | None = None,
) -> dict[Key, Row]:
    """Every value in scope, computed in memory from the loaded series. No queries."""
    formulas = [(d.pk, d.formula()) for d in definitions]
    computed: dict[Key, Row] = {}
    targets = series.keys() if institution_ids is None else institution_ids
    for institution_id in targets:
        own_reports = series.get(institution_id, [])
        years = [
            r.fiscal_year
            for r in own_reports
            if from_fiscal_year is None or r.fiscal_year >= from_fiscal_year
        ]
        if not years:
            continue
        own = YearlySums(own_reports)
        lineage = own
        earlier = ancestors(institution_id, predecessors)
        if earlier:
            lineage = YearlySums([*own_reports, *(r for a in earlier for r in series.get(a, ()))])
        for definition_id, formula in formulas:
            outcomes = evaluate_years(formula, years, own=own, lineage=lineage)
            computed.update(
                ((definition_id, institution_id, year), row) for year, row in outcomes.items()
            )
    return computed


def _stored_values(*, institution_ids: set[int] | None, from_fiscal_year: int | None) -> list:
    """The stored values in scope, as rows of KEY_COLUMNS + VALUE_COLUMNS."""
    values = MetricValue.objects.order_by()
    if institution_ids is not None:
        values = values.filter(institution_id__in=list(institution_ids))
    if from_fiscal_year is not None:
        values = values.filter(fiscal_year__gte=from_fiscal_year)
    return _fetch(values.values_list(*KEY_COLUMNS, *VALUE_COLUMNS))


def _fetch(query: QuerySet) -> list[tuple]:
    """The rows of a values_list query, read with a plain cursor: for hundreds of
    thousands of rows several times faster than through the queryset. On PostgreSQL in
    binary (numbers arrive as numbers, not as text to parse: about half the time)."""
    sql, params = query.query.sql_with_params()
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        # Django's cursors bind parameters on the client, which cannot read binary rows.
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=True)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _write(computed: dict[Key, Row], stored: list[tuple]) -> RecomputeResult:
    """Write the difference: new rows inserted, changed rows replaced, stale rows deleted.

    One pass over the stored rows, each looked up among the computed ones (no second
    table of the stored values is built: when nothing changed, that pass is all the
    work). A value's identity is its natural key, so replacing a changed row keeps it the
    same row; an unchanged row is never written.
    """
    remaining = dict(computed)  # computed values not stored yet, once the pass is done
    to_insert: list[tuple[Key, Row]] = []
    to_delete: list[Key] = []
    updated = unchanged = stale = 0
    for row in stored:
        key = row[:3]
        value = remaining.pop(key, None)
        if value is None:
            stale += 1
            to_delete.append(key)
        elif value == row[3:]:
            unchanged += 1
        else:
            updated += 1
            to_delete.append(key)
            to_insert.append((key, value))
    to_insert.extend(remaining.items())
    if connection.vendor == "postgresql":
        _delete_postgresql(to_delete)
        _insert_postgresql(to_insert)
    else:
        _delete_portable(to_delete)
        _insert_portable(to_insert)
    return RecomputeResult(len(remaining), updated, stale, unchanged)


def _as_pk(key: Key) -> tuple[int, int, int]:
    definition_id, institution_id, fiscal_year = key
    return (definition_id, fiscal_year, institution_id)


def _delete_portable(keys: list[Key]) -> None:
    for start in range(0, len(keys), DELETE_BATCH_SIZE):
        batch = [_as_pk(key) for key in keys[start : start + DELETE_BATCH_SIZE]]
        MetricValue.objects.filter(pk__in=batch).delete()


def _insert_portable(rows: list[tuple[Key, Row]]) -> None:
    MetricValue.objects.bulk_create(
        (
            MetricValue(
                definition_id=definition_id,
                institution_id=institution_id,
                fiscal_year=fiscal_year,
                **dict(zip(VALUE_COLUMNS, row, strict=True)),
            )
            for (definition_id, institution_id, fiscal_year), row in rows
        ),
        batch_size=BATCH_SIZE,
    )


def _delete_postgresql(keys: list[Key]) -> None:
    """One statement whatever the number of keys: three arrays unnested into rows."""
    if not keys:
        return
    definition_ids, institution_ids, fiscal_years = (
        list(column) for column in zip(*keys, strict=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {MetricValue._meta.db_table} "
            "WHERE (definition_id, institution_id, fiscal_year) IN ("
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::smallint[]))",
            [definition_ids, institution_ids, fiscal_years],
        )


def _insert_postgresql(rows: list[tuple[Key, Row]]) -> None:
    """COPY in text chunks: PostgreSQL stores one chunk while Python formats the next."""
    if not rows:
        return
    columns = ", ".join((*KEY_COLUMNS, *VALUE_COLUMNS))
    statement = f"COPY {MetricValue._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, len(rows), COPY_CHUNK):
            # \N is COPY's NULL; str(float) is the shortest text that reads back as the
            # same float. Inlined: this runs for every value of a full recompute.
            copy.write(
                "".join(
                    f"{d}\t{i}\t{y}\t{status}\t{COPY_NULL if value is None else value}"
                    f"\t{COPY_NULL if numerator is None else numerator}"
                    f"\t{COPY_NULL if denominator is None else denominator}\n"
                    for (d, i, y), (status, value, numerator, denominator) in rows[
                        start : start + COPY_CHUNK
                    ]
                )
            )


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('metrics.recompute'))")


# The history's reason for the loader's writes.
DEFAULTS_REASON = "default definitions"


@transaction.atomic
def load_default_definitions(*, actor: User | None = None) -> tuple[int, int]:
    """Create the default metric definitions (metrics.default_definitions), or put back
    any that were changed. Running it twice changes nothing the second time.

    Returns (created, updated). Side effects, in order: each definition created or
    changed is saved one by one, so that each lands in the definitions' history (by
    `actor`, if given; reason "default definitions"); if any was, moves the data version
    on (core.cache) and queues a recompute of every value once the transaction commits.
    """
    created = updated = 0
    existing = {d.code: d for d in MetricDefinition.objects.filter(code__in=DEFAULT_CODES)}
    for spec in DEFAULT_DEFINITIONS:
        definition = existing.get(spec["code"])
        if definition is None:
            _save_definition(MetricDefinition(**spec), actor=actor)
            created += 1
            continue
        changed = [name for name, value in spec.items() if getattr(definition, name) != value]
        if changed:
            for name in changed:
                setattr(definition, name, spec[name])
            _save_definition(definition, actor=actor, fields=changed)
            updated += 1
    if created or updated:
        bump_data_version()
        queue_full_recompute()
    return created, updated


def _save_definition(
    definition: MetricDefinition, *, actor: User | None, fields: list[str] | None = None
) -> None:
    definition._history_user = actor  # read by django-simple-history
    definition._change_reason = DEFAULTS_REASON
    definition.save(update_fields=fields)
