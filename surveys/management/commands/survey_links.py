"""manage.py survey_links --fy YEAR --institution CODE: fresh links for letters by hand."""

from django.core.management.base import BaseCommand, CommandError

from institutions.models import Institution
from surveys.models import Survey
from surveys.services.invitations import issue_links


class Command(BaseCommand):
    help = (
        "Issue a fresh answer link for each customer of a TLO who has not answered (their "
        "earlier link stops working) and print one line per customer: address and link."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fy", type=int, required=True, help="the survey's fiscal year")
        parser.add_argument("--institution", required=True, help="the TLO's code")

    def handle(self, *args, fy, institution, **options):
        survey = Survey.objects.filter(fiscal_year=fy).first()
        if survey is None:
            raise CommandError(f"No survey for fiscal year {fy}.")
        tlo = Institution.objects.filter(code=institution).first()
        if tlo is None:
            raise CommandError(f"No institution with the code {institution!r}.")
        try:
            issued = issue_links(actor=None, survey=survey, institution=tlo)
        except ValueError as error:
            raise CommandError(str(error)) from None
        for link in issued:
            self.stdout.write(f"{link.contact.email}\t{link.url}")
