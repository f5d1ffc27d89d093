"""Conflicts of interest belong to a cycle; assignments keep the reviewer's ministry
(1 of 3: the new columns, nullable while the data moves; see 0003 and 0004).

On PostgreSQL a migration that writes rows and then alters the same table in one
transaction fails ("pending trigger events"), so the schema change, the data and the
final constraints are three migrations.
"""

import django.db.models.deletion
from django.db import migrations, models


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
    ]
