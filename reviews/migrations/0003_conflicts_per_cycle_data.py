"""Conflicts of interest belong to a cycle; assignments keep the reviewer's ministry;
decisions, statements, hearings and cycles carry a version.

Until now a conflict joined a person and an institution across every cycle, so declaring
one reached back into cycles already decided or published and changed their aggregates.
Each existing conflict is copied onto every cycle its institution is in (the first keeps
the row and its history), so that nothing any page shows changes with this migration;
a conflict with an institution in no cycle had no effect and is removed (its history
stays). Each assignment records its reviewer's ministry of today.

(2 of 3: the data, between 0002's nullable columns and 0004's constraints.)
"""


from django.db import migrations

COPIED = (
    "person_id",
    "institution_id",
    "kind",
    "reason",
    "state",
    "proposed_from_id",
    "declared_by_id",
    "reviewed_by_id",
)


def conflicts_onto_entries(apps, schema_editor):
    Conflict = apps.get_model("reviews", "Conflict")
    HistoricalConflict = apps.get_model("reviews", "HistoricalConflict")
    CycleEntry = apps.get_model("reviews", "CycleEntry")
    for conflict in Conflict.objects.all().order_by("pk"):
        entries = list(
            CycleEntry.objects.filter(institution_id=conflict.institution_id).order_by(
                "cycle__fiscal_year", "pk"
            )
        )
        if not entries:
            conflict.delete()
            continue
        first, *others = entries
        conflict.entry_id = first.pk
        conflict.save(update_fields=["entry"])
        HistoricalConflict.objects.filter(id=conflict.pk).update(entry_id=first.pk)
        for entry in others:
            Conflict.objects.create(
                entry_id=entry.pk, **{name: getattr(conflict, name) for name in COPIED}
            )


def ministry_onto_assignments(apps, schema_editor):
    Assignment = apps.get_model("reviews", "Assignment")
    for assignment in Assignment.objects.select_related("reviewer"):
        assignment.ministry = assignment.reviewer.ministry or "mext"
        assignment.save(update_fields=["ministry"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_conflicts_per_cycle_columns"),
    ]

    operations = [
        migrations.RunPython(conflicts_onto_entries, migrations.RunPython.noop),
        migrations.RunPython(ministry_onto_assignments, migrations.RunPython.noop),
    ]
