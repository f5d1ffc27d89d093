"""Writing many reports at once with their history records, fast.

An import of 20,000 reports spends most of its time inserting: Django's bulk_create
builds one large INSERT, and django-simple-history's bulk_history_create builds a
historical instance per report and a second one. On PostgreSQL the same rows go in by
COPY — the reports with ids drawn from their sequence beforehand (so the history rows
can name them), then one history record per report, with the columns and values
django-simple-history writes (`+` created, `~` changed; who, when, why). Elsewhere
(SQLite in development and tests) django-simple-history's own bulk helpers run.

Database constraints still hold: a report that appeared meanwhile for the same
institution and year makes the COPY fail with an IntegrityError, as the INSERT would.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import connection
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from institutions.models import User

from ..models import AnnualReport

BATCH_SIZE = 1_000  # bulk updates: their CASE … WHEN statements grow with each row
CHANGE_REASON_LENGTH = 100  # simple_history's history_change_reason
CREATED, CHANGED = "+", "~"  # simple_history's history_type


def create_with_history(
    reports: Sequence[AnnualReport], *, actor: User, reason: str, now: datetime.datetime
) -> None:
    """Insert new reports (their ids are set) and one history record each."""
    if not reports:
        return
    if connection.vendor != "postgresql":
        # No batch size: Django splits where the database needs it (SQLite's limits).
        bulk_create_with_history(
            reports,
            AnnualReport,
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )
        return
    table = AnnualReport._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(reports)],
        )
        for report, (pk,) in zip(reports, cursor.fetchall(), strict=True):
            report.pk = pk
    fields = AnnualReport._meta.concrete_fields
    for report in reports:
        report.created_at = report.updated_at = now
        report._state.adding = False
        report._state.db = connection.alias
    _copy(
        table,
        [f.column for f in fields],
        ([getattr(r, f.attname) for f in fields] for r in reports),
    )
    record_history(reports, kind=CREATED, actor=actor, reason=reason, now=now)


def update_with_history(
    reports: Sequence[AnnualReport],
    *,
    fields: Sequence[str],
    actor: User,
    reason: str,
    now: datetime.datetime,
) -> None:
    """Update these fields of changed reports, and write one history record each."""
    if not reports:
        return
    if connection.vendor != "postgresql":
        bulk_update_with_history(
            reports,
            AnnualReport,
            fields=list(fields),
            batch_size=BATCH_SIZE,
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )
        return
    AnnualReport.objects.bulk_update(reports, list(fields), batch_size=BATCH_SIZE)
    record_history(reports, kind=CHANGED, actor=actor, reason=reason, now=now)


def record_history(
    reports: Sequence[AnnualReport],
    *,
    kind: str,
    actor: User,
    reason: str,
    now: datetime.datetime,
) -> None:
    """One history record per report, by COPY (PostgreSQL): the report's tracked fields
    as they are now, and who, when, why and what kind of change."""
    history = AnnualReport.history.model
    tracked = [
        f
        for f in history._meta.concrete_fields
        if not f.name.startswith("history_") and f.attname != "history_id"
    ]
    columns = [f.column for f in tracked]
    columns += ["history_date", "history_change_reason", "history_type", "history_user_id"]
    extra = [now, reason[:CHANGE_REASON_LENGTH], kind, actor.pk]
    _copy(
        history._meta.db_table,
        columns,
        ([*(getattr(r, f.attname) for f in tracked), *extra] for r in reports),
    )


def _copy(table: str, columns: list[str], rows) -> None:
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
