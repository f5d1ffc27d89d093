"""Load the default metric definitions of SPEC §4 (metrics.default_definitions)."""

from django.db import migrations


def load_defaults(apps, schema_editor):
    from metrics.default_definitions import sync_default_definitions

    sync_default_definitions(apps.get_model("metrics", "MetricDefinition"))


class Migration(migrations.Migration):
    dependencies = [("metrics", "0002_metric_definitions_and_values")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
