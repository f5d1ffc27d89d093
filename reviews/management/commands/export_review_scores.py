from django.core.management.base import BaseCommand

from reviews.sheets import SCORE_HEADERS, score_rows

from ._export import add_arguments, as_official, cycle_of, write


class Command(BaseCommand):
    help = (
        "Every score of a cycle, one row per reviewer and criterion: "
        "institution_code,reviewer,ministry,criterion,score,comment,submitted."
    )

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **options):
        cycle = cycle_of(options["fy"])
        rows = score_rows(user=as_official(), cycle=cycle)
        write(self, SCORE_HEADERS, rows, file_format=options["format"], output=options["output"])
