from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_data_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="reports",
            field=models.PositiveBigIntegerField(default=0, verbose_name="report list number"),
        ),
    ]
