"""python manage.py export_ranking METRIC --fy YEAR [--top N] [--anonymise]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.spreadsheets import to_csv
from institutions.enums import InstitutionKind
from metrics.calculations import letter_offset
from metrics.models import MetricDefinition
from metrics.selectors.metric_values import metric_definition, ranking_table


class Command(BaseCommand):
    help = (
        "Write one metric's ranking for a fiscal year as CSV: rank, label, value, with values "
        "printed as in the seed (711.7%). Ties share a rank; institutions whose value is not "
        "defined are left out."
    )

    def add_arguments(self, parser):
        parser.add_argument("metric", help="metric code, e.g. return_on_cost")
        parser.add_argument("--fy", type=int, required=True, help="fiscal year, e.g. 2010")
        parser.add_argument("--top", type=int, help="keep the rows ranked N or better")
        parser.add_argument(
            "--anonymise",
            action="store_true",
            help="label institutions 承認TLO (A), (B)… instead of naming them",
        )
        parser.add_argument(
            "--first-label",
            default="A",
            help="letter of the first anonymised row, to continue an earlier table (seed: K, U)",
        )
        parser.add_argument(
            "--kind",
            default=InstitutionKind.APPROVED_TLO,
            choices=[kind.value for kind in InstitutionKind],
        )
        parser.add_argument("--language", default="ja", choices=["ja", "en"])

    def handle(self, *args, metric, fy, top=None, anonymise=False, **options):
        try:
            definition = metric_definition(code=metric)
        except MetricDefinition.DoesNotExist:
            codes = ", ".join(MetricDefinition.objects.values_list("code", flat=True))
            raise CommandError(f"unknown metric {metric!r}; known: {codes}") from None
        try:
            start = letter_offset(options["first_label"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        with translation.override(options["language"]):
            table = ranking_table(
                definition=definition,
                fiscal_year=fy,
                kind=options["kind"],
                top=top,
                anonymise=anonymise,
                letter_start=start,
            )
            rows = [(row.rank, row.label, row.display) for row in table.rows]
        self.stdout.write(to_csv(["rank", "label", "value"], rows).decode("utf-8-sig"), ending="")
        self.stderr.write(f"{table.ranked} ranked, {table.excluded} left out (value not defined).")
