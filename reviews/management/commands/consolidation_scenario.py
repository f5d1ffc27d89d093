"""python manage.py consolidation_scenario --fy YEAR --merge CODE,CODE[,…] [--into CODE]
[--internalise CODE --university CODE] [--saved-costs PCT] [--output FILE]"""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from institutions.enums import InstitutionKind
from institutions.models import Institution
from reviews.enums import ScenarioKind
from reviews.selectors.scenarios import SCRIPT_COLUMNS, ScenarioSpec, compute_scenario, script_rows

from ._export import write


def _institution(code: str, *, kind: str) -> Institution:
    found = Institution.objects.filter(code=code.strip()).first()
    if found is None:
        raise CommandError(f"No institution has the code {code!r}.")
    if found.kind != kind:
        raise CommandError(f"{code} is not an institution of the kind {kind}.")
    return found


class Command(BaseCommand):
    help = (
        "Compute a consolidation scenario without saving it and write, as CSV, "
        "metric_code, institution_code, fiscal_year, value: one row per metric, fiscal "
        "year and member, plus rows whose institution_code is 'combined' (ratios as "
        "fractions, empty where not defined)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fy", type=int, required=True, help="fiscal year of the cycle")
        parser.add_argument("--merge", help="codes of the approved TLOs to merge, comma-separated")
        parser.add_argument("--into", help="code of the member that continues (merger)")
        parser.add_argument("--internalise", help="code of the approved TLO to internalise")
        parser.add_argument("--university", help="code of the university IP headquarters")
        parser.add_argument("--saved-costs", default="0", help="shared costs saved, percent")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(
        self,
        *args,
        fy,
        merge=None,
        into=None,
        internalise=None,
        university=None,
        saved_costs="0",
        output=None,
        **options,
    ):
        try:
            saved = Decimal(saved_costs)
        except InvalidOperation:
            raise CommandError(
                f"--saved-costs must be a percentage, not {saved_costs!r}."
            ) from None
        if not Decimal(0) <= saved <= Decimal(100):
            raise CommandError("--saved-costs must be between 0 and 100.")
        if bool(merge) == bool(internalise):
            raise CommandError(
                "Give either --merge CODE,CODE or --internalise CODE --university CODE."
            )
        tlo = InstitutionKind.APPROVED_TLO
        if merge:
            members = [_institution(c, kind=tlo) for c in merge.split(",") if c.strip()]
            if len({m.pk for m in members}) < 2:
                raise CommandError("A merger needs at least two different approved TLOs.")
            continuing = _institution(into, kind=tlo) if into else None
            if continuing is not None and continuing not in members:
                raise CommandError("--into must be one of the merged TLOs.")
            spec = ScenarioSpec(
                fiscal_year=fy,
                kind=ScenarioKind.MERGER,
                member_ids=tuple(sorted({m.pk for m in members})),
                continuing_id=continuing.pk if continuing else None,
                saved_costs_percent=saved,
            )
        else:
            if not university:
                raise CommandError("--internalise needs --university CODE.")
            member = _institution(internalise, kind=tlo)
            hq = _institution(university, kind=InstitutionKind.IP_HEADQUARTERS)
            spec = ScenarioSpec(
                fiscal_year=fy,
                kind=ScenarioKind.INTERNALISATION,
                member_ids=(member.pk,),
                ip_headquarters_id=hq.pk,
                saved_costs_percent=saved,
            )
        rows = list(script_rows(compute_scenario(spec)))
        write(self, SCRIPT_COLUMNS, rows, file_format="csv", output=output)
