"""python manage.py export_metrics --fy YEAR [--format csv|xlsx] [--output FILE]"""

import sys

from django.core.management.base import BaseCommand

from core.spreadsheets import to_csv, to_xlsx
from metrics.selectors.metric_values import metric_export_rows

HEADERS = ["institution_code", "fiscal_year", "metric_code", "value"]


class Command(BaseCommand):
    help = (
        "Write every metric value of a fiscal year: institution_code, fiscal_year, "
        "metric_code, value (plain numbers, ratios as fractions: 7.117 for 711.7%; "
        "empty when not defined)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fy", type=int, required=True, help="fiscal year, e.g. 2010")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, fy, format, output=None, **options):
        rows = metric_export_rows(fiscal_year=fy)
        if format == "csv":
            # No byte-order mark on standard output, where scripts read it.
            body = to_csv(HEADERS, rows)
            if output is None:
                self.stdout.write(body.decode("utf-8-sig"), ending="")
                return
        else:
            body = to_xlsx(HEADERS, rows, title=f"metrics_{fy}")
            if output is None:
                sys.stdout.buffer.write(body)
                return
        with open(output, "wb") as file:
            file.write(body)
