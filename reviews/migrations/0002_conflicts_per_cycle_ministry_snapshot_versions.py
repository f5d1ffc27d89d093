"""Conflicts of interest belong to a cycle; assignments keep the reviewer's ministry;
decisions, statements, hearings and cycles carry a version.

Until now a conflict joined a person and an institution across every cycle, so declaring
one reached back into cycles already decided or published and changed their aggregates.
Each existing conflict is copied onto every cycle its institution is in (the first keeps
the row and its history), so that nothing any page shows changes with this migration;
a conflict with an institution in no cycle had no effect and is removed (its history
stays). Each assignment records its reviewer's ministry of today.
"""

import django.db.models.deletion
from django.db import migrations, models

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
        ("reviews", "0001_review_cycles_scores_decisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="conflict",
            name="entry",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="conflicts",
                to="reviews.cycleentry",
                verbose_name="institution in a review",
            ),
        ),
        migrations.AddField(
            model_name="historicalconflict",
            name="entry",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="reviews.cycleentry",
                verbose_name="institution in a review",
            ),
        ),
        migrations.AddField(
            model_name="assignment",
            name="ministry",
            field=models.CharField(
                choices=[("mext", "MEXT"), ("meti", "METI")],
                default="",
                max_length=8,
                verbose_name="ministry",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalassignment",
            name="ministry",
            field=models.CharField(
                choices=[("mext", "MEXT"), ("meti", "METI")],
                default="",
                max_length=8,
                verbose_name="ministry",
            ),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(model_name="conflict", name="conflict_unique"),
        migrations.RunPython(conflicts_onto_entries, migrations.RunPython.noop),
        migrations.RunPython(ministry_onto_assignments, migrations.RunPython.noop),
        migrations.RemoveField(model_name="conflict", name="institution"),
        migrations.RemoveField(model_name="historicalconflict", name="institution"),
        migrations.AlterField(
            model_name="conflict",
            name="entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="conflicts",
                to="reviews.cycleentry",
                verbose_name="institution in a review",
            ),
        ),
        migrations.AlterModelOptions(
            name="conflict",
            options={
                "ordering": ["entry__institution__code", "person__username"],
                "verbose_name": "conflict of interest",
                "verbose_name_plural": "conflicts of interest",
            },
        ),
        migrations.AddConstraint(
            model_name="conflict",
            constraint=models.UniqueConstraint(
                fields=("person", "entry"), name="conflict_one_per_entry"
            ),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(("ministry__in", ["mext", "meti"])),
                name="assignment_ministry_valid",
            ),
        ),
        *[
            migrations.AddField(
                model_name=model,
                name="version",
                field=models.PositiveIntegerField(default=1, verbose_name="version"),
            )
            for model in (
                "decision",
                "historicaldecision",
                "hearing",
                "historicalhearing",
                "hearingstatement",
                "historicalhearingstatement",
                "reviewcycle",
                "historicalreviewcycle",
            )
        ],
    ]
