"""Migration 0002 puts each conflict onto every cycle of its institution (so that no page
changes), removes conflicts no cycle could see, and records each assignment's ministry."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reviews", "0001_review_cycles_scores_decisions")]
AFTER = [("reviews", "0004_conflicts_per_cycle_constraints_versions")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    # The other apps stay at their latest state (their tables are as they are now), so
    # the historical models must know their latest fields too.
    others = [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] not in ("reviews",)]
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets + others).apps


@pytest.mark.django_db(transaction=True)
def test_conflicts_are_copied_onto_every_cycle_of_their_institution():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("reviews")
    try:
        apps = _migrate(BEFORE)
        Institution = apps.get_model("institutions", "Institution")
        User = apps.get_model("institutions", "User")
        ReviewCycle = apps.get_model("reviews", "ReviewCycle")
        CycleEntry = apps.get_model("reviews", "CycleEntry")
        Conflict = apps.get_model("reviews", "Conflict")
        Assignment = apps.get_model("reviews", "Assignment")
        reviewed = Institution.objects.create(code="TLO-M1", name_ja="一", kind="approved_tlo")
        elsewhere = Institution.objects.create(code="UNIV-M", name_ja="大学", kind="university")
        reviewer = User.objects.create(username="m-reviewer", role="reviewer", ministry="meti")
        entries = [
            CycleEntry.objects.create(
                cycle=ReviewCycle.objects.create(fiscal_year=year), institution=reviewed
            )
            for year in (2009, 2010)
        ]
        Assignment.objects.create(entry=entries[0], reviewer=reviewer)
        for institution in (reviewed, elsewhere):
            Conflict.objects.create(
                person=reviewer, institution=institution, kind="personal", reason="親族"
            )

        apps = _migrate(AFTER)
        Conflict = apps.get_model("reviews", "Conflict")
        Assignment = apps.get_model("reviews", "Assignment")
        copied = Conflict.objects.order_by("entry__cycle__fiscal_year")
        assert [(c.entry.cycle.fiscal_year, c.entry.institution.code) for c in copied] == [
            (2009, "TLO-M1"),
            (2010, "TLO-M1"),
        ]
        assert {(c.kind, c.reason, c.state) for c in copied} == {("personal", "親族", "declared")}
        assert Assignment.objects.get().ministry == "meti"
    finally:
        MigrationExecutor(connection).migrate(latest)
