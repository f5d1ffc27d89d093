"""Migration 0006 gives every report the times its state implies, from its history or
else its last change, so that 0007 can make the database require them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("metrics", "0005_collection_rounds")]
AFTER = [("metrics", "0007_report_and_import_invariants")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    # The other apps stay at their latest state (their tables are as they are now), so
    # the historical models must know their latest fields too.
    others = [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] != "metrics"]
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets + others).apps


def _at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2011, 7, day, hour, tzinfo=datetime.UTC)


def _history(History, report, records):
    """History records of `report`: (state, when, person) each, as the services write."""
    tracked = [f for f in History._meta.concrete_fields if not f.name.startswith("history_")]
    for number, (state, when, person) in enumerate(records):
        History.objects.create(
            **{**{f.attname: getattr(report, f.attname) for f in tracked}, "state": state},
            history_date=when,
            history_user=person,
            history_type="+" if number == 0 else "~",
            history_change_reason=state,
        )


@pytest.mark.django_db(transaction=True)
def test_missing_times_are_filled_from_the_history_or_the_last_change():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("metrics")
    try:
        apps = _migrate(BEFORE)
        Institution = apps.get_model("institutions", "Institution")
        User = apps.get_model("institutions", "User")
        AnnualReport = apps.get_model("metrics", "AnnualReport")
        History = apps.get_model("metrics", "HistoricalAnnualReport")
        ImportJob = apps.get_model("metrics", "ImportJob")
        tlo = Institution.objects.create(code="TLO-M1", name_ja="一", kind="approved_tlo")
        staff = User.objects.create(username="m-staff", role="tlo_staff")
        first = User.objects.create(username="m-official-1", role="official", ministry="mext")
        second = User.objects.create(username="m-official-2", role="official", ministry="meti")

        def report(year, state, **fields):
            return AnnualReport.objects.create(
                institution=tlo, fiscal_year=year, state=state, **fields
            )

        # Accepted, reopened, accepted again: the last acceptance counts.
        twice = report(2008, "accepted")
        _history(
            History,
            twice,
            [
                ("draft", _at(1), staff),
                ("submitted", _at(2), staff),
                ("accepted", _at(3), first),
                ("draft", _at(4), first),
                ("submitted", _at(5), staff),
                ("accepted", _at(6), second),
                ("accepted", _at(7), None),  # a later repair names no acceptance
            ],
        )
        # Stored accepted by a demo or an import that named nobody.
        nameless = report(2009, "accepted")
        _history(History, nameless, [("accepted", _at(8), None)])
        # No history at all: its last change.
        bare = report(2010, "accepted")
        AnnualReport.objects.filter(pk=bare.pk).update(updated_at=_at(9))
        submitted = report(2011, "submitted")
        _history(History, submitted, [("draft", _at(10), staff), ("submitted", _at(11), staff)])
        # Not accepted, yet naming an acceptance: it is cleared.
        stray = report(2012, "draft", accepted_at=_at(12), accepted_by=first)
        # Named already: kept.
        named = report(2013, "accepted", accepted_by=second)
        _history(History, named, [("accepted", _at(13), first)])
        job = ImportJob.objects.create(
            uploaded_by=staff, original_name="x.csv", state="applied", state_changed_at=_at(14)
        )

        apps = _migrate(AFTER)
        AnnualReport = apps.get_model("metrics", "AnnualReport")
        ImportJob = apps.get_model("metrics", "ImportJob")
        stored = {r.pk: r for r in AnnualReport.objects.all()}
        assert (stored[twice.pk].accepted_at, stored[twice.pk].accepted_by_id) == (
            _at(6),
            second.pk,
        )
        assert (stored[nameless.pk].accepted_at, stored[nameless.pk].accepted_by_id) == (
            _at(8),
            None,
        )
        assert (stored[bare.pk].accepted_at, stored[bare.pk].accepted_by_id) == (_at(9), None)
        assert stored[submitted.pk].submitted_at == _at(11)
        assert (stored[stray.pk].accepted_at, stored[stray.pk].accepted_by_id) == (None, None)
        assert (stored[named.pk].accepted_at, stored[named.pk].accepted_by_id) == (
            _at(13),
            second.pk,
        )
        assert ImportJob.objects.get(pk=job.pk).applied_at == _at(14)
    finally:
        MigrationExecutor(connection).migrate(latest)
