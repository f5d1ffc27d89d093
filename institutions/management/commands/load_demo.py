import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from institutions.demo import DEMO_ACCOUNTS, create_demo_accounts
from institutions.models import Institution

# Each app adds its own demo data through one function; they run in this order.
DEMO_STEPS: tuple[str, ...] = (
    "metrics.demo.load_demo_reports",
    "surveys.demo.load_demo_surveys",
    "reviews.demo.load_demo_reviews",
)


class Command(BaseCommand):
    help = (
        "Create the demo accounts (password from DEMO_PASSWORD, or generated and printed "
        "once) and the demo data. For demonstrations only. Idempotent."
    )

    def handle(self, *args, **options):
        if not Institution.objects.filter(code="TLO-UTTLO").exists():
            raise CommandError("Load the registry first: python manage.py load_registry")
        created, generated = create_demo_accounts(password=os.environ.get("DEMO_PASSWORD"))
        for step in DEMO_STEPS:
            message = import_string(step)()
            if message:
                self.stdout.write(message)
        self.stdout.write("Demo accounts (for the demo only, never in production):")
        for account in DEMO_ACCOUNTS:
            mark = " (new)" if account.username in created else ""
            self.stdout.write(f"  {account.username:<14} {account.display_name}{mark}")
        if generated:
            self.stdout.write(f"Password of the new demo accounts: {generated}")
            self.stdout.write("It is shown only this once; set DEMO_PASSWORD to choose one.")
        elif os.environ.get("DEMO_PASSWORD"):
            self.stdout.write("Password: the value of DEMO_PASSWORD.")
        else:
            self.stdout.write("Accounts existed already; their password is unchanged.")
