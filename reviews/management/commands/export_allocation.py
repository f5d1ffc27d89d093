"""python manage.py export_allocation --fy YEAR [--output FILE]"""

from django.core.management.base import BaseCommand, CommandError

from reviews.selectors.allocations import SCRIPT_COLUMNS, allocation_of, script_rows

from ._export import cycle_of, write


class Command(BaseCommand):
    help = (
        "Write a review cycle's support allocation as CSV: institution_code, tier "
        "(prioritised, standard, conditional, none), weight, computed_yen, amount_yen, "
        "reason (empty where nobody adjusted the amount)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fy", type=int, required=True, help="fiscal year of the cycle")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, fy, output=None, **options):
        allocation = allocation_of(cycle_of(fy))
        if allocation is None:
            raise CommandError(f"The review of fiscal year {fy} has no support allocation.")
        write(self, SCRIPT_COLUMNS, list(script_rows(allocation)), file_format="csv", output=output)
