"""python manage.py load_metric_definitions"""

from django.core.management.base import BaseCommand

from metrics.services.metric_values import load_default_definitions


class Command(BaseCommand):
    help = (
        "Create the default metric definitions of SPEC §4, or put back any that were changed; "
        "queues a recompute of every value when something changed. Running it twice changes "
        "nothing."
    )

    def handle(self, *args, **options):
        created, updated = load_default_definitions()
        self.stdout.write(f"Metric definitions: {created} created, {updated} updated.")
