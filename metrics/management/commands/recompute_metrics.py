"""python manage.py recompute_metrics [--fy YEAR]"""

from django.core.management.base import BaseCommand

from metrics.services.metric_values import recompute_metric_values


class Command(BaseCommand):
    help = (
        "Recompute the stored metric values from the accepted reports: all of them, or with "
        "--fy the given fiscal year and every later one (cumulative windows depend on it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fy", type=int, help="first fiscal year to recompute, e.g. 2010")

    def handle(self, *args, fy=None, **options):
        result = recompute_metric_values(from_fiscal_year=fy)
        self.stdout.write(
            f"Metric values: {result.created} created, {result.updated} updated, "
            f"{result.deleted} deleted, {result.unchanged} unchanged."
        )
