"""Conflicts of interest belong to a cycle (3 of 3: the old link goes, the new one is
required and unique); decisions, statements, hearings and cycles carry a version."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_conflicts_per_cycle_data"),
    ]

    operations = [
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
