from django.core.management.base import BaseCommand

from reviews.sheets import RESULT_HEADERS, result_rows

from ._export import add_arguments, as_official, cycle_of, write


class Command(BaseCommand):
    help = (
        "A cycle's aggregates, one row per institution and criterion plus weighted_total: "
        "institution_code,criterion,mext_mean,meti_mean,joint,divergent."
    )

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **options):
        cycle = cycle_of(options["fy"])
        rows = result_rows(user=as_official(), cycle=cycle)
        write(self, RESULT_HEADERS, rows, file_format=options["format"], output=options["output"])
